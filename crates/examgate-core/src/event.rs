//! Door acts as immutable events: the unit of storage and of sync.
//!
//! An event's id is a UUIDv7 made by the device that recorded it, so ids never collide across
//! devices and sync can be "send what the other side lacks", idempotent on the id. Each event also
//! carries the device's wall time (what a person reads), a hybrid logical clock (a total, causal
//! order even when device clocks disagree) and the `parents`: the status events of the candidate
//! this device had seen when it acted. The parents are what let the fold tell "B corrected A"
//! from "A and B disagreed without seeing each other" (a conflict).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::closing::ClosingItem;
use crate::model::StudentNumber;
use crate::timeline_steps::TimelineStep;

/// The globally unique id of an event (UUIDv7, made by the recording device).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(transparent)]
#[ts(type = "string")]
pub struct EventId(pub Uuid);

impl std::fmt::Display for EventId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A hybrid logical clock reading: milliseconds since the Unix epoch in the high 48 bits, a
/// counter in the low 16. It never goes backwards on a device and always passes what it observed
/// from another device, so sorting by it respects causality.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Hlc(pub u64);

impl Hlc {
    const COUNTER_BITS: u32 = 16;

    fn from_millis(ms: i64) -> Hlc {
        Hlc(u64::try_from(ms).unwrap_or(0) << Self::COUNTER_BITS)
    }

    /// The reading for a new local event at wall time `now_ms`, after `self` (the last reading).
    pub fn tick(self, now_ms: i64) -> Hlc {
        let wall = Hlc::from_millis(now_ms);
        if wall > self { wall } else { Hlc(self.0 + 1) }
    }

    /// The reading after receiving `remote` from another device.
    pub fn observe(self, remote: Hlc, now_ms: i64) -> Hlc {
        self.max(remote).tick(now_ms)
    }

    /// The physical part, in milliseconds since the Unix epoch.
    pub fn millis(self) -> u64 {
        self.0 >> Self::COUNTER_BITS
    }
}

/// Why face recognition (done with the university's own app) did not pass, as the proctor states
/// it at the door: the environment (light, camera, network: DOMAIN.md step 4's fallback), or the
/// face does not match the candidate's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum FaceFailure {
    Environment,
    NoMatch,
}

impl FaceFailure {
    /// The words a clerk reads in a report.
    pub fn label(self) -> &'static str {
        match self {
            FaceFailure::Environment => "环境原因",
            FaceFailure::NoMatch => "人脸不匹配",
        }
    }
}

/// Why a candidate was refused at the door (not for lateness: that is [`EventKind::RefusedLate`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum RefusalReason {
    /// The documents do not match the seating list.
    DocumentMismatch,
    /// The chief examiner rejected the manual verification.
    ManualVerificationRejected,
    Other {
        note: String,
    },
    /// Face recognition did not pass: the face does not match the candidate's.
    FaceMismatch,
}

/// A settled outcome for a candidate, as a resolution of a conflict names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    Admitted { manual: bool },
    PendingManualVerification,
    Refused { reason: RefusalReason },
    Absent { refused_late: bool },
}

impl Outcome {
    /// Outcomes of the same kind agree (two devices that both admitted); different kinds conflict.
    pub fn same_kind(&self, other: &Outcome) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

/// Where a fallback photo came from, as the screen that sent it says: the device's camera, the
/// phone's own camera app, or a photo file chosen by hand (which the chief examiner should look at
/// with more care: it could be an older picture).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS,
)]
#[serde(rename_all = "kebab-case")]
pub enum PhotoSource {
    #[default]
    Camera,
    Phone,
    File,
}

/// The fallback photo behind a manual verification (DOMAIN.md step 4): the stored file's name in
/// the sitting's photo folder and its signature, so the event alone proves which bytes the chief
/// examiner approved, even after the file has been copied elsewhere.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS,
)]
pub struct PhotoRef {
    /// `<student number>.jpg` (or `-2`, … for a later photo of the same candidate).
    pub file: String,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
    /// The signing device's ed25519 public key, hex.
    pub public_key: String,
    /// The ed25519 signature over the hash and the stamped metadata, hex.
    pub signature: String,
    /// How the photo was taken.
    pub source: PhotoSource,
}

/// What happened. Status acts move the candidate's state; annotations only add to the record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum EventKind {
    /// Both documents matched and face recognition passed.
    Admitted,
    /// Face recognition failed, the proctor vouched by hand and took the photo of candidate and
    /// proctor at the seat: awaits the chief examiner.
    ManualVerificationRequested {
        photo: PhotoRef,
        /// Why recognition failed, as the proctor stated it; absent in events recorded before
        /// the reason was asked (which keep their signed bytes).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        face: Option<FaceFailure>,
    },
    ManualVerificationApproved,
    ManualVerificationRejected {
        note: String,
    },
    Refused {
        reason: RefusalReason,
    },
    /// Arrived more than 30 minutes after the start: refused and marked absent (缺考).
    RefusedLate,
    /// Did not come by T+30: marked absent (缺考).
    MarkedAbsent,
    /// A person settled a conflict between devices; `parents` names the heads it settles.
    ConflictResolved {
        outcome: Outcome,
    },
    /// Annotation: came to this room's door but is seated in another room of the site.
    Redirected {
        to_room: String,
    },
    /// Annotation: a violation recorded for the candidate (annex 4, 违规情况登记表). An edit is
    /// another such event naming the first one in `edits`; the latest by hybrid clock counts.
    ViolationRecorded {
        violation: Violation,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        edits: Option<EventId>,
    },
    /// Annotation: the candidate + proctor photo the 30-minute count check takes of a candidate
    /// who did not sign in on the platform (DOMAIN.md step 5), distinct from the manual
    /// verification's photo.
    CountCheckPhoto {
        photo: PhotoRef,
    },
    /// Room act, no candidate: the 30-minute count check. `platform_count` is the platform's
    /// face-recognition sign-in count the proctor typed; `real_count` the candidates admitted in
    /// the room when it was done. A later check of the same room replaces it.
    CountChecked {
        site: String,
        room: String,
        platform_count: u32,
        real_count: u32,
    },
    /// Room act, no candidate: the actor, a proctor, signed in as present in the room with their
    /// PIN. `substitute`: a staff member of the site not on this room's roster, who counts only
    /// once the chief examiner approves ([`EventKind::SubstituteApproved`]); left out of the JSON
    /// when false, so every older sign-in keeps its signed bytes.
    ProctorSignedIn {
        site: String,
        room: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        substitute: bool,
    },
    /// Annotation, a chief examiner's only: the candidate's entry photo has been checked on the
    /// platform after the exam (考后核验, DOMAIN.md "After the exam").
    PostExamChecked,
    /// Room act, no candidate: a proctor closed the room after the end ([`crate::closing`]).
    /// Its violations are final from here on: later records of them are ignored.
    RoomClosed {
        site: String,
        room: String,
    },
    /// Room act, no candidate, a chief examiner's only (typed with their PIN at the door): one
    /// unresolved item of the room's closing is waived, for the reason given.
    ClosingWaived {
        site: String,
        room: String,
        item: ClosingItem,
        reason: String,
    },
    /// Room act, no candidate: a step of the room's timeline done (staff in the room, the notice
    /// read, …), ticked by the actor.
    TimelineStepTicked {
        site: String,
        room: String,
        step: TimelineStep,
    },
    /// Room act, no candidate, a chief examiner's only: the substitute proctor `proctor` who
    /// signed in at the room is approved (typed at the door with the chief's PIN, so it carries
    /// the chief's proof).
    SubstituteApproved {
        site: String,
        room: String,
        proctor: String,
    },
}

/// The kinds of violation the notice names (section 七.9: 违纪、作弊、替考、扰考).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ViolationCategory {
    Discipline,
    Cheating,
    Impersonation,
    Disturbance,
    Other,
}

impl ViolationCategory {
    /// The notice's word for it.
    pub fn label(self) -> &'static str {
        match self {
            ViolationCategory::Discipline => "违纪",
            ViolationCategory::Cheating => "作弊",
            ViolationCategory::Impersonation => "替考",
            ViolationCategory::Disturbance => "扰考",
            ViolationCategory::Other => "其他",
        }
    }
}

/// What annex 4 records about one violation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub struct Violation {
    pub category: ViolationCategory,
    /// What happened, in the proctor's words.
    pub what: String,
    /// When it happened (exam time).
    #[ts(type = "string")]
    pub at: DateTime<FixedOffset>,
    /// Staff numbers of the proctors present.
    pub proctors: Vec<String>,
    /// Whether the candidate has been marked on the platform (一平台).
    pub platform_marked: bool,
}

impl EventKind {
    /// The outcome a status act sets, or `None` for an annotation.
    pub fn outcome(&self) -> Option<Outcome> {
        Some(match self {
            EventKind::Admitted => Outcome::Admitted { manual: false },
            EventKind::ManualVerificationRequested { .. } => Outcome::PendingManualVerification,
            EventKind::ManualVerificationApproved => Outcome::Admitted { manual: true },
            EventKind::ManualVerificationRejected { .. } => Outcome::Refused {
                reason: RefusalReason::ManualVerificationRejected,
            },
            EventKind::Refused { reason } => Outcome::Refused {
                reason: reason.clone(),
            },
            EventKind::RefusedLate => Outcome::Absent { refused_late: true },
            EventKind::MarkedAbsent => Outcome::Absent {
                refused_late: false,
            },
            EventKind::ConflictResolved { outcome } => outcome.clone(),
            EventKind::Redirected { .. }
            | EventKind::ViolationRecorded { .. }
            | EventKind::CountCheckPhoto { .. }
            | EventKind::CountChecked { .. }
            | EventKind::ProctorSignedIn { .. }
            | EventKind::PostExamChecked
            | EventKind::RoomClosed { .. }
            | EventKind::ClosingWaived { .. }
            | EventKind::TimelineStepTicked { .. }
            | EventKind::SubstituteApproved { .. } => return None,
        })
    }

    /// The emergency photo the act names: a manual verification's or a count check's.
    pub fn photo(&self) -> Option<&PhotoRef> {
        match self {
            EventKind::ManualVerificationRequested { photo, .. }
            | EventKind::CountCheckPhoto { photo } => Some(photo),
            _ => None,
        }
    }

    /// The `kind` column values of the acts that name a photo, for SQL `IN (…)`.
    pub const PHOTO_KINDS_SQL: &'static str =
        "('manual-verification-requested', 'count-check-photo')";

    /// The room a room act is about, as (site, room); `None` for a candidate's event.
    pub fn room(&self) -> Option<(&str, &str)> {
        match self {
            EventKind::CountChecked { site, room, .. }
            | EventKind::ProctorSignedIn { site, room, .. }
            | EventKind::TimelineStepTicked { site, room, .. }
            | EventKind::SubstituteApproved { site, room, .. }
            | EventKind::RoomClosed { site, room }
            | EventKind::ClosingWaived { site, room, .. } => Some((site, room)),
            _ => None,
        }
    }

    /// The stable name stored in the `kind` column.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Admitted => "admitted",
            EventKind::ManualVerificationRequested { .. } => "manual-verification-requested",
            EventKind::ManualVerificationApproved => "manual-verification-approved",
            EventKind::ManualVerificationRejected { .. } => "manual-verification-rejected",
            EventKind::Refused { .. } => "refused",
            EventKind::RefusedLate => "refused-late",
            EventKind::MarkedAbsent => "marked-absent",
            EventKind::ConflictResolved { .. } => "conflict-resolved",
            EventKind::Redirected { .. } => "redirected",
            EventKind::ViolationRecorded { .. } => "violation-recorded",
            EventKind::CountCheckPhoto { .. } => "count-check-photo",
            EventKind::CountChecked { .. } => "count-checked",
            EventKind::ProctorSignedIn { .. } => "proctor-signed-in",
            EventKind::PostExamChecked => "post-exam-checked",
            EventKind::RoomClosed { .. } => "room-closed",
            EventKind::ClosingWaived { .. } => "closing-waived",
            EventKind::TimelineStepTicked { .. } => "timeline-step-ticked",
            EventKind::SubstituteApproved { .. } => "substitute-approved",
        }
    }
}

impl Event {
    /// The candidate's student number, or "" for a room act.
    pub fn student(&self) -> &str {
        self.candidate.as_ref().map_or("", StudentNumber::as_str)
    }

    /// Whether the event names what its kind is about: a candidate for a candidate's act, none
    /// for a room act. A receiver keeps a malformed event aside.
    pub fn well_formed(&self) -> bool {
        self.kind.room().is_some() == self.candidate.is_none()
    }
}

/// One immutable door act.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub id: EventId,
    /// The recording device's id and its per-device sequence number (gap-free, from 1).
    pub device: Uuid,
    pub seq: u64,
    /// The device's own clock when the event was recorded, with its UTC offset. Never a set exam
    /// time: the id (UUIDv7) and the hybrid clock are made from this too.
    pub wall: DateTime<FixedOffset>,
    pub hlc: Hlc,
    /// The exam time the rules read (the late cut-off), when it differed from the device clock:
    /// a drill's set time, or one the chief examiner authorised. Absent in older events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exam_time: Option<DateTime<FixedOffset>>,
    /// Staff number (工号) of who acted.
    pub actor: String,
    /// The sitting's label.
    pub sitting: String,
    /// The candidate the act is about; absent for a room act ([`EventKind::room`]), and then left
    /// out of the JSON (a candidate's event keeps its bytes: `Some` writes the bare number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidate: Option<StudentNumber>,
    /// Status events of this candidate that the device had seen (its heads) when it acted.
    pub parents: Vec<EventId>,
    pub kind: EventKind,
    /// A chief examiner's PIN proof, on an approval, rejection or resolution typed on a door
    /// device with the chief's PIN ([`crate::chief_proof`]): hex HMAC-SHA256 over the event's
    /// canonical bytes without it, keyed by a key only that PIN and the site server can make.
    /// Absent otherwise, and then left out of the JSON, so every other event keeps its bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chief_proof: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hlc_moves_forward_even_when_the_wall_clock_goes_back() {
        let a = Hlc::default().tick(1_000);
        let b = a.tick(900);
        assert!(b > a);
        assert_eq!(b.millis(), 1_000);
    }

    #[test]
    fn hlc_passes_what_it_observed_from_a_device_ahead_of_it() {
        let ahead = Hlc::default().tick(5_000);
        let mine = Hlc::default().tick(1_000).observe(ahead, 1_001);
        assert!(mine > ahead);
    }

    #[test]
    fn a_room_act_has_no_candidate_in_its_json_and_only_room_acts_may_omit_one() {
        let body = r#"{"id":"01890000-0000-7000-8000-000000000001","device":"01890000-0000-7000-8000-000000000002","seq":1,"wall":"2023-04-15T10:30:00+08:00","hlc":1,"actor":"J2101","sitting":"2023春 第一次","parents":[],"kind":{"type":"count-checked","site":"甲","room":"01","platform_count":27,"real_count":28}}"#;
        let e: Event = serde_json::from_str(body).unwrap();
        assert_eq!(e.candidate, None);
        assert!(e.well_formed());
        assert_eq!(serde_json::to_string(&e).unwrap(), body, "bytes kept");
        let mut admitted = e.clone();
        admitted.kind = EventKind::Admitted;
        assert!(
            !admitted.well_formed(),
            "a candidate's act needs a candidate"
        );
        let mut named = e;
        named.candidate = Some(StudentNumber::parse("2242200000101").unwrap());
        assert!(!named.well_formed(), "a room act names no candidate");
    }

    #[test]
    fn an_event_written_before_exam_time_was_recorded_still_reads() {
        let old = r#"{"id":"01890000-0000-7000-8000-000000000001","device":"01890000-0000-7000-8000-000000000002","seq":1,"wall":"2023-04-15T09:45:00+08:00","hlc":1,"actor":"J2101","sitting":"2023春 第一次","candidate":"2242200000101","parents":[],"kind":{"type":"admitted"}}"#;
        let e: Event = serde_json::from_str(old).unwrap();
        assert_eq!(e.exam_time, None);
        assert_eq!(e.chief_proof, None);
        assert!(!serde_json::to_string(&e).unwrap().contains("exam_time"));
    }

    #[test]
    fn the_post_exam_check_is_an_annotation_named_post_exam_checked() {
        let k = EventKind::PostExamChecked;
        assert_eq!(k.outcome(), None);
        assert_eq!(k.name(), "post-exam-checked");
        assert_eq!(k.room(), None);
        let s = serde_json::to_string(&k).unwrap();
        assert_eq!(s, r#"{"type":"post-exam-checked"}"#);
        assert_eq!(serde_json::from_str::<EventKind>(&s).unwrap(), k);
    }

    #[test]
    fn a_sign_in_on_the_roster_keeps_its_bytes_and_a_substitutes_says_so() {
        let roster = r#"{"type":"proctor-signed-in","site":"甲","room":"01"}"#;
        let k: EventKind = serde_json::from_str(roster).unwrap();
        assert_eq!(
            k,
            EventKind::ProctorSignedIn {
                site: "甲".into(),
                room: "01".into(),
                substitute: false
            }
        );
        assert_eq!(serde_json::to_string(&k).unwrap(), roster);
        let sub = EventKind::ProctorSignedIn {
            site: "甲".into(),
            room: "01".into(),
            substitute: true,
        };
        let s = serde_json::to_string(&sub).unwrap();
        assert_eq!(
            s,
            r#"{"type":"proctor-signed-in","site":"甲","room":"01","substitute":true}"#
        );
        assert_eq!(serde_json::from_str::<EventKind>(&s).unwrap(), sub);
    }

    #[test]
    fn a_tick_and_a_substitutes_approval_are_room_acts() {
        let tick = EventKind::TimelineStepTicked {
            site: "甲".into(),
            room: "01".into(),
            step: TimelineStep::Notice,
        };
        let s = serde_json::to_string(&tick).unwrap();
        assert_eq!(
            s,
            r#"{"type":"timeline-step-ticked","site":"甲","room":"01","step":"notice"}"#
        );
        assert_eq!(tick.room(), Some(("甲", "01")));
        let approve = EventKind::SubstituteApproved {
            site: "甲".into(),
            room: "01".into(),
            proctor: "J9".into(),
        };
        assert_eq!(approve.room(), Some(("甲", "01")));
        assert_eq!(approve.name(), "substitute-approved");
        assert_eq!(approve.outcome(), None);
    }

    #[test]
    fn event_kind_round_trips_through_json() {
        let k = EventKind::Refused {
            reason: RefusalReason::Other {
                note: "证件过期".into(),
            },
        };
        let s = serde_json::to_string(&k).unwrap();
        assert_eq!(serde_json::from_str::<EventKind>(&s).unwrap(), k);
    }
}
