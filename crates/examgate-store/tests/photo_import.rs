//! Registration photos named in a seating list's 照片 column are read from the list's folder and
//! kept in the database; a missing or non-image file fails the import at its line. Only a regular
//! file inside the list's folder is read: no path out of it, no symlink, no pipe, nothing too big.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use examgate_core::model::Sitting;
use examgate_store::import::SourceFile;
use examgate_store::{ImportOptions, Store, StoreError};

const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 0xFF, 0xD9,
];

fn list(photo: &str) -> SourceFile {
    let csv = format!(
        "学号,姓名,证件类型,证件号码,考点,考点地址,考场,考场地址,座位号,照片\n\
         2242300000001,欧阳娜娜,身份证,420602199001010011,襄阳电大校本部,襄阳市襄城区尹集东街东街66号,01,襄阳市襄城区尹集东街东街66号 201室,1,{photo}\n"
    );
    SourceFile {
        name: "座次表.csv".into(),
        bytes: csv.into_bytes(),
    }
}

fn options(dir: &std::path::Path) -> ImportOptions {
    ImportOptions {
        sitting: None,
        create: Some(Sitting {
            exam: "学士学位英语考试".into(),
            label: "2024春 第一次".into(),
            date: chrono::NaiveDate::from_ymd_opt(2024, 4, 13).unwrap(),
            start: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            end: chrono::NaiveTime::from_hms_opt(11, 0, 0).unwrap(),
            paper: "11908".into(),
        }),
        photo_dir: Some(dir.to_path_buf()),
        glyphs: None,
        drill: false,
    }
}

#[test]
fn a_listed_photo_is_stored_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("2242300000001.jpg"), JPEG).unwrap();
    let mut store = Store::open_in_memory().unwrap();
    store
        .import(&[list("2242300000001.jpg")], &options(dir.path()))
        .unwrap();
    let (kind, bytes) = store
        .registration_photo("2024春 第一次", "2242300000001")
        .unwrap()
        .unwrap();
    assert_eq!((kind.as_str(), bytes.as_slice()), ("image/jpeg", JPEG));
}

#[test]
fn a_missing_or_non_image_photo_fails_the_import_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("not-a-photo.jpg"), b"hello").unwrap();
    let mut store = Store::open_in_memory().unwrap();
    for name in ["missing.jpg", "not-a-photo.jpg"] {
        match store.import(&[list(name)], &options(dir.path())) {
            Err(StoreError::Import(errors)) => {
                assert_eq!(errors.len(), 1, "{errors:?}");
                assert_eq!((errors[0].line, errors[0].field.as_str()), (2, "照片"));
            }
            other => panic!("{name}: {other:?}"),
        }
    }
    assert!(store.sittings().unwrap().is_empty(), "nothing written");
}

/// The errors of importing a list whose 照片 column names `name`, with the name blanked out.
#[cfg(target_os = "linux")]
fn refusal(dir: &std::path::Path, name: &str) -> Vec<String> {
    let mut store = Store::open_in_memory().unwrap();
    match store.import(&[list(name)], &options(dir)) {
        Err(StoreError::Import(errors)) => {
            assert!(store.sittings().unwrap().is_empty(), "nothing written");
            errors
                .iter()
                .map(|e| e.message.replace(name, "_"))
                .collect()
        }
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
#[cfg(target_os = "linux")]
fn a_photo_outside_the_lists_folder_is_refused_alike_whether_or_not_it_exists() {
    let root = tempfile::tempdir().unwrap();
    let (lists, outside) = (root.path().join("lists"), root.path().join("outside"));
    std::fs::create_dir_all(&lists).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    let secret = outside.join("secret.jpg");
    std::fs::write(&secret, JPEG).unwrap();
    std::os::unix::fs::symlink(&secret, lists.join("link.jpg")).unwrap();
    std::os::unix::fs::symlink(&outside, lists.join("sub")).unwrap();
    let existing = refusal(&lists, secret.to_str().unwrap());
    assert_eq!(existing.len(), 1);
    assert!(
        existing[0].contains("不在座次表所在文件夹内"),
        "{existing:?}"
    );
    let missing = outside.join("missing.jpg");
    for name in [
        missing.to_str().unwrap(),
        "../outside/secret.jpg",
        "../outside/missing.jpg",
        "link.jpg",
        "sub/secret.jpg",
        "/dev/zero",
    ] {
        assert_eq!(refusal(&lists, name), existing, "{name}");
    }
}

#[test]
#[cfg(target_os = "linux")]
fn a_fifo_named_as_a_photo_is_refused_at_once_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(dir.path().join("pipe.jpg"))
        .status()
        .unwrap();
    assert!(status.success());
    let path = dir.path().to_path_buf();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(refusal(&path, "pipe.jpg")));
    // A bound on a hang, not a timing: the old code blocked in open() forever.
    let errors = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the import returns instead of waiting for a writer");
    assert_eq!(errors.len(), 1);
    assert!(errors[0].contains("不是普通文件"), "{errors:?}");
}

/// The process's peak resident memory so far, in bytes (Linux).
#[cfg(target_os = "linux")]
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

#[test]
#[cfg(target_os = "linux")]
fn a_500_mb_photo_is_refused_by_its_size_without_being_read() {
    let dir = tempfile::tempdir().unwrap();
    let big = std::fs::File::create(dir.path().join("big.jpg")).unwrap();
    std::io::Write::write_all(&mut &big, JPEG).unwrap();
    big.set_len(500 * 1024 * 1024).unwrap(); // sparse: nothing written
    let before = peak_rss();
    let errors = refusal(dir.path(), "big.jpg");
    assert!(errors[0].contains("2 MB"), "{errors:?}");
    let grown = peak_rss().saturating_sub(before);
    assert!(
        grown < 64 * 1024 * 1024,
        "peak memory grew by {grown} bytes"
    );
}

#[test]
#[cfg(target_os = "linux")]
fn a_list_file_that_is_a_fifo_a_device_or_500_mb_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("座次表.csv");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let big = dir.path().join("big.csv");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(500 * 1024 * 1024)
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let read = |p: &std::path::Path| SourceFile::read(p).unwrap_err().to_string();
        tx.send([
            read(&fifo),
            read(std::path::Path::new("/dev/zero")),
            read(&big),
        ])
    });
    let before = peak_rss();
    let [fifo, zero, big] = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("reading returns instead of waiting on a pipe or a device");
    assert!(fifo.contains("不是普通文件"), "{fifo}");
    assert!(zero.contains("不是普通文件"), "{zero}");
    assert!(big.contains("500 MB") && big.contains("32 MB"), "{big}");
    assert!(peak_rss().saturating_sub(before) < 64 * 1024 * 1024);
}
