//! The device's side of photo upload: the photos this device's own events name (`PhotoRef`s)
//! that the server has not acknowledged, each sent as `POST` (the declaration, answered with where
//! the server stands) then `PATCH`es of [`CHUNK`] from there. A cut costs the chunk in flight and the next run (or the
//! retry here) resumes at the server's offset; the store records each photo the server confirms
//! so the next sync does not ask about it again.
//!
//! The store lock is taken only to read what is pending and to record a confirmation, never
//! across a network call: the door keeps working while photos upload.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::Utc;
use examgate_core::event::PhotoRef;
use examgate_store::Store;

use crate::client::Client;
use crate::error::{Result, SyncError, lock};
use crate::photo_wire::{CHUNK, PhotoDeclare, PhotoStatus};
use crate::wire::ErrorCode;

/// Where a run of [`upload_pending`] stands, after every chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhotoProgress {
    /// Photos finished (uploaded, already held, or given up) of `photos`.
    pub done: usize,
    pub photos: usize,
    /// Photo bytes acknowledged by the server this run (or found held) of `total`.
    pub bytes: u64,
    pub total: u64,
}

/// What a run of [`upload_pending`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PhotoReport {
    /// Photos the server now holds that it did not before this run.
    pub uploaded: usize,
    /// Photos the server already held (this device's earlier run, or another device's bytes).
    pub already_held: usize,
    /// Photo bytes sent in `PATCH` bodies, a chunk cut on the way included: the bytes a cut
    /// cost show up as `sent_bytes − total_bytes`.
    pub sent_bytes: u64,
    /// The bytes of the photos this run had to send.
    pub total_bytes: u64,
    /// HTTP requests made for photos: one declaration per attempt plus one per chunk.
    pub requests: u64,
    /// Files named by an event that are not (or no longer) on this device, by file name.
    pub missing: Vec<String>,
    /// Photos the server refused (hash or signature), with its reason; they stay pending.
    pub refused: Vec<(String, String)>,
}

impl PhotoReport {
    /// Every photo this device's events name is acknowledged by the server.
    pub fn all_acknowledged(&self) -> bool {
        self.missing.is_empty() && self.refused.is_empty()
    }
}

/// Consecutive transport failures without progress before a run gives up (the network is gone;
/// the next sync resumes at the server's offset).
const TRIES: usize = 4;

/// The files that may be `photo`: `<photos_dir>/<sitting folder>/<file>` for each sitting
/// folder. The folder name is the door's business (`examgate_door`); the hash decides which
/// candidate is the photo.
fn candidates(photos_dir: &Path, photo: &PhotoRef) -> Vec<PathBuf> {
    let bare = !photo.file.is_empty()
        && !matches!(photo.file.as_str(), "." | "..")
        && !photo.file.contains(['/', '\\']);
    if !bare {
        return Vec::new();
    }
    let Ok(dirs) = std::fs::read_dir(photos_dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = dirs
        .filter_map(|d| d.ok())
        .map(|d| d.path().join(&photo.file))
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found
}

/// The photo's bytes and its sidecar, if this device still has them as signed.
fn load(photos_dir: &Path, photo: &PhotoRef) -> Option<(Vec<u8>, String)> {
    candidates(photos_dir, photo).into_iter().find_map(|path| {
        let bytes = std::fs::read(&path).ok()?;
        if examgate_photo::sha256_hex(&bytes) != photo.sha256 {
            return None;
        }
        let sidecar = std::fs::read_to_string(examgate_photo::sidecar_path(&path)).ok()?;
        Some((bytes, sidecar))
    })
}

/// Uploads this device's photos the server does not hold yet; see the module header.
/// `progress` is called after every chunk. An error means the run stopped (server unreachable,
/// device revoked…): what was sent stays on the server, and the next run resumes there.
pub async fn upload_pending(
    store: &Mutex<Store>,
    photos_dir: &Path,
    client: &Client,
    progress: &(dyn Fn(PhotoProgress) + Sync),
) -> Result<PhotoReport> {
    let pending = lock(store)?.pending_photo_refs()?;
    let mut report = PhotoReport::default();
    let sizes: Vec<Option<u64>> = pending
        .iter()
        .map(|(_, p)| {
            candidates(photos_dir, p)
                .first()
                .and_then(|c| std::fs::metadata(c).ok())
                .map(|m| m.len())
        })
        .collect();
    report.total_bytes = sizes.iter().flatten().sum();
    let mut at = PhotoProgress {
        done: 0,
        photos: pending.len(),
        bytes: 0,
        total: report.total_bytes,
    };
    progress(at);
    for (_, photo) in &pending {
        let Some((bytes, sidecar)) = load(photos_dir, photo) else {
            report.missing.push(photo.file.clone());
            at.done += 1;
            progress(at);
            continue;
        };
        let base = at.bytes;
        let step = |sent: u64| {
            progress(PhotoProgress {
                bytes: base + sent,
                ..at
            })
        };
        match upload_one(client, &photo.sha256, &bytes, sidecar, &mut report, &step).await {
            Ok(held_before) => {
                lock(store)?.confirm_photo_upload(&photo.sha256, Utc::now())?;
                if held_before {
                    report.already_held += 1;
                } else {
                    report.uploaded += 1;
                }
            }
            Err(e @ SyncError::Refused { status: 422, .. }) => {
                report.refused.push((photo.file.clone(), e.to_string()));
            }
            Err(e) => return Err(e),
        }
        at.done += 1;
        at.bytes = base + bytes.len() as u64;
        progress(at);
    }
    Ok(report)
}

/// The app runs the upload on a background task: its future must be `Send`.
#[allow(dead_code, reason = "a compile-time check")]
fn upload_is_send(store: &Mutex<Store>, dir: &Path, client: &Client) {
    fn send<T: Send>(_: T) {}
    send(upload_pending(store, dir, client, &|_| {}));
}

/// Whether to try again from a fresh declaration: the connection failed, the offset moved under us,
/// or the server failed without changing anything.
fn retryable(e: &SyncError) -> bool {
    match e {
        SyncError::Unreachable { .. } | SyncError::BadResponse(_) => true,
        SyncError::Refused { status, code, .. } => {
            *code == Some(ErrorCode::UploadOffsetMismatch) || *status >= 500
        }
        _ => false,
    }
}

/// Sends one photo from wherever the server stands; answers whether the server already held it.
pub async fn upload_one(
    client: &Client,
    sha256: &str,
    bytes: &[u8],
    sidecar: String,
    report: &mut PhotoReport,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<bool> {
    let declare = PhotoDeclare {
        sha256: sha256.to_owned(),
        length: bytes.len() as u64,
        sidecar,
    };
    let mut failures = 0;
    let mut first = true;
    loop {
        match resume(client, &declare, bytes, report, progress, &mut first).await {
            Ok(held_before) => return Ok(held_before),
            Err((e, moved)) if retryable(&e) => {
                failures = if moved { 1 } else { failures + 1 };
                if failures >= TRIES {
                    return Err(e);
                }
            }
            Err((e, _)) => return Err(e),
        }
    }
}

/// One attempt: `POST` the declaration, which answers where the server stands (complete if it
/// holds the photo, the bytes it holds of this same declaration, else 0 for a new one), then the
/// chunks from the server's offset. One request before the chunks, not a `HEAD` and then a
/// `POST`: the declaration is idempotent. The error says whether any chunk got through before it.
async fn resume(
    client: &Client,
    declare: &PhotoDeclare,
    bytes: &[u8],
    report: &mut PhotoReport,
    progress: &(dyn Fn(u64) + Sync),
    first: &mut bool,
) -> std::result::Result<bool, (SyncError, bool)> {
    let sha = declare.sha256.as_str();
    report.requests += 1;
    let mut status: PhotoStatus = client
        .photo_declare(declare)
        .await
        .map_err(|e| (e, false))?;
    // Held before only if the very first answer says so (not after our own cut last chunk).
    let held_before = status.complete && std::mem::take(first);
    let mut moved = false;
    while !status.complete {
        let start = status.offset.min(declare.length) as usize;
        let end = (start + CHUNK).min(bytes.len());
        report.sent_bytes += (end - start) as u64;
        report.requests += 1;
        status = client
            .photo_patch(sha, start as u64, bytes[start..end].to_vec())
            .await
            .map_err(|e| (e, moved))?;
        moved = true;
        progress(status.offset);
    }
    Ok(held_before)
}
