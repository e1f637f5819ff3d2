//! The catalogue routes: a device downloads its own site's catalogue (never another site's) and
//! the registration photos it names. `GET /v1/catalogue` answers a bodiless 304 when the device's
//! `If-None-Match` is still the current version, so polling costs nothing heavy; the version
//! alone is `GET /v1/catalogue/version` (a row read while nothing changed).

use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use examgate_sync::wire::{Catalogue, CatalogueVersion, ErrorBody};

use crate::api::AppState;
use crate::error::{Result, ServerError};
use crate::extract::Authed;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/catalogue", get(catalogue))
        .route("/v1/catalogue/version", get(version))
        .route("/v1/catalogue/photos/{sha256}", get(photo))
}

/// Whether an `If-None-Match` header names `etag` (or `*`).
fn matches(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*")
}

fn etag_header(etag: &str) -> Result<HeaderValue> {
    HeaderValue::from_str(etag).map_err(|e| ServerError::Internal(e.to_string()))
}

/// The catalogue of the device's site: its sittings, site, rooms, seating lists (whole document
/// numbers), roster and registration photos by hash.
#[utoipa::path(get, path = "/v1/catalogue", security(("device_token" = [])),
    params(("If-None-Match" = Option<String>, Header,
        description = "the ETag of the catalogue held (`\"VERSION-SHA256\"`)")),
    responses(
        (status = 200, body = Catalogue, headers(("ETag" = String))),
        (status = 304, description = "the catalogue held is current; no body"),
        (status = 401, body = ErrorBody, description = "unauthorized"),
        (status = 403, body = ErrorBody, description = "device_revoked")))]
pub(crate) async fn catalogue(
    State(state): State<AppState>,
    Authed(device): Authed,
    headers: HeaderMap,
) -> Result<Response> {
    let site = device.site;
    let current = {
        let site = site.clone();
        state
            .store(move |s| Ok(s.catalogue_version(&site)?))
            .await?
    };
    let etag = CatalogueVersion::from(current).etag();
    if matches(&headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, [(ETAG, etag_header(&etag)?)]).into_response());
    }
    // Built and serialized on the blocking pool: a large site's catalogue is a few MB.
    let (etag, body) = state
        .store(move |s| {
            let c = s.catalogue(&site)?;
            let etag = CatalogueVersion::from(c.version()).etag();
            let body = serde_json::to_vec(&Catalogue::from(c))
                .map_err(|e| ServerError::Internal(e.to_string()))?;
            Ok((etag, body))
        })
        .await?;
    Ok((
        [
            (CONTENT_TYPE, HeaderValue::from_static("application/json")),
            (ETAG, etag_header(&etag)?),
        ],
        Body::from(body),
    )
        .into_response())
}

/// Which catalogue the server has for the device's site.
#[utoipa::path(get, path = "/v1/catalogue/version", security(("device_token" = [])),
    responses(
        (status = 200, body = CatalogueVersion),
        (status = 401, body = ErrorBody, description = "unauthorized"),
        (status = 403, body = ErrorBody, description = "device_revoked")))]
pub(crate) async fn version(
    State(state): State<AppState>,
    Authed(device): Authed,
) -> Result<Json<CatalogueVersion>> {
    let site = device.site;
    let v = state
        .store(move |s| Ok(s.catalogue_version(&site)?))
        .await?;
    Ok(Json(v.into()))
}

/// A registration photo of a candidate of the device's site, by its SHA-256 (as the catalogue
/// names it). A photo of another site is answered as unknown.
#[utoipa::path(get, path = "/v1/catalogue/photos/{sha256}", security(("device_token" = [])),
    params(("sha256" = String, Path, description = "64 hex digits")),
    responses(
        (status = 200, content_type = "image/jpeg", description = "the photo's bytes (JPEG or PNG)"),
        (status = 400, body = ErrorBody, description = "bad_json: not a SHA-256"),
        (status = 401, body = ErrorBody, description = "unauthorized"),
        (status = 403, body = ErrorBody, description = "device_revoked"),
        (status = 404, body = ErrorBody, description = "not_found: no such photo at this site")))]
pub(crate) async fn photo(
    State(state): State<AppState>,
    Authed(device): Authed,
    Path(sha256): Path<String>,
) -> Result<Response> {
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ServerError::BadArgument(
            "照片须以 64 位十六进制 SHA-256 指明 (a photo is named by its SHA-256, 64 hex digits)"
                .into(),
        ));
    }
    let site = device.site;
    let sha = sha256.to_ascii_lowercase();
    let found = state
        .store(move |s| Ok(s.catalogue_photo(&site, &sha)?))
        .await?;
    let (content_type, bytes) = found.ok_or(ServerError::NotFound)?;
    Ok((
        [
            (CONTENT_TYPE, etag_header(&content_type)?),
            (
                CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=31536000, immutable"),
            ),
        ],
        Body::from(bytes),
    )
        .into_response())
}
