//! The site server: one process per exam site that every door device and the chief examiner's
//! device sync with. It keeps an ordinary examgate store database (the same store the devices
//! use) plus its own tables (devices, enrollment codes, clock offsets, uploads) and a folder of
//! photos named by SHA-256, serves HTTPS with a self-signed certificate the devices pin, and
//! answers the versioned API of `examgate-sync`.
//!
//! No Tauri here; the `examgate serve` commands are thin calls into this crate.

mod api;
mod catalogue;
mod chief_pins;
mod db;
mod devices;
mod enroll;
mod error;
mod events;
mod exports;
mod extract;
mod openapi;
mod photo_access;
mod photo_files;
mod photos;
mod serve;
mod timing;
mod tls;
mod uploads;

pub use db::ServerDb;
pub use devices::{DeviceRow, LastClock};
pub use enroll::{IssuedCode, NewCode};
pub use error::{Result, ServerError};
pub use openapi::openapi_json;
pub use serve::{DEFAULT_LISTEN, Server, urls_for};
pub use timing::Clock;
pub use tls::TlsIdentity;

/// Microseconds since the Unix epoch: the unit of every timestamp on the wire.
pub(crate) fn micros(t: chrono::DateTime<chrono::Utc>) -> i64 {
    t.timestamp_micros()
}

/// A timestamp as the server's tables keep it: RFC 3339, UTC, microseconds, so text order is
/// time order.
pub(crate) fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// SHA-256 as lower-case hex: how tokens and secrets are kept.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// `n` random bytes as hex, from the system's randomness.
pub(crate) fn random_hex(n: usize) -> Result<String> {
    let mut raw = vec![0u8; n];
    getrandom::fill(&mut raw).map_err(|e| ServerError::Internal(format!("no randomness: {e}")))?;
    Ok(hex::encode(raw))
}
