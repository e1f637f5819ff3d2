//! Registration photos named in a seating list's 照片 column are read from the list's folder and
//! kept in the database; a missing or non-image file fails the import at its line.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers: a failure is the test failing"
)]

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
