//! The wire types of event sync (version 1): the status a device plans a sync from, a push of its
//! own signed events and the server's answer, and a pull of the site's other events with the keys
//! that check them. Re-exported from [`crate::wire`].

use examgate_core::signed::SignedEvent;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::wire::{ErrorCode, Role};

/// The body limit of `POST /v1/events`: a full batch of events with their photo references.
pub const EVENTS_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The most events one push may carry (more is 413) and one pull answers.
pub const MAX_BATCH: usize = 500;

/// The longest a pull waits for a new event (`wait` is capped to it): under the client's
/// request timeout, so a long poll never looks like a dead server.
pub const MAX_WAIT_SECONDS: u32 = 25;

/// `GET /v1/status`: what a device plans a sync from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StatusResponse {
    pub device_id: Uuid,
    /// The server holds this device's events `1..=high_water`, without a gap: push after it.
    pub high_water: u64,
    /// The end of the server's arrival order now: a pull from here has nothing yet.
    pub cursor_end: u64,
    /// The most events one push may carry.
    pub max_batch: u32,
}

/// `POST /v1/events`: a batch of the calling device's own events, in seq order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    /// Signed events (`{event, signature}`, examgate-core's `SignedEvent`), each recorded by the
    /// calling device, seqs strictly increasing, at most [`MAX_BATCH`].
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<SignedEvent>,
}

/// The answer to a push that kept every event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PushResponse {
    /// The server now holds this device's events `1..=high_water`.
    pub high_water: u64,
    /// Events of the batch new to the server.
    pub accepted: u32,
    /// Events of the batch the server already held, byte for byte (a repeat is a no-op).
    pub duplicate: u32,
}

/// One event of a push the server kept aside instead of merging.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct QuarantinedEvent {
    pub id: Uuid,
    pub seq: u64,
    /// `changed-content`, `seq-taken`, `not-permitted`, `unknown-device`, `bad-signature`,
    /// `out-of-range`.
    pub reason: String,
    /// The reason for a person, Chinese then English.
    pub message: String,
}

/// The 409 answer of a push some of whose events were kept aside (quarantined for the office,
/// never merged); the rest of the batch was kept as usual.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PushRefused {
    /// `events_quarantined`.
    pub code: ErrorCode,
    pub message: String,
    pub high_water: u64,
    pub accepted: u32,
    pub duplicate: u32,
    pub quarantined: Vec<QuarantinedEvent>,
}

/// `GET /v1/events` parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PullQuery {
    /// Where the last pull ended (0: from the start).
    pub cursor: u64,
    /// When nothing is new, wait up to this many seconds for an event (capped at
    /// [`MAX_WAIT_SECONDS`]); the answer comes as soon as one arrives.
    pub wait: Option<u32>,
}

/// One of the site's enrolled devices, whose key checks its events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SiteKey {
    pub device_id: Uuid,
    /// ed25519, 64 hex digits.
    pub public_key: String,
    pub role: Role,
    pub room: Option<String>,
    /// A revoked device's events the server accepted before its revocation still check; it sends
    /// nothing after.
    pub revoked: bool,
}

/// The answer to a pull.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PullResponse {
    /// The other devices' events of this site, in the server's arrival order (parents first).
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<SignedEvent>,
    /// Pull from here next time.
    pub next_cursor: u64,
    /// More events are waiting: pull again at once.
    pub more: bool,
    /// The site's enrolled devices' keys.
    pub keys: Vec<SiteKey>,
}
