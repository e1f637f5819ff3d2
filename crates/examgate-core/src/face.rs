//! The face-recognition result on a candidate's record (DOMAIN.md step 3), read from the door's
//! acts rather than stored on its own: an admission at the door is recorded only when recognition
//! passed; a vouch (manual verification) carries the proctor's reason it failed; a refusal for a
//! face that does not match says so. The latest of these acts by hybrid clock counts, so a
//! candidate refused and later admitted reads "passed". Pure, read the same way by the door's
//! card, the chief examiner's screen and every report.

use serde::Serialize;
use ts_rs::TS;

use crate::event::{Event, EventKind, FaceFailure, RefusalReason};

/// What the record says about face recognition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum FaceResult {
    /// No door act has decided it yet (expected, absent, refused for the documents).
    NotRecorded,
    Passed,
    /// Failed, with the proctor's reason (`None` on a vouch recorded before the reason was asked).
    Failed {
        reason: Option<FaceFailure>,
    },
}

impl FaceResult {
    /// The words on the card and in the reports: 通过, 未通过（环境原因）, …; "" when not recorded.
    pub fn label(self) -> String {
        match self {
            FaceResult::NotRecorded => String::new(),
            FaceResult::Passed => "通过".to_owned(),
            FaceResult::Failed { reason: Some(r) } => format!("未通过（{}）", r.label()),
            FaceResult::Failed { reason: None } => "未通过（原因未记录）".to_owned(),
        }
    }

    pub fn passed(self) -> bool {
        self == FaceResult::Passed
    }
}

/// The face result of one candidate's events (any order).
pub fn face_result(events: &[Event]) -> FaceResult {
    events
        .iter()
        .filter_map(|e| {
            let r = match &e.kind {
                EventKind::Admitted => FaceResult::Passed,
                EventKind::ManualVerificationRequested { face, .. } => {
                    FaceResult::Failed { reason: *face }
                }
                EventKind::Refused {
                    reason: RefusalReason::FaceMismatch,
                } => FaceResult::Failed {
                    reason: Some(FaceFailure::NoMatch),
                },
                _ => return None,
            };
            Some(((e.hlc, e.id), r))
        })
        .max_by_key(|(order, _)| *order)
        .map_or(FaceResult::NotRecorded, |(_, r)| r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventId, Hlc, PhotoRef};
    use crate::model::StudentNumber;
    use chrono::{FixedOffset, TimeZone};
    use uuid::Uuid;

    fn ev(n: u128, kind: EventKind) -> Event {
        let tz = FixedOffset::east_opt(8 * 3600).unwrap();
        Event {
            id: EventId(Uuid::from_u128(n)),
            device: Uuid::from_u128(1),
            seq: n as u64,
            wall: tz.with_ymd_and_hms(2023, 4, 15, 8, 40, 0).unwrap(),
            hlc: Hlc(n as u64),
            exam_time: None,
            actor: "J0101".into(),
            sitting: "s".into(),
            candidate: Some(StudentNumber::parse("2242200000101").unwrap()),
            parents: Vec::new(),
            kind,
            chief_proof: None,
        }
    }

    fn vouch(face: Option<FaceFailure>) -> EventKind {
        EventKind::ManualVerificationRequested {
            photo: PhotoRef::default(),
            face,
        }
    }

    #[test]
    fn an_admission_records_a_pass_and_a_vouch_a_failure_with_its_reason() {
        assert_eq!(face_result(&[]), FaceResult::NotRecorded);
        assert_eq!(
            face_result(&[ev(1, EventKind::Admitted)]),
            FaceResult::Passed
        );
        let env = [ev(1, vouch(Some(FaceFailure::Environment)))];
        assert_eq!(face_result(&env).label(), "未通过（环境原因）");
        let approved = [
            ev(1, vouch(Some(FaceFailure::NoMatch))),
            ev(2, EventKind::ManualVerificationApproved),
        ];
        assert_eq!(
            face_result(&approved),
            FaceResult::Failed {
                reason: Some(FaceFailure::NoMatch)
            },
            "an approval admits the candidate but recognition still failed"
        );
        assert_eq!(
            face_result(&[ev(1, vouch(None))]).label(),
            "未通过（原因未记录）"
        );
    }

    #[test]
    fn a_face_mismatch_refusal_is_a_failure_and_the_latest_act_counts_in_any_order() {
        let refused = ev(
            1,
            EventKind::Refused {
                reason: RefusalReason::FaceMismatch,
            },
        );
        assert_eq!(
            face_result(std::slice::from_ref(&refused)).label(),
            "未通过（人脸不匹配）"
        );
        let later = [ev(2, EventKind::Admitted), refused];
        assert_eq!(face_result(&later), FaceResult::Passed);
        let documents = ev(
            3,
            EventKind::Refused {
                reason: RefusalReason::DocumentMismatch,
            },
        );
        assert_eq!(face_result(&[documents]), FaceResult::NotRecorded);
    }

    #[test]
    fn a_vouch_without_a_reason_keeps_its_old_bytes_and_one_with_a_reason_reads_back() {
        let old = r#"{"type":"manual-verification-requested","photo":{"file":"a.jpg","sha256":"","public_key":"","signature":"","source":"camera"}}"#;
        let k: EventKind = serde_json::from_str(old).unwrap();
        assert_eq!(serde_json::to_string(&k).unwrap(), old, "bytes kept");
        let with = vouch(Some(FaceFailure::Environment));
        let s = serde_json::to_string(&with).unwrap();
        assert!(s.ends_with(r#""face":"environment"}"#), "{s}");
        assert_eq!(serde_json::from_str::<EventKind>(&s).unwrap(), with);
    }
}
