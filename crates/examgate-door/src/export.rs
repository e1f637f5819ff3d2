//! The photo archive from the chief examiner's screen (导出应急处理照片): the chief's device asks
//! the site server for its site's archive of a sitting (`GET /v1/exports/archive`, made by the
//! server from every photo the rooms uploaded) and saves it where the chief chose in the save
//! dialog, under the notice's name ([`Door::archive_file_name`] proposes it).
//!
//! The download goes through the pinned client into a temporary file beside the target, never
//! into memory whole, reporting bytes received and the total as it goes; it is then checked (its
//! length is the one announced, and it is a ZIP whose central directory reads), synced and renamed
//! into place, so the target is either the whole archive or untouched. A refusal by the server
//! (photos missing or altered) comes back as `archive-refused` with one line per problem in
//! `details`; nothing is written.

use std::io::{BufWriter, Write};
use std::path::Path;

use examgate_export::{archive_name, order_in_term};
use examgate_sync::{ArchiveAnswer, SyncError, clients_for};
use serde::Serialize;
use ts_rs::TS;

use crate::Door;
use crate::error::{ErrorCode, IpcError, Result};

/// How far a download is: bytes received of the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct ArchiveProgress {
    pub received: u64,
    pub total: u64,
}

/// An archive saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ArchiveSaved {
    /// Where it was saved.
    pub path: String,
    /// The photos in it (`<student number>.jpg` entries).
    pub photos: u32,
    pub bytes: u64,
}

/// How often progress is reported: every this many parts of the total (and at the ends).
const PROGRESS_STEPS: u64 = 200;

fn save_failed(path: &Path, e: impl std::fmt::Display) -> IpcError {
    IpcError::new(
        ErrorCode::SaveFailed,
        format!(
            "无法保存到 {}：{e} (cannot save there; choose another folder)",
            path.display()
        ),
    )
}

fn damaged(reason: impl std::fmt::Display) -> IpcError {
    IpcError::new(
        ErrorCode::ArchiveDamaged,
        format!(
            "收到的归档不完整或已损坏，请重试 (the archive received is incomplete or damaged; try again): {reason}"
        ),
    )
}

/// The photos in the ZIP at `path`, read from its central directory.
fn count_photos(path: &Path) -> Result<u32> {
    let file = std::fs::File::open(path).map_err(|e| save_failed(path, e))?;
    let zip = zip::ZipArchive::new(file).map_err(damaged)?;
    let mut photos = 0;
    for name in zip.file_names() {
        let name = name.map_err(damaged)?;
        if name.ends_with(".jpg") && !name.contains('/') {
            photos += 1;
        }
    }
    Ok(u32::try_from(photos).unwrap_or(u32::MAX))
}

impl Door {
    /// The notice's file name of this site's archive of `sitting`
    /// (`<site>23春第一次学位英语考试应急处理照片.zip`), for the save dialog to propose.
    pub fn archive_file_name(&self, sitting: &str) -> Result<String> {
        let site = self.chief_site()?;
        let store = self.store()?;
        let info = store.sitting(sitting)?;
        let order = order_in_term(&info, &store.sittings()?);
        order
            .and_then(|o| archive_name(&site, info.sitting.date, o))
            .map_err(|e| IpcError::new(ErrorCode::BadArchiveName, e.to_string()))
    }

    /// Downloads this site's archive of `sitting` from the site server into `target` (see the
    /// module header); `progress` hears the bytes received and the total as they arrive.
    pub async fn export_archive(
        &self,
        sitting: &str,
        target: &Path,
        progress: impl Fn(ArchiveProgress),
    ) -> Result<ArchiveSaved> {
        let link = self.store()?.server_link()?.ok_or(SyncError::NotEnrolled)?;
        let folder = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let mut last = None;
        for client in clients_for(&link)? {
            let mut body = match client.archive_get(sitting).await {
                Ok(ArchiveAnswer::Ready(body)) => body,
                Ok(ArchiveAnswer::Refused(refused)) => {
                    let mut e = IpcError::new(ErrorCode::ArchiveRefused, refused.message);
                    e.details = refused.problems.into_iter().map(|p| p.message).collect();
                    return Err(e);
                }
                Err(e @ SyncError::Unreachable { .. }) => {
                    last = Some(e);
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            let tmp = tempfile::Builder::new()
                .prefix(".examgate-archive-")
                .suffix(".part")
                .tempfile_in(folder)
                .map_err(|e| save_failed(folder, e))?;
            let total = body.total;
            progress(ArchiveProgress { received: 0, total });
            let step = (total / PROGRESS_STEPS).max(1);
            let mut told = 0;
            {
                let mut out = BufWriter::with_capacity(256 * 1024, tmp.as_file());
                while let Some(chunk) = body.chunk().await? {
                    out.write_all(&chunk).map_err(|e| save_failed(target, e))?;
                    if body.received - told >= step || body.received == total {
                        told = body.received;
                        progress(ArchiveProgress {
                            received: told,
                            total,
                        });
                    }
                }
                out.flush().map_err(|e| save_failed(target, e))?;
            }
            let len = tmp
                .as_file()
                .metadata()
                .map_err(|e| save_failed(target, e))?
                .len();
            if len != total {
                return Err(damaged(format!("{len} ≠ {total}")));
            }
            let photos = count_photos(tmp.path())?;
            tmp.as_file()
                .sync_all()
                .map_err(|e| save_failed(target, e))?;
            tmp.persist(target)
                .map_err(|e| save_failed(target, e.error))?;
            return Ok(ArchiveSaved {
                path: target.display().to_string(),
                photos,
                bytes: total,
            });
        }
        Err(last.map_or_else(|| IpcError::from(SyncError::NotEnrolled), IpcError::from))
    }
}
