//! The door's screen views composed from the real store: a temp-dir SQLite file loaded with the
//! demo exam, acts recorded at injected times, and the card and the tally the door makes of the
//! store's answers (`Door::card` and `Door::tally` are exactly these compositions).
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use chrono::{DateTime, FixedOffset, TimeZone};
use examgate_core::door::DoorAct;
use examgate_core::event::RefusalReason;
use examgate_core::fold::CandidateState;
use examgate_core::timeline::CHINA_OFFSET;
use examgate_door::{CandidateCard, Tally};
use examgate_store::Store;

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

/// The room's tally, as the door shows it.
fn tally(store: &Store, room: &str) -> Tally {
    Tally::of(store.room_candidates(SITTING, SITE, room).unwrap())
}

/// The first candidate of room 01 at the 襄阳 site, and a proctor of that room.
fn someone(store: &Store) -> (String, String) {
    let t = tally(store, "01");
    let proctor = store
        .staff(SITE, Some("01"))
        .unwrap()
        .into_iter()
        .find(|s| s.room.is_some())
        .unwrap();
    (t.expected[0].student_number.clone(), proctor.id)
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
fn card_masks_the_id_number() {
    let (_d, store) = demo();
    let (student, _) = someone(&store);
    let card = CandidateCard::from(store.candidate(SITTING, &student).unwrap());
    let masked = &card.document_masked;
    assert!(masked.contains('*'), "{masked}");
    assert_eq!(
        masked.chars().filter(|c| *c != '*').count(),
        10.min(masked.len())
    );
}

#[test]
fn the_card_sent_to_the_screen_never_carries_the_whole_id_number() {
    let (_d, store) = demo();
    let (student, _) = someone(&store);
    let listed = store.candidate(SITTING, &student).unwrap();
    let whole = listed.document_number.clone();
    let json = serde_json::to_string(&CandidateCard::from(listed)).unwrap();
    assert!(!json.contains(&whole), "{json}");
    let json = serde_json::to_string(&tally(&store, "01")).unwrap();
    assert!(!json.contains(&whole));
}

#[test]
fn late_by_31_minutes_is_refused_and_marked_absent() {
    let (_d, mut store) = demo();
    let (student, proctor) = someone(&store);
    let r = store
        .act(SITTING, &student, &proctor, &DoorAct::Admit, at(9, 31))
        .unwrap();
    assert_eq!(r.state, CandidateState::Absent { refused_late: true });
    let t = tally(&store, "01");
    assert!(t.absent.iter().any(|c| c.student_number == student));
    assert!(t.admitted.is_empty());
}

#[test]
fn tally_counts_every_state_and_adds_up_to_the_room() {
    let (_d, mut store) = demo();
    let t = tally(&store, "01");
    let proctor = store
        .staff(SITE, Some("01"))
        .unwrap()
        .into_iter()
        .find(|s| s.room.is_some())
        .unwrap()
        .id;
    let ids: Vec<String> = t
        .expected
        .iter()
        .map(|c| c.student_number.clone())
        .collect();
    store
        .act(SITTING, &ids[0], &proctor, &DoorAct::Admit, at(8, 35))
        .unwrap();
    store
        .act(SITTING, &ids[1], &proctor, &vouch(), at(8, 36))
        .unwrap();
    store
        .act(
            SITTING,
            &ids[2],
            &proctor,
            &DoorAct::Refuse {
                reason: RefusalReason::DocumentMismatch,
            },
            at(8, 37),
        )
        .unwrap();
    store
        .act(SITTING, &ids[3], &proctor, &DoorAct::MarkAbsent, at(9, 31))
        .unwrap();
    let t = tally(&store, "01");
    assert_eq!(
        (
            t.admitted.len(),
            t.pending.len(),
            t.refused.len(),
            t.absent.len(),
            t.expected.len()
        ),
        (1, 1, 1, 1, 21)
    );
    assert_eq!(t.total(), 25);
}

#[test]
fn an_act_s_result_names_the_event_the_store_recorded() {
    let (_d, mut store) = demo();
    let (student, proctor) = someone(&store);
    let recorded = store
        .act(SITTING, &student, &proctor, &DoorAct::Admit, at(8, 40))
        .unwrap();
    let result = examgate_door::ActResult::from(recorded.clone());
    assert_eq!(result.event, recorded.event.id);
    assert_eq!(result.state, CandidateState::Admitted { manual: false });
    assert_eq!(
        store.events_of(SITTING, &student).unwrap(),
        vec![recorded.event]
    );
}
