//! What a sync reports and what the app's header shows: [`SyncReport`] of one sync (its exit
//! rule, [`SyncReport::all_acknowledged`], is what `examgate sync` exits 0 on), the [`Progress`]
//! a sync reports as it goes, and [`sync_status`], read from the local database alone.

use chrono::{DateTime, FixedOffset};
use examgate_store::Store;

use crate::catalogue::CatalogueOutcome;
use crate::clock::ClockOffset;
use crate::error::Result;
use crate::photos::PhotoReport;
use crate::wire::QuarantinedEvent;

/// Which step a sync is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Connect,
    Push,
    Pull,
    Clock,
    /// Uploading this device's photos; `done`/`total` count photo bytes.
    Photos,
}

/// How far a sync has got: `done` of `total` events of the phase (`total` is a lower bound for a
/// pull, which learns its size as it goes), or of photo bytes in [`Phase::Photos`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub phase: Phase,
    pub done: u64,
    pub total: u64,
}

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// The server it talked to.
    pub server: String,
    /// This device's events the server newly accepted.
    pub pushed: u64,
    /// Other devices' events new to this device.
    pub pulled: u64,
    /// This device's events the server does not hold yet (after the sync).
    pub pending: u64,
    /// This device's events the server kept aside (quarantined, never merged): the office must
    /// look at them (`examgate serve quarantine`).
    pub quarantined: Vec<QuarantinedEvent>,
    /// Pulled events this device kept aside (a signature that does not check).
    pub pulled_quarantined: u64,
    /// This device's photos the server does not hold yet (after the sync).
    pub photos_pending: u64,
    /// What the photo upload did.
    pub photos: PhotoReport,
    /// The clock offset measured in this sync.
    pub offset: Option<ClockOffset>,
    /// The site's catalogue: unchanged (a bodiless 304), applied, or refused (nothing changed).
    pub catalogue: Option<CatalogueOutcome>,
}

impl SyncReport {
    /// Everything this device has is acknowledged by the server: what `examgate sync` exits 0 on.
    pub fn all_acknowledged(&self) -> bool {
        self.pending == 0 && self.photos_pending == 0 && self.quarantined.is_empty()
    }
}

/// What the app's header shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncStatus {
    pub enrolled: bool,
    /// Own events above the server's last acknowledged mark.
    pub pending: u64,
    /// Own photos the server has not confirmed (待上传 M 张照片).
    pub photos_pending: u64,
    pub last_sync_at: Option<DateTime<FixedOffset>>,
    pub offset: Option<ClockOffset>,
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTime<FixedOffset>>,
}

/// The sync state of `store`, for the header. Reads only the local database.
pub fn sync_status(store: &Store) -> Result<SyncStatus> {
    let state = store.sync_state()?;
    let (last_error, last_error_at) = state
        .last_error
        .clone()
        .map_or((None, None), |(e, at)| (Some(e), Some(at)));
    Ok(SyncStatus {
        enrolled: store.server_link()?.is_some(),
        pending: state.pending(),
        photos_pending: store.pending_photos()?,
        last_sync_at: state.last_sync_at,
        offset: state.offset_us.map(|(ahead, error)| ClockOffset {
            device_ahead_us: ahead,
            error_us: error,
        }),
        last_error,
        last_error_at,
    })
}
