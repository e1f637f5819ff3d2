//! Chief examiners' PINs: approval needs the right PIN of a chief; wrong ones are counted and lock.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use chrono::{DateTime, Duration, FixedOffset, TimeZone};
use examgate_core::door::DoorAct;
use examgate_core::fold::CandidateState;
use examgate_core::timeline::CHINA_OFFSET;
use examgate_store::{Store, StoreError};

const SITTING: &str = "2023春 第一次";
const SITE: &str = "宜昌电大校本部";
const PIN: &str = "246810";

fn at(h: u32, m: u32) -> DateTime<FixedOffset> {
    CHINA_OFFSET.with_ymd_and_hms(2023, 4, 15, h, m, 0).unwrap()
}

/// A demo store with one candidate pending manual verification; returns (store, student, proctor, chief).
fn pending() -> (tempfile::TempDir, Store, String, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("pin.db")).unwrap();
    examgate_demo::load(&mut store).unwrap();
    let staff = store.staff(SITE, Some("01")).unwrap();
    let proctor = staff.iter().find(|s| s.room.is_some()).unwrap().id.clone();
    let chief = staff.iter().find(|s| s.room.is_none()).unwrap().id.clone();
    let student = store.room_candidates(SITTING, SITE, "01").unwrap()[0]
        .student_number
        .clone();
    store
        .act(SITTING, &student, &proctor, &vouch(), at(8, 40))
        .unwrap();
    store.set_pin(&chief, PIN, false, at(8, 0)).unwrap();
    (dir, store, student, proctor, chief)
}

#[test]
fn the_chief_with_the_right_pin_approves_and_the_candidate_is_admitted() {
    let (_d, mut store, student, _, chief) = pending();
    let r = store
        .decide_with_pin(SITTING, &student, &chief, PIN, &DoorAct::Approve, at(8, 45))
        .unwrap();
    assert_eq!(r.state, CandidateState::Admitted { manual: true });
    let events = store.events_of(SITTING, &student).unwrap();
    assert_eq!(
        events.last().unwrap().actor,
        chief,
        "the approval is an event naming the chief"
    );
}

#[test]
fn a_rejection_refuses_the_candidate() {
    let (_d, mut store, student, _, chief) = pending();
    let reject = DoorAct::Reject {
        note: "照片不清".into(),
    };
    let r = store
        .decide_with_pin(SITTING, &student, &chief, PIN, &reject, at(8, 45))
        .unwrap();
    assert!(matches!(r.state, CandidateState::Refused { .. }));
}

#[test]
fn a_proctor_can_neither_hold_a_pin_nor_approve() {
    let (_d, mut store, student, proctor, _) = pending();
    assert!(matches!(
        store.set_pin(&proctor, PIN, false, at(8, 0)),
        Err(StoreError::NotChief(_))
    ));
    assert!(matches!(
        store.decide_with_pin(
            SITTING,
            &student,
            &proctor,
            PIN,
            &DoorAct::Approve,
            at(8, 45)
        ),
        Err(StoreError::NotChief(_))
    ));
    assert_eq!(
        store.candidate(SITTING, &student).unwrap().state,
        CandidateState::PendingManualVerification
    );
}

#[test]
fn five_wrong_pins_lock_the_chief_out_for_five_minutes() {
    let (_d, mut store, student, _, chief) = pending();
    for left in (1..=4).rev() {
        let e = store.decide_with_pin(
            SITTING,
            &student,
            &chief,
            "000000",
            &DoorAct::Approve,
            at(8, 45),
        );
        assert!(
            matches!(e, Err(StoreError::WrongPin { left: l }) if l == left),
            "{e:?}"
        );
    }
    let fifth = store.decide_with_pin(
        SITTING,
        &student,
        &chief,
        "000000",
        &DoorAct::Approve,
        at(8, 45),
    );
    assert!(matches!(fifth, Err(StoreError::PinLocked { seconds: 300 })));
    // Locked: even the right PIN is refused until the 5 minutes are over.
    let during =
        store.decide_with_pin(SITTING, &student, &chief, PIN, &DoorAct::Approve, at(8, 49));
    assert!(matches!(during, Err(StoreError::PinLocked { .. })));
    assert_eq!(
        store.candidate(SITTING, &student).unwrap().state,
        CandidateState::PendingManualVerification
    );
    let after = at(8, 50) + Duration::seconds(1);
    let ok = store
        .decide_with_pin(SITTING, &student, &chief, PIN, &DoorAct::Approve, after)
        .unwrap();
    assert_eq!(ok.state, CandidateState::Admitted { manual: true });
}

#[test]
fn a_right_pin_resets_the_count_of_wrong_ones() {
    let (_d, mut store, student, _, chief) = pending();
    for _ in 0..4 {
        let _ = store.decide_with_pin(
            SITTING,
            &student,
            &chief,
            "000000",
            &DoorAct::Approve,
            at(8, 45),
        );
    }
    // Right PIN but nothing to approve on another candidate: the PIN still counts as right.
    let other = store.room_candidates(SITTING, SITE, "02").unwrap()[0]
        .student_number
        .clone();
    let e = store.decide_with_pin(SITTING, &other, &chief, PIN, &DoorAct::Approve, at(8, 45));
    assert!(matches!(e, Err(StoreError::Door(_))));
    let again = store.decide_with_pin(
        SITTING,
        &student,
        &chief,
        "000000",
        &DoorAct::Approve,
        at(8, 46),
    );
    assert!(matches!(again, Err(StoreError::WrongPin { left: 4 })));
}

#[test]
fn a_pin_is_set_once_unless_the_office_replaces_it_and_must_be_six_digits() {
    let (_d, mut store, _, _, chief) = pending();
    assert!(matches!(
        store.set_pin(&chief, "135790", false, at(8, 0)),
        Err(StoreError::PinAlreadySet(_))
    ));
    assert!(matches!(
        store.set_pin(&chief, "12345", true, at(8, 0)),
        Err(StoreError::WeakPin)
    ));
    assert!(matches!(
        store.set_pin(&chief, "12345a", true, at(8, 0)),
        Err(StoreError::WeakPin)
    ));
    store.set_pin(&chief, "135790", true, at(8, 0)).unwrap();
    assert!(store.has_pin(&chief).unwrap());
}

#[test]
fn the_pin_itself_is_never_stored() {
    let (dir, store, _, _, chief) = pending();
    drop(store);
    let conn = examgate_store::connect(dir.path().join("pin.db")).unwrap();
    let hash: String = conn
        .query_row(
            "SELECT hash FROM chief_pin WHERE staff_id = ?1",
            [&chief],
            |r| r.get(0),
        )
        .unwrap();
    assert!(hash.starts_with("$argon2"));
    assert!(!hash.contains(PIN));
}

/// A vouch with a fallback photo's reference (the file itself is the photo pipeline's business).
fn vouch() -> DoorAct {
    DoorAct::Vouch {
        photo: examgate_core::event::PhotoRef {
            file: "photo.jpg".into(),
            sha256: "ab".repeat(32),
            public_key: "cd".repeat(32),
            signature: "ef".repeat(64),
            source: examgate_core::event::PhotoSource::Camera,
        },
        face: None,
    }
}
