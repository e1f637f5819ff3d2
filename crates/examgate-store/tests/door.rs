//! The door's rules through the real store: a temp-dir SQLite file loaded with the demo exam.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use chrono::{DateTime, FixedOffset, TimeZone};
use examgate_core::door::{DoorAct, DoorError};
use examgate_core::fold::CandidateState;
use examgate_core::search::DocumentMatch;
use examgate_core::timeline::CHINA_OFFSET;
use examgate_store::{Store, StoreError};

const SITTING: &str = "2023春 第一次";
const SITE: &str = "襄阳电大校本部";

fn at(h: u32, m: u32) -> DateTime<FixedOffset> {
    CHINA_OFFSET.with_ymd_and_hms(2023, 4, 15, h, m, 0).unwrap()
}

fn demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("door.db")).unwrap();
    examgate_demo::load(&mut store).unwrap();
    (dir, store)
}

/// The first candidate of room 01 at the 襄阳 site, and a proctor of that room.
fn someone(store: &Store) -> (String, String) {
    let room = store.room_candidates(SITTING, SITE, "01").unwrap();
    let proctor = store
        .staff(SITE, Some("01"))
        .unwrap()
        .into_iter()
        .find(|s| s.room.is_some())
        .unwrap();
    (room[0].student_number.clone(), proctor.id)
}

#[test]
fn demo_exam_has_three_sites_nine_rooms_and_every_room_staffed() {
    let (_d, store) = demo();
    assert_eq!(store.sites().unwrap().len(), 3);
    let rooms = store.rooms(SITTING, SITE).unwrap();
    assert_eq!(
        rooms.iter().map(|r| r.candidates).collect::<Vec<_>>(),
        vec![25, 30, 43]
    );
    assert_eq!(store.sittings().unwrap().len(), 2);
    assert!(store.staffing_warnings().unwrap().is_empty());
    let room3 = store.staff(SITE, Some("03")).unwrap();
    assert_eq!(room3.iter().filter(|s| s.room.is_some()).count(), 4);
}

#[test]
fn last_four_digits_of_the_ticket_find_the_candidate() {
    let (_d, store) = demo();
    let (student, _) = someone(&store);
    let cards = store
        .search(SITTING, SITE, Some("01"), &student[9..], 10)
        .unwrap();
    assert!(cards.iter().any(|c| c.student_number == student));
    let full = store
        .search(SITTING, SITE, Some("01"), &student, 10)
        .unwrap();
    assert_eq!(full.len(), 1);
}

#[test]
fn seat_number_finds_the_candidate_in_the_proctors_room() {
    let (_d, store) = demo();
    let cards = store.search(SITTING, SITE, Some("02"), "7", 10).unwrap();
    assert_eq!(cards.len(), 1);
    assert_eq!((cards[0].room.as_str(), cards[0].seat), ("02", 7));
}

#[test]
fn a_candidate_of_another_room_is_found_with_their_right_room() {
    let (_d, store) = demo();
    let other = store.room_candidates(SITTING, SITE, "02").unwrap()[3].clone();
    let cards = store
        .search(SITTING, SITE, Some("01"), &other.student_number, 10)
        .unwrap();
    assert_eq!(cards[0].room, "02");
}

#[test]
fn typed_id_last_four_is_checked_against_the_list() {
    let (_d, store) = demo();
    let (student, _) = someone(&store);
    let listed = store.candidate(SITTING, &student).unwrap();
    let number = &listed.document_number;
    let last4: String = number[number.len() - 4..].to_string();
    assert_eq!(
        store.check_document(SITTING, &student, &last4).unwrap(),
        DocumentMatch::Suffix
    );
    assert_eq!(
        store.check_document(SITTING, &student, "0000").unwrap() == DocumentMatch::Mismatch,
        last4 != "0000"
    );
}

#[test]
fn a_second_admission_is_refused_and_not_recorded() {
    let (_d, mut store) = demo();
    let (student, proctor) = someone(&store);
    let r = store
        .act(SITTING, &student, &proctor, &DoorAct::Admit, at(8, 40))
        .unwrap();
    assert_eq!(r.state, CandidateState::Admitted { manual: false });
    let again = store.act(SITTING, &student, &proctor, &DoorAct::Admit, at(8, 40));
    assert!(matches!(
        again,
        Err(StoreError::Door(DoorError::AlreadyAdmitted))
    ));
    assert_eq!(store.events_of(SITTING, &student).unwrap().len(), 1);
}

#[test]
fn only_a_chief_examiner_can_approve_through_the_store() {
    let (_d, mut store) = demo();
    let (student, proctor) = someone(&store);
    let chief = store
        .staff(SITE, None)
        .unwrap()
        .into_iter()
        .find(|s| s.room.is_none())
        .unwrap()
        .id;
    store
        .act(SITTING, &student, &proctor, &vouch(), at(8, 40))
        .unwrap();
    let by_proctor = store.act(SITTING, &student, &proctor, &DoorAct::Approve, at(8, 41));
    assert!(matches!(
        by_proctor,
        Err(StoreError::Door(DoorError::NotChiefExaminer))
    ));
    let r = store
        .act(SITTING, &student, &chief, &DoorAct::Approve, at(8, 42))
        .unwrap();
    assert_eq!(r.state, CandidateState::Admitted { manual: true });
}

#[test]
fn an_unknown_actor_or_candidate_records_nothing() {
    let (_d, mut store) = demo();
    let (student, _) = someone(&store);
    assert!(matches!(
        store.act(SITTING, &student, "NOBODY", &DoorAct::Admit, at(8, 40)),
        Err(StoreError::UnknownStaff(_))
    ));
    assert!(matches!(
        store.act(
            SITTING,
            "2242999999999",
            "J1101",
            &DoorAct::Admit,
            at(8, 40)
        ),
        Err(StoreError::UnknownCandidate(_))
    ));
    assert_eq!(store.event_count().unwrap(), 0);
}

#[test]
fn events_cannot_be_edited_or_deleted() {
    let (dir, mut store) = demo();
    let (student, proctor) = someone(&store);
    store
        .act(SITTING, &student, &proctor, &DoorAct::Admit, at(8, 40))
        .unwrap();
    drop(store);
    let conn = examgate_store::connect(dir.path().join("door.db")).unwrap();
    assert!(
        conn.execute("UPDATE event SET kind = 'refused'", [])
            .is_err()
    );
    assert!(conn.execute("DELETE FROM event", []).is_err());
}

#[test]
fn loading_the_demo_twice_is_refused_and_changes_nothing() {
    let (_d, mut store) = demo();
    let before = store.rooms(SITTING, SITE).unwrap();
    assert!(matches!(
        examgate_demo::load(&mut store),
        Err(StoreError::Import(_))
    ));
    assert_eq!(store.rooms(SITTING, SITE).unwrap(), before);
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

#[test]
fn the_pending_candidate_s_photo_reference_is_kept_in_the_event() {
    let (_d, mut store) = demo();
    let (student, proctor) = someone(&store);
    assert_eq!(store.fallback_photo(SITTING, &student).unwrap(), None);
    store
        .act(SITTING, &student, &proctor, &vouch(), at(8, 40))
        .unwrap();
    let photo = store.fallback_photo(SITTING, &student).unwrap().unwrap();
    assert_eq!(photo.file, "photo.jpg");
    assert_eq!(photo.sha256, "ab".repeat(32));
    // The candidate's card tells the chief examiner how the photo was taken, while it waits.
    let listed = store.candidate(SITTING, &student).unwrap();
    assert_eq!(
        listed.manual_photo_source,
        Some(examgate_core::event::PhotoSource::Camera)
    );
    let others: Vec<_> = store
        .room_candidates(SITTING, SITE, "01")
        .unwrap()
        .into_iter()
        .filter(|c| c.state == CandidateState::Expected)
        .collect();
    assert!(others.iter().all(|c| c.manual_photo_source.is_none()));
}

#[test]
fn a_preview_says_what_a_vouch_would_record_and_writes_nothing() {
    let (_d, mut store) = demo();
    let (student, proctor) = someone(&store);
    let before = store.event_count().unwrap();
    let kind = store
        .preview(SITTING, &student, &proctor, &vouch(), at(8, 40))
        .unwrap();
    assert_eq!(kind.name(), "manual-verification-requested");
    let late = store
        .preview(SITTING, &student, &proctor, &vouch(), at(9, 31))
        .unwrap();
    assert_eq!(late.name(), "refused-late");
    assert_eq!(store.event_count().unwrap(), before);
    store
        .act(SITTING, &student, &proctor, &DoorAct::Admit, at(8, 41))
        .unwrap();
    assert!(matches!(
        store.preview(SITTING, &student, &proctor, &vouch(), at(8, 42)),
        Err(StoreError::Door(DoorError::AlreadyAdmitted))
    ));
}
