use super::*;
use crate::event::{Outcome, PhotoRef, Violation, ViolationCategory};
use crate::model::StudentNumber;
use chrono::TimeZone;
use uuid::Uuid;

const SITE: &str = "甲";
const ROOM: &str = "01";
const A: &str = "2242200000101";
const B: &str = "2242200000102";

fn tz() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap()
}

fn at(h: u32, m: u32) -> DateTime<FixedOffset> {
    tz().with_ymd_and_hms(2023, 4, 15, h, m, 0).unwrap()
}

fn end() -> DateTime<FixedOffset> {
    at(11, 0)
}

fn ev(n: u128, student: Option<&str>, actor: &str, kind: EventKind) -> Event {
    Event {
        id: EventId(Uuid::from_u128(n)),
        device: Uuid::from_u128(99),
        seq: n as u64,
        wall: at(10, 0),
        hlc: Hlc(n as u64 * 10),
        exam_time: None,
        actor: actor.into(),
        sitting: "2023春 第一次".into(),
        candidate: student.map(|s| StudentNumber::parse(s).unwrap()),
        parents: vec![],
        kind,
        chief_proof: None,
    }
}

fn count_check(n: u128) -> Event {
    ev(
        n,
        None,
        "J1",
        EventKind::CountChecked {
            site: SITE.into(),
            room: ROOM.into(),
            platform_count: 1,
            real_count: 2,
        },
    )
}

fn photo(n: u128, student: &str) -> Event {
    ev(
        n,
        Some(student),
        "J1",
        EventKind::CountCheckPhoto {
            photo: PhotoRef::default(),
        },
    )
}

fn violation(n: u128, student: &str, marked: bool, edits: Option<u128>) -> Event {
    ev(
        n,
        Some(student),
        "J1",
        EventKind::ViolationRecorded {
            violation: Violation {
                category: ViolationCategory::Discipline,
                what: "交头接耳".into(),
                at: at(9, 40),
                proctors: vec!["J1".into()],
                platform_marked: marked,
            },
            edits: edits.map(|e| EventId(Uuid::from_u128(e))),
        },
    )
}

fn waiver(n: u128, actor: &str, item: ClosingItem, reason: &str) -> Event {
    ev(
        n,
        None,
        actor,
        EventKind::ClosingWaived {
            site: SITE.into(),
            room: ROOM.into(),
            item,
            reason: reason.into(),
        },
    )
}

fn closed(n: u128) -> Event {
    ev(
        n,
        None,
        "J1",
        EventKind::RoomClosed {
            site: SITE.into(),
            room: ROOM.into(),
        },
    )
}

fn chiefs(actor: &str) -> bool {
    actor == "Z1"
}

fn admitted() -> CandidateState {
    CandidateState::Admitted { manual: false }
}

fn state_of(candidates: &[(String, CandidateState)], events: &[Event]) -> Closing {
    closing(SITE, ROOM, candidates, events, chiefs)
}

fn close(
    candidates: &[(String, CandidateState)],
    events: &[Event],
) -> Result<EventKind, DoorError> {
    decide_close(
        &state_of(candidates, events),
        SITE,
        ROOM,
        true,
        at(11, 0),
        end(),
    )
}

fn room(states: &[(&str, CandidateState)]) -> Vec<(String, CandidateState)> {
    states
        .iter()
        .map(|(s, st)| (s.to_string(), st.clone()))
        .collect()
}

#[test]
fn a_room_with_nothing_unresolved_closes_at_the_end_and_not_a_minute_before() {
    let cands = room(&[(A, admitted())]);
    let log = [count_check(1)];
    let s = state_of(&cands, &log);
    assert_eq!(
        decide_close(&s, SITE, ROOM, true, at(10, 59), end()),
        Err(DoorError::TooEarlyToClose)
    );
    assert_eq!(
        decide_close(&s, SITE, ROOM, true, at(11, 0), end()),
        Ok(EventKind::RoomClosed {
            site: SITE.into(),
            room: ROOM.into()
        })
    );
}

#[test]
fn only_the_rooms_own_staff_close_it() {
    let s = state_of(&room(&[(A, admitted())]), &[count_check(1)]);
    assert_eq!(
        decide_close(&s, SITE, ROOM, false, at(11, 0), end()),
        Err(DoorError::NotOfRoom)
    );
}

#[test]
fn each_precondition_blocks_the_close_on_its_own() {
    let manual = CandidateState::Admitted { manual: true };
    let conflict = CandidateState::Conflict {
        outcomes: vec![
            Outcome::Admitted { manual: false },
            Outcome::Absent {
                refused_late: false,
            },
        ],
    };
    let cases: Vec<(RoomStates, Vec<Event>, ClosingItem)> = vec![
        (
            room(&[(A, CandidateState::PendingManualVerification)]),
            vec![count_check(1), photo(2, A)],
            ClosingItem::PendingApproval { student: A.into() },
        ),
        (
            room(&[(A, manual)]),
            vec![count_check(1)],
            ClosingItem::MissingCountCheckPhoto { student: A.into() },
        ),
        (
            room(&[(A, admitted())]),
            vec![count_check(1), violation(2, A, false, None)],
            ClosingItem::UnmarkedViolation {
                student: A.into(),
                violation: EventId(Uuid::from_u128(2)),
            },
        ),
        (
            room(&[(A, conflict)]),
            vec![count_check(1)],
            ClosingItem::Conflict { student: A.into() },
        ),
        (
            room(&[(A, admitted())]),
            vec![],
            ClosingItem::CountCheckNotDone,
        ),
    ];
    for (cands, log, item) in cases {
        let s = state_of(&cands, &log);
        assert_eq!(s.items.iter().map(|e| &e.item).collect::<Vec<_>>(), [&item]);
        assert_eq!(close(&cands, &log), Err(DoorError::Unresolved { count: 1 }));
    }
}

#[test]
fn a_violation_ticked_by_its_latest_edit_and_a_photo_taken_are_resolved() {
    let cands = room(&[(A, CandidateState::Admitted { manual: true })]);
    let log = [
        count_check(1),
        violation(2, A, false, None),
        violation(3, A, true, Some(2)),
        photo(4, A),
    ];
    assert!(state_of(&cands, &log).items.is_empty());
    assert!(close(&cands, &log).is_ok());
}

#[test]
fn a_waiver_unblocks_only_the_item_it_names() {
    let cands = room(&[
        (A, CandidateState::Admitted { manual: true }),
        (B, CandidateState::Admitted { manual: true }),
    ]);
    let missing_a = ClosingItem::MissingCountCheckPhoto { student: A.into() };
    let mut log = vec![
        count_check(1),
        waiver(2, "Z1", missing_a.clone(), "考生已离场，无法补拍"),
    ];
    let s = state_of(&cands, &log);
    assert_eq!(s.items.len(), 2);
    assert_eq!(s.items[0].item, missing_a);
    assert_eq!(s.items[0].waiver.as_ref().unwrap().chief, "Z1");
    assert!(s.items[1].waiver.is_none(), "B's photo is still missing");
    assert_eq!(close(&cands, &log), Err(DoorError::Unresolved { count: 1 }));
    log.push(waiver(
        3,
        "Z1",
        ClosingItem::MissingCountCheckPhoto { student: B.into() },
        "同上",
    ));
    assert!(close(&cands, &log).is_ok());
}

#[test]
fn a_proctor_cannot_waive_and_the_record_ignores_a_waiver_they_wrote() {
    let cands = room(&[(A, admitted())]);
    let item = ClosingItem::CountCheckNotDone;
    let s = state_of(&cands, &[]);
    assert_eq!(
        decide_waiver(&s, SITE, ROOM, &item, "忘了", Role::Proctor),
        Err(DoorError::NotChiefExaminer)
    );
    let forged = [waiver(1, "J1", item.clone(), "忘了")];
    assert_eq!(
        close(&cands, &forged),
        Err(DoorError::Unresolved { count: 1 })
    );
    assert!(decide_waiver(&s, SITE, ROOM, &item, "忘了", Role::ChiefExaminer).is_ok());
}

#[test]
fn a_waiver_needs_a_reason_and_an_item_that_is_open() {
    let cands = room(&[(A, admitted())]);
    let item = ClosingItem::CountCheckNotDone;
    let s = state_of(&cands, &[]);
    for blank in ["", "   \n"] {
        assert_eq!(
            decide_waiver(&s, SITE, ROOM, &item, blank, Role::ChiefExaminer),
            Err(DoorError::WaiverNeedsReason)
        );
    }
    let other = ClosingItem::Conflict { student: A.into() };
    assert_eq!(
        decide_waiver(&s, SITE, ROOM, &other, "无", Role::ChiefExaminer),
        Err(DoorError::NothingToWaive)
    );
    // A waiver event with a blank reason (written by a hostile device) waives nothing.
    assert_eq!(
        close(&cands, &[waiver(1, "Z1", item.clone(), " ")]),
        Err(DoorError::Unresolved { count: 1 })
    );
    let waived = state_of(&cands, &[waiver(1, "Z1", item.clone(), "补做")]);
    assert_eq!(
        decide_waiver(&waived, SITE, ROOM, &item, "再次", Role::ChiefExaminer),
        Err(DoorError::NothingToWaive),
        "already waived"
    );
}

#[test]
fn closing_twice_is_refused_and_nothing_is_waived_after_the_close() {
    let cands = room(&[(A, admitted())]);
    let log = [count_check(1), closed(2)];
    assert_eq!(close(&cands, &log), Err(DoorError::RoomClosed));
    let s = state_of(&cands, &[closed(1)]);
    assert_eq!(
        decide_waiver(
            &s,
            SITE,
            ROOM,
            &ClosingItem::CountCheckNotDone,
            "补",
            Role::ChiefExaminer
        ),
        Err(DoorError::RoomClosed)
    );
}

#[test]
fn a_violation_edit_ordered_after_the_close_does_not_change_the_record() {
    // An offline device unticks (or adds) a violation after the room closed; it arrives by sync.
    let log = [
        count_check(1),
        violation(2, A, true, None),
        closed(3),
        violation(4, A, false, Some(2)),
        violation(5, A, false, None),
    ];
    let cutoff = closed_at(&log, SITE, ROOM).map(|e| e.hlc);
    let got = violations_until(&log, |_| cutoff);
    assert_eq!(got.len(), 1);
    assert!(got[0].violation.platform_marked);
    assert_eq!(got[0].edits, 0);
    assert!(state_of(&room(&[(A, admitted())]), &log).items.is_empty());
    assert_eq!(crate::room_day::violations(&log).len(), 2, "unfiltered");
}
