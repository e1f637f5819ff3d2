//! Sync as the door device runs it: in the background, whenever the device is enrolled, every
//! ~30 s and right after each door act, with a long poll for the other devices' events in
//! between; on demand (Settings' 立即同步); and the state the header and Settings show
//! (已同步 / 待上传 N 条事件 / 离线（自 HH:MM）, the clock offset, the 2-minute warning).
//!
//! The engine is `examgate_sync::sync_once` / `pull_wait`, which lock the store only for short
//! local work: a door act never waits for the network. One sync runs at a time (an async lock
//! held across the sync, never the store's); the long poll runs outside it, so a tap on
//! 立即同步 or a door act is not held up by a poll waiting for the server.
//!
//! Whenever a sync or a long poll merges other devices' events (or a new catalogue), the door's
//! [`Door::store_changes`] watch moves on: the shell forwards it to the window, which reads again
//! what it shows (the open card, the tally, the chief's overview). A photo upload's progress is
//! kept here too, for the header's bar.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use examgate_sync::{CatalogueOutcome, Phase, Progress, SyncStatus, sync_status};
use serde::Serialize;
use tokio::sync::{Notify, watch};
use ts_rs::TS;

use crate::Door;
use crate::error::{ErrorCode, IpcError, Result, sync_code};
use crate::server::ClockReading;

/// A device clock further than this from the server's gets the header's warning.
pub const CLOCK_WARNING_MS: i64 = 2 * 60 * 1000;

/// How the background sync paces itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncSchedule {
    /// A full sync at least this often while enrolled (and right after each door act).
    pub period: Duration,
    /// How long one long poll for other devices' events waits at the server, in seconds.
    pub long_poll_secs: u32,
}

impl Default for SyncSchedule {
    fn default() -> SyncSchedule {
        SyncSchedule {
            period: Duration::from_secs(30),
            long_poll_secs: 25,
        }
    }
}

/// What the header says about sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum SyncState {
    /// No site server: the header says nothing about sync.
    NotEnrolled,
    /// Enrolled, not synced yet.
    Never,
    /// 已同步: the server holds every event of this device.
    Synced,
    /// 待上传 N 条事件: reached the server, but events wait (the next sync sends them).
    Pending,
    /// 离线（自 HH:MM）: the server could not be reached, since the last sync that succeeded.
    Offline,
    /// The server refused the last sync (revoked, …): `last_error` says why.
    Failed,
}

/// The sync state for the header and Settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SyncView {
    pub state: SyncState,
    /// This device's events the server has not acknowledged.
    pub pending: u64,
    /// This device's photos the server has not confirmed (待上传 M 张照片).
    pub photos_pending: u64,
    /// The photo upload running now, if any: the header's progress bar.
    pub upload: Option<UploadProgress>,
    /// When the last sync succeeded (RFC 3339, device clock).
    pub last_sync_at: Option<String>,
    /// Offline since (RFC 3339): the last sync that succeeded, else the enrollment.
    pub offline_since: Option<String>,
    /// Why the last attempt failed (bilingual), or a note of the last sync (events kept aside).
    pub last_error: Option<String>,
    /// The last measured clock offset.
    pub clock: Option<ClockReading>,
    /// The device clock is more than 2 minutes off the server's: the header warns.
    pub clock_warning: bool,
}

/// How far the current round of photo uploads has got, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct UploadProgress {
    /// Photo bytes the server has acknowledged this round.
    pub sent: u64,
    /// The bytes of the photos this round has to send.
    pub total: u64,
}

/// The background sync's shared state, one per door.
#[derive(Debug)]
pub(crate) struct SyncDesk {
    running: tokio::sync::Mutex<()>,
    kick: Notify,
    /// The outcome of this process's last sync attempt (the store keeps only the message).
    last: Mutex<Option<std::result::Result<(), ErrorCode>>>,
    done: watch::Sender<u64>,
    /// Bumped whenever a sync merged other devices' events or a new catalogue.
    changed: watch::Sender<u64>,
    /// The photo upload in progress.
    upload: Mutex<Option<UploadProgress>>,
}

impl Default for SyncDesk {
    fn default() -> SyncDesk {
        SyncDesk {
            running: tokio::sync::Mutex::new(()),
            kick: Notify::new(),
            last: Mutex::new(None),
            done: watch::Sender::new(0),
            changed: watch::Sender::new(0),
            upload: Mutex::new(None),
        }
    }
}

impl SyncDesk {
    /// Asks the background sync to run now (after a door act, an enrollment).
    pub(crate) fn kick(&self) {
        self.kick.notify_one();
    }

    fn last(&self) -> Option<std::result::Result<(), ErrorCode>> {
        *self.last.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Other devices' events (or a catalogue) were merged: the open screens read again.
    fn changed(&self) {
        self.changed.send_modify(|n| *n += 1);
    }

    fn set_upload(&self, upload: Option<UploadProgress>) {
        *self.upload.lock().unwrap_or_else(PoisonError::into_inner) = upload;
    }

    fn upload(&self) -> Option<UploadProgress> {
        *self.upload.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn record(&self, outcome: std::result::Result<(), ErrorCode>) {
        *self.last.lock().unwrap_or_else(PoisonError::into_inner) = Some(outcome);
        self.done.send_modify(|n| *n += 1);
    }
}

/// The header's state from the store's sync state and this process's last attempt.
pub fn sync_state_of(
    status: &SyncStatus,
    last: Option<std::result::Result<(), ErrorCode>>,
) -> SyncState {
    if !status.enrolled {
        return SyncState::NotEnrolled;
    }
    match last {
        Some(Err(ErrorCode::ServerUnreachable)) => return SyncState::Offline,
        Some(Err(_)) => return SyncState::Failed,
        // Not tried since the app started: the store's last word.
        None if status.last_error.is_some() => return SyncState::Offline,
        _ => {}
    }
    if status.pending > 0 || status.photos_pending > 0 {
        SyncState::Pending
    } else if status.last_sync_at.is_none() {
        SyncState::Never
    } else {
        SyncState::Synced
    }
}

impl Door {
    /// Marks a door act done: the background sync runs now.
    pub(crate) fn kicked<T>(&self, done: Result<T>) -> Result<T> {
        if done.is_ok() {
            self.sync.kick();
        }
        done
    }

    /// The sync state for the header and Settings. Reads only the local database.
    pub fn sync_status(&self) -> Result<SyncView> {
        let (status, link) = {
            let store = self.store()?;
            let status = sync_status(&store).map_err(IpcError::from)?;
            (status, store.server_link()?)
        };
        let state = sync_state_of(&status, self.sync.last());
        let last_sync_at = status.last_sync_at.map(|t| t.to_rfc3339());
        let clock = status.offset.map(ClockReading::from);
        Ok(SyncView {
            state,
            pending: status.pending,
            photos_pending: status.photos_pending,
            upload: self.sync.upload(),
            offline_since: (state == SyncState::Offline)
                .then(|| last_sync_at.clone().or(link.map(|l| l.enrolled_at)))
                .flatten(),
            last_sync_at,
            last_error: status.last_error,
            clock_warning: clock.is_some_and(|c| c.device_ahead_ms.abs() > CLOCK_WARNING_MS),
            clock,
        })
    }

    /// One full sync now (Settings' 立即同步; also what the background runs), then the state.
    /// Waits for a sync already running to end first, never for the store.
    pub async fn sync_now(&self) -> Result<SyncView> {
        let key = self.photos.key()?;
        let progress = |p: Progress| {
            if p.phase == Phase::Photos && p.total > 0 {
                self.sync.set_upload(Some(UploadProgress {
                    sent: p.done.min(p.total),
                    total: p.total,
                }));
            }
        };
        let outcome = {
            let _one_at_a_time = self.sync.running.lock().await;
            let outcome = examgate_sync::sync_once(&self.store, key, &progress).await;
            self.sync.set_upload(None);
            outcome
        };
        if let Ok(report) = &outcome {
            let catalogue = matches!(report.catalogue, Some(CatalogueOutcome::Applied { .. }));
            if report.pulled > 0 || catalogue {
                self.sync.changed();
            }
        }
        self.sync
            .record(outcome.as_ref().map(|_| ()).map_err(sync_code));
        outcome.map_err(IpcError::from)?;
        self.sync_status()
    }

    /// Moves on whenever a sync or a long poll merged other devices' events (or a new
    /// catalogue): the shell tells the window, which reads again what it shows.
    pub fn store_changes(&self) -> watch::Receiver<u64> {
        self.sync.changed.subscribe()
    }

    /// How many sync attempts have ended (tests wait on it instead of sleeping).
    pub fn sync_attempts(&self) -> watch::Receiver<u64> {
        self.sync.done.subscribe()
    }

    fn enrolled(&self) -> bool {
        self.store()
            .and_then(|s| Ok(s.server_link()?.is_some()))
            .unwrap_or(false)
    }

    /// The background sync, until the app ends: a full sync whenever enrolled, then long polls
    /// for other devices' events until the period is up or a door act asks for a sync.
    pub async fn run_background_sync(&self, schedule: SyncSchedule) {
        loop {
            let due = tokio::time::sleep(schedule.period);
            tokio::pin!(due);
            if self.enrolled() {
                // The outcome is recorded for the header; the loop goes on whatever it was.
                let polling = self.sync_now().await.is_ok();
                if polling {
                    loop {
                        tokio::select! {
                            () = &mut due => break,
                            () = self.sync.kick.notified() => break,
                            got = examgate_sync::pull_wait(&self.store, schedule.long_poll_secs) => {
                                match got {
                                    Ok(0) => {}
                                    Ok(_) => self.sync.changed(),
                                    Err(_) => break,
                                }
                            }
                        }
                    }
                    continue;
                }
            }
            tokio::select! {
                () = &mut due => {}
                () = self.sync.kick.notified() => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(pending: u64, synced: bool, error: bool) -> SyncStatus {
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-29T09:12:00+08:00").ok();
        SyncStatus {
            enrolled: true,
            pending,
            photos_pending: 0,
            last_sync_at: if synced { at } else { None },
            offset: None,
            last_error: error.then(|| "x".to_owned()),
            last_error_at: if error { at } else { None },
        }
    }

    #[test]
    fn the_header_says_synced_pending_or_offline_by_the_last_attempt_and_the_pending_count() {
        let unreachable = Some(Err(ErrorCode::ServerUnreachable));
        let ok = Some(Ok(()));
        assert_eq!(
            sync_state_of(&status(0, true, false), ok),
            SyncState::Synced
        );
        assert_eq!(
            sync_state_of(&status(3, true, false), ok),
            SyncState::Pending
        );
        assert_eq!(
            sync_state_of(&status(0, false, false), None),
            SyncState::Never
        );
        assert_eq!(
            sync_state_of(&status(3, true, true), unreachable),
            SyncState::Offline
        );
        assert_eq!(
            sync_state_of(&status(0, true, true), Some(Err(ErrorCode::ServerRefused))),
            SyncState::Failed
        );
        // After a restart, before the first attempt: the store's last failure.
        assert_eq!(
            sync_state_of(&status(0, true, true), None),
            SyncState::Offline
        );
        // A sync that succeeded but left a note (events kept aside) is not "offline".
        assert_eq!(sync_state_of(&status(0, true, true), ok), SyncState::Synced);
        let not = SyncStatus::default();
        assert_eq!(sync_state_of(&not, ok), SyncState::NotEnrolled);
    }

    #[test]
    fn photos_the_server_has_not_confirmed_keep_the_header_on_pending() {
        let photos_only = SyncStatus {
            photos_pending: 2,
            ..status(0, true, false)
        };
        assert_eq!(
            sync_state_of(&photos_only, Some(Ok(()))),
            SyncState::Pending
        );
    }
}
