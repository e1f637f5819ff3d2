//! The stamped photo's EXIF, read back by two independent readers: kamadak-exif and exiftool
//! (what the provincial office is likely to use).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test"
)]

mod common;

use std::io::Cursor;
use std::path::Path;
use std::process::Command;

use common::*;
use examgate_photo::{Options, XP_COMMENT, take_photo};
use exif::{In, Tag, Value};
use turbojpeg::Subsamp;

fn stamped(dir: &Path) -> std::path::PathBuf {
    let input = jpeg(&photo_like(800, 600), 90, Subsamp::Sub2x2);
    let key = key(dir, "key.pem");
    take_photo(
        &input,
        &meta(),
        font(),
        &key,
        &photo_folder(dir),
        &Options::default(),
    )
    .unwrap()
    .path
}

fn ascii(exif: &exif::Exif, tag: Tag) -> String {
    let field = exif
        .get_field(tag, In::PRIMARY)
        .unwrap_or_else(|| panic!("{tag} missing"));
    match &field.value {
        Value::Ascii(v) => String::from_utf8(v[0].clone()).unwrap(),
        other => panic!("{tag} is {other:?}"),
    }
}

fn utf16le(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    String::from_utf16(&units).unwrap()
}

#[test]
fn exif_carries_local_time_with_offset_chinese_comments_and_the_student_number() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(stamped(dir.path())).unwrap();
    let exif = exif::Reader::new()
        .read_from_container(&mut Cursor::new(&bytes))
        .unwrap();

    assert_eq!(ascii(&exif, Tag::DateTimeOriginal), "2023:04:15 09:12:33");
    assert_eq!(ascii(&exif, Tag::OffsetTimeOriginal), "+08:00");
    assert_eq!(ascii(&exif, Tag::ImageDescription), STUDENT);
    let orientation = exif.get_field(Tag::Orientation, In::PRIMARY).unwrap();
    assert_eq!(orientation.value.get_uint(0), Some(1));

    let user = exif.get_field(Tag::UserComment, In::PRIMARY).unwrap();
    let Value::Undefined(raw, _) = &user.value else {
        panic!("UserComment is {:?}", user.value);
    };
    assert_eq!(&raw[..8], b"UNICODE\0");
    let comment = utf16le(&raw[8..]);
    assert!(comment.contains(ADDRESS), "{comment}");
    assert!(comment.contains("考点 襄阳电大校本部"), "{comment}");
    assert!(comment.contains(STUDENT), "{comment}");

    let xp = exif.get_field(XP_COMMENT, In::PRIMARY).unwrap();
    let Value::Byte(raw) = &xp.value else {
        panic!("XPComment is {:?}", xp.value);
    };
    assert_eq!(utf16le(raw).trim_end_matches('\0'), comment);
}

#[test]
fn exiftool_reads_the_same_fields_including_the_chinese_text() {
    let exiftool = Path::new("/usr/bin/exiftool");
    assert!(
        exiftool.exists(),
        "exiftool is missing: run scripts/setup.sh (it installs libimage-exiftool-perl)"
    );
    let dir = tempfile::tempdir().unwrap();
    let photo = stamped(dir.path());
    let out = Command::new(exiftool)
        .args(["-j", "-charset", "exif=utf8"])
        .arg(&photo)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let tags = &json[0];
    assert_eq!(tags["DateTimeOriginal"], "2023:04:15 09:12:33");
    assert_eq!(tags["OffsetTimeOriginal"], "+08:00");
    // exiftool turns an all-digit string into a JSON number; compare the text.
    assert_eq!(
        tags["ImageDescription"].to_string().trim_matches('"'),
        STUDENT
    );
    let user = tags["UserComment"].as_str().unwrap();
    let xp = tags["XPComment"].as_str().unwrap();
    assert!(user.contains(ADDRESS), "{user}");
    assert!(user.contains("座位 12"), "{user}");
    assert_eq!(user, xp);
    assert_eq!(tags["Orientation"], "Horizontal (normal)");
}
