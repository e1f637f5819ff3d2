//! The room's day below the window (DOMAIN.md steps 3, 5 and 6): the face-recognition result on
//! the card, the 30-minute count check with its photos, and violations with their edits, through
//! the door service the app's commands call, on the demo exam (a drill, so the exam time is set
//! by hand), with real JPEGs and a real site server for the chief examiner's overview.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

mod common;

use common::site::{CHIEF, Site};
use common::{SITE, SITTING, camera_jpeg, target};
use examgate_core::count_check::Banner;
use examgate_core::door::DoorAct;
use examgate_core::event::{FaceFailure, RefusalReason, Violation, ViolationCategory};
use examgate_core::face::FaceResult;
use examgate_door::{Door, ErrorCode, PhotoTarget};
use examgate_sync::wire::Role;

const PIN: &str = "246810";

struct Room {
    _dir: tempfile::TempDir,
    door: Door,
    proctor: String,
    chief: String,
    students: Vec<String>,
}

fn room() -> Room {
    let dir = tempfile::tempdir().unwrap();
    let door = common::demo(dir.path());
    let proctor = common::proctor(&door);
    let chief = door
        .staff(SITE, Some("01"))
        .unwrap()
        .into_iter()
        .find(|s| s.room.is_none())
        .unwrap()
        .id;
    let students = room_01(&door);
    Room {
        _dir: dir,
        door,
        proctor,
        chief,
        students,
    }
}

fn room_01(door: &Door) -> Vec<String> {
    door.tally(SITTING, SITE, "01")
        .unwrap()
        .expected
        .iter()
        .map(|c| c.student_number.clone())
        .collect()
}

fn at(door: &Door, hm: &str) {
    door.set_clock(SITTING, Some(&format!("2023-04-15T{hm}:00+08:00")), None)
        .unwrap();
}

/// A vouch with the reason stated, approved by the chief with the PIN.
fn vouch_approved(r: &Room, student: &str, face: FaceFailure) {
    assert_eq!(
        r.door.begin_vouch(SITTING, student, &r.proctor).unwrap(),
        None
    );
    let t = PhotoTarget {
        face: Some(face),
        ..target(&r.proctor, student)
    };
    r.door.take_photo(&t, &camera_jpeg(800, 600)).unwrap();
    if !r.door.has_pin(&r.chief).unwrap() {
        r.door.set_pin(&r.chief, PIN).unwrap();
    }
    r.door
        .decide_with_pin(SITTING, student, &r.chief, PIN, &DoorAct::Approve)
        .unwrap();
}

fn count_photo(r: &Room, student: &str, room: &str) -> PhotoTarget {
    PhotoTarget {
        site: Some(SITE.into()),
        room: Some(room.into()),
        ..target(&r.proctor, student)
    }
}

fn violation(proctor: &str, what: &str) -> Violation {
    Violation {
        category: ViolationCategory::Cheating,
        what: what.into(),
        at: chrono::DateTime::parse_from_rfc3339("2023-04-15T09:45:00+08:00").unwrap(),
        proctors: vec![proctor.to_owned()],
        platform_marked: false,
    }
}

#[test]
fn the_card_records_face_recognition_passed_or_failed_with_the_proctors_reason() {
    let r = room();
    let s = &r.students;
    let card = |n: &str| r.door.card(SITTING, n).unwrap().face;
    assert_eq!(card(&s[0]), FaceResult::NotRecorded);
    r.door
        .act(SITTING, &s[0], &r.proctor, &DoorAct::Admit)
        .unwrap();
    assert_eq!(card(&s[0]), FaceResult::Passed);
    vouch_approved(&r, &s[1], FaceFailure::Environment);
    let after = card(&s[1]);
    assert_eq!(
        after.label(),
        "未通过（环境原因）",
        "approval keeps the failure on record"
    );
    let refuse = DoorAct::Refuse {
        reason: RefusalReason::FaceMismatch,
    };
    r.door.act(SITTING, &s[2], &r.proctor, &refuse).unwrap();
    assert_eq!(card(&s[2]).label(), "未通过（人脸不匹配）");
}

#[test]
fn the_count_check_is_refused_before_t30_and_for_absurd_counts_and_lists_the_manual_verifications()
{
    let r = room();
    let s = &r.students;
    at(&r.door, "08:40");
    for n in &s[..3] {
        r.door.act(SITTING, n, &r.proctor, &DoorAct::Admit).unwrap();
    }
    vouch_approved(&r, &s[3], FaceFailure::Environment);

    at(&r.door, "09:29");
    let view = r.door.count_check(SITTING, SITE, "01").unwrap();
    assert_eq!((view.banner, view.due), (Banner::NotYet, false));
    let early = r
        .door
        .record_count_check(SITTING, SITE, "01", &r.proctor, "3")
        .unwrap_err();
    assert_eq!(early.code, ErrorCode::TooEarlyForCountCheck);

    at(&r.door, "09:31");
    assert_eq!(
        r.door.count_check(SITTING, SITE, "01").unwrap().banner,
        Banner::Due
    );
    for typed in [
        "-1",
        "1e9",
        "abc",
        "",
        "3.0",
        "99999999999",
        &(s.len() + 1).to_string(),
    ] {
        let e = r
            .door
            .record_count_check(SITTING, SITE, "01", &r.proctor, typed)
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::BadCount, "{typed:?}");
    }
    assert!(
        r.door
            .count_check(SITTING, SITE, "01")
            .unwrap()
            .latest
            .is_none()
    );

    // Two signed in on the platform, four admitted: the manual one and one more did not.
    let view = r
        .door
        .record_count_check(SITTING, SITE, "01", &r.proctor, " 2 ")
        .unwrap();
    let c = view.comparison.clone().unwrap();
    assert_eq!((c.platform_count, c.real_count, c.difference), (2, 4, 2));
    assert_eq!(c.not_passed, vec![s[3].clone()]);
    assert_eq!((c.unexplained, c.photos_missing), (1, 2));
    assert_eq!(view.banner, Banner::PhotosMissing { missing: 2 });
    assert_eq!(view.latest.unwrap().actor, r.proctor);

    // A photo of a candidate of another room, or of one not admitted, is refused.
    let other_room = door_other_room_student(&r.door);
    let e = r
        .door
        .take_count_check_photo(&count_photo(&r, &other_room, "01"), &camera_jpeg(800, 600))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotInRoom);
    let e = r
        .door
        .take_count_check_photo(&count_photo(&r, &s[5], "01"), &camera_jpeg(800, 600))
        .unwrap_err();
    assert_eq!(
        e.code,
        ErrorCode::NotInRoom,
        "not admitted: not in the room"
    );
    let e = r
        .door
        .take_count_check_photo(&target(&r.proctor, &s[3]), &camera_jpeg(800, 600))
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::BadPhotoRequest, "the room must be named");

    for n in [&s[3], &s[0]] {
        r.door
            .take_count_check_photo(&count_photo(&r, n, "01"), &camera_jpeg(800, 600))
            .unwrap();
    }
    let view = r.door.count_check(SITTING, SITE, "01").unwrap();
    assert_eq!(view.banner, Banner::Done);
    assert!(view.admitted.iter().filter(|a| a.photographed).count() == 2);

    // Redone: the latest counts.
    let view = r
        .door
        .record_count_check(SITTING, SITE, "01", &r.proctor, "4")
        .unwrap();
    assert_eq!(view.latest.unwrap().difference, 0);
}

fn door_other_room_student(door: &Door) -> String {
    door.tally(SITTING, SITE, "02").unwrap().expected[0]
        .student_number
        .clone()
}

#[test]
fn a_violation_is_for_the_rooms_candidates_and_an_edit_only_of_that_candidates_record() {
    let r = room();
    let s = &r.students;
    at(&r.door, "09:45");
    let first = r
        .door
        .record_violation(
            SITTING,
            SITE,
            "01",
            &s[0],
            &r.proctor,
            violation(&r.proctor, "偷看手机"),
            None,
        )
        .unwrap();
    assert_eq!(first.len(), 1);
    let id = first[0].id;
    let other = r
        .door
        .record_violation(
            SITTING,
            SITE,
            "01",
            &s[1],
            &r.proctor,
            violation(&r.proctor, "交头接耳"),
            None,
        )
        .unwrap();
    assert_eq!(other.len(), 2);

    let outsider = door_other_room_student(&r.door);
    let e = r
        .door
        .record_violation(
            SITTING,
            SITE,
            "01",
            &outsider,
            &r.proctor,
            violation(&r.proctor, "x"),
            None,
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotInRoom);
    let e = r
        .door
        .record_violation(
            SITTING,
            SITE,
            "01",
            &s[1],
            &r.proctor,
            violation(&r.proctor, "x"),
            Some(id),
        )
        .unwrap_err();
    assert_eq!(
        e.code,
        ErrorCode::UnknownViolation,
        "an edit naming another's record"
    );
    let e = r
        .door
        .record_violation(
            SITTING,
            SITE,
            "01",
            &s[0],
            &r.proctor,
            violation(&r.proctor, "  "),
            None,
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::BadViolation);
    let e = r
        .door
        .record_violation(
            SITTING,
            SITE,
            "01",
            &s[0],
            &r.proctor,
            violation("NOBODY", "x"),
            None,
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::UnknownStaff);

    let mut edited = violation(&r.proctor, "偷看手机，已收缴");
    edited.platform_marked = true;
    let list = r
        .door
        .record_violation(SITTING, SITE, "01", &s[0], &r.proctor, edited, Some(id))
        .unwrap();
    let v = list.iter().find(|v| v.id == id).unwrap();
    assert_eq!(
        (
            v.violation.what.as_str(),
            v.violation.platform_marked,
            v.edits
        ),
        ("偷看手机，已收缴", true, 1)
    );
    assert_eq!(list.len(), 2, "an edit is not a second violation");
    assert_eq!(r.door.room_violations(SITTING, SITE, "02").unwrap(), vec![]);
}

#[test]
fn the_chiefs_overview_shows_each_rooms_count_check_and_violations_after_a_sync() {
    let proctor = "J2101";
    let site: Site = common::site::site(&[
        (proctor, proctor, Role::Proctor, Some("01")),
        (CHIEF, CHIEF, Role::Chief, None),
    ]);
    let door = common::demo_at(&site.root.join("door").join("examgate.db"));
    site.runtime
        .block_on(door.enroll(&site.codes[proctor], None))
        .unwrap();
    let students = room_01(&door);
    door.act(SITTING, &students[0], proctor, &DoorAct::Admit)
        .unwrap();
    at(&door, "09:35");
    door.record_count_check(SITTING, SITE, "01", proctor, "0")
        .unwrap();
    door.record_violation(
        SITTING,
        SITE,
        "01",
        &students[0],
        proctor,
        violation(proctor, "扰乱考场"),
        None,
    )
    .unwrap();
    site.runtime.block_on(door.sync_now()).unwrap();

    let chief = Door::open(&site.root.join("chief").join("examgate.db")).unwrap();
    site.runtime
        .block_on(chief.enroll(&site.codes[CHIEF], None))
        .unwrap();
    site.runtime.block_on(chief.sync_now()).unwrap();
    let overview = chief.site_overview(SITTING).unwrap();
    let r01 = &overview.rooms[0];
    let check = r01.count_check.as_ref().unwrap();
    assert_eq!(
        (check.platform_count, check.real_count, check.difference),
        (0, 1, 1)
    );
    assert_eq!(r01.violations.len(), 1);
    assert_eq!(r01.violations[0].violation.what, "扰乱考场");
    assert!(
        overview.rooms[1..]
            .iter()
            .all(|r| r.count_check.is_none() && r.violations.is_empty())
    );
}
