//! What a door act turns into, given where the candidate stands and what time it is.
//!
//! The store reads the candidate's folded state, asks [`decide`] for the event, and appends it in
//! the same transaction, so a double tap or a second device can never record a second admission.
//! Lateness is decided here: after T+30 an attempt to admit becomes "refused as late, absent".

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::event::{EventKind, FaceFailure, Outcome, PhotoRef, RefusalReason};
use crate::fold::CandidateState;
use crate::model::Role;
use crate::timeline::Timeline;

/// What the person at the door asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "act", rename_all = "kebab-case")]
pub enum DoorAct {
    /// Both documents checked and face recognition passed.
    Admit,
    /// Face recognition failed and the proctor vouches by hand; `photo` is the fallback photo,
    /// already stored and signed (the app takes it; the screens cannot send this act themselves).
    Vouch {
        photo: PhotoRef,
        /// Why face recognition failed, as the proctor stated it.
        #[serde(default)]
        face: Option<FaceFailure>,
    },
    Refuse {
        reason: RefusalReason,
    },
    /// At T+30, for a candidate who has not come.
    MarkAbsent,
    Approve,
    Reject {
        note: String,
    },
    Resolve {
        outcome: Outcome,
    },
}

/// Why an act cannot be recorded. Each has a stable code for the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "kebab-case")]
pub enum DoorError {
    #[error("该考生已入场 (already admitted)")]
    AlreadyAdmitted,
    #[error("该考生已记为缺考 (already marked absent)")]
    AlreadyAbsent,
    #[error("该考生正在等待主考审批人工核验 (awaiting the chief examiner's approval)")]
    AwaitingApproval,
    #[error("没有待审批的人工核验 (no manual verification is awaiting approval)")]
    NothingToApprove,
    #[error("只有主考可以审批人工核验 (only a chief examiner may approve a manual verification)")]
    NotChiefExaminer,
    #[error("开考 30 分钟后才能记缺考 (absence is marked only after 30 minutes past the start)")]
    TooEarlyForAbsent,
    #[error("多台设备记录不一致，须先处理冲突 (devices disagree: resolve the conflict first)")]
    Conflict,
    #[error("没有需要处理的冲突 (there is no conflict to resolve)")]
    NoConflict,
    #[error(
        "只能裁定为冲突中的某一结果，或拒绝入场并写明原因 (a resolution picks one of the outcomes in conflict, or refuses with a reason)"
    )]
    OutcomeNotInConflict,
    #[error("拒绝入场须写明原因 (a refusal needs a reason)")]
    RefusalNeedsReason,
    #[error("考试结束后才能关闭考场 (the room is closed only after the end of the exam)")]
    TooEarlyToClose,
    #[error(
        "还有 {count} 项未处理，须处理或由主考豁免后才能关闭考场 ({count} items unresolved: resolve them or have the chief examiner waive them)"
    )]
    Unresolved { count: usize },
    #[error(
        "考场已关闭，不能再记录或修改 (the room is closed: nothing more can be recorded or edited)"
    )]
    RoomClosed,
    #[error(
        "只有本考场的监考员或主考可以关闭考场 (only a proctor of this room or the chief examiner closes it)"
    )]
    NotOfRoom,
    #[error("主考豁免须写明原因 (a waiver needs a reason)")]
    WaiverNeedsReason,
    #[error("该项不在待处理清单中，无需豁免 (that item is not unresolved: nothing to waive)")]
    NothingToWaive,
}

impl DoorError {
    pub fn code(&self) -> &'static str {
        match self {
            DoorError::AlreadyAdmitted => "already-admitted",
            DoorError::AlreadyAbsent => "already-absent",
            DoorError::AwaitingApproval => "awaiting-approval",
            DoorError::NothingToApprove => "nothing-to-approve",
            DoorError::NotChiefExaminer => "not-chief-examiner",
            DoorError::TooEarlyForAbsent => "too-early-for-absent",
            DoorError::Conflict => "conflict",
            DoorError::NoConflict => "no-conflict",
            DoorError::OutcomeNotInConflict => "outcome-not-in-conflict",
            DoorError::RefusalNeedsReason => "refusal-needs-reason",
            DoorError::TooEarlyToClose => "too-early-to-close",
            DoorError::Unresolved { .. } => "unresolved",
            DoorError::RoomClosed => "room-closed",
            DoorError::NotOfRoom => "not-of-room",
            DoorError::WaiverNeedsReason => "waiver-needs-reason",
            DoorError::NothingToWaive => "nothing-to-waive",
        }
    }
}

/// Decides the event for `act` by an actor of `role` on a candidate in `state` at `now`.
pub fn decide(
    state: &CandidateState,
    act: &DoorAct,
    role: Role,
    timeline: &Timeline,
    now: DateTime<FixedOffset>,
) -> Result<EventKind, DoorError> {
    use CandidateState as S;
    match (act, state) {
        (_, S::Conflict { .. }) if !matches!(act, DoorAct::Resolve { .. }) => {
            Err(DoorError::Conflict)
        }
        (DoorAct::Resolve { .. }, _) if role != Role::ChiefExaminer => {
            Err(DoorError::NotChiefExaminer)
        }
        (DoorAct::Resolve { outcome }, S::Conflict { outcomes }) => {
            resolution(outcome, outcomes).map(|outcome| EventKind::ConflictResolved { outcome })
        }
        (DoorAct::Resolve { .. }, _) => Err(DoorError::NoConflict),
        (DoorAct::Approve | DoorAct::Reject { .. }, _) if role != Role::ChiefExaminer => {
            Err(DoorError::NotChiefExaminer)
        }
        (DoorAct::Approve, S::PendingManualVerification) => {
            Ok(EventKind::ManualVerificationApproved)
        }
        (DoorAct::Reject { note }, S::PendingManualVerification) => {
            Ok(EventKind::ManualVerificationRejected { note: note.clone() })
        }
        (DoorAct::Approve | DoorAct::Reject { .. }, _) => Err(DoorError::NothingToApprove),
        (_, S::Admitted { .. }) => Err(DoorError::AlreadyAdmitted),
        (_, S::Absent { .. }) => Err(DoorError::AlreadyAbsent),
        (_, S::PendingManualVerification) => Err(DoorError::AwaitingApproval),
        (DoorAct::Admit | DoorAct::Vouch { .. }, _) if timeline.is_late(now) => {
            Ok(EventKind::RefusedLate)
        }
        (DoorAct::Admit, _) => Ok(EventKind::Admitted),
        (DoorAct::Vouch { photo, face }, _) => Ok(EventKind::ManualVerificationRequested {
            photo: photo.clone(),
            face: *face,
        }),
        (DoorAct::Refuse { reason }, _) => Ok(EventKind::Refused {
            reason: reason.clone(),
        }),
        (DoorAct::MarkAbsent, _) if !timeline.is_late(now) => Err(DoorError::TooEarlyForAbsent),
        // Expected, or refused at the door and never admitted: did not sit the exam.
        (DoorAct::MarkAbsent, _) => Ok(EventKind::MarkedAbsent),
    }
}

/// A chief's resolution of a conflict between `outcomes`: one of them exactly, or a refusal whose
/// reason says something (a named reason, or a note that is not blank). Nothing else: a
/// correction may not invent an outcome no device recorded.
fn resolution(outcome: &Outcome, outcomes: &[Outcome]) -> Result<Outcome, DoorError> {
    match outcome {
        o if outcomes.contains(o) => Ok(o.clone()),
        Outcome::Refused {
            reason: RefusalReason::Other { note },
        } if note.trim().is_empty() => Err(DoorError::RefusalNeedsReason),
        Outcome::Refused { .. } => Ok(outcome.clone()),
        Outcome::Admitted { .. } | Outcome::PendingManualVerification | Outcome::Absent { .. } => {
            Err(DoorError::OutcomeNotInConflict)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::CHINA_OFFSET;
    use crate::timeline::fixture::timeline;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<FixedOffset> {
        CHINA_OFFSET.with_ymd_and_hms(2023, 4, 15, h, m, 0).unwrap()
    }

    fn vouch() -> DoorAct {
        DoorAct::Vouch {
            photo: PhotoRef {
                file: "2023420100001.jpg".into(),
                ..PhotoRef::default()
            },
            face: Some(FaceFailure::Environment),
        }
    }

    fn proctor(
        state: &CandidateState,
        act: DoorAct,
        h: u32,
        m: u32,
    ) -> Result<EventKind, DoorError> {
        decide(state, &act, Role::Proctor, &timeline(), at(h, m))
    }

    #[test]
    fn an_expected_candidate_is_admitted_before_the_cutoff() {
        assert_eq!(
            proctor(&CandidateState::Expected, DoorAct::Admit, 8, 40),
            Ok(EventKind::Admitted)
        );
        assert_eq!(
            proctor(&CandidateState::Expected, DoorAct::Admit, 9, 30),
            Ok(EventKind::Admitted)
        );
    }

    #[test]
    fn late_by_31_minutes_is_refused_and_marked_absent() {
        assert_eq!(
            proctor(&CandidateState::Expected, DoorAct::Admit, 9, 31),
            Ok(EventKind::RefusedLate)
        );
        assert_eq!(
            proctor(&CandidateState::Expected, vouch(), 9, 31),
            Ok(EventKind::RefusedLate)
        );
    }

    #[test]
    fn a_vouch_before_the_cutoff_awaits_approval_and_carries_its_photo() {
        let Ok(EventKind::ManualVerificationRequested { photo, face }) =
            proctor(&CandidateState::Expected, vouch(), 9, 30)
        else {
            panic!("a vouch at T+30 must request manual verification");
        };
        assert_eq!(photo.file, "2023420100001.jpg");
        assert_eq!(face, Some(FaceFailure::Environment), "the reason travels");
    }

    #[test]
    fn a_second_admission_is_refused() {
        let admitted = CandidateState::Admitted { manual: false };
        assert_eq!(
            proctor(&admitted, DoorAct::Admit, 8, 41),
            Err(DoorError::AlreadyAdmitted)
        );
        assert_eq!(
            proctor(&admitted, vouch(), 8, 41),
            Err(DoorError::AlreadyAdmitted)
        );
    }

    #[test]
    fn a_candidate_refused_for_documents_may_come_back_and_be_admitted() {
        let refused = CandidateState::Refused {
            reason: RefusalReason::DocumentMismatch,
        };
        assert_eq!(
            proctor(&refused, DoorAct::Admit, 8, 50),
            Ok(EventKind::Admitted)
        );
    }

    #[test]
    fn only_a_chief_examiner_approves_a_manual_verification() {
        let pending = CandidateState::PendingManualVerification;
        assert_eq!(
            proctor(&pending, DoorAct::Approve, 8, 50),
            Err(DoorError::NotChiefExaminer)
        );
        assert_eq!(
            decide(
                &pending,
                &DoorAct::Approve,
                Role::ChiefExaminer,
                &timeline(),
                at(8, 50)
            ),
            Ok(EventKind::ManualVerificationApproved)
        );
        assert_eq!(
            decide(
                &CandidateState::Expected,
                &DoorAct::Approve,
                Role::ChiefExaminer,
                &timeline(),
                at(8, 50)
            ),
            Err(DoorError::NothingToApprove)
        );
    }

    #[test]
    fn a_pending_candidate_is_neither_admitted_again_nor_marked_absent() {
        let pending = CandidateState::PendingManualVerification;
        assert_eq!(
            proctor(&pending, DoorAct::Admit, 8, 50),
            Err(DoorError::AwaitingApproval)
        );
        assert_eq!(
            proctor(&pending, DoorAct::MarkAbsent, 9, 40),
            Err(DoorError::AwaitingApproval)
        );
    }

    #[test]
    fn absence_is_marked_only_after_the_cutoff() {
        assert_eq!(
            proctor(&CandidateState::Expected, DoorAct::MarkAbsent, 9, 30),
            Err(DoorError::TooEarlyForAbsent)
        );
        assert_eq!(
            proctor(&CandidateState::Expected, DoorAct::MarkAbsent, 9, 31),
            Ok(EventKind::MarkedAbsent)
        );
        assert_eq!(
            proctor(
                &CandidateState::Absent {
                    refused_late: false
                },
                DoorAct::MarkAbsent,
                9,
                40
            ),
            Err(DoorError::AlreadyAbsent)
        );
    }

    fn conflict() -> CandidateState {
        CandidateState::Conflict {
            outcomes: vec![
                Outcome::Admitted { manual: false },
                Outcome::Absent {
                    refused_late: false,
                },
            ],
        }
    }

    fn chief(state: &CandidateState, act: DoorAct) -> Result<EventKind, DoorError> {
        decide(state, &act, Role::ChiefExaminer, &timeline(), at(9, 50))
    }

    fn resolve(outcome: Outcome) -> DoorAct {
        DoorAct::Resolve { outcome }
    }

    #[test]
    fn a_conflict_blocks_every_act_but_its_resolution() {
        let c = conflict();
        assert_eq!(proctor(&c, DoorAct::Admit, 8, 50), Err(DoorError::Conflict));
        assert_eq!(chief(&c, DoorAct::Approve), Err(DoorError::Conflict));
        let r = resolve(Outcome::Admitted { manual: false });
        assert!(chief(&c, r.clone()).is_ok());
        assert_eq!(
            chief(&CandidateState::Expected, r),
            Err(DoorError::NoConflict)
        );
    }

    #[test]
    fn only_a_chief_examiner_settles_a_conflict() {
        let r = resolve(Outcome::Admitted { manual: false });
        assert_eq!(
            proctor(&conflict(), r.clone(), 9, 50),
            Err(DoorError::NotChiefExaminer)
        );
        assert_eq!(
            proctor(&CandidateState::Expected, r.clone(), 9, 50),
            Err(DoorError::NotChiefExaminer),
            "a proctor learns nothing about the state from a resolution"
        );
        assert_eq!(
            chief(&conflict(), r),
            Ok(EventKind::ConflictResolved {
                outcome: Outcome::Admitted { manual: false }
            })
        );
    }

    #[test]
    fn a_resolution_picks_one_of_the_outcomes_in_conflict_exactly() {
        let absent = Outcome::Absent {
            refused_late: false,
        };
        assert_eq!(
            chief(&conflict(), resolve(absent.clone())),
            Ok(EventKind::ConflictResolved { outcome: absent })
        );
        for never in [
            Outcome::Admitted { manual: true },
            Outcome::PendingManualVerification,
            Outcome::Absent { refused_late: true },
        ] {
            assert_eq!(
                chief(&conflict(), resolve(never.clone())),
                Err(DoorError::OutcomeNotInConflict),
                "{never:?} was never in conflict"
            );
        }
    }

    #[test]
    fn a_resolution_may_refuse_but_only_with_a_reason() {
        let refuse = |reason| resolve(Outcome::Refused { reason });
        let note = |n: &str| RefusalReason::Other { note: n.into() };
        assert!(chief(&conflict(), refuse(note("冒名顶替嫌疑"))).is_ok());
        assert!(chief(&conflict(), refuse(RefusalReason::DocumentMismatch)).is_ok());
        assert_eq!(
            chief(&conflict(), refuse(note(""))),
            Err(DoorError::RefusalNeedsReason)
        );
        assert_eq!(
            chief(&conflict(), refuse(note("  \t "))),
            Err(DoorError::RefusalNeedsReason)
        );
    }
}
