//! Signing and storing: a stored photo verifies, any change to it is caught, a stranger's key
//! is named, and a second photo of a candidate never touches the first.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test"
)]

mod common;

use common::*;
use examgate_photo::{
    DeviceKey, Options, PhotoSignature, StoredPhoto, Verdict, parse_trusted, sidecar_path,
    take_photo, verify_file,
};
use std::path::{Path, PathBuf};
use turbojpeg::Subsamp;

fn input() -> Vec<u8> {
    jpeg(&photo_like(640, 480), 90, Subsamp::Sub2x2)
}

/// A scratch folder (kept while the returned `TempDir` lives), a device key in it, and the photo
/// folder under it (not created yet).
fn device() -> (tempfile::TempDir, DeviceKey, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let key = key(dir.path(), "device.pem");
    let folder = photo_folder(dir.path());
    (dir, key, folder)
}

/// The whole pipeline on the test photo, signed with `key`, stored in `folder`.
fn store_one(key: &DeviceKey, folder: &Path) -> StoredPhoto {
    take_photo(&input(), &meta(), font(), key, folder, &Options::default()).unwrap()
}

#[test]
fn a_stored_photo_verifies_as_authentic_with_its_device_key_trusted() {
    let (_dir, key, folder) = device();
    let stored = store_one(&key, &folder);

    assert_eq!(stored.path, folder.join(format!("{STUDENT}.jpg")));
    assert_eq!(stored.sidecar, sidecar_path(&stored.path));
    assert_eq!(stored.number, 1);
    let sidecar: PhotoSignature =
        serde_json::from_slice(&std::fs::read(&stored.sidecar).unwrap()).unwrap();
    assert_eq!(sidecar, stored.signature);
    assert_eq!(sidecar.public_key, key.public_key().to_string());
    assert_eq!(
        sidecar.sha256,
        examgate_photo::sha256_hex(&std::fs::read(&stored.path).unwrap())
    );

    match verify_file(&stored.path, &[key.public_key()]).unwrap() {
        Verdict::Authentic { signer, metadata } => {
            assert_eq!(signer, key.public_key());
            assert_eq!(*metadata, meta());
        }
        other => panic!("{other}"),
    }
}

#[test]
fn changing_one_byte_of_the_photo_makes_it_altered() {
    let (_dir, key, folder) = device();
    let stored = store_one(&key, &folder);
    let mut bytes = std::fs::read(&stored.path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&stored.path, &bytes).unwrap();

    let verdict = verify_file(&stored.path, &[key.public_key()]).unwrap();
    assert!(matches!(verdict, Verdict::Altered { .. }), "{verdict}");
    assert_eq!(verdict.code(), "altered");
}

#[test]
fn changing_the_seat_in_the_sidecar_makes_it_altered() {
    let (_dir, key, folder) = device();
    let stored = store_one(&key, &folder);
    let mut sig = stored.signature.clone();
    sig.metadata.seat = "13".into();
    std::fs::write(&stored.sidecar, sig.to_json()).unwrap();

    let verdict = verify_file(&stored.path, &[key.public_key()]).unwrap();
    assert!(matches!(verdict, Verdict::Altered { .. }), "{verdict}");
}

#[test]
fn a_trust_list_without_the_signing_key_gives_unknown_signer() {
    let (dir, key, folder) = device();
    let other = common::key(dir.path(), "other.pem");
    assert_ne!(key.public_key(), other.public_key());
    let stored = store_one(&key, &folder);

    let verdict = verify_file(&stored.path, &[other.public_key()]).unwrap();
    assert_eq!(
        verdict,
        Verdict::UnknownSigner {
            signer: key.public_key(),
            metadata: Box::new(meta()),
        }
    );
}

#[test]
fn without_a_trust_list_a_freshly_keyed_forgery_is_never_authentic() {
    let (dir, _key, folder) = device();
    let forger = common::key(dir.path(), "forger.pem");
    let stored = store_one(&forger, &folder);

    let verdict = verify_file(&stored.path, &[]).unwrap();
    assert!(!verdict.is_authentic(), "{verdict}");
    assert_eq!(verdict.code(), "unknown-signer");
    let line = verdict.to_string();
    assert!(
        line.starts_with("签名有效，但签名设备不受信任 (signature valid, signer not trusted)"),
        "{line}"
    );
    assert!(line.contains(STUDENT), "{line}");
    assert!(line.contains("2023-04-15 09:12:33 +08:00"), "{line}");
}

#[test]
fn a_signed_photo_copied_to_another_students_number_does_not_match_its_name() {
    let (_dir, key, folder) = device();
    let stored = store_one(&key, &folder);
    let other = folder.join("2023420100002.jpg");
    std::fs::copy(&stored.path, &other).unwrap();
    std::fs::copy(&stored.sidecar, sidecar_path(&other)).unwrap();

    let verdict = verify_file(&other, &[key.public_key()]).unwrap();
    assert_eq!(verdict.code(), "name-mismatch", "{verdict}");
    assert!(
        verdict
            .to_string()
            .contains("file name does not match the signed student"),
        "{verdict}"
    );
    for name in [
        "x2023420100001.jpg",
        "2023420100001-1.jpg",
        "2023420100001-02.jpg",
        "2023420100001.jpeg",
    ] {
        let renamed = folder.join(name);
        std::fs::copy(&stored.path, &renamed).unwrap();
        std::fs::copy(&stored.sidecar, sidecar_path(&renamed)).unwrap();
        let verdict = verify_file(&renamed, &[key.public_key()]).unwrap();
        assert_eq!(verdict.code(), "name-mismatch", "{name}: {verdict}");
    }
}

#[test]
fn a_trust_list_is_one_key_a_line_and_anything_else_is_refused_naming_the_line() {
    let (_dir, key, folder) = device();
    let stored = store_one(&key, &folder);
    let public = key.public_key().to_string();

    let keys = parse_trusted(&format!("# room 03\n\n{public}  # door laptop\n")).unwrap();
    assert_eq!(keys, [key.public_key()]);

    // The forger's own signature file is not a trust list.
    let sidecar = std::fs::read_to_string(&stored.sidecar).unwrap();
    let refused = parse_trusted(&sidecar).unwrap_err();
    assert!(refused.contains("line 1 "), "{refused}");

    let refused = parse_trusted(&format!("{public}\npublic_key: {public}\n")).unwrap_err();
    assert!(refused.contains("line 2 "), "{refused}");
    let refused = parse_trusted(&format!("{public} trailing\n")).unwrap_err();
    assert!(refused.contains("line 1 "), "{refused}");
}

#[test]
fn a_photo_without_its_sidecar_has_no_signature() {
    let (_dir, key, folder) = device();
    let stored = store_one(&key, &folder);
    std::fs::remove_file(&stored.sidecar).unwrap();
    let verdict = verify_file(&stored.path, &[key.public_key()]).unwrap();
    assert_eq!(verdict, Verdict::MissingSignature);
}

#[test]
fn a_second_photo_of_the_same_student_is_stored_as_dash_2_and_the_first_is_untouched() {
    let (_dir, key, folder) = device();
    let first = store_one(&key, &folder);
    let first_bytes = std::fs::read(&first.path).unwrap();
    let first_sidecar = std::fs::read(&first.sidecar).unwrap();

    let other_input = jpeg(&flat(640, 480, [90, 120, 150]), 90, Subsamp::Sub2x2);
    let second = take_photo(
        &other_input,
        &meta(),
        font(),
        &key,
        &folder,
        &Options::default(),
    )
    .unwrap();

    assert_eq!(second.path, folder.join(format!("{STUDENT}-2.jpg")));
    assert_eq!(second.number, 2);
    assert_eq!(std::fs::read(&first.path).unwrap(), first_bytes);
    assert_eq!(std::fs::read(&first.sidecar).unwrap(), first_sidecar);
    assert_ne!(second.sha256, first.sha256);
    assert_eq!(
        names_in(&folder),
        [
            format!("{STUDENT}-2.jpg"),
            format!("{STUDENT}-2.jpg.sig.json"),
            format!("{STUDENT}.jpg"),
            format!("{STUDENT}.jpg.sig.json"),
        ]
    );
    for stored in [&first, &second] {
        assert!(
            verify_file(&stored.path, &[key.public_key()])
                .unwrap()
                .is_authentic()
        );
    }
}

#[test]
fn the_device_key_is_kept_across_loads_and_a_damaged_key_file_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys").join("device.pem");
    let a = examgate_photo::DeviceKey::load_or_create(&path).unwrap();
    let b = examgate_photo::DeviceKey::load_or_create(&path).unwrap();
    assert_eq!(a.public_key(), b.public_key());

    std::fs::write(&path, "not a key").unwrap();
    let e = examgate_photo::DeviceKey::load_or_create(&path).unwrap_err();
    assert_eq!(e.code(), "device-key");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "not a key");
}
