//! The post-exam check (考后核验) on the chief examiner's device, against a real site server (in
//! this process, on loopback, over TLS): a door of room 01 admits candidates, the chief's device
//! sees their entry photos still to check with the sitting's deadline, marks one checked (as
//! the chief its enrollment names) and the list shrinks; the server takes the mark; a proctor's
//! device can neither see the list nor mark.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

mod common;

use common::site::{CHIEF, Site};
use common::{SITE, SITTING, camera_jpeg, target};
use examgate_core::door::DoorAct;
use examgate_door::{Door, ErrorCode};
use examgate_sync::wire::Role;

const PROCTOR: &str = "J2101";
const SECOND_CHIEF_DEVICE: &str = "second chief device";

/// A site server with codes for room 01's proctor and two for the chief: a second device,
/// enrolled later, reads what the server holds.
fn site() -> Site {
    common::site::site(&[
        (PROCTOR, PROCTOR, Role::Proctor, Some("01")),
        (CHIEF, CHIEF, Role::Chief, None),
        (SECOND_CHIEF_DEVICE, CHIEF, Role::Chief, None),
    ])
}

/// What these tests do with the site.
trait CheckSite {
    fn enrolled(&self, door: Door, code: &str) -> Door;
    fn sync(&self, door: &Door);
}

impl CheckSite for Site {
    fn enrolled(&self, door: Door, code: &str) -> Door {
        self.runtime
            .block_on(door.enroll(&self.codes[code], None))
            .unwrap();
        self.sync(&door);
        door
    }

    fn sync(&self, door: &Door) {
        let view = self.runtime.block_on(door.sync_now()).unwrap();
        assert_eq!(view.pending, 0, "the server holds every event: {view:?}");
        assert_eq!(view.last_error, None);
    }
}

#[test]
fn the_chief_sees_each_entry_photo_still_to_check_by_the_deadline_and_marking_one_shrinks_the_list()
{
    let site = site();
    let door = common::demo_at(&site.root.join("door").join("examgate.db"));
    let door = site.enrolled(door, PROCTOR);
    let students: Vec<String> = door
        .tally(SITTING, SITE, "01")
        .unwrap()
        .expected
        .iter()
        .take(3)
        .map(|c| c.student_number.clone())
        .collect();
    door.act(SITTING, &students[0], PROCTOR, &DoorAct::Admit)
        .unwrap();
    door.act(SITTING, &students[1], PROCTOR, &DoorAct::Admit)
        .unwrap();
    // A vouch still pending is no entry photo yet.
    door.take_photo(&target(PROCTOR, &students[2]), &camera_jpeg(800, 600))
        .unwrap();
    site.sync(&door);

    let chief = Door::open(&site.root.join("chief").join("examgate.db")).unwrap();
    let chief = site.enrolled(chief, CHIEF);
    let checks = chief.post_exam_checks(SITTING).unwrap();
    assert_eq!(checks.site, SITE);
    assert_eq!(checks.deadline, "2023-04-18");
    assert_eq!((checks.deadline_month, checks.deadline_day), (4, 18));
    let listed: Vec<&str> = checks
        .remaining
        .iter()
        .map(|p| p.student_number.as_str())
        .collect();
    assert_eq!(listed, [students[0].as_str(), students[1].as_str()]);
    assert!(checks.remaining.iter().all(|p| !p.manual && p.room == "01"));

    let after = chief.mark_post_exam_checked(SITTING, &students[0]).unwrap();
    let listed: Vec<&str> = after
        .remaining
        .iter()
        .map(|p| p.student_number.as_str())
        .collect();
    assert_eq!(listed, [students[1].as_str()]);
    site.sync(&chief);
    // The server took the mark: the chief's second device, enrolled now, has it from there.
    let second = Door::open(&site.root.join("chief-2").join("examgate.db")).unwrap();
    let second = site.enrolled(second, SECOND_CHIEF_DEVICE);
    let there: Vec<String> = second
        .post_exam_checks(SITTING)
        .unwrap()
        .remaining
        .into_iter()
        .map(|p| p.student_number)
        .collect();
    assert_eq!(there, [students[1].clone()]);

    // The door of room 01 is a proctor's: it neither sees the list nor marks.
    let err = door.post_exam_checks(SITTING).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotChiefExaminer);
    let err = door
        .mark_post_exam_checked(SITTING, &students[1])
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotChiefExaminer);
}

#[test]
fn the_post_exam_check_needs_a_device_connected_to_a_site_server() {
    let dir = tempfile::tempdir().unwrap();
    let door = common::demo(dir.path());
    let err = door.post_exam_checks(SITTING).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotEnrolled);
}
