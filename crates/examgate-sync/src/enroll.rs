//! The device's side of enrollment, once for both callers: `examgate enroll` (a database copied
//! off a broken phone, scripts) and the app's connect panel (through the door service). It
//! redeems the one-time code at the first of the code's addresses that answers, keeps the
//! server's answer in the device's database and measures the clock once.
//!
//! The store is passed as the `Mutex` its owner keeps it in and is locked only for the two local
//! steps (reading the device id, saving the link), never across a network call: a door act in
//! the app never waits for a slow or unreachable server.

use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Local, Utc};
use examgate_photo::DeviceKey;
use examgate_store::{ServerLink, Store, StoreError};

use crate::clock::ClockOffset;
use crate::wire::{DeviceInfo, EnrollRequest, EnrollResponse, enroll_proof_message};
use crate::{Client, EnrollCode, SyncError};

/// Why an enrollment failed: the server or the network ([`SyncError`]), or this device.
#[derive(Debug, thiserror::Error)]
pub enum EnrollError {
    #[error(transparent)]
    Sync(#[from] SyncError),
    /// The device's database could not be read (its id) before anything was sent.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// The server enrolled the device, but the database refused the link: the code is spent.
    #[error(
        "已在服务器注册，但无法保存到本机数据库；请索取新的注册码重试 (enrolled, but could not save it: get a new code and retry): {0}"
    )]
    NotSaved(StoreError),
    #[error("服务器回答的设备号不符 (the server answered for another device)")]
    OtherDevice,
    #[error("本机数据库不可用，请重启应用 (the local database is unavailable: restart the app)")]
    StoreLock,
}

/// What an enrollment did.
#[derive(Debug)]
pub struct Enrolled {
    /// What was saved in the device's database (the answering address first).
    pub link: ServerLink,
    /// The address that answered.
    pub server: String,
    /// What the server enrolled this device as.
    pub device: DeviceInfo,
    /// The clock measured right after enrolling; a failure here does not undo the enrollment.
    pub clock: Result<ClockOffset, SyncError>,
}

/// A name for the office's device list when none is given: this machine's host name.
pub fn default_device_name() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "examgate".to_owned())
}

fn lock(store: &Mutex<Store>) -> Result<MutexGuard<'_, Store>, EnrollError> {
    store.lock().map_err(|_| EnrollError::StoreLock)
}

/// Tries the code's URLs in order; a server that refuses ends it, an unreachable one moves on.
async fn redeem(
    code: &EnrollCode,
    request: &EnrollRequest,
) -> Result<(Client, EnrollResponse), SyncError> {
    let mut last = None;
    for url in &code.urls {
        let client = Client::new(url, code.fingerprint)?;
        match client.enroll(request).await {
            Ok(answer) => return Ok((client, answer)),
            Err(e @ SyncError::Unreachable { .. }) => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| SyncError::BadCode("没有服务器地址 (no server address)".into())))
}

/// Enrolls the device whose database is `store` and whose signing key is `key` with the server
/// of `code`, under `name` (blank: [`default_device_name`]); `now` is the device clock. Replaces
/// any earlier enrollment in the database.
pub async fn enroll(
    code: &EnrollCode,
    store: &Mutex<Store>,
    key: &DeviceKey,
    name: &str,
    now: &(dyn Fn() -> DateTime<Utc> + Sync),
) -> Result<Enrolled, EnrollError> {
    let device_id = lock(store)?.device_id()?;
    let name = match name.trim() {
        "" => default_device_name(),
        given => given.to_owned(),
    };
    let request = EnrollRequest {
        secret: code.secret.clone(),
        device_id,
        public_key: key.public_key().to_string(),
        name,
        proof: hex::encode(key.sign_bytes(&enroll_proof_message(&code.secret, device_id))),
    };
    let (client, answer) = redeem(code, &request).await?;
    if answer.device.device_id != device_id {
        return Err(EnrollError::OtherDevice);
    }
    let server = client.url().to_owned();
    let mut urls = vec![server.clone()];
    urls.extend(code.urls.iter().filter(|u| **u != server).cloned());
    let device = answer.device;
    let link = ServerLink {
        urls,
        fingerprint: code.fingerprint.to_string(),
        token: answer.token.clone(),
        site: device.site.clone(),
        room: device.room.clone(),
        role: device.role.as_str().to_owned(),
        staff: device.staff.clone(),
        enrolled_at: now().to_rfc3339(),
    };
    lock(store)?
        .set_server_link(&link)
        .map_err(EnrollError::NotSaved)?;
    let client = client.with_token(answer.token);
    let clock = client.measure_clock(|| now().timestamp_micros()).await;
    if let Ok(o) = &clock {
        // For Settings until the first sync measures again; the enrollment stands either way.
        let at = now().with_timezone(&Local).fixed_offset();
        if let Ok(mut s) = lock(store) {
            let _ = s.set_clock_offset(o.device_ahead_us, o.error_us, at);
        }
    }
    Ok(Enrolled {
        link,
        server,
        device,
        clock,
    })
}
