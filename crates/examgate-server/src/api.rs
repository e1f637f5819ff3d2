//! The HTTP API (version 1): routes, the shared state and the handlers, each a few lines over
//! [`ServerDb`]. Database work runs on the blocking pool behind one mutex: SQLite writes are
//! serial anyway, and the async workers stay free for TLS and slow clients.
//!
//! Every route takes at most [`BODY_LIMIT`]; the event push and the photo chunk route
//! (`PATCH /v1/photos/{sha256}`, [`CHUNK_LIMIT`]) raise it for themselves. Event sync's handlers
//! are in `events`, photo upload's in `photos`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::routing::{get, head, post};
use chrono::Utc;
use examgate_store::Store;
use examgate_sync::clock::{ClockOffset, ClockSample, offset};
use examgate_sync::photo_wire::CHUNK_LIMIT;
use examgate_sync::wire::{
    BODY_LIMIT, DeviceInfo, EVENTS_BODY_LIMIT, EnrollRequest, EnrollResponse, ErrorBody,
    TimeResponse,
};
use uuid::Uuid;

use crate::db::ServerDb;
use crate::error::{Result, ServerError};
use crate::events;
use crate::extract::{Authed, WireJson};
use crate::micros;
use crate::photo_files::PhotoDir;
use crate::photos;

/// What every handler shares.
#[derive(Debug, Clone)]
pub(crate) struct AppState(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    db: Mutex<ServerDb>,
    /// The site's events: the one open store of the server (its catalogue and the union of the
    /// devices' events). Locked for one request's SQLite work at a time, on the blocking pool.
    store: Mutex<Store>,
    /// Bumped whenever events join the store's log: wakes the long polls.
    arrivals: tokio::sync::watch::Sender<u64>,
    /// The (t2, t3) the server last answered each device's `GET /v1/time` with: `POST /v1/clock`
    /// must report those, so a device cannot invent the server's half of a sample.
    issued: Mutex<HashMap<Uuid, (i64, i64)>>,
    /// `DIR/photos`; its files change only under the database lock (see [`AppState::photo_db`]).
    photos: PhotoDir,
    /// The server's data folder (`DIR`).
    data: std::path::PathBuf,
    /// Held while a photo archive is being made: one at a time (see `exports`).
    exporting: tokio::sync::Mutex<()>,
    /// The server's clock for the sittings' timed room acts (`timing`).
    clock: crate::timing::Clock,
}

impl AppState {
    pub(crate) fn new(
        db: ServerDb,
        store: Store,
        photos: PhotoDir,
        data: std::path::PathBuf,
        clock: crate::timing::Clock,
    ) -> AppState {
        AppState(Arc::new(Inner {
            db: Mutex::new(db),
            store: Mutex::new(store),
            arrivals: tokio::sync::watch::Sender::new(0),
            issued: Mutex::new(HashMap::new()),
            photos,
            data,
            exporting: tokio::sync::Mutex::new(()),
            clock,
        }))
    }

    /// The server's clock for the sittings' timed room acts.
    pub(crate) fn clock(&self) -> &crate::timing::Clock {
        &self.0.clock
    }

    /// The server's data folder.
    pub(crate) fn data_dir(&self) -> &std::path::Path {
        &self.0.data
    }

    /// The turn to make a photo archive, or `export_busy` while another is being made.
    pub(crate) fn export_turn(&self) -> Result<tokio::sync::MutexGuard<'_, ()>> {
        self.0
            .exporting
            .try_lock()
            .map_err(|_| ServerError::ExportBusy)
    }

    /// [`AppState::db`] with the photo folder: an upload's file and its row change together,
    /// one request at a time, so a retried chunk can never interleave with the original.
    pub(crate) async fn photo_db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut ServerDb, &PhotoDir) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let photos = self.0.photos.clone();
        self.db(move |db| f(db, &photos)).await
    }

    /// Runs `f` on the server's tables, on the blocking pool.
    pub(crate) async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut ServerDb) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let inner = self.0.clone();
        tokio::task::spawn_blocking(move || {
            let mut db = inner
                .db
                .lock()
                .map_err(|_| ServerError::Internal("database lock poisoned".into()))?;
            f(&mut db)
        })
        .await
        .map_err(|e| ServerError::Internal(e.to_string()))?
    }

    /// Runs `f` on the site's store, on the blocking pool.
    pub(crate) async fn store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let inner = self.0.clone();
        tokio::task::spawn_blocking(move || {
            let mut store = inner
                .store
                .lock()
                .map_err(|_| ServerError::Internal("store lock poisoned".into()))?;
            f(&mut store)
        })
        .await
        .map_err(|e| ServerError::Internal(e.to_string()))?
    }

    /// Tells the long polls that events joined the log.
    pub(crate) fn arrived(&self) {
        self.0.arrivals.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A receiver that sees every later [`AppState::arrived`].
    pub(crate) fn arrivals(&self) -> tokio::sync::watch::Receiver<u64> {
        self.0.arrivals.subscribe()
    }

    fn issued(&self) -> Result<std::sync::MutexGuard<'_, HashMap<Uuid, (i64, i64)>>> {
        self.0
            .issued
            .lock()
            .map_err(|_| ServerError::Internal("clock lock poisoned".into()))
    }
}

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/v1/enroll", post(enroll))
        .route("/v1/whoami", get(whoami))
        .route("/v1/time", get(time))
        .route("/v1/clock", post(clock))
        .route("/v1/status", get(events::status))
        .route(
            "/v1/events",
            get(events::pull)
                .post(events::push)
                .layer(DefaultBodyLimit::max(EVENTS_BODY_LIMIT)),
        )
        .route("/v1/photos", post(photos::declare))
        .route(
            "/v1/photos/{sha256}",
            head(photos::head)
                .get(photos::get)
                .patch(photos::patch)
                // A chunk and its headers; every other route keeps BODY_LIMIT.
                .layer(DefaultBodyLimit::max(CHUNK_LIMIT)),
        )
        .route("/v1/exports/archive", get(crate::exports::archive))
        .route("/openapi.json", get(openapi))
        .merge(crate::catalogue::routes())
        .fallback(|| async { ServerError::NotFound })
        .method_not_allowed_fallback(|| async { ServerError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// Redeem a one-time enrollment code for a device token.
#[utoipa::path(post, path = "/v1/enroll", request_body = EnrollRequest,
    responses(
        (status = 200, body = EnrollResponse),
        (status = 400, body = ErrorBody, description = "bad_json"),
        (status = 401, body = ErrorBody, description = "enroll_code_unknown"),
        (status = 403, body = ErrorBody, description = "device_revoked"),
        (status = 409, body = ErrorBody, description = "enroll_code_used, device_conflict"),
        (status = 410, body = ErrorBody, description = "enroll_code_expired"),
        (status = 413, body = ErrorBody, description = "too_large")))]
pub(crate) async fn enroll(
    State(state): State<AppState>,
    WireJson(req): WireJson<EnrollRequest>,
) -> Result<Json<EnrollResponse>> {
    state
        .db(move |db| db.enroll(&req, Utc::now()))
        .await
        .map(Json)
}

/// What the server knows the calling device as.
#[utoipa::path(get, path = "/v1/whoami", security(("device_token" = [])),
    responses(
        (status = 200, body = DeviceInfo),
        (status = 401, body = ErrorBody, description = "unauthorized"),
        (status = 403, body = ErrorBody, description = "device_revoked")))]
pub(crate) async fn whoami(Authed(device): Authed) -> Json<DeviceInfo> {
    Json(device)
}

/// The server's half of an NTP exchange: when it received this request (t2) and answered (t3).
#[utoipa::path(get, path = "/v1/time", security(("device_token" = [])),
    responses(
        (status = 200, body = TimeResponse),
        (status = 401, body = ErrorBody, description = "unauthorized"),
        (status = 403, body = ErrorBody, description = "device_revoked")))]
pub(crate) async fn time(
    State(state): State<AppState>,
    Authed(device): Authed,
) -> Result<Json<TimeResponse>> {
    // t2 is taken after authentication: the token check is part of the server's turnaround,
    // which t3 − t2 removes from the round trip.
    let t2_us = micros(Utc::now());
    let t3_us = micros(Utc::now());
    state.issued()?.insert(device.device_id, (t2_us, t3_us));
    Ok(Json(TimeResponse { t2_us, t3_us }))
}

/// Report the four timestamps of the last exchange; the server records the device's offset.
#[utoipa::path(post, path = "/v1/clock", request_body = ClockSample, security(("device_token" = [])),
    responses(
        (status = 200, body = ClockOffset),
        (status = 400, body = ErrorBody, description = "bad_json, bad_clock_sample"),
        (status = 401, body = ErrorBody, description = "unauthorized"),
        (status = 403, body = ErrorBody, description = "device_revoked")))]
pub(crate) async fn clock(
    State(state): State<AppState>,
    Authed(device): Authed,
    WireJson(sample): WireJson<ClockSample>,
) -> Result<Json<ClockOffset>> {
    let issued = state.issued()?.remove(&device.device_id);
    if issued != Some((sample.t2_us, sample.t3_us)) {
        return Err(ServerError::BadClockSample(
            "t2/t3 不是服务器对本设备最近一次 /v1/time 的回答 (t2/t3 are not the server's last answer to this device)"
                .into(),
        ));
    }
    let measured = offset(sample).map_err(|e| ServerError::BadClockSample(e.to_string()))?;
    let id = device.device_id;
    state
        .db(move |db| db.record_clock(id, measured, Utc::now()))
        .await?;
    Ok(Json(measured))
}

/// This API's OpenAPI document.
pub(crate) async fn openapi() -> ([(axum::http::HeaderName, &'static str); 1], String) {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        crate::openapi::openapi_json(),
    )
}
