//! The wire side of photo upload (version 1): content-addressed and resumable, with tus-core's
//! semantics and none of its dependencies. `HEAD /v1/photos/{sha256}` says how many bytes the
//! server holds for this device's upload of that photo ([`UPLOAD_OFFSET`], [`UPLOAD_LENGTH`], and
//! [`UPLOAD_COMPLETE`] once the server holds it whole, from any device); `POST /v1/photos` declares
//! an upload ([`PhotoDeclare`]); `PATCH /v1/photos/{sha256}` appends one chunk at exactly the
//! server's offset; when the declared length is reached the server checks the SHA-256 and the
//! device's signature and keeps nothing that fails.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How many bytes the server holds of an upload (request header of `PATCH`, answer of `HEAD`).
pub const UPLOAD_OFFSET: &str = "upload-offset";
/// The declared length of the photo, once declared.
pub const UPLOAD_LENGTH: &str = "upload-length";
/// `true` when the server holds the photo whole and checked.
pub const UPLOAD_COMPLETE: &str = "upload-complete";
/// The content type of a `PATCH` body (tus's): raw bytes to append at the offset.
pub const CHUNK_CONTENT_TYPE: &str = "application/offset+octet-stream";

/// The largest photo the server takes: a stamped photo is 1–4 MB; 20 MB leaves room for a
/// full-size 48 MP one and still bounds what a device can make the server store.
pub const PHOTO_MAX_BYTES: u64 = 20 * 1024 * 1024;

/// The largest `PATCH` body the server takes (413 above it): the body limit of the photo route
/// only; every other route keeps [`crate::wire::BODY_LIMIT`].
pub const CHUNK_LIMIT: usize = 1024 * 1024;

/// The chunk the device sends: 512 KiB. A chunk is read whole before the server appends it, so a
/// cut mid-photo costs at most the chunk in flight (≤ 512 KiB, under half a second on a 10 Mbit/s
/// site Wi-Fi); and with ~400 bytes of headers and one round trip per chunk, the protocol's
/// framing costs well under 1 % over a raw transfer (the server fsyncs the photo once, at the
/// end).
pub const CHUNK: usize = 512 * 1024;

/// `POST /v1/photos`: the device declares an upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhotoDeclare {
    /// SHA-256 of the photo file, 64 lower-case hex digits: the photo's name on the server.
    pub sha256: String,
    /// The file's length in bytes (1 ..= 20 MB).
    pub length: u64,
    /// The photo's signature sidecar (`<photo>.sig.json`) verbatim: the device's ed25519
    /// signature over the hash and the stamped metadata, checked when the upload completes.
    pub sidecar: String,
}

/// Where an upload stands (the answer of `POST /v1/photos` and `PATCH`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PhotoStatus {
    pub sha256: String,
    /// Bytes the server holds (of this device's upload, or all of them once complete).
    pub offset: u64,
    pub length: u64,
    /// The server holds the photo whole, its hash and signature checked.
    pub complete: bool,
}

/// Whether `s` is a photo's name on the wire: 64 lower-case hex digits.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}
