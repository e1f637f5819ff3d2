//! The archive tests' fixture: a door device with the demo exam and three real fallback photos
//! (stamped and signed through the door service), and `examgate export archive` run on it.
#![allow(dead_code, reason = "each test file uses part of it")]

use examgate_testkit::camera_jpeg;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use examgate_core::door::DoorAct;
use examgate_core::event::PhotoSource;
use examgate_door::{Door, PhotoTarget};

pub const SITTING: &str = "2023春 第一次";
pub const SITE: &str = "襄阳电大校本部";
pub const EXAM_TIME: &str = "2023-04-15T08:40:00+08:00";
pub const PIN: &str = "246810";
pub const ARCHIVE: &str = "襄阳电大校本部23春第一次学位英语考试应急处理照片.zip";

pub fn examgate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_examgate"))
        .args(args)
        .output()
        .unwrap()
}

/// A device with the demo exam and three fallback photos in room 01: the first candidate's
/// approved, the second's pending, the third's rejected. Returns the database and the students.
pub fn device(data: &Path) -> (PathBuf, Vec<String>) {
    let db = data.join("door.db");
    let door = Door::open(&db).unwrap();
    door.load_demo().unwrap();
    door.set_clock(SITTING, Some(EXAM_TIME), None).unwrap();
    let staff = door.staff(SITE, Some("01")).unwrap();
    let proctor = staff.iter().find(|s| s.room.is_some()).unwrap().id.clone();
    let chief = staff.iter().find(|s| s.room.is_none()).unwrap().id.clone();
    let students: Vec<String> = door
        .tally(SITTING, SITE, "01")
        .unwrap()
        .expected
        .iter()
        .take(3)
        .map(|c| c.student_number.clone())
        .collect();
    for s in &students {
        assert_eq!(door.begin_vouch(SITTING, s, &proctor).unwrap(), None);
        let target = PhotoTarget {
            sitting: SITTING.into(),
            student: s.clone(),
            actor: proctor.clone(),
            source: PhotoSource::Camera,
            face: Some(examgate_core::event::FaceFailure::Environment),
            ..PhotoTarget::default()
        };
        door.take_photo(&target, &camera_jpeg(640, 480)).unwrap();
    }
    door.set_pin(&chief, PIN).unwrap();
    door.decide_with_pin(SITTING, &students[0], &chief, PIN, &DoorAct::Approve)
        .unwrap();
    let reject = DoorAct::Reject {
        note: "不是本人".into(),
    };
    door.decide_with_pin(SITTING, &students[2], &chief, PIN, &reject)
        .unwrap();
    drop(door);
    (db, students)
}

pub fn export(db: &Path, out: &Path, extra: &[&str]) -> Output {
    std::fs::create_dir_all(out).unwrap();
    let mut args = vec![
        "export",
        "archive",
        "--db",
        db.to_str().unwrap(),
        "--sitting",
        SITTING,
        "--site",
        SITE,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    examgate(&args)
}

pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
