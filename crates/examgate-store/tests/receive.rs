//! The receive path's rules through real SQLite files: what a merge keeps, refuses and holds
//! aside, and what a push and a pull read out.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use chrono::{DateTime, FixedOffset, TimeZone};
use ed25519_dalek::{SigningKey, VerifyingKey};
use examgate_core::door::DoorAct;
use examgate_core::event::{Event, EventId, EventKind, Hlc, PhotoRef, RefusalReason};
use examgate_core::fold::{CandidateState, fold};
use examgate_core::model::StudentNumber;
use examgate_core::signed::{SignedEvent, sign};
use examgate_core::timeline::CHINA_OFFSET;
use examgate_store::{QuarantineReason, Store, StoreError};
use uuid::Uuid;

const SITTING: &str = "2023春 第一次";
const SITE: &str = "襄阳电大校本部";
const STUDENT: &str = "2242200000101";

fn at(h: u32, m: u32) -> DateTime<FixedOffset> {
    CHINA_OFFSET.with_ymd_and_hms(2023, 4, 15, h, m, 0).unwrap()
}

/// Another device: its id and its key.
struct Device {
    id: Uuid,
    key: SigningKey,
}

impl Device {
    fn new(n: u8) -> Device {
        Device {
            id: Uuid::now_v7(),
            key: SigningKey::from_bytes(&[n; 32]),
        }
    }

    /// Its event `seq`, recorded at minute `m` past 8:00, seeing `parents`.
    fn event(&self, seq: u64, m: u32, parents: &[EventId], kind: EventKind) -> Event {
        let wall = at(8, m);
        Event {
            id: EventId(Uuid::now_v7()),
            device: self.id,
            seq,
            wall,
            hlc: Hlc(u64::try_from(wall.timestamp_millis()).unwrap() << 16),
            exam_time: None,
            actor: "P001".into(),
            sitting: SITTING.into(),
            candidate: Some(StudentNumber::parse(STUDENT).unwrap()),
            parents: parents.to_vec(),
            kind,
            chief_proof: None,
        }
    }

    fn signed(&self, seq: u64, m: u32, parents: &[EventId], kind: EventKind) -> SignedEvent {
        sign(&self.key, self.event(seq, m, parents, kind))
    }
}

fn trusting(devices: &[&Device]) -> impl Fn(Uuid) -> Option<VerifyingKey> + use<> {
    let keys: Vec<(Uuid, VerifyingKey)> = devices
        .iter()
        .map(|d| (d.id, d.key.verifying_key()))
        .collect();
    move |id| keys.iter().find(|(d, _)| *d == id).map(|(_, k)| *k)
}

fn empty_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("site.db")).unwrap();
    (dir, store)
}

/// A store with the demo exam loaded, for tests that record acts of their own.
fn demo_store() -> (tempfile::TempDir, Store) {
    let (dir, mut store) = empty_store();
    examgate_demo::load(&mut store).unwrap();
    (dir, store)
}

/// A proctor of room 01 at the site, and the first candidate of that room.
fn proctor_and_student(store: &Store) -> (String, String) {
    let proctor = store
        .staff(SITE, Some("01"))
        .unwrap()
        .into_iter()
        .find(|s| s.room.is_some())
        .unwrap();
    let listed = store.room_candidates(SITTING, SITE, "01").unwrap();
    let first = listed
        .iter()
        .find(|c| c.state == CandidateState::Expected)
        .unwrap();
    (proctor.id, first.student_number.clone())
}

fn state(store: &Store, student: &str) -> CandidateState {
    fold(&store.events_of(SITTING, student).unwrap()).state
}

#[test]
fn a_repeated_batch_is_a_no_op() {
    let (_d, mut store) = empty_store();
    let a = Device::new(1);
    let batch = vec![
        a.signed(1, 1, &[], EventKind::Admitted),
        a.signed(
            2,
            2,
            &[],
            EventKind::Redirected {
                to_room: "02".into(),
            },
        ),
    ];
    let first = store.receive(&batch, &trusting(&[&a]), at(8, 5)).unwrap();
    assert_eq!((first.accepted, first.duplicate, first.merged), (2, 0, 2));
    let again = store.receive(&batch, &trusting(&[&a]), at(8, 6)).unwrap();
    assert_eq!((again.accepted, again.duplicate, again.merged), (0, 2, 0));
    assert!(again.quarantined.is_empty());
    assert_eq!(store.event_count().unwrap(), 2);
    assert_eq!(store.events_after(0, None, None, 100).unwrap().0.len(), 2);
    assert!(store.quarantined().unwrap().is_empty());
}

#[test]
fn changed_content_under_a_held_id_is_quarantined_and_the_held_event_stays() {
    let (_d, mut store) = empty_store();
    let a = Device::new(1);
    let held = a.signed(1, 1, &[], EventKind::Admitted);
    store
        .receive(std::slice::from_ref(&held), &trusting(&[&a]), at(8, 5))
        .unwrap();
    let mut changed = held.event.clone();
    changed.kind = EventKind::MarkedAbsent;
    let changed = sign(&a.key, changed);
    let r = store
        .receive(std::slice::from_ref(&changed), &trusting(&[&a]), at(8, 6))
        .unwrap();
    assert_eq!(r.accepted, 0);
    assert_eq!(r.quarantined.len(), 1);
    assert_eq!(r.quarantined[0].reason, QuarantineReason::ChangedContent);
    assert_eq!(
        (r.quarantined[0].id, r.quarantined[0].seq),
        (held.event.id, 1)
    );
    assert_eq!(store.events_of(SITTING, STUDENT).unwrap(), vec![held.event]);
    let q = store.quarantined().unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].received, changed);
    assert_eq!(q[0].received_at, at(8, 6));
}

#[test]
fn another_event_under_a_held_device_and_seq_is_quarantined_and_the_held_event_stays() {
    let (_d, mut store) = empty_store();
    let a = Device::new(1);
    let held = a.signed(1, 1, &[], EventKind::Admitted);
    store
        .receive(std::slice::from_ref(&held), &trusting(&[&a]), at(8, 5))
        .unwrap();
    let other = a.signed(1, 2, &[], EventKind::MarkedAbsent);
    let r = store.receive(&[other], &trusting(&[&a]), at(8, 6)).unwrap();
    assert_eq!(r.quarantined[0].reason, QuarantineReason::SeqTaken);
    assert_eq!(store.events_of(SITTING, STUDENT).unwrap(), vec![held.event]);
    assert_eq!(store.high_water(a.id).unwrap(), 1);
}

#[test]
fn a_retried_refused_event_is_reported_each_time_and_recorded_once() {
    let (_d, mut store) = empty_store();
    let a = Device::new(1);
    store
        .receive(
            &[a.signed(1, 1, &[], EventKind::Admitted)],
            &trusting(&[&a]),
            at(8, 5),
        )
        .unwrap();
    let other = a.signed(1, 2, &[], EventKind::MarkedAbsent);
    for m in 6..9 {
        let r = store
            .receive(std::slice::from_ref(&other), &trusting(&[&a]), at(8, m))
            .unwrap();
        assert_eq!(r.quarantined.len(), 1);
    }
    assert_eq!(store.quarantined().unwrap().len(), 1);
}

#[test]
fn an_event_signed_with_another_key_or_from_an_unknown_device_is_refused() {
    let (_d, mut store) = empty_store();
    let a = Device::new(1);
    let mallory = Device::new(9);
    let forged = sign(&mallory.key, a.event(1, 1, &[], EventKind::Admitted));
    let unknown = mallory.signed(1, 1, &[], EventKind::Admitted);
    let mut garbled = a.signed(2, 2, &[], EventKind::Admitted);
    garbled.signature = "00".into();
    let r = store
        .receive(&[forged, unknown, garbled], &trusting(&[&a]), at(8, 5))
        .unwrap();
    let reasons: Vec<QuarantineReason> = r.quarantined.iter().map(|q| q.reason).collect();
    assert_eq!(
        reasons,
        [
            QuarantineReason::BadSignature,
            QuarantineReason::UnknownDevice,
            QuarantineReason::BadSignature
        ]
    );
    assert_eq!(store.event_count().unwrap(), 0);
    assert_eq!(store.high_water(a.id).unwrap(), 0);
    assert_eq!(store.quarantined().unwrap().len(), 3);
}

#[test]
fn an_event_claiming_this_devices_id_is_quarantined_and_the_door_keeps_working() {
    let (_d, mut store) = demo_store();
    let (proctor, student) = proctor_and_student(&store);
    store
        .act(SITTING, &student, &proctor, &DoorAct::Admit, at(8, 40))
        .unwrap();
    let mine = store.own_events_after(0, 10).unwrap();
    // A cloned phone: same device id (and key), its own idea of seqs 1 and 2.
    let clone = Device {
        id: store.device_id().unwrap(),
        key: SigningKey::from_bytes(&[1; 32]),
    };
    let trust = trusting(&[&clone]);
    let batch = [
        clone.signed(1, 41, &[], EventKind::MarkedAbsent),
        clone.signed(2, 42, &[], EventKind::Admitted),
        sign(&clone.key, mine[0].clone()),
    ];
    let r = store.receive(&batch, &trust, at(8, 45)).unwrap();
    assert_eq!(r.duplicate, 1, "its own event back is a repeat");
    assert_eq!(r.quarantined.len(), 2);
    assert!(
        r.quarantined
            .iter()
            .all(|q| q.reason == QuarantineReason::OwnDevice)
    );
    // Seq 2 is still this device's to take.
    let (_, other) = proctor_and_student(&store);
    store
        .act(SITTING, &other, &proctor, &DoorAct::Admit, at(8, 46))
        .unwrap();
    assert_eq!(store.own_events_after(0, 10).unwrap().len(), 2);
    assert_eq!(
        state(&store, &student),
        CandidateState::Admitted { manual: false }
    );
}

#[test]
fn the_high_water_mark_stops_at_the_first_gap() {
    let (_d, mut store) = empty_store();
    let a = Device::new(1);
    let b = Device::new(2);
    let trust = trusting(&[&a, &b]);
    let e = |d: &Device, seq| {
        d.signed(
            seq,
            seq as u32,
            &[],
            EventKind::Redirected {
                to_room: "02".into(),
            },
        )
    };
    store
        .receive(
            &[e(&a, 1), e(&a, 2), e(&a, 4), e(&a, 5), e(&b, 2)],
            &trust,
            at(8, 30),
        )
        .unwrap();
    assert_eq!(store.high_water(a.id).unwrap(), 2);
    assert_eq!(store.high_water(b.id).unwrap(), 0);
    assert_eq!(store.high_water(Uuid::now_v7()).unwrap(), 0);
    store
        .receive(&[e(&a, 3), e(&b, 1)], &trust, at(8, 31))
        .unwrap();
    assert_eq!(store.high_water(a.id).unwrap(), 5);
    let mut expected = vec![(a.id, 5), (b.id, 2)];
    expected.sort();
    assert_eq!(store.high_waters().unwrap(), expected);
}

#[test]
fn receiving_moves_this_stores_clock_past_the_event() {
    let (_d, mut store) = demo_store();
    let (proctor, student) = proctor_and_student(&store);
    let ahead = Device::new(1);
    // A device whose clock runs an hour ahead of this one.
    let mut e = ahead.event(
        1,
        0,
        &[],
        EventKind::Redirected {
            to_room: "02".into(),
        },
    );
    e.hlc = Hlc(u64::try_from(at(9, 40).timestamp_millis()).unwrap() << 16);
    let remote = e.hlc;
    store
        .receive(&[sign(&ahead.key, e)], &trusting(&[&ahead]), at(8, 40))
        .unwrap();
    store
        .act(SITTING, &student, &proctor, &DoorAct::Admit, at(8, 41))
        .unwrap();
    let mine = store.own_events_after(0, 1).unwrap();
    assert!(
        mine[0].hlc > remote,
        "the local act is ordered after what it saw"
    );
}

#[test]
fn a_batch_that_fails_midway_leaves_nothing_behind() {
    let (dir, mut store) = empty_store();
    let a = Device::new(1);
    let trust = trusting(&[&a]);
    let batch: Vec<SignedEvent> = (1..=3)
        .map(|s| a.signed(s, s as u32, &[], EventKind::Admitted))
        .collect();
    let raw = examgate_store::connect(dir.path().join("site.db")).unwrap();
    raw.execute_batch(
        "CREATE TRIGGER fault BEFORE INSERT ON event WHEN NEW.seq = 3
         BEGIN SELECT RAISE(ABORT, 'disk gone'); END;",
    )
    .unwrap();
    let bad = a.signed(4, 4, &[], EventKind::Admitted);
    let mut with_bad = batch.clone();
    with_bad.insert(0, sign(&Device::new(9).key, bad.event.clone()));
    assert!(matches!(
        store.receive(&with_bad, &trust, at(8, 30)),
        Err(StoreError::Sqlite(_))
    ));
    assert_eq!(store.event_count().unwrap(), 0);
    assert_eq!(store.high_water(a.id).unwrap(), 0);
    assert!(
        store.quarantined().unwrap().is_empty(),
        "the quarantine rolled back too"
    );
    raw.execute_batch("DROP TRIGGER fault").unwrap();
    let r = store.receive(&batch, &trust, at(8, 31)).unwrap();
    assert_eq!(r.accepted, 3);
    assert_eq!(store.high_water(a.id).unwrap(), 3);
}

/// Device 3 (this store) refused a candidate for their documents (e0); device 1 synced it and
/// vouched (e1, parents [e0]); the chief's device 2 approved (e2, parents [e1]). Device 3 gets e2
/// before e1: e0 and e2 side by side would fold to a conflict the complete log does not have.
#[test]
fn an_event_whose_parent_has_not_arrived_waits_instead_of_making_a_conflict() {
    let (_d, mut store) = demo_store();
    let (proctor, student) = proctor_and_student(&store);
    let refuse = DoorAct::Refuse {
        reason: RefusalReason::DocumentMismatch,
    };
    let e0 = store
        .act(SITTING, &student, &proctor, &refuse, at(8, 40))
        .unwrap()
        .event
        .id;
    let (d1, d2) = (Device::new(1), Device::new(2));
    let trust = trusting(&[&d1, &d2]);
    let for_student = |mut e: Event| {
        e.candidate = Some(StudentNumber::parse(&student).unwrap());
        e
    };
    let photo = PhotoRef {
        file: format!("{student}.jpg"),
        ..PhotoRef::default()
    };
    let e1 = sign(
        &d1.key,
        for_student(d1.event(
            1,
            45,
            &[e0],
            EventKind::ManualVerificationRequested { photo, face: None },
        )),
    );
    let e2 = sign(
        &d2.key,
        for_student(d2.event(1, 50, &[e1.event.id], EventKind::ManualVerificationApproved)),
    );

    let r = store
        .receive(std::slice::from_ref(&e2), &trust, at(8, 51))
        .unwrap();
    assert_eq!((r.accepted, r.merged, r.waiting), (1, 0, 1));
    assert_eq!(
        state(&store, &student),
        CandidateState::Refused {
            reason: RefusalReason::DocumentMismatch
        },
        "not a conflict: the approval waits for the request it approves"
    );
    assert_eq!(
        store.high_water(d2.id).unwrap(),
        1,
        "held, so not sent again"
    );
    assert_eq!(store.waiting().unwrap(), vec![e2.event.clone()]);
    assert_eq!(
        store
            .receive(std::slice::from_ref(&e2), &trust, at(8, 52))
            .unwrap()
            .duplicate,
        1
    );

    let r = store
        .receive(std::slice::from_ref(&e1), &trust, at(8, 53))
        .unwrap();
    assert_eq!((r.accepted, r.merged, r.waiting), (1, 2, 0));
    assert_eq!(
        state(&store, &student),
        CandidateState::Admitted { manual: true }
    );
    // Pulled from here, the approval comes after the request it approves.
    let (pulled, _) = store
        .events_after(0, None, Some(store.device_id().unwrap()), 10)
        .unwrap();
    assert_eq!(pulled, vec![e1, e2]);
}

#[test]
fn a_pull_reads_in_arrival_order_from_its_cursor_and_survives_vacuum() {
    let (dir, mut store) = empty_store();
    let (a, b) = (Device::new(1), Device::new(2));
    let trust = trusting(&[&a, &b]);
    let note = || EventKind::Redirected {
        to_room: "02".into(),
    };
    let mut other_sitting = b.event(1, 1, &[], note());
    other_sitting.sitting = "2023春 第二次".into();
    // Arrival order, not seq or clock order: b's later event arrives first.
    let batch = [
        b.signed(2, 9, &[], note()),
        a.signed(1, 1, &[], note()),
        sign(&b.key, other_sitting),
        a.signed(2, 2, &[], note()),
    ];
    store.receive(&batch, &trust, at(8, 30)).unwrap();
    let (page, cursor) = store.events_after(0, Some(SITTING), None, 2).unwrap();
    assert_eq!(page, batch[..2].to_vec());
    let (rest, end) = store.events_after(cursor, Some(SITTING), None, 2).unwrap();
    assert_eq!(rest, vec![batch[3].clone()]);
    let (none, same) = store.events_after(end, Some(SITTING), None, 2).unwrap();
    assert!(none.is_empty());
    assert_eq!(same, end);
    let (not_a, _) = store.events_after(0, None, Some(a.id), 10).unwrap();
    assert_eq!(not_a, vec![batch[0].clone(), batch[2].clone()]);
    for s in &page {
        s.verify(&trust(s.event.device).unwrap()).unwrap();
    }
    examgate_store::connect(dir.path().join("site.db"))
        .unwrap()
        .execute_batch("VACUUM")
        .unwrap();
    assert_eq!(
        store
            .events_after(cursor, Some(SITTING), None, 2)
            .unwrap()
            .0,
        rest
    );
}

#[test]
fn an_own_event_is_pulled_only_once_signed_and_keeps_its_first_signature() {
    let (_d, mut store) = demo_store();
    let (proctor, student) = proctor_and_student(&store);
    store
        .act(SITTING, &student, &proctor, &DoorAct::Admit, at(8, 40))
        .unwrap();
    assert!(matches!(
        store.events_after(0, None, None, 10),
        Err(StoreError::UnsignedEvent { seq: 1 })
    ));
    let key = SigningKey::from_bytes(&[5; 32]);
    let pushed = store.own_signed_after(0, 10, &key).unwrap();
    assert_eq!(pushed.len(), 1);
    pushed[0].verify(&key.verifying_key()).unwrap();
    let (pulled, _) = store.events_after(0, None, None, 10).unwrap();
    assert_eq!(pulled, pushed);
    let replaced = SigningKey::from_bytes(&[6; 32]);
    assert_eq!(store.own_signed_after(0, 10, &replaced).unwrap(), pushed);
}

#[test]
fn an_approval_the_receivers_rules_do_not_permit_is_quarantined() {
    let (_d, mut store) = empty_store();
    let (proctor_phone, chief_phone) = (Device::new(1), Device::new(2));
    let trust = trusting(&[&proctor_phone, &chief_phone]);
    let vouch = proctor_phone.signed(
        1,
        1,
        &[],
        EventKind::ManualVerificationRequested {
            photo: PhotoRef::default(),
            face: None,
        },
    );
    let self_approved = proctor_phone.signed(
        2,
        2,
        &[vouch.event.id],
        EventKind::ManualVerificationApproved,
    );
    let approved = chief_phone.signed(
        1,
        3,
        &[vouch.event.id],
        EventKind::ManualVerificationApproved,
    );
    let chief_id = chief_phone.id;
    let only_chiefs_approve =
        move |e: &Event| e.kind != EventKind::ManualVerificationApproved || e.device == chief_id;
    let r = store
        .receive_with(
            &[vouch, self_approved, approved],
            &trust,
            &only_chiefs_approve,
            at(8, 5),
        )
        .unwrap();
    assert_eq!(r.accepted, 2);
    assert_eq!(r.quarantined.len(), 1);
    assert_eq!(r.quarantined[0].reason, QuarantineReason::NotPermitted);
    assert_eq!(r.quarantined[0].device, proctor_phone.id);
    assert_eq!(store.high_water(proctor_phone.id).unwrap(), 1);
    assert_eq!(
        state(&store, STUDENT),
        CandidateState::Admitted { manual: true }
    );
}

#[test]
fn a_seq_of_zero_or_a_seq_or_clock_beyond_the_stores_range_is_quarantined() {
    let (_d, mut store) = empty_store();
    let a = Device::new(1);
    let note = || EventKind::Redirected {
        to_room: "02".into(),
    };
    let mut huge_clock = a.event(2, 2, &[], note());
    huge_clock.hlc = Hlc(u64::MAX);
    let batch = [
        a.signed(0, 1, &[], note()),
        a.signed(u64::MAX, 1, &[], note()),
        sign(&a.key, huge_clock),
    ];
    let r = store.receive(&batch, &trusting(&[&a]), at(8, 5)).unwrap();
    assert_eq!(r.accepted, 0);
    assert!(
        r.quarantined
            .iter()
            .all(|q| q.reason == QuarantineReason::OutOfRange)
    );
    assert_eq!(r.quarantined.len(), 3);
}

#[test]
fn an_event_waiting_for_its_parent_is_still_held_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.db");
    let a = Device::new(1);
    let trust = trusting(&[&a]);
    let first = a.signed(
        1,
        1,
        &[],
        EventKind::Refused {
            reason: RefusalReason::DocumentMismatch,
        },
    );
    let second = a.signed(2, 2, &[first.event.id], EventKind::Admitted);
    {
        let mut store = Store::open(&path).unwrap();
        let r = store
            .receive(std::slice::from_ref(&second), &trust, at(8, 5))
            .unwrap();
        assert_eq!(r.waiting, 1);
    }
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.waiting().unwrap(), vec![second.event.clone()]);
    assert_eq!(store.high_water(a.id).unwrap(), 0, "seq 1 is the gap");
    let r = store.receive(&[first, second], &trust, at(8, 6)).unwrap();
    assert_eq!((r.accepted, r.duplicate, r.merged, r.waiting), (1, 1, 2, 0));
    assert_eq!(store.high_water(a.id).unwrap(), 2);
    assert_eq!(
        state(&store, STUDENT),
        CandidateState::Admitted { manual: false }
    );
}
