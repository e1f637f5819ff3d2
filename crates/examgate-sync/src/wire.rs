//! The wire types of version 1 of the sync API (every route under [`PREFIX`]). Both the server
//! and the client use these, and the OpenAPI document is generated from them, so the three cannot
//! drift. A breaking change is a new prefix, never an edit here that old devices would misread.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

pub use crate::wire_catalogue::*;
pub use crate::wire_events::*;
pub use crate::wire_export::*;

/// Every route of this version starts with this.
pub const PREFIX: &str = "/v1";

/// The request body limit of every route except photo upload: these bodies are a few hundred
/// bytes, so anything larger is refused (413) before it is read.
pub const BODY_LIMIT: usize = 64 * 1024;

/// What a device is enrolled as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 监考员: works a door.
    Proctor,
    /// 主考: also approves manual verifications of the whole site.
    Chief,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Proctor => "proctor",
            Role::Chief => "chief",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Role, String> {
        match s {
            "proctor" => Ok(Role::Proctor),
            "chief" => Ok(Role::Chief),
            other => Err(format!(
                "角色须为 proctor 或 chief (a role is proctor or chief): {other}"
            )),
        }
    }
}

/// `POST /v1/enroll`: a device presents a one-time code and its signing key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollRequest {
    /// The one-time secret from the enrollment code.
    pub secret: String,
    /// The device's id (its store's `device_id`).
    pub device_id: Uuid,
    /// The device's ed25519 public key (64 hex digits): the key that signs its photos and events.
    pub public_key: String,
    /// A name for the office's device list.
    pub name: String,
    /// The device's ed25519 signature (128 hex digits) over [`enroll_proof_message`]: proof that
    /// it holds the key it enrolls, so nobody can enroll another device's key as their own.
    pub proof: String,
}

/// What a device signs to prove it holds the key it enrolls: a format line, the code's secret and
/// the device id. The secret makes it single-use; the format line keeps it from ever being a
/// valid photo or event signature.
pub fn enroll_proof_message(secret: &str, device_id: Uuid) -> Vec<u8> {
    format!(
        "examgate-enroll-proof-v1\n{}\n{device_id}\n",
        secret.to_ascii_lowercase()
    )
    .into_bytes()
}

/// The answer to an enrollment: the device's token (shown once, kept by the device) and what it
/// is enrolled as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EnrollResponse {
    /// Sent as `Authorization: Bearer <token>` on every later request. The server keeps only its
    /// SHA-256.
    pub token: String,
    pub device: DeviceInfo,
}

/// An enrolled device, as the server knows it (`GET /v1/whoami`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DeviceInfo {
    pub device_id: Uuid,
    pub name: String,
    /// 考点
    pub site: String,
    /// 考场; none for a chief examiner, who sees the whole site.
    pub room: Option<String>,
    pub role: Role,
    /// 工号 of the person the device was enrolled for.
    pub staff: String,
}

/// `GET /v1/time`: the server's receive and send times (t2, t3 of NTP) of this request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TimeResponse {
    pub t2_us: i64,
    pub t3_us: i64,
}

/// An error, as every route answers one: `code` is what a program switches on, `message` is for
/// the person (Chinese first, English in parentheses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
}

/// The API's error codes; the HTTP status follows from the code ([`ErrorCode::status`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the body is not the JSON this route takes; the message names the field.
    BadJson,
    /// 400: a clock sample that is not the server's own last answer, or contradicts itself.
    BadClockSample,
    /// 400: the enrollment's signature does not prove the device holds the key it enrolls.
    KeyProofInvalid,
    /// 401: no token, or not a token of any device.
    Unauthorized,
    /// 401: no enrollment code with this secret.
    EnrollCodeUnknown,
    /// 403: this device was revoked.
    DeviceRevoked,
    /// 403: only the site's chief examiner's device may export the site's photo archive.
    NotChief,
    /// 403: a photo this device may not download: only the device that uploaded it and the chief
    /// examiner of its candidate's site may. Answered alike whether the server holds it or not.
    PhotoNotYours,
    /// 404: no such route.
    NotFound,
    /// 405: the route does not take this method.
    MethodNotAllowed,
    /// 409: the enrollment code was already used.
    EnrollCodeUsed,
    /// 409: this device id or key is already enrolled differently.
    DeviceConflict,
    /// 409: events of a push were kept aside (quarantined for the office, never merged): the
    /// same id or `(device, seq)` with other content, an act this device may not record, or an
    /// event not signed by this device. The answer lists them ([`PushRefused`]).
    EventsQuarantined,
    /// 400: a push whose events are not in strictly increasing seq order.
    BatchOutOfOrder,
    /// 410: the enrollment code expired.
    EnrollCodeExpired,
    /// 413: the body is larger than the route takes.
    TooLarge,
    /// 404: no upload of this photo declared by this device (`POST /v1/photos` first).
    PhotoNotDeclared,
    /// 409: the photo archive was not made: photos are missing or altered. The answer names
    /// each ([`ArchiveRefused`]); no partial archive is ever sent.
    ArchiveRefused,
    /// 503: the server is already making an archive (one at a time): try again shortly.
    ExportBusy,
    /// 409: the `PATCH`'s `Upload-Offset` is not the server's; the answer carries the server's.
    UploadOffsetMismatch,
    /// 422: the uploaded bytes do not have the declared SHA-256; nothing was kept.
    PhotoHashMismatch,
    /// 422: the photo's signature does not hold, or is not the calling device's enrolled key;
    /// nothing was kept.
    PhotoSignatureInvalid,
    /// 500: the server failed; nothing was changed.
    Internal,
}

impl ErrorCode {
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::BadJson
            | ErrorCode::BadClockSample
            | ErrorCode::KeyProofInvalid
            | ErrorCode::BatchOutOfOrder => 400,
            ErrorCode::Unauthorized | ErrorCode::EnrollCodeUnknown => 401,
            ErrorCode::DeviceRevoked | ErrorCode::PhotoNotYours | ErrorCode::NotChief => 403,
            ErrorCode::NotFound | ErrorCode::PhotoNotDeclared => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::EnrollCodeUsed
            | ErrorCode::DeviceConflict
            | ErrorCode::EventsQuarantined
            | ErrorCode::UploadOffsetMismatch
            | ErrorCode::ArchiveRefused => 409,
            ErrorCode::EnrollCodeExpired => 410,
            ErrorCode::TooLarge => 413,
            ErrorCode::PhotoHashMismatch | ErrorCode::PhotoSignatureInvalid => 422,
            ErrorCode::Internal => 500,
            ErrorCode::ExportBusy => 503,
        }
    }
}
