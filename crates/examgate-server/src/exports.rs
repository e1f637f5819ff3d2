//! `GET /v1/exports/archive?sitting=…`: the site's emergency-photo archive (the ZIP the notice
//! asks each site for after the exam, made by the `examgate-export` crate, as
//! `examgate export archive` makes it) for the chief examiner's device of that site, and nobody
//! else: every other device gets 403 `not_chief`. The archive is of the calling device's own site,
//! never another's.
//!
//! The server plans the archive from its store (under the store lock, briefly), then writes it
//! from its photo folder (`DIR/photos/<sha256>.jpg`, by hash) into a fresh temporary folder under
//! `DIR/exports/`, outside every lock. A missing or altered photo refuses the whole archive: 409
//! `archive_refused` naming each problem, and never a partial ZIP. A written archive is opened,
//! its file unlinked at once (on unix an open file lives on until closed), and streamed with its
//! `Content-Length`, so nothing is left behind however the download ends.
//!
//! **One export at a time per server.** Making an archive reads every photo of the site once (a
//! few GB on a big site); two at once would only halve each other's speed and double the disk
//! used. A second request while one is being made gets 503 `export_busy` at once. Because of that
//! lock, anything found in `DIR/exports/` when an export starts is left over from a crash and is
//! removed.

use std::path::{Path, PathBuf};

use axum::Json;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use examgate_export::{
    ArchiveError, Fault, Folders, Options, PlanError, Problem, SitePlan, export_site, plan_with,
};
use examgate_photo::{PublicKey, parse_trusted};
use examgate_store::StoreError;
use examgate_sync::wire::{
    ArchiveFault, ArchiveProblem, ArchiveQuery, ArchiveRefused, ErrorBody, ErrorCode, Role,
};

use crate::api::AppState;
use crate::error::{Result, ServerError};
use crate::extract::Authed;

/// The folder archives are made in, under the server's data folder.
pub(crate) const EXPORTS_DIR: &str = "exports";

/// A plan's outcome: the archive written (its open file, length, name), or its problems.
enum Made {
    Archive {
        file: std::fs::File,
        len: u64,
        name: String,
    },
    Refused(Vec<Problem>),
}

/// The site's photo archive of a sitting, for the chief examiner of the calling device's site.
#[utoipa::path(get, path = "/v1/exports/archive", params(ArchiveQuery), security(("device_token" = [])),
    responses(
        (status = 200, content_type = "application/zip", body = Vec<u8>,
            headers(("Content-Length" = u64), ("Content-Disposition" = String,
                description = "attachment; the notice's file name (RFC 6266 filename*)"))),
        (status = 400, body = ErrorBody, description = "bad_json: no sitting, or an unknown one"),
        (status = 401, body = ErrorBody, description = "unauthorized"),
        (status = 403, body = ErrorBody, description = "device_revoked; not_chief: not the site's chief examiner's device"),
        (status = 409, body = ArchiveRefused, description = "archive_refused: photos missing or altered, each named; no ZIP"),
        (status = 503, body = ErrorBody, headers(("Retry-After" = u32, description = "seconds")),
            description = "export_busy: another archive is being made (one at a time per server)")))]
pub(crate) async fn archive(
    State(state): State<AppState>,
    Authed(device): Authed,
    query: std::result::Result<Query<ArchiveQuery>, QueryRejection>,
) -> Result<Response> {
    if device.role != Role::Chief {
        return Err(ServerError::NotChief);
    }
    let Query(q) = query.map_err(|e| ServerError::BadArgument(e.body_text()))?;
    let _turn = state.export_turn()?;
    let (sitting, site) = (q.sitting, device.site);
    // The site's enrolled, non-revoked device keys (what `examgate export keys` prints) and the
    // clock measurements for the manifest's 设备时钟偏差, exactly as the CLI's export reads them.
    let trust_site = site.clone();
    let (trusted, clocks) = state
        .db(move |db| {
            Ok((
                db.site_trust_list(Some(&trust_site), false)?,
                db.clock_samples()?,
            ))
        })
        .await?;
    let trusted: Vec<PublicKey> =
        parse_trusted(&trusted).map_err(|e| ServerError::Internal(e.to_string()))?;
    let (site_plan, options) = state
        .store(move |s| {
            let info = s.sitting(&sitting).map_err(unknown_sitting)?;
            let mut plans =
                plan_with(s, &sitting, Some(&site), None, &clocks).map_err(plan_error)?;
            let options = Options {
                timestamp: info.sitting.date.and_time(info.sitting.start),
                allow_incomplete: false,
                force_zip64: false,
            };
            let site_plan = plans
                .pop()
                .ok_or_else(|| ServerError::Internal("no plan for the site".into()))?;
            Ok((site_plan, options))
        })
        .await?;
    let data = state.data_dir().to_owned();
    let made = tokio::task::spawn_blocking(move || make(&data, &site_plan, options, &trusted))
        .await
        .map_err(|e| ServerError::Internal(e.to_string()))??;
    match made {
        Made::Refused(problems) => Ok(refused(&problems)),
        Made::Archive { file, len, name } => Ok(stream(file, len, &name)),
    }
}

fn unknown_sitting(e: StoreError) -> ServerError {
    match e {
        StoreError::UnknownSitting(_) => ServerError::BadArgument(e.to_string()),
        other => ServerError::Store(other),
    }
}

fn plan_error(e: PlanError) -> ServerError {
    match e {
        PlanError::Store(e) => unknown_sitting(e),
        // The site has no candidate in the sitting, or its name cannot make a file name.
        PlanError::NoSuchSite { .. } | PlanError::Name(_) => {
            ServerError::BadArgument(e.to_string())
        }
    }
}

/// Writes the archive into a fresh folder under `DIR/exports/` and opens it; the folder (and the
/// file's name) is gone when this returns, the open file is not.
fn make(data: &Path, site: &SitePlan, options: Options, trusted: &[PublicKey]) -> Result<Made> {
    let root = data.join(EXPORTS_DIR);
    // One export at a time (the caller holds the turn): whatever is here is a crash's leftover.
    if root.exists() {
        std::fs::remove_dir_all(&root).map_err(|e| ServerError::io(&root, e))?;
    }
    crate::serve::private_dir(&root)?;
    let work = tempfile::Builder::new()
        .prefix("archive-")
        .tempdir_in(&root)
        .map_err(|e| ServerError::io(&root, e))?;
    let photos: PathBuf = data.join("photos");
    let files = Folders {
        by_name: Vec::new(),
        by_hash: vec![photos],
    };
    let written = export_site(work.path(), site, &files, options, trusted);
    let path = match written {
        Ok((path, _)) => path,
        Err(ArchiveError::Refused(problems)) => return Ok(Made::Refused(problems)),
        Err(e) => return Err(ServerError::Internal(e.to_string())),
    };
    let file = std::fs::File::open(&path).map_err(|e| ServerError::io(&path, e))?;
    let len = file
        .metadata()
        .map_err(|e| ServerError::io(&path, e))?
        .len();
    // Unlinked now: the download streams from the open file, and nothing stays on disk.
    work.close().map_err(|e| ServerError::io(&root, e))?;
    Ok(Made::Archive {
        file,
        len,
        name: site.name.clone(),
    })
}

fn refused(problems: &[Problem]) -> Response {
    let problems: Vec<ArchiveProblem> = problems
        .iter()
        .map(|p| ArchiveProblem {
            student: p.student.clone(),
            file: p.file.clone(),
            fault: match p.fault {
                Fault::Missing => ArchiveFault::Missing,
                Fault::Altered { .. } => ArchiveFault::Altered,
                Fault::Unreadable(_) => ArchiveFault::Unreadable,
                Fault::NoSignature => ArchiveFault::NoSignature,
                Fault::BadSignature(_) => ArchiveFault::BadSignature,
                Fault::Untrusted { .. } => ArchiveFault::Untrusted,
                Fault::Conflict { .. } => ArchiveFault::Conflict,
            },
            message: p.to_string(),
        })
        .collect();
    let body = ArchiveRefused {
        code: ErrorCode::ArchiveRefused,
        message: format!(
            "{} 张照片缺失或被改动，未生成归档 ({} photos are missing or altered: no archive was made)",
            problems.len(),
            problems.len()
        ),
        problems,
    };
    (StatusCode::CONFLICT, Json(body)).into_response()
}

/// `Content-Disposition` with the notice's name: an ASCII fallback and the UTF-8 name (RFC 6266).
fn disposition(name: &str) -> HeaderValue {
    let encoded =
        percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC).to_string();
    HeaderValue::from_str(&format!(
        "attachment; filename=\"archive.zip\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

fn stream(file: std::fs::File, len: u64, name: &str) -> Response {
    let reader = tokio_util::io::ReaderStream::with_capacity(
        tokio::fs::File::from_std(file),
        examgate_export::archive::BUFFER,
    );
    (
        [
            (CONTENT_TYPE, HeaderValue::from_static("application/zip")),
            (CONTENT_LENGTH, HeaderValue::from(len)),
            (CONTENT_DISPOSITION, disposition(name)),
            (CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        Body::from_stream(reader),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use examgate_sync::wire::DeviceInfo;

    fn chief(role: Role) -> Authed {
        Authed(DeviceInfo {
            device_id: uuid::Uuid::nil(),
            name: "chief".into(),
            site: "襄阳电大校本部".into(),
            room: None,
            role,
            staff: "Z02".into(),
        })
    }

    fn query() -> std::result::Result<Query<ArchiveQuery>, QueryRejection> {
        Ok(Query(ArchiveQuery {
            sitting: "2023春 第一次".into(),
        }))
    }

    #[tokio::test]
    async fn a_second_export_while_one_is_being_made_is_refused_busy_and_the_chief_alone_is_let_in()
    {
        let dir = tempfile::tempdir().unwrap();
        let state = crate::serve::Server::open(dir.path())
            .unwrap()
            .into_state()
            .unwrap();
        let turn = state.export_turn().unwrap();
        let busy = archive(State(state.clone()), chief(Role::Chief), query()).await;
        assert!(matches!(busy, Err(ServerError::ExportBusy)), "{busy:?}");
        assert_eq!(ServerError::ExportBusy.code().status(), 503);
        // A proctor hears not_chief, busy or not: it learns nothing of the chief's exports.
        let proctor = archive(State(state.clone()), chief(Role::Proctor), query()).await;
        assert!(matches!(proctor, Err(ServerError::NotChief)), "{proctor:?}");
        drop(turn);
        // The turn is free again: the export goes on (to the empty server's unknown sitting).
        let after = archive(State(state), chief(Role::Chief), query()).await;
        assert!(
            matches!(after, Err(ServerError::BadArgument(_))),
            "{after:?}"
        );
        let response = ServerError::ExportBusy.into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(
            response
                .headers()
                .contains_key(axum::http::header::RETRY_AFTER)
        );
    }
}
