//! A candidate's state as a pure function of the *set* of their events.
//!
//! The status events form a graph through their `parents`. The heads are those no other event has
//! seen. One head, or heads that agree (two devices both admitted), give a settled state; heads
//! that disagree (admitted here, marked absent there, neither having seen the other) give
//! [`CandidateState::Conflict`], which a person settles with a `ConflictResolved` event whose
//! parents are the heads. Nothing depends on arrival order or duplicates, so two devices, or a
//! device and the server, holding the same events compute the same state.
//!
//! The set must be causally closed (every parent of an event in it is in it too): an event whose
//! parent is missing leaves that parent's own parents as heads, a conflict the complete log does
//! not have. The store's receive path holds such an event aside until its parents arrive
//! (examgate-store `receive`), so the fold only ever sees closed sets.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::event::{Event, EventId, Outcome, RefusalReason};

/// Where a candidate stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum CandidateState {
    /// On the list, not yet seen at the door.
    Expected,
    Admitted {
        /// Admitted after the chief examiner approved a manual verification.
        manual: bool,
    },
    /// Recognition failed, the proctor vouched; awaits the chief examiner.
    PendingManualVerification,
    Refused {
        reason: RefusalReason,
    },
    /// 缺考: did not come by T+30, or came later and was refused.
    Absent {
        refused_late: bool,
    },
    /// Devices disagree; each distinct outcome is listed, in a fixed order.
    Conflict {
        outcomes: Vec<Outcome>,
    },
}

impl From<Outcome> for CandidateState {
    fn from(o: Outcome) -> Self {
        match o {
            Outcome::Admitted { manual } => CandidateState::Admitted { manual },
            Outcome::PendingManualVerification => CandidateState::PendingManualVerification,
            Outcome::Refused { reason } => CandidateState::Refused { reason },
            Outcome::Absent { refused_late } => CandidateState::Absent { refused_late },
        }
    }
}

/// The folded state and the heads a new act must name as its parents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folded {
    pub state: CandidateState,
    /// Status events no other event has seen, ordered by (hlc, id).
    pub heads: Vec<EventId>,
}

/// Folds one candidate's events (any order, duplicates allowed) into their state.
pub fn fold<'a>(events: impl IntoIterator<Item = &'a Event>) -> Folded {
    let mut status: BTreeMap<EventId, (&Event, Outcome)> = BTreeMap::new();
    for e in events {
        if let Some(o) = e.kind.outcome() {
            status.insert(e.id, (e, o));
        }
    }
    let seen: HashSet<EventId> = status
        .values()
        .flat_map(|(e, _)| e.parents.iter().copied())
        .collect();
    let mut heads: Vec<(&Event, &Outcome)> = status
        .values()
        .filter(|(e, _)| !seen.contains(&e.id))
        .map(|(e, o)| (*e, o))
        .collect();
    heads.sort_by_key(|(e, _)| (e.hlc, e.id));

    // Per kind of outcome, the latest head speaks for it.
    let mut by_kind: Vec<&Outcome> = Vec::new();
    for (_, o) in heads.iter().rev() {
        if !by_kind.iter().any(|k| k.same_kind(o)) {
            by_kind.push(o);
        }
    }
    let state = match by_kind.as_slice() {
        [] => CandidateState::Expected,
        [one] => CandidateState::from((*one).clone()),
        many => {
            let mut outcomes: Vec<Outcome> = many.iter().map(|o| (*o).clone()).collect();
            outcomes.sort();
            CandidateState::Conflict { outcomes }
        }
    };
    Folded {
        state,
        heads: heads.iter().map(|(e, _)| e.id).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventKind, Hlc, PhotoRef};
    use crate::model::StudentNumber;
    use chrono::{FixedOffset, TimeZone};
    use proptest::prelude::*;
    use uuid::Uuid;

    fn ev(n: u128, device: u128, hlc: u64, parents: &[u128], kind: EventKind) -> Event {
        let tz = FixedOffset::east_opt(8 * 3600).unwrap();
        Event {
            id: EventId(Uuid::from_u128(n)),
            device: Uuid::from_u128(device),
            seq: n as u64,
            wall: tz.timestamp_millis_opt(hlc as i64).unwrap(),
            hlc: Hlc(hlc),
            exam_time: None,
            actor: "P001".into(),
            sitting: "2023春 第一次".into(),
            candidate: Some(StudentNumber::parse("2023000000001").unwrap()),
            parents: parents
                .iter()
                .map(|p| EventId(Uuid::from_u128(*p)))
                .collect(),
            kind,
            chief_proof: None,
        }
    }

    #[test]
    fn no_events_means_expected() {
        assert_eq!(fold([]).state, CandidateState::Expected);
    }

    #[test]
    fn an_act_that_saw_the_earlier_one_supersedes_it() {
        let a = ev(
            1,
            1,
            10,
            &[],
            EventKind::Refused {
                reason: RefusalReason::DocumentMismatch,
            },
        );
        let b = ev(2, 1, 20, &[1], EventKind::Admitted);
        let f = fold([&b, &a]);
        assert_eq!(f.state, CandidateState::Admitted { manual: false });
        assert_eq!(f.heads, vec![b.id]);
    }

    #[test]
    fn admitted_on_one_device_and_absent_on_another_is_a_conflict() {
        let a = ev(1, 1, 10, &[], EventKind::Admitted);
        let b = ev(2, 2, 20, &[], EventKind::MarkedAbsent);
        let f = fold([&a, &b]);
        assert_eq!(
            f.state,
            CandidateState::Conflict {
                outcomes: vec![
                    Outcome::Admitted { manual: false },
                    Outcome::Absent {
                        refused_late: false
                    }
                ]
            }
        );
        assert_eq!(f.heads.len(), 2);
    }

    #[test]
    fn two_devices_that_both_admitted_agree() {
        let a = ev(1, 1, 10, &[], EventKind::Admitted);
        let b = ev(2, 2, 20, &[], EventKind::Admitted);
        assert_eq!(
            fold([&a, &b]).state,
            CandidateState::Admitted { manual: false }
        );
    }

    #[test]
    fn a_resolution_naming_both_heads_settles_the_conflict() {
        let a = ev(1, 1, 10, &[], EventKind::Admitted);
        let b = ev(2, 2, 20, &[], EventKind::MarkedAbsent);
        let r = ev(
            3,
            1,
            30,
            &[1, 2],
            EventKind::ConflictResolved {
                outcome: Outcome::Admitted { manual: false },
            },
        );
        assert_eq!(
            fold([&r, &b, &a]).state,
            CandidateState::Admitted { manual: false }
        );
    }

    #[test]
    fn manual_verification_goes_pending_then_admitted_on_approval() {
        let a = ev(
            1,
            1,
            10,
            &[],
            EventKind::ManualVerificationRequested {
                photo: PhotoRef::default(),
                face: None,
            },
        );
        assert_eq!(fold([&a]).state, CandidateState::PendingManualVerification);
        let b = ev(2, 1, 20, &[1], EventKind::ManualVerificationApproved);
        assert_eq!(
            fold([&a, &b]).state,
            CandidateState::Admitted { manual: true }
        );
    }

    /// Why the receive path holds an event until its parents arrive: refused (e0), then vouched
    /// having seen it (e1), then approved having seen that (e2). Without e1, e0 looks unseen.
    #[test]
    fn only_a_causally_closed_set_is_free_of_false_conflicts() {
        let e0 = ev(
            1,
            3,
            10,
            &[],
            EventKind::Refused {
                reason: RefusalReason::DocumentMismatch,
            },
        );
        let e1 = ev(
            2,
            1,
            20,
            &[1],
            EventKind::ManualVerificationRequested {
                photo: PhotoRef::default(),
                face: None,
            },
        );
        let e2 = ev(3, 2, 30, &[2], EventKind::ManualVerificationApproved);
        assert!(matches!(
            fold([&e0, &e2]).state,
            CandidateState::Conflict { .. }
        ));
        assert_eq!(
            fold([&e0, &e1, &e2]).state,
            CandidateState::Admitted { manual: true }
        );
    }

    #[test]
    fn an_annotation_does_not_change_the_state() {
        let a = ev(1, 1, 10, &[], EventKind::Admitted);
        let b = ev(
            2,
            2,
            20,
            &[],
            EventKind::Redirected {
                to_room: "02".into(),
            },
        );
        assert_eq!(
            fold([&a, &b]).state,
            CandidateState::Admitted { manual: false }
        );
    }

    fn kind_strategy() -> impl Strategy<Value = EventKind> {
        prop_oneof![
            Just(EventKind::Admitted),
            Just(EventKind::ManualVerificationRequested {
                photo: PhotoRef::default(),
                face: None,
            }),
            Just(EventKind::ManualVerificationApproved),
            Just(EventKind::MarkedAbsent),
            Just(EventKind::RefusedLate),
            Just(EventKind::Refused {
                reason: RefusalReason::DocumentMismatch
            }),
            Just(EventKind::Redirected {
                to_room: "03".into()
            }),
        ]
    }

    /// Up to 12 events from 3 devices; each names a random subset of earlier events as parents,
    /// as a device that had synced some of them would.
    fn history() -> impl Strategy<Value = Vec<Event>> {
        prop::collection::vec((0u128..3, kind_strategy(), any::<u16>(), 0u64..5), 0..12).prop_map(
            |specs| {
                let mut out: Vec<Event> = Vec::new();
                for (i, (device, kind, mask, jitter)) in specs.into_iter().enumerate() {
                    let parents: Vec<u128> = (0..i)
                        .filter(|j| mask & (1 << (j % 16)) != 0)
                        .map(|j| j as u128 + 1)
                        .collect();
                    out.push(ev(
                        i as u128 + 1,
                        device,
                        10 * i as u64 + jitter,
                        &parents,
                        kind,
                    ));
                }
                out
            },
        )
    }

    proptest! {
        #[test]
        fn any_permutation_of_the_same_events_gives_the_same_state(
            (events, shuffled) in history().prop_flat_map(|h| (Just(h.clone()), Just(h).prop_shuffle()))
        ) {
            prop_assert_eq!(fold(&events), fold(&shuffled));
        }

        #[test]
        fn receiving_an_event_twice_changes_nothing(events in history(), dup in any::<prop::sample::Index>()) {
            let mut with_dup = events.clone();
            if !events.is_empty() {
                with_dup.push(events[dup.index(events.len())].clone());
            }
            prop_assert_eq!(fold(&events), fold(&with_dup));
        }
    }
}
