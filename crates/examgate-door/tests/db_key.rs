//! Settings says plainly where the database key is kept: the system keystore when the app put it
//! there, a file readable by this user only when there was no keystore.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test")]

use examgate_door::{DeviceClock, Door};
use examgate_store::key_file_for;
use examgate_store::keystore::{MemoryKeystore, NoKeystore};

#[test]
fn settings_says_the_key_is_in_the_system_keystore_when_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("examgate.sqlite3");
    let door =
        Door::open_with_keystore(&db, DeviceClock::system(), &MemoryKeystore::default()).unwrap();
    let info = door.app_info().unwrap();
    assert!(info.db_key.starts_with("系统密钥库（"), "{}", info.db_key);
    assert!(!key_file_for(&db).exists());
}

#[test]
fn settings_says_the_key_is_in_a_file_because_there_is_no_keystore() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("examgate.sqlite3");
    let door = Door::open_with_keystore(&db, DeviceClock::system(), &NoKeystore).unwrap();
    let info = door.app_info().unwrap();
    assert!(info.db_key.starts_with("文件 "), "{}", info.db_key);
    assert!(
        info.db_key
            .contains("仅本用户可读；本机没有可用的系统密钥库"),
        "{}",
        info.db_key
    );
}
