//! The sync API between a door device and its site server, in one place both sides compile:
//! the versioned wire types (and the OpenAPI schemas generated from them), the enrollment code a
//! device is given, the NTP clock arithmetic, and the device's HTTPS client.
//!
//! The client trusts no certificate authority: it talks only to the server whose certificate
//! fingerprint the enrollment code carries, and never over plain HTTP.

mod archive_client;
pub mod catalogue;
mod catalogue_client;
mod client;
pub mod clock;
mod code;
pub mod device;
pub mod enroll;
mod error;
mod photo_client;
pub mod photo_wire;
pub mod photos;
mod pin;
mod report;
pub mod wire;
mod wire_catalogue;
mod wire_events;
mod wire_export;

pub use archive_client::{ARCHIVE_TIMEOUT, ArchiveAnswer, ArchiveBody};
pub use catalogue::{CatalogueOutcome, clients_for, refresh_catalogue};
pub use client::{Client, PushOutcome};
pub use code::{CODE_PREFIX, EnrollCode, Fingerprint};
pub use device::{pull_wait, sync_once};
pub use error::{Result, SyncError};
pub use pin::pinned_tls_config;
pub use report::{Phase, Progress, SyncReport, SyncStatus, sync_status};
