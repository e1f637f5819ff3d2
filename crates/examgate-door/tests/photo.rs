//! The fallback photo at the door, end to end below the window: real demo exam, real JPEG from
//! libjpeg-turbo, real files, the real signature check. Rules from DOMAIN.md step 4.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

mod common;

use common::{SITE, SITTING, files_in};
use examgate_core::door::DoorAct;
use examgate_core::fold::CandidateState;
use examgate_door::{Door, PhotoTarget};
use std::path::PathBuf;

const PIN: &str = "246810";

struct Room {
    _dir: tempfile::TempDir,
    data: PathBuf,
    door: Door,
    proctor: String,
    chief: String,
    students: Vec<String>,
}

fn room() -> Room {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_path_buf();
    let door = common::demo(&data);
    let proctor = common::proctor(&door);
    let staff = door.staff(SITE, Some("01")).unwrap();
    let chief = staff.iter().find(|s| s.room.is_none()).unwrap().id.clone();
    let students = door
        .tally(SITTING, SITE, "01")
        .unwrap()
        .expected
        .iter()
        .map(|c| c.student_number.clone())
        .collect();
    Room {
        _dir: dir,
        data,
        door,
        proctor,
        chief,
        students,
    }
}

/// A 1600×1200 camera-like JPEG.
fn camera_jpeg() -> Vec<u8> {
    common::camera_jpeg(1600, 1200)
}

fn target(r: &Room, student: &str) -> PhotoTarget {
    common::target(&r.proctor, student)
}

/// The proctor taps "vouch" (nothing recorded: the photo is to be taken).
fn begin(r: &Room, student: &str) {
    assert_eq!(
        r.door.begin_vouch(SITTING, student, &r.proctor).unwrap(),
        None
    );
}

fn photo_folder(r: &Room) -> PathBuf {
    r.data.join("photos").join(SITTING)
}

#[test]
fn the_photo_puts_the_candidate_in_pending_and_the_chief_s_pin_admits_them() {
    let r = room();
    let student = &r.students[0];
    let result = r
        .door
        .take_photo(&target(&r, student), &camera_jpeg())
        .unwrap();
    assert_eq!(result.state, CandidateState::PendingManualVerification);

    let stored = photo_folder(&r).join(format!("{student}.jpg"));
    assert_eq!(
        files_in(&photo_folder(&r)),
        vec![format!("{student}.jpg"), format!("{student}.jpg.sig.json")]
    );
    let trusted: examgate_photo::PublicKey = r.door.device_key().unwrap().parse().unwrap();
    let verdict = examgate_photo::verify_file(&stored, &[trusted]).unwrap();
    assert!(verdict.is_authentic(), "{verdict}");
    let examgate_photo::Verdict::Authentic { metadata, .. } = verdict else {
        unreachable!()
    };
    assert_eq!(metadata.time_rfc3339(), "2023-04-15T08:40:00+08:00");
    assert_eq!(metadata.room, "01");
    assert!(!metadata.address.is_empty());

    // What the chief is shown is the signed file.
    let shown = r.door.fallback_photo(SITTING, student).unwrap();
    assert_eq!(shown, std::fs::read(&stored).unwrap());
    assert_eq!(r.door.tally(SITTING, SITE, "01").unwrap().pending.len(), 1);

    r.door.set_pin(&r.chief, PIN).unwrap();
    let approved = r
        .door
        .decide_with_pin(SITTING, student, &r.chief, PIN, &DoorAct::Approve)
        .unwrap();
    assert_eq!(approved.state, CandidateState::Admitted { manual: true });
}

#[test]
fn a_vouch_without_a_photo_is_refused() {
    let r = room();
    let e = r
        .door
        .act(
            SITTING,
            &r.students[0],
            &r.proctor,
            &DoorAct::Vouch {
                photo: Default::default(),
                face: None,
            },
        )
        .unwrap_err();
    assert_eq!(e.code, "photo-needed");
    assert_eq!(
        r.door.card(SITTING, &r.students[0]).unwrap().state,
        CandidateState::Expected
    );
}

#[test]
fn a_bad_photo_is_refused_and_nothing_is_recorded_or_stored() {
    let r = room();
    let student = &r.students[0];
    begin(&r, student);
    let mut truncated = camera_jpeg();
    truncated.truncate(truncated.len() / 2);
    for (bytes, code) in [
        (Vec::new(), "empty"),
        (b"not a photo at all".to_vec(), "not-an-image"),
        (truncated, "truncated"),
    ] {
        let e = r.door.take_photo(&target(&r, student), &bytes).unwrap_err();
        assert_eq!(e.code, code);
    }
    assert_eq!(
        r.door.card(SITTING, student).unwrap().state,
        CandidateState::Expected
    );
    assert!(files_in(&photo_folder(&r)).is_empty());
}

#[test]
fn no_photo_is_taken_of_a_candidate_already_admitted() {
    let r = room();
    let student = &r.students[0];
    r.door
        .act(SITTING, student, &r.proctor, &DoorAct::Admit)
        .unwrap();
    let e = r
        .door
        .take_photo(&target(&r, student), &camera_jpeg())
        .unwrap_err();
    assert_eq!(e.code, "already-admitted");
    assert!(files_in(&photo_folder(&r)).is_empty());
}

#[test]
fn after_t_plus_30_a_vouch_is_a_late_refusal_and_no_photo_is_taken() {
    let r = room();
    let student = &r.students[0];
    r.door
        .set_clock(SITTING, Some("2023-04-15T09:31:00+08:00"), None)
        .unwrap();
    let refused = r.door.begin_vouch(SITTING, student, &r.proctor).unwrap();
    assert_eq!(
        refused.map(|a| a.state),
        Some(CandidateState::Absent { refused_late: true })
    );
    let other = &r.students[1];
    let e = r
        .door
        .take_photo(&target(&r, other), &camera_jpeg())
        .unwrap_err();
    assert_eq!(e.code, "vouch-first");
    assert_eq!(
        r.door.card(SITTING, other).unwrap().state,
        CandidateState::Expected
    );
    assert!(files_in(&photo_folder(&r)).is_empty());
}

#[test]
fn a_candidate_vouched_for_before_t_plus_30_is_not_late_because_the_photo_came_after() {
    let r = room();
    let student = &r.students[0];
    r.door
        .set_clock(SITTING, Some("2023-04-15T09:29:00+08:00"), None)
        .unwrap();
    begin(&r, student);
    r.door
        .set_clock(SITTING, Some("2023-04-15T09:31:00+08:00"), None)
        .unwrap();
    let result = r
        .door
        .take_photo(&target(&r, student), &camera_jpeg())
        .unwrap();
    assert_eq!(result.state, CandidateState::PendingManualVerification);
    // The stamp carries the moment the photo was taken.
    let stored = photo_folder(&r).join(format!("{student}.jpg"));
    let trusted: examgate_photo::PublicKey = r.door.device_key().unwrap().parse().unwrap();
    let examgate_photo::Verdict::Authentic { metadata, .. } =
        examgate_photo::verify_file(&stored, &[trusted]).unwrap()
    else {
        panic!("the stored photo does not verify");
    };
    assert_eq!(metadata.time_rfc3339(), "2023-04-15T09:31:00+08:00");
}

#[test]
fn a_photo_changed_on_disk_is_not_shown_to_the_chief_nor_approved() {
    let r = room();
    let student = &r.students[0];
    begin(&r, student);
    r.door
        .take_photo(&target(&r, student), &camera_jpeg())
        .unwrap();
    let stored = photo_folder(&r).join(format!("{student}.jpg"));
    let mut bytes = std::fs::read(&stored).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&stored, bytes).unwrap();
    let e = r.door.fallback_photo(SITTING, student).unwrap_err();
    assert_eq!(e.code, "photo-altered");
    r.door.set_pin(&r.chief, PIN).unwrap();
    let approve = r
        .door
        .decide_with_pin(SITTING, student, &r.chief, PIN, &DoorAct::Approve)
        .unwrap_err();
    assert_eq!(approve.code, "photo-altered");
    // Rejecting needs no trustworthy photo.
    let reject = DoorAct::Reject {
        note: "照片被改动".into(),
    };
    let rejected = r
        .door
        .decide_with_pin(SITTING, student, &r.chief, PIN, &reject)
        .unwrap();
    assert!(matches!(rejected.state, CandidateState::Refused { .. }));
}

#[test]
fn the_device_key_is_made_once_and_kept_across_restarts() {
    let r = room();
    let first = r.door.device_key().unwrap();
    let again = Door::open(&r.data.join("door.db")).unwrap();
    assert_eq!(again.device_key().unwrap(), first);
    assert!(r.data.join("device-key.pem").exists());
}
