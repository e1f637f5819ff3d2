//! The room's acts beyond the door through a real store: proctors signing in, the count check,
//! violations and their edits, and how a site server's pull carries room acts to their site only.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use chrono::{DateTime, FixedOffset, TimeZone};
use ed25519_dalek::SigningKey;
use examgate_core::door::DoorAct;
use examgate_core::event::{Event, EventId, EventKind, Hlc, Violation, ViolationCategory};
use examgate_core::room_day::{count_checks, proctors_present, violations};
use examgate_core::signed::sign;
use examgate_core::timeline::CHINA_OFFSET;
use examgate_store::{Store, StoreError};
use uuid::Uuid;

const SITTING: &str = "2023春 第一次";
const SITE: &str = "襄阳电大校本部";
const OTHER_SITE: &str = "宜昌电大校本部";

fn at(h: u32, m: u32) -> DateTime<FixedOffset> {
    CHINA_OFFSET.with_ymd_and_hms(2023, 4, 15, h, m, 0).unwrap()
}

fn demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("door.db")).unwrap();
    examgate_demo::load(&mut store).unwrap();
    (dir, store)
}

fn proctors(store: &Store, site: &str) -> Vec<String> {
    store
        .staff(site, Some("01"))
        .unwrap()
        .into_iter()
        .filter(|s| s.room.is_some())
        .map(|s| s.id)
        .collect()
}

fn students(store: &Store) -> Vec<String> {
    store
        .room_candidates(SITTING, SITE, "01")
        .unwrap()
        .into_iter()
        .map(|c| c.student_number)
        .collect()
}

fn cheating(what: &str, marked: bool) -> Violation {
    Violation {
        category: ViolationCategory::Cheating,
        what: what.into(),
        at: at(10, 5),
        // The demo roster's first proctor of room 01 at SITE: proctors present must be on the roster.
        proctors: vec!["J2101".into()],
        platform_marked: marked,
    }
}

#[test]
fn the_count_check_records_the_platforms_count_against_those_admitted_in_the_room() {
    let (_d, mut store) = demo();
    let p = proctors(&store, SITE);
    let s = students(&store);
    for student in &s[..3] {
        store
            .act(SITTING, student, &p[0], &DoorAct::Admit, at(8, 50))
            .unwrap();
    }
    store
        .record_count_check(SITTING, SITE, "01", &p[0], 2, at(10, 30))
        .unwrap();
    let checks = count_checks(&store.sitting_events(SITTING).unwrap());
    let c = &checks[&(SITE.to_string(), "01".to_string())];
    assert_eq!((c.platform_count, c.real_count, c.discrepancy()), (2, 3, 1));
}

#[test]
fn proctors_sign_in_at_a_room_of_the_catalogue_only() {
    let (_d, mut store) = demo();
    let p = proctors(&store, SITE);
    for who in &p {
        store
            .sign_in_proctor(SITTING, SITE, "01", who, at(8, 55))
            .unwrap();
    }
    let err = store
        .sign_in_proctor(SITTING, SITE, "99", &p[0], at(8, 56))
        .unwrap_err();
    assert!(matches!(err, StoreError::UnknownRoom { .. }), "{err}");
    let err = store
        .sign_in_proctor(SITTING, SITE, "01", "NOBODY", at(8, 56))
        .unwrap_err();
    assert!(matches!(err, StoreError::UnknownStaff(_)), "{err}");
    let present = proctors_present(&store.sitting_events(SITTING).unwrap());
    assert_eq!(
        present[&(SITE.to_string(), "01".to_string())].len(),
        p.len()
    );
    assert_eq!(present.len(), 1);
}

#[test]
fn a_violation_is_edited_by_naming_it_and_only_the_same_candidates() {
    let (_d, mut store) = demo();
    let p = proctors(&store, SITE);
    let s = students(&store);
    let first = store
        .record_violation(
            SITTING,
            &s[0],
            &p[0],
            cheating("夹带", false),
            None,
            at(10, 6),
        )
        .unwrap();
    store
        .record_violation(
            SITTING,
            &s[0],
            &p[1],
            cheating("夹带纸条", true),
            Some(first.id),
            at(10, 40),
        )
        .unwrap();
    let err = store
        .record_violation(
            SITTING,
            &s[1],
            &p[0],
            cheating("x", true),
            Some(first.id),
            at(10, 41),
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::UnknownViolation { .. }), "{err}");
    let err = store
        .record_violation(
            SITTING,
            &s[0],
            &p[0],
            cheating("x", true),
            Some(EventId(Uuid::now_v7())),
            at(10, 41),
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::UnknownViolation { .. }), "{err}");
    let got = violations(&store.sitting_events(SITTING).unwrap());
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].student, s[0]);
    assert!(got[0].violation.platform_marked);
    assert_eq!(got[0].violation.what, "夹带纸条");
}

/// A room act of `site` from another device, signed with `key`.
fn room_act(
    device: Uuid,
    key: &SigningKey,
    seq: u64,
    site: &str,
) -> examgate_core::signed::SignedEvent {
    let wall = at(10, 30);
    sign(
        key,
        Event {
            id: EventId(Uuid::now_v7()),
            device,
            seq,
            wall,
            hlc: Hlc(u64::try_from(wall.timestamp_millis()).unwrap() << 16),
            exam_time: None,
            actor: "J1".into(),
            sitting: SITTING.into(),
            candidate: None,
            parents: vec![],
            kind: EventKind::CountChecked {
                site: site.into(),
                room: "01".into(),
                platform_count: 20,
                real_count: 21,
            },
            chief_proof: None,
        },
    )
}

#[test]
fn a_sites_pull_carries_its_own_room_acts_and_not_another_sites() {
    let (_d, mut store) = demo();
    let key = SigningKey::from_bytes(&[7; 32]);
    let device = Uuid::now_v7();
    let trust = move |d: Uuid| (d == device).then(|| key.verifying_key());
    let key = SigningKey::from_bytes(&[7; 32]);
    let batch = [
        room_act(device, &key, 1, SITE),
        room_act(device, &key, 2, OTHER_SITE),
    ];
    let report = store.receive(&batch, &trust, at(10, 31)).unwrap();
    assert_eq!(report.accepted, 2);
    let (mine, _) = store.site_events_after(0, SITE, None, 10).unwrap();
    assert_eq!(mine, vec![batch[0].clone()]);
    let (theirs, _) = store.site_events_after(0, OTHER_SITE, None, 10).unwrap();
    assert_eq!(theirs, vec![batch[1].clone()]);
}

#[test]
fn only_a_chief_examiner_marks_an_entry_photo_checked_after_the_exam() {
    let (_d, mut store) = demo();
    let p = proctors(&store, SITE);
    let s = students(&store);
    let chief = store
        .staff(SITE, None)
        .unwrap()
        .into_iter()
        .find(|m| m.role == examgate_core::model::Role::ChiefExaminer)
        .unwrap()
        .id;
    let err = store
        .mark_post_exam_checked(SITTING, &s[0], &p[0], at(14, 0))
        .unwrap_err();
    assert!(matches!(err, StoreError::NotChief(_)), "{err}");
    store
        .mark_post_exam_checked(SITTING, &s[0], &chief, at(14, 0))
        .unwrap();
    let checked =
        examgate_core::room_day::post_exam_checked(&store.sitting_events(SITTING).unwrap());
    assert_eq!(checked.into_iter().collect::<Vec<_>>(), [s[0].clone()]);
}
