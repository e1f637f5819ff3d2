//! The door screen's timeline strip and 监考签到 panel through the door service on a real file,
//! with the demo drill's exam time set explicitly (never the wall clock): which steps are missed,
//! due and next; proctors present against the roster; the staffing warning; a substitute who does
//! not count until the chief examiner approves with the PIN; the provincial office's notice.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failure is the test failing"
)]

use examgate_core::timeline_steps::TimelineStep;
use examgate_door::{Door, ErrorCode, ProctorSignIn, StepState};

const SITTING: &str = "2023春 第一次";
const SITE: &str = "襄阳电大校本部";
/// Room 01 (25 seats): J2101 and J2102 on its roster; J2201 is on room 02's.
const ROOM: &str = "01";
const CHIEF: &str = "Z02";

fn door(exam_time: &str) -> (tempfile::TempDir, Door) {
    let dir = tempfile::tempdir().unwrap();
    let door = Door::open(&dir.path().join("door.db")).unwrap();
    door.load_demo().unwrap();
    door.set_clock(SITTING, Some(exam_time), None).unwrap();
    (dir, door)
}

fn states(door: &Door) -> Vec<(TimelineStep, StepState)> {
    door.room_timeline(SITTING, SITE, ROOM)
        .unwrap()
        .steps
        .into_iter()
        .map(|s| (s.step, s.state))
        .collect()
}

fn first_sign_in(staff: &str, pin: &str) -> ProctorSignIn {
    ProctorSignIn {
        staff: staff.into(),
        pin: pin.into(),
        pin_again: Some(pin.into()),
    }
}

#[test]
fn the_strip_shows_a_missed_step_first_then_the_due_one_and_the_next_at_the_set_exam_time() {
    use StepState::*;
    use TimelineStep::*;
    let (_d, door) = door("2023-04-15T08:35:00+08:00");
    assert_eq!(
        states(&door),
        [
            (StaffInRoom, Missed),
            (Notice, Due),
            (Start, Next),
            (LateCutoff, Later),
            (End, Later),
            (RecordingMayStop, Later)
        ]
    );
    door.tick_step(SITTING, SITE, ROOM, "J2101", Notice)
        .unwrap();
    let err = door
        .tick_step(SITTING, SITE, ROOM, "J2101", Start)
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::StepNotDue);
    door.set_clock(SITTING, Some("2023-04-15T09:31:00+08:00"), None)
        .unwrap();
    let now = states(&door);
    assert_eq!(now[..2], [(StaffInRoom, Missed), (Start, Missed)]);
    assert!(now.contains(&(Notice, Done)) && now.contains(&(LateCutoff, Due)));
    door.tick_step(SITTING, SITE, ROOM, "J2101", StaffInRoom)
        .unwrap();
    let t = door.room_timeline(SITTING, SITE, ROOM).unwrap();
    assert_eq!((t.steps[0].step, t.steps[0].state), (Start, Missed));
    let done = t.steps.iter().find(|s| s.step == StaffInRoom).unwrap();
    assert_eq!(done.ticked_by.as_deref(), Some("J2101"));
}

#[test]
fn an_unapproved_substitute_leaves_the_room_short_and_the_chiefs_pin_makes_them_count() {
    let (_d, door) = door("2023-04-15T08:40:00+08:00");
    let before = door.room_proctors(SITTING, SITE, ROOM).unwrap();
    assert_eq!(
        (before.seats, before.needed, before.counted, before.short),
        (25, 2, 0, 2)
    );
    assert_eq!(before.roster.len(), 2);

    let p = door
        .sign_in_proctor(SITTING, SITE, ROOM, &first_sign_in("J2101", "135790"))
        .unwrap();
    assert_eq!((p.counted, p.short), (1, 1));
    assert!(p.roster.iter().any(|r| r.id == "J2101" && r.present));
    let p = door
        .sign_in_proctor(SITTING, SITE, ROOM, &first_sign_in("J2201", "246802"))
        .unwrap();
    assert_eq!(
        (p.counted, p.short),
        (1, 1),
        "a substitute counts only once approved"
    );
    let sub = &p.substitutes[0];
    assert_eq!(
        (sub.id.as_str(), sub.approved_by.as_deref()),
        ("J2201", None)
    );
    assert!(sub.provincial_notice, "08:40 is after T−2h (07:00)");
    assert_eq!(
        p.provincial_deadline.to_rfc3339(),
        "2023-04-15T07:00:00+08:00"
    );

    let err = door
        .approve_substitute(SITTING, SITE, ROOM, "J2201", "J2101", "135790")
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotChiefExaminer, "a proctor's own PIN");
    door.set_pin(CHIEF, "975310").unwrap();
    let err = door
        .approve_substitute(SITTING, SITE, ROOM, "J2201", CHIEF, "000000")
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::WrongPin);
    let p = door
        .approve_substitute(SITTING, SITE, ROOM, "J2201", CHIEF, "975310")
        .unwrap();
    assert_eq!((p.counted, p.short), (2, 0));
    assert_eq!(p.substitutes[0].approved_by.as_deref(), Some(CHIEF));
}

#[test]
fn a_sign_in_is_refused_for_another_sites_staff_a_second_time_and_with_pins_that_differ() {
    let (_d, door) = door("2023-04-15T06:30:00+08:00");
    let err = door
        .sign_in_proctor(SITTING, SITE, ROOM, &first_sign_in("J3101", "135790"))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotOfSite);
    let mut differ = first_sign_in("J2101", "135790");
    differ.pin_again = Some("135791".into());
    let err = door
        .sign_in_proctor(SITTING, SITE, ROOM, &differ)
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::PinsDiffer);
    assert!(!door.proctor_has_pin("J2101").unwrap());
    door.sign_in_proctor(SITTING, SITE, ROOM, &first_sign_in("J2101", "135790"))
        .unwrap();
    assert!(door.proctor_has_pin("J2101").unwrap());
    let again = ProctorSignIn {
        pin_again: None,
        ..first_sign_in("J2101", "135790")
    };
    let err = door
        .sign_in_proctor(SITTING, SITE, ROOM, &again)
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::AlreadySignedIn);
    let p = door
        .sign_in_proctor(SITTING, SITE, ROOM, &first_sign_in("J2201", "246802"))
        .unwrap();
    assert!(!p.substitutes[0].provincial_notice, "06:30 is before T−2h");
}

#[test]
fn the_sites_chief_resets_a_proctors_pin_with_the_chiefs_own_and_the_next_sign_in_sets_it_anew() {
    let (_d, door) = door("2023-04-15T08:40:00+08:00");
    // A colleague set J2101's PIN at room 02 first.
    door.sign_in_proctor(SITTING, SITE, "02", &first_sign_in("J2101", "246802"))
        .unwrap();
    door.set_pin(CHIEF, "975310").unwrap();
    let err = door
        .reset_proctor_pin(SITTING, SITE, ROOM, "J2101", "J2102", "135790")
        .unwrap_err();
    assert_eq!(
        err.code,
        ErrorCode::NotChiefExaminer,
        "a proctor's credentials"
    );
    let err = door
        .reset_proctor_pin(SITTING, SITE, ROOM, "J3101", CHIEF, "975310")
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotOfSite, "a proctor of another site");
    let err = door
        .reset_proctor_pin(SITTING, SITE, ROOM, "J2101", CHIEF, "000000")
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::WrongPin);
    assert!(door.proctor_has_pin("J2101").unwrap());
    door.reset_proctor_pin(SITTING, SITE, ROOM, "J2101", CHIEF, "975310")
        .unwrap();
    assert!(!door.proctor_has_pin("J2101").unwrap());
    let p = door
        .sign_in_proctor(SITTING, SITE, ROOM, &first_sign_in("J2101", "135790"))
        .unwrap();
    assert!(p.roster.iter().any(|r| r.id == "J2101" && r.present));
}
