//! A lost phone: after a real start, an import and a fallback photo, everything the door wrote
//! (the data folder, the database and its -wal/-shm and key, the photos and their folders, the
//! photo-signing key) is readable by its owner only, and Settings says where the key is kept.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

mod common;

use common::{SITE, SITTING};
use examgate_door::Door;
use std::path::{Path, PathBuf};

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
    let door = common::demo_at(&data.join("examgate.db"));
    let proctor = common::proctor(&door);
    let student = door.tally(SITTING, SITE, "01").unwrap().expected[0]
        .student_number
        .clone();
    door.begin_vouch(SITTING, &student, &proctor).unwrap();
    door.take_photo(
        &common::target(&proctor, &student),
        &common::camera_jpeg(640, 480),
    )
    .unwrap();
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
