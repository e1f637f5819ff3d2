//! The device's sync engine: one full sync with the site server, which `examgate sync` and the
//! app both call, and the long-poll step of the app's background loop ([`pull_wait`]).
//!
//! A sync asks the server's status, pushes this device's own events after the server's mark in
//! batches, pulls the site's other events from the stored cursor and merges them through
//! [`Store::receive`], brings the site's catalogue up to date when its version changed
//! ([`refresh_catalogue`]), takes one clock sample, and uploads this device's photos the server
//! does not hold yet ([`crate::photos`], from `photos/` beside the device key, where the door
//! keeps them). The store is locked only for short local work,
//! never across a network call: a door act never waits on the network. Every step is idempotent
//! (a repeated push is a no-op, a repeated pull merges nothing new), so a sync cut anywhere, by
//! the network or a killed process, is finished by the next one.

use std::sync::Mutex;

use chrono::{DateTime, FixedOffset, Local, Utc};
use examgate_photo::DeviceKey;
use examgate_store::{ServerLink, Store, TrustedDevice};

use crate::catalogue::{CatalogueOutcome, clients_for, refresh_catalogue};
use crate::client::Client;
use crate::error::{Result, SyncError, lock};
use crate::photos::{PhotoProgress, upload_pending};
use crate::report::{Phase, Progress, SyncReport};
use crate::wire::{MAX_BATCH, PullResponse, StatusResponse};

fn device_now() -> DateTime<FixedOffset> {
    Local::now().fixed_offset()
}

/// One full sync of `store` with the server it is enrolled with; `key` signs its events.
/// Records the outcome (success, or the error) in the store before returning it.
pub async fn sync_once(
    store: &Mutex<Store>,
    key: &DeviceKey,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<SyncReport> {
    let link = lock(store)?.server_link()?.ok_or(SyncError::NotEnrolled)?;
    let result = run(store, key, &link, progress).await;
    let mut s = lock(store)?;
    match &result {
        Ok(report) => {
            s.record_sync_outcome(None, device_now())?;
            if !report.quarantined.is_empty() {
                let note = format!(
                    "服务器拒收本机 {} 条事件，请联系考点办公室 (the server kept {} of this device's events aside: ask the office): {}",
                    report.quarantined.len(),
                    report.quarantined.len(),
                    kept_aside_why(&report.quarantined)
                );
                s.record_sync_outcome(Some(&note), device_now())?;
            }
            if let Some(CatalogueOutcome::Refused { reasons, .. }) = &report.catalogue {
                let note = format!(
                    "本机未应用服务器的名册，请联系考点办公室 (this device refused the server's catalogue: ask the office): {}",
                    reasons.join("；")
                );
                s.record_sync_outcome(Some(&note), device_now())?;
            }
        }
        Err(e) => s.record_sync_outcome(Some(&e.to_string()), device_now())?,
    }
    result
}

/// Waits up to `wait` seconds for the site's next events and merges them: the app's background
/// loop calls it over and over, so a chief's decision reaches the door within moments. Returns
/// how many events were new.
pub async fn pull_wait(store: &Mutex<Store>, wait: u32) -> Result<u64> {
    let link = lock(store)?.server_link()?.ok_or(SyncError::NotEnrolled)?;
    let (client, _) = connect(&link).await?;
    let cursor = lock(store)?.sync_state()?.pull_cursor;
    let page = client.pull(cursor, Some(wait)).await?;
    let (new, _) = merge(store, &page)?;
    Ok(new)
}

/// A client of the first of the link's servers that answers, with its status.
async fn connect(link: &ServerLink) -> Result<(Client, StatusResponse)> {
    let mut last = None;
    for client in clients_for(link)? {
        match client.status().await {
            Ok(status) => return Ok((client, status)),
            Err(e @ SyncError::Unreachable { .. }) => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| SyncError::BadUrl("没有服务器地址 (no server address)".into())))
}

/// Merges a pulled page: the site's keys first, then the events, then the cursor. Returns the
/// events new to this store and those it kept aside.
fn merge(store: &Mutex<Store>, page: &PullResponse) -> Result<(u64, u64)> {
    let trusted: Vec<TrustedDevice> = page
        .keys
        .iter()
        .map(|k| TrustedDevice {
            device_id: k.device_id,
            public_key: k.public_key.clone(),
            role: k.role.as_str().to_owned(),
            room: k.room.clone(),
            revoked: k.revoked,
        })
        .collect();
    let mut s = lock(store)?;
    s.set_trusted_devices(&trusted)?;
    let keys = s.trusted_keys()?;
    let trust = |id| keys.iter().find(|(d, _)| *d == id).map(|(_, k)| *k);
    let report = s.receive(&page.events, &trust, device_now())?;
    s.set_pull_cursor(page.next_cursor)?;
    Ok((report.accepted as u64, report.quarantined.len() as u64))
}

async fn run(
    store: &Mutex<Store>,
    key: &DeviceKey,
    link: &ServerLink,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<SyncReport> {
    progress(Progress {
        phase: Phase::Connect,
        done: 0,
        total: 1,
    });
    let (client, status) = connect(link).await?;
    if status.device_id != lock(store)?.device_id()? {
        return Err(SyncError::BadResponse(
            "服务器认定的设备号与本机不符 (the server knows this token as another device)".into(),
        ));
    }
    let mut report = SyncReport {
        server: client.url().to_owned(),
        ..SyncReport::default()
    };
    push(store, key, &client, &status, progress, &mut report).await?;

    // Pull. A cursor beyond the server's end means the server's data was replaced: start over
    // (merging again what this device already holds is a no-op).
    let mut cursor = lock(store)?.sync_state()?.pull_cursor;
    if cursor > status.cursor_end {
        cursor = 0;
    }
    let start = cursor;
    loop {
        let page = client.pull(cursor, None).await?;
        let (new, kept_aside) = merge(store, &page)?;
        report.pulled += new;
        report.pulled_quarantined += kept_aside;
        cursor = page.next_cursor;
        progress(Progress {
            phase: Phase::Pull,
            done: cursor.saturating_sub(start),
            total: status.cursor_end.max(cursor).saturating_sub(start),
        });
        if !page.more {
            break;
        }
    }

    // The catalogue, when its version changed (a conditional GET: a bodiless 304 otherwise).
    // After the pull, so the check that no candidate with events is dropped sees the site's.
    report.catalogue = Some(refresh_catalogue(store, &client).await?);

    progress(Progress {
        phase: Phase::Clock,
        done: 0,
        total: 1,
    });
    let offset = client
        .measure_clock(|| Utc::now().timestamp_micros())
        .await?;
    lock(store)?.set_clock_offset(offset.device_ahead_us, offset.error_us, device_now())?;
    report.offset = Some(offset);
    report.pending = lock(store)?.sync_state()?.pending();

    // Photos last: an event may reach the server before its photo (照片上传中), and a long upload
    // cut by the network still leaves the events and the clock done.
    let photos = key
        .path()
        .parent()
        .map_or_else(|| "photos".into(), |d| d.join("photos"));
    let photo_progress = |p: PhotoProgress| {
        progress(Progress {
            phase: Phase::Photos,
            done: p.bytes,
            total: p.total,
        })
    };
    report.photos = upload_pending(store, &photos, &client, &photo_progress).await?;
    report.photos_pending = lock(store)?.pending_photos()?;
    Ok(report)
}

/// Pushes this device's events after the server's mark, a batch at a time; each batch starts
/// after the last one sent (not after the mark), so an event the server keeps aside is sent once
/// per sync, not once per batch.
async fn push(
    store: &Mutex<Store>,
    key: &DeviceKey,
    client: &Client,
    status: &StatusResponse,
    progress: &(dyn Fn(Progress) + Sync),
    report: &mut SyncReport,
) -> Result<()> {
    let batch_size = usize::try_from(status.max_batch)
        .unwrap_or(MAX_BATCH)
        .clamp(1, MAX_BATCH);
    let total = {
        let mut s = lock(store)?;
        s.set_acked_seq(status.high_water)?;
        s.sync_state()?.pending()
    };
    let mut from = status.high_water;
    loop {
        let batch = lock(store)?.own_signed_after(from, batch_size, key.signing_key())?;
        let Some(last) = batch.last().map(|s| s.event.seq) else {
            return Ok(());
        };
        let outcome = client.push(&batch).await?;
        lock(store)?.set_acked_seq(outcome.high_water)?;
        report.pushed += u64::from(outcome.accepted);
        report.quarantined.extend(outcome.quarantined);
        from = last;
        progress(Progress {
            phase: Phase::Push,
            done: from - status.high_water,
            total: total.max(from - status.high_water),
        });
    }
}

/// The server's reasons for what it kept aside, each once and at most three (a room closed too early by the
/// server's clock says so, so the door can tell the proctor why).
fn kept_aside_why(kept: &[crate::wire::QuarantinedEvent]) -> String {
    let mut why: Vec<&str> = Vec::new();
    for q in kept {
        if why.len() < 3 && !why.contains(&q.message.as_str()) {
            why.push(&q.message);
        }
    }
    why.join("；")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sync_status;
    use crate::wire::QuarantinedEvent;

    fn assert_send<T: Send>(_: &T) {}

    #[test]
    fn a_sync_can_run_on_a_background_task() {
        // The app spawns it on tokio's pool: the future must be Send (no store lock held across
        // a network call).
        let store = Mutex::new(Store::open_in_memory().unwrap());
        let dir = tempfile::tempdir().unwrap();
        let key = DeviceKey::load_or_create(&dir.path().join("k.pem")).unwrap();
        let fut = sync_once(&store, &key, &|_| {});
        assert_send(&fut);
        let wait = pull_wait(&store, 1);
        assert_send(&wait);
    }

    #[test]
    fn a_sync_is_done_only_when_no_event_no_photo_and_no_refusal_is_left() {
        let done = SyncReport::default();
        assert!(done.all_acknowledged());
        for report in [
            SyncReport {
                pending: 1,
                ..SyncReport::default()
            },
            SyncReport {
                photos_pending: 1,
                ..SyncReport::default()
            },
            SyncReport {
                quarantined: vec![QuarantinedEvent {
                    id: uuid::Uuid::nil(),
                    seq: 1,
                    reason: "not-permitted".into(),
                    message: String::new(),
                }],
                ..SyncReport::default()
            },
        ] {
            assert!(!report.all_acknowledged(), "{report:?}");
        }
    }

    #[test]
    fn a_device_not_enrolled_says_so_and_records_nothing() {
        let store = Mutex::new(Store::open_in_memory().unwrap());
        let dir = tempfile::tempdir().unwrap();
        let key = DeviceKey::load_or_create(&dir.path().join("k.pem")).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let got = rt.block_on(sync_once(&store, &key, &|_| {}));
        assert!(matches!(got, Err(SyncError::NotEnrolled)), "{got:?}");
        let status = sync_status(&store.lock().unwrap()).unwrap();
        assert!(!status.enrolled);
        assert_eq!(status.pending, 0);
    }
}
