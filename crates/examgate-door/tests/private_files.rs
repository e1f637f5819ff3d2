//! A lost phone: after a real start, an import and a fallback photo, everything the door wrote
//! (the data folder, the database and its -wal/-shm and key, the photos and their folders, the
//! photo-signing key) is readable by its owner only, and Settings says where the key is kept.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test")]

use examgate_core::event::PhotoSource;
use examgate_door::{Door, PhotoTarget};
use std::path::{Path, PathBuf};

const SITTING: &str = "2023春 第一次";
const SITE: &str = "襄阳电大校本部";

fn camera_jpeg() -> Vec<u8> {
    let (w, h) = (640usize, 480usize);
    let pixels: Vec<u8> = (0..w * h)
        .flat_map(|i| [(i % w * 255 / w) as u8, (i / w * 255 / h) as u8, 90])
        .collect();
    let image = turbojpeg::Image {
        pixels: pixels.as_slice(),
        width: w,
        pitch: w * 3,
        height: h,
        format: turbojpeg::PixelFormat::RGB,
    };
    turbojpeg::compress(image, 90, turbojpeg::Subsamp::Sub2x2)
        .unwrap()
        .to_vec()
}

/// Every path under `dir` (and `dir`), depth first.
fn everything(dir: &Path) -> Vec<PathBuf> {
    let mut all = vec![dir.to_owned()];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all.extend(everything(&path));
        } else {
            all.push(path);
        }
    }
    all
}

/// A demo room, one candidate photographed; returns the data folder (inside `root`) and the door.
fn after_a_photo(root: &Path) -> (PathBuf, Door) {
    let data = root.join("data");
    let door = Door::open(&data.join("examgate.db")).unwrap();
    door.load_demo().unwrap();
    door.set_clock(SITTING, Some("2023-04-15T08:40:00+08:00"), None)
        .unwrap();
    let staff = door.staff(SITE, Some("01")).unwrap();
    let proctor = staff.iter().find(|s| s.room.is_some()).unwrap().id.clone();
    let student = door.tally(SITTING, SITE, "01").unwrap().expected[0]
        .student_number
        .clone();
    door.begin_vouch(SITTING, &student, &proctor).unwrap();
    let target = PhotoTarget {
        sitting: SITTING.into(),
        student: student.clone(),
        actor: proctor,
        source: PhotoSource::Camera,
    };
    door.take_photo(&target, &camera_jpeg()).unwrap();
    (data, door)
}

#[cfg(unix)]
#[test]
fn everything_the_door_writes_is_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let (data, door) = after_a_photo(root.path());
    let all = everything(&data);
    for name in [
        "examgate.db",
        "examgate.db-wal",
        "examgate.db-shm",
        "examgate.db.key",
        "device-key.pem",
        "photos",
    ] {
        assert!(all.contains(&data.join(name)), "{name} missing: {all:?}");
    }
    assert!(
        all.iter()
            .any(|p| p.extension().is_some_and(|e| e == "jpg"))
    );
    for path in &all {
        let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        let want = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode, want, "{} is {mode:o}", path.display());
    }
    drop(door);
}

#[cfg(unix)]
#[test]
fn photos_stored_before_the_rule_are_made_owner_only_at_start() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let (data, door) = after_a_photo(root.path());
    drop(door);
    let photos = everything(&data.join("photos"));
    for path in &photos {
        let mode = if path.is_dir() { 0o755 } else { 0o644 };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let _door = Door::open(&data.join("examgate.db")).unwrap();
    for path in &photos {
        let mode = std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        let want = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode, want, "{} is {mode:o}", path.display());
    }
}

#[test]
fn settings_say_where_the_database_key_is_kept() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let door = Door::open(&data.join("examgate.db")).unwrap();
    let info = door.app_info().unwrap();
    let key_file = data.join("examgate.db.key");
    assert!(key_file.exists());
    assert!(info.db_key.starts_with("文件 "), "{}", info.db_key);
    assert!(
        info.db_key.contains(&key_file.display().to_string()),
        "{}",
        info.db_key
    );
    assert!(info.db_key.contains("仅本用户可读"), "{}", info.db_key);
}
