//! Photo upload (API v1), tus-core semantics without a tus dependency: `HEAD` says how many bytes
//! the server holds, `POST /v1/photos` declares an upload with its signature sidecar, `PATCH`
//! appends one chunk at exactly the server's offset (409 otherwise), and when the declared length
//! is reached the server checks the SHA-256 and the device's signature (by the calling device's
//! enrolled key, not revoked) and keeps nothing that fails.
//!
//! Chunks are read whole before they are appended, so a connection cut mid-chunk leaves nothing
//! of it and costs at most that chunk. Only `PATCH` takes bodies above the API's 64 KiB limit.
//! The answer that completes an upload comes after the photo is durable; the answers before it
//! say how far the upload got (see `photo_files` for why chunks are not fsynced one by one).
//! A device declares first (`POST`, idempotent, answered with where the server stands), so a new
//! photo costs one request besides its chunks.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use examgate_photo::{PhotoSignature, signature_over};
use examgate_sync::photo_wire::{
    CHUNK_LIMIT, PHOTO_MAX_BYTES, PhotoDeclare, PhotoStatus, UPLOAD_COMPLETE, UPLOAD_LENGTH,
    UPLOAD_OFFSET, is_sha256_hex,
};
use examgate_sync::wire::{DeviceInfo, ErrorBody};
use uuid::Uuid;

use crate::api::AppState;
use crate::db::ServerDb;
use crate::error::{Result, ServerError};
use crate::extract::{Authed, WireJson, bearer};
use crate::photo_files::PhotoDir;

/// An enrolled, unrevoked device. A revoked one is refused (403) as on every route, and its
/// unfinished uploads are removed first: nothing it half-sent stays on the server.
pub(crate) struct Uploader(DeviceInfo);

impl FromRequestParts<AppState> for Uploader {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        match Authed::from_request_parts(parts, state).await {
            Ok(Authed(device)) => Ok(Uploader(device)),
            Err(ServerError::DeviceRevoked) => {
                if let Some(token) = bearer(parts) {
                    state
                        .photo_db(move |db, dir| {
                            if let Some(id) = db.revoked_device_for_token(&token)? {
                                for sha in db.open_uploads(id)? {
                                    refuse(db, dir, &sha, id);
                                }
                            }
                            Ok(())
                        })
                        .await?;
                }
                Err(ServerError::DeviceRevoked)
            }
            Err(e) => Err(e),
        }
    }
}

fn photo_id(sha256: String) -> Result<String> {
    if is_sha256_hex(&sha256) {
        Ok(sha256)
    } else {
        Err(ServerError::BadArgument(
            "照片名须为 64 位小写十六进制 SHA-256 (a photo is named by its SHA-256, 64 lower-case hex digits)"
                .into(),
        ))
    }
}

fn status(sha256: &str, offset: u64, length: u64) -> PhotoStatus {
    PhotoStatus {
        sha256: sha256.to_owned(),
        offset,
        length,
        complete: offset == length,
    }
}

/// Drops `device`'s upload of `sha256`: its partial file and its row.
fn refuse(db: &ServerDb, dir: &PhotoDir, sha256: &str, device: Uuid) {
    dir.remove_partial(sha256, device);
    let _ = db.drop_upload(sha256, device);
}

/// The signature in `sidecar` holds for `sha256` and is by `device`'s enrolled, unrevoked key.
fn check_signature(db: &ServerDb, sha256: &str, sidecar: &str, device: Uuid) -> Result<()> {
    let uploader = db.uploader(device)?;
    if uploader.revoked {
        return Err(ServerError::DeviceRevoked);
    }
    let sig: PhotoSignature = serde_json::from_str(sidecar)
        .map_err(|e| ServerError::PhotoSignatureInvalid(format!("sidecar: {e}")))?;
    let signer = signature_over(sha256, &sig).map_err(ServerError::PhotoSignatureInvalid)?;
    if !signer
        .to_string()
        .eq_ignore_ascii_case(&uploader.public_key)
    {
        return Err(ServerError::PhotoSignatureInvalid(
            "签名密钥不是本设备注册的密钥 (signed by a key other than this device's enrolled key)"
                .into(),
        ));
    }
    Ok(())
}

/// How many bytes the server holds of this device's upload of the photo (`Upload-Offset`), its
/// declared length (`Upload-Length`) and, once the server holds it whole, `Upload-Complete: true`.
/// 404 when this device has neither declared nor completed an upload of it: another device's
/// photo is answered as one the server does not hold (its length and existence are not told).
#[utoipa::path(head, path = "/v1/photos/{sha256}", security(("device_token" = [])),
    params(("sha256" = String, Path, description = "SHA-256 of the photo, 64 lower-case hex digits")),
    responses(
        (status = 200, description = "what the server holds", headers(
            ("upload-offset" = u64, description = "bytes held"),
            ("upload-length" = u64, description = "declared length"),
            ("upload-complete" = bool, description = "the server holds the photo whole, checked"))),
        (status = 400, description = "bad_json: not a SHA-256"),
        (status = 401, description = "unauthorized"),
        (status = 403, description = "device_revoked"),
        (status = 404, description = "photo_not_declared: no upload of it by this device")))]
pub(crate) async fn head(
    State(state): State<AppState>,
    Uploader(device): Uploader,
    Path(sha256): Path<String>,
) -> Result<Response> {
    let sha = photo_id(sha256)?;
    let id = device.device_id;
    let s = state
        .photo_db(move |db, dir| {
            let held = dir.held(&sha);
            if let Some(len) = held
                && db.completed_uploaders(&sha)?.contains(&id)
            {
                return Ok(status(&sha, len, len));
            }
            let declared = db
                .declared(&sha, id)?
                .ok_or(ServerError::PhotoNotDeclared)?;
            // Declared by this device and held (another device finished first): `POST` and
            // `PATCH` answer complete too, and the device has nothing more to send.
            Ok(match held {
                Some(len) => status(&sha, len, len),
                None => status(&sha, dir.partial_len(&sha, id), declared.length),
            })
        })
        .await?;
    Ok((
        [
            (UPLOAD_OFFSET, HeaderValue::from(s.offset)),
            (UPLOAD_LENGTH, HeaderValue::from(s.length)),
            (
                UPLOAD_COMPLETE,
                HeaderValue::from_static(bool_str(s.complete)),
            ),
            (CACHE_CONTROL.as_str(), HeaderValue::from_static("no-store")),
        ],
        StatusCode::OK,
    )
        .into_response())
}

fn bool_str(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

/// Declares an upload: the photo's SHA-256, its length (≤ 20 MB) and its signature sidecar,
/// checked now (the signature covers the hash, not the bytes) and again at the end. Answers where
/// the upload stands: complete when the server already holds the photo (from any device).
#[utoipa::path(post, path = "/v1/photos", request_body = PhotoDeclare, security(("device_token" = [])),
    responses(
        (status = 200, body = PhotoStatus),
        (status = 400, body = ErrorBody, description = "bad_json"),
        (status = 401, body = ErrorBody, description = "unauthorized"),
        (status = 403, body = ErrorBody, description = "device_revoked"),
        (status = 413, body = ErrorBody, description = "too_large: over 20 MB"),
        (status = 422, body = ErrorBody, description = "photo_signature_invalid")))]
pub(crate) async fn declare(
    State(state): State<AppState>,
    Uploader(device): Uploader,
    WireJson(req): WireJson<PhotoDeclare>,
) -> Result<Json<PhotoStatus>> {
    let sha = photo_id(req.sha256)?;
    if req.length == 0 || req.length > PHOTO_MAX_BYTES {
        return Err(ServerError::TooLarge {
            limit: PHOTO_MAX_BYTES as usize,
        });
    }
    let id = device.device_id;
    state
        .photo_db(move |db, dir| {
            if let Some(len) = dir.held(&sha) {
                return Ok(status(&sha, len, len));
            }
            check_signature(db, &sha, &req.sidecar, id)?;
            match db.declared(&sha, id)? {
                Some(d) if d.length == req.length && d.sidecar == req.sidecar => {
                    Ok(status(&sha, dir.partial_len(&sha, id), d.length))
                }
                _ => {
                    dir.remove_partial(&sha, id);
                    db.declare(&sha, id, req.length, &req.sidecar, Utc::now())?;
                    Ok(status(&sha, 0, req.length))
                }
            }
        })
        .await
        .map(Json)
}

/// Appends one chunk (≤ 1 MiB) at `Upload-Offset`, which must be the server's (409 otherwise,
/// naming the server's in `Upload-Offset`). The chunk that reaches the declared length completes
/// the upload: SHA-256 and signature are checked, a failure removes everything of the upload,
/// and the photo is durable before the completing answer.
#[utoipa::path(patch, path = "/v1/photos/{sha256}", security(("device_token" = [])),
    params(
        ("sha256" = String, Path, description = "SHA-256 of the photo, 64 lower-case hex digits"),
        ("upload-offset" = u64, Header, description = "where this chunk starts: the server's offset")),
    request_body(content = Vec<u8>, content_type = "application/offset+octet-stream"),
    responses(
        (status = 200, body = PhotoStatus),
        (status = 400, body = ErrorBody, description = "bad_json: no offset, or past the declared length"),
        (status = 401, body = ErrorBody, description = "unauthorized"),
        (status = 403, body = ErrorBody, description = "device_revoked"),
        (status = 404, body = ErrorBody, description = "photo_not_declared"),
        (status = 409, body = ErrorBody, description = "upload_offset_mismatch",
            headers(("upload-offset" = u64, description = "the server's offset"))),
        (status = 413, body = ErrorBody, description = "too_large: a chunk over 1 MiB"),
        (status = 422, body = ErrorBody, description = "photo_hash_mismatch, photo_signature_invalid")))]
pub(crate) async fn patch(
    State(state): State<AppState>,
    Uploader(device): Uploader,
    Path(sha256): Path<String>,
    headers: HeaderMap,
    chunk: std::result::Result<Bytes, BytesRejection>,
) -> Result<Json<PhotoStatus>> {
    let sha = photo_id(sha256)?;
    let chunk = chunk.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ServerError::TooLarge { limit: CHUNK_LIMIT },
        _ => ServerError::BadArgument(e.body_text()),
    })?;
    let offset = headers
        .get(UPLOAD_OFFSET)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .ok_or_else(|| ServerError::BadArgument("缺少 Upload-Offset (no Upload-Offset)".into()))?;
    let id = device.device_id;
    state
        .photo_db(move |db, dir| append(db, dir, &sha, id, offset, &chunk))
        .await
        .map(Json)
}

fn append(
    db: &mut ServerDb,
    dir: &PhotoDir,
    sha: &str,
    id: Uuid,
    offset: u64,
    chunk: &[u8],
) -> Result<PhotoStatus> {
    if let Some(len) = dir.held(sha) {
        // A retried last chunk, or another device finished first: nothing more is needed.
        return Ok(status(sha, len, len));
    }
    let declared = db.declared(sha, id)?.ok_or(ServerError::PhotoNotDeclared)?;
    if offset.saturating_add(chunk.len() as u64) > declared.length {
        return Err(ServerError::BadArgument(format!(
            "分块超出申报的长度 {} (the chunk runs past the declared length)",
            declared.length
        )));
    }
    let held = dir.append(sha, id, offset, chunk)?;
    if held < declared.length {
        return Ok(status(sha, held, declared.length));
    }
    let got = dir.partial_sha256(sha, id)?;
    if got != sha {
        refuse(db, dir, sha, id);
        return Err(ServerError::PhotoHashMismatch {
            expected: sha.to_owned(),
        });
    }
    if let Err(e) = check_signature(db, sha, &declared.sidecar, id) {
        refuse(db, dir, sha, id);
        return Err(e);
    }
    dir.promote(sha, id, &declared.sidecar)?;
    db.complete(sha, id, held, Utc::now())?;
    Ok(status(sha, held, held))
}

/// The bytes of a photo the server holds whole, for the device that uploaded it and the chief
/// examiner of its candidate's site (`photo_access`); `photo_not_yours` for every other device,
/// whether the server holds the photo or not.
#[utoipa::path(get, path = "/v1/photos/{sha256}", security(("device_token" = [])),
    params(("sha256" = String, Path, description = "SHA-256 of the photo, 64 lower-case hex digits")),
    responses(
        (status = 200, content_type = "image/jpeg", body = Vec<u8>),
        (status = 400, body = ErrorBody, description = "bad_json: not a SHA-256"),
        (status = 401, body = ErrorBody, description = "unauthorized"),
        (status = 403, body = ErrorBody, description = "device_revoked; photo_not_yours: not its uploader nor the chief examiner of its candidate's site (held or not)"),
        (status = 404, body = ErrorBody, description = "not_found: a photo of the chief's site not uploaded yet")))]
pub(crate) async fn get(
    State(state): State<AppState>,
    Uploader(device): Uploader,
    Path(sha256): Path<String>,
) -> Result<Response> {
    let sha = photo_id(sha256)?;
    crate::photo_access::may_download(&state, &device, &sha).await?;
    let bytes = state.photo_db(move |_, dir| dir.read(&sha)).await?;
    Ok((
        [
            (CONTENT_TYPE, HeaderValue::from_static("image/jpeg")),
            (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        bytes,
    )
        .into_response())
}
