//! Closing the room and settling conflicts through real stores: a conflict built from two
//! devices' events is settled only by the chief with the PIN and only to an outcome in conflict;
//! the room closes after the end once each item is resolved or waived by the chief with the PIN,
//! once; after the close a violation cannot be recorded or edited, and an offline device's late
//! edit arriving by sync does not change the record.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use chrono::{DateTime, FixedOffset, TimeZone};
use ed25519_dalek::{SigningKey, VerifyingKey};
use examgate_core::closing::ClosingItem;
use examgate_core::door::{DoorAct, DoorError};
use examgate_core::event::{
    EventKind, Outcome, PhotoRef, RefusalReason, Violation, ViolationCategory,
};
use examgate_core::fold::CandidateState;
use examgate_core::model::Role;
use examgate_core::room_day::violations_until;
use examgate_core::signed::{SignedEvent, sign};
use examgate_core::timeline::CHINA_OFFSET;
use examgate_store::{Store, StoreError};
use uuid::Uuid;

const SITTING: &str = "2023春 第一次";
const SITE: &str = "襄阳电大校本部";
const ROOM: &str = "01";
const PIN: &str = "246810";

fn at(h: u32, m: u32) -> DateTime<FixedOffset> {
    CHINA_OFFSET.with_ymd_and_hms(2023, 4, 15, h, m, 0).unwrap()
}

struct Room {
    _dir: tempfile::TempDir,
    a: Store,
    b: Store,
    keys: [SigningKey; 2],
    ids: [Uuid; 2],
    proctor: String,
    other_proctor: String,
    chief: String,
    students: Vec<String>,
}

impl Room {
    fn new() -> Room {
        let dir = tempfile::tempdir().unwrap();
        let open = |name: &str| {
            let mut s = Store::open(dir.path().join(name)).unwrap();
            examgate_demo::load(&mut s).unwrap();
            s
        };
        let mut a = open("a.db");
        let b = open("b.db");
        let staff = a.staff(SITE, None).unwrap();
        let proctor = staff
            .iter()
            .find(|s| s.room.as_deref() == Some(ROOM))
            .unwrap()
            .id
            .clone();
        let other_proctor = staff
            .iter()
            .find(|s| s.role == Role::Proctor && s.room.as_deref() != Some(ROOM))
            .unwrap()
            .id
            .clone();
        let chief = staff
            .iter()
            .find(|s| s.role == Role::ChiefExaminer)
            .unwrap()
            .id
            .clone();
        a.set_pin(&chief, PIN, false, at(8, 0)).unwrap();
        let students = a
            .room_candidates(SITTING, SITE, ROOM)
            .unwrap()
            .into_iter()
            .map(|c| c.student_number)
            .collect();
        let ids = [a.device_id().unwrap(), b.device_id().unwrap()];
        Room {
            _dir: dir,
            a,
            b,
            keys: [
                SigningKey::from_bytes(&[1; 32]),
                SigningKey::from_bytes(&[2; 32]),
            ],
            ids,
            proctor,
            other_proctor,
            chief,
            students,
        }
    }

    /// Device B's events reach device A (as a pull from the site server would bring them).
    fn b_to_a(&mut self, now: DateTime<FixedOffset>) {
        let batch: Vec<SignedEvent> = self
            .b
            .own_events_after(0, 1000)
            .unwrap()
            .into_iter()
            .map(|e| sign(&self.keys[1], e))
            .collect();
        let keys: Vec<(Uuid, VerifyingKey)> = self
            .ids
            .iter()
            .zip(&self.keys)
            .map(|(i, k)| (*i, k.verifying_key()))
            .collect();
        let trust = move |id: Uuid| keys.iter().find(|(d, _)| *d == id).map(|(_, k)| *k);
        let r = self.a.receive(&batch, &trust, now).unwrap();
        assert!(r.quarantined.is_empty(), "{:?}", r.quarantined);
    }

    fn state(&self, student: &str) -> CandidateState {
        self.a.candidate(SITTING, student).unwrap().state
    }

    fn open_items(&self) -> Vec<ClosingItem> {
        let c = self.a.room_closing(SITTING, SITE, ROOM).unwrap();
        c.items
            .into_iter()
            .filter(|e| e.waiver.is_none())
            .map(|e| e.item)
            .collect()
    }
}

fn door(e: StoreError) -> DoorError {
    match e {
        StoreError::Door(d) => d,
        other => panic!("expected a door rule's refusal, got {other}"),
    }
}

fn violation(marked: bool, proctor: &str) -> Violation {
    Violation {
        category: ViolationCategory::Discipline,
        what: "交头接耳".into(),
        at: at(9, 40),
        proctors: vec![proctor.into()],
        platform_marked: marked,
    }
}

#[test]
fn a_conflict_from_two_devices_is_settled_by_the_chief_with_the_pin_to_an_outcome_in_conflict() {
    let mut r = Room::new();
    let s = r.students[0].clone();
    let p = r.proctor.clone();
    r.a.act(SITTING, &s, &p, &DoorAct::Admit, at(8, 50))
        .unwrap();
    r.b.act(
        SITTING,
        &s,
        &p,
        &DoorAct::Refuse {
            reason: RefusalReason::DocumentMismatch,
        },
        at(8, 51),
    )
    .unwrap();
    r.b_to_a(at(8, 55));
    assert!(matches!(r.state(&s), CandidateState::Conflict { .. }));
    let resolve = |outcome| DoorAct::Resolve { outcome };
    let admit = resolve(Outcome::Admitted { manual: false });

    // A proctor, whether with the plain act or offering their own staff number at the PIN box.
    assert_eq!(
        door(r.a.act(SITTING, &s, &p, &admit, at(9, 0)).unwrap_err()),
        DoorError::NotChiefExaminer
    );
    assert!(matches!(
        r.a.decide_with_pin(SITTING, &s, &p, PIN, &admit, at(9, 0)),
        Err(StoreError::NotChief(_))
    ));
    let chief = r.chief.clone();
    assert!(matches!(
        r.a.decide_with_pin(SITTING, &s, &chief, "000000", &admit, at(9, 0)),
        Err(StoreError::WrongPin { .. })
    ));
    // An outcome no device recorded, and a refusal without a reason.
    let never = resolve(Outcome::Absent {
        refused_late: false,
    });
    assert_eq!(
        door(
            r.a.decide_with_pin(SITTING, &s, &chief, PIN, &never, at(9, 1))
                .unwrap_err()
        ),
        DoorError::OutcomeNotInConflict
    );
    let blank = resolve(Outcome::Refused {
        reason: RefusalReason::Other { note: " ".into() },
    });
    assert_eq!(
        door(
            r.a.decide_with_pin(SITTING, &s, &chief, PIN, &blank, at(9, 1))
                .unwrap_err()
        ),
        DoorError::RefusalNeedsReason
    );
    assert!(matches!(r.state(&s), CandidateState::Conflict { .. }));
    let done =
        r.a.decide_with_pin(SITTING, &s, &chief, PIN, &admit, at(9, 2))
            .unwrap();
    assert_eq!(done.state, CandidateState::Admitted { manual: false });
    assert_eq!(done.event.actor, chief);
    let tries = r.a.pin_attempts(&chief).unwrap();
    assert!(tries.iter().all(|t| t.purpose == "resolve"), "{tries:?}");
    assert_eq!(tries.last().unwrap().outcome, "accepted");
}

#[test]
fn the_room_closes_after_the_end_once_each_item_is_resolved_or_waived_by_the_chief() {
    let mut r = Room::new();
    let (s0, s1) = (r.students[0].clone(), r.students[1].clone());
    let (p, chief) = (r.proctor.clone(), r.chief.clone());
    r.a.act(SITTING, &s0, &p, &DoorAct::Admit, at(8, 50))
        .unwrap();
    let photo = PhotoRef {
        file: format!("{s1}.jpg"),
        ..PhotoRef::default()
    };
    r.a.act(
        SITTING,
        &s1,
        &p,
        &DoorAct::Vouch { photo, face: None },
        at(8, 51),
    )
    .unwrap();
    r.a.decide_with_pin(SITTING, &s1, &chief, PIN, &DoorAct::Approve, at(8, 55))
        .unwrap();
    let v =
        r.a.record_violation(SITTING, &s0, &p, violation(false, &p), None, at(9, 40))
            .unwrap();
    let missing = ClosingItem::MissingCountCheckPhoto {
        student: s1.clone(),
    };
    assert_eq!(
        r.open_items(),
        [
            missing.clone(),
            ClosingItem::UnmarkedViolation {
                student: s0.clone(),
                violation: v.id
            },
            ClosingItem::CountCheckNotDone,
        ]
    );
    let close = |r: &mut Room, who: &str, h, m| r.a.close_room(SITTING, SITE, ROOM, who, at(h, m));
    assert_eq!(
        door(close(&mut r, &p, 10, 59).unwrap_err()),
        DoorError::TooEarlyToClose
    );
    assert_eq!(
        door(close(&mut r, &p, 11, 0).unwrap_err()),
        DoorError::Unresolved { count: 3 }
    );

    // Resolved: the count check done, the violation ticked by an edit.
    r.a.record_count_check(SITTING, SITE, ROOM, &p, 1, at(9, 31))
        .unwrap();
    r.a.record_violation(SITTING, &s0, &p, violation(true, &p), Some(v.id), at(10, 0))
        .unwrap();
    assert_eq!(r.open_items(), std::slice::from_ref(&missing));

    // Waived: only by the chief, with the PIN and a reason.
    let waive = |r: &mut Room, who: &str, pin: &str, reason: &str| {
        r.a.waive_with_pin(SITTING, SITE, ROOM, who, pin, &missing, reason, at(11, 1))
    };
    assert!(matches!(
        waive(&mut r, &p, PIN, "补拍不了"),
        Err(StoreError::NotChief(_))
    ));
    assert_eq!(
        door(waive(&mut r, &chief, PIN, "  ").unwrap_err()),
        DoorError::WaiverNeedsReason
    );
    assert!(matches!(
        waive(&mut r, &chief, "999999", "考生已离开"),
        Err(StoreError::WrongPin { .. })
    ));
    assert_eq!(r.open_items(), std::slice::from_ref(&missing));
    let w = waive(&mut r, &chief, PIN, "考生已离开，无法补拍").unwrap();
    assert!(matches!(w.kind, EventKind::ClosingWaived { .. }));
    assert_eq!(
        r.a.pin_attempts(&chief).unwrap().last().unwrap().purpose,
        "waive"
    );
    assert!(r.open_items().is_empty());

    let other = r.other_proctor.clone();
    assert_eq!(
        door(close(&mut r, &other, 11, 2).unwrap_err()),
        DoorError::NotOfRoom
    );
    let closed = close(&mut r, &p, 11, 2).unwrap();
    assert!(matches!(closed.kind, EventKind::RoomClosed { .. }));
    assert_eq!(
        door(close(&mut r, &p, 11, 3).unwrap_err()),
        DoorError::RoomClosed
    );
    assert_eq!(
        door(
            r.a.record_violation(
                SITTING,
                &s0,
                &p,
                violation(false, &p),
                Some(v.id),
                at(11, 4)
            )
            .unwrap_err()
        ),
        DoorError::RoomClosed
    );
    let view = r.a.room_closing(SITTING, SITE, ROOM).unwrap();
    assert_eq!(view.closed.unwrap().id, closed.id);
}

#[test]
fn an_offline_devices_violation_edit_after_the_close_does_not_change_the_record() {
    let mut r = Room::new();
    let s0 = r.students[0].clone();
    let p = r.proctor.clone();
    let v =
        r.b.record_violation(SITTING, &s0, &p, violation(true, &p), None, at(9, 40))
            .unwrap();
    r.b_to_a(at(9, 45));
    r.a.record_count_check(SITTING, SITE, ROOM, &p, 0, at(9, 31))
        .unwrap();
    r.a.close_room(SITTING, SITE, ROOM, &p, at(11, 5)).unwrap();
    // B never saw the close: it unticks the violation later, and it syncs in.
    r.b.record_violation(
        SITTING,
        &s0,
        &p,
        violation(false, &p),
        Some(v.id),
        at(11, 10),
    )
    .unwrap();
    r.b_to_a(at(11, 15));
    assert!(r.open_items().is_empty(), "the late edit is ignored");
    let log = r.a.sitting_events(SITTING).unwrap();
    let cutoff = examgate_core::closing::closed_at(&log, SITE, ROOM).map(|e| e.hlc);
    let got = violations_until(&log, |_| cutoff);
    assert_eq!(got.len(), 1);
    assert!(got[0].violation.platform_marked);
}
