//! The door's photo fixture shared by the photo, private-file, orphan and kill tests: the demo
//! exam in a data folder, a camera-like JPEG made by libjpeg-turbo, and a look at the photo
//! folders.
#![allow(dead_code, reason = "each test binary uses part of the fixture")]

pub mod site;

pub use examgate_testkit::camera_jpeg;
use std::path::{Path, PathBuf};

use examgate_core::event::PhotoSource;
use examgate_door::{Door, PhotoTarget};

pub const SITTING: &str = "2023春 第一次";
pub const SITE: &str = "襄阳电大校本部";
/// Before the exam starts: every candidate can still be vouched for.
pub const EXAM_TIME: &str = "2023-04-15T08:40:00+08:00";

/// The door of `<data>/door.db` (the exam time set by [`demo`] is kept in the store's log).
pub fn open(data: &Path) -> Door {
    Door::open(&data.join("door.db")).unwrap()
}

/// A door with the demo exam (a drill) loaded in a new data folder `data`, following the exam
/// time the tests use.
pub fn demo(data: &Path) -> Door {
    demo_at(&data.join("door.db"))
}

/// [`demo`], with the database at `db` (its folder is the data folder).
pub fn demo_at(db: &Path) -> Door {
    let door = Door::open(db).unwrap();
    door.load_demo().unwrap();
    door.set_clock(SITTING, Some(EXAM_TIME), None).unwrap();
    door
}

/// A proctor of `SITE`.
pub fn proctor(door: &Door) -> String {
    let staff = door.staff(SITE, Some("01")).unwrap();
    staff.into_iter().find(|s| s.room.is_some()).unwrap().id
}

/// The candidates of `SITE` still expected, room by room.
pub fn expected(door: &Door) -> Vec<String> {
    let mut out = Vec::new();
    for room in door.rooms(SITTING, SITE).unwrap() {
        let tally = door.tally(SITTING, SITE, &room.number).unwrap();
        out.extend(tally.expected.into_iter().map(|c| c.student_number));
    }
    out
}

pub fn target(proctor: &str, student: &str) -> PhotoTarget {
    PhotoTarget {
        sitting: SITTING.into(),
        student: student.into(),
        actor: proctor.into(),
        source: PhotoSource::Camera,
        ..PhotoTarget::default()
    }
}

/// `<data>/photos`.
pub fn photos(data: &Path) -> PathBuf {
    data.join("photos")
}

/// The sitting's photo folder.
pub fn sitting_folder(data: &Path) -> PathBuf {
    photos(data).join(SITTING)
}

/// The names of the files in `dir`, sorted; empty when it does not exist.
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
