//! Photo upload against a real `examgate serve`, with real fallback photos from the door:
//! a full upload is byte-identical on the server and acknowledged on the device; a PATCH at the
//! wrong offset, bytes that are not the declared hash, a signature that is not the device's, and a
//! device revoked mid-upload are refused and leave nothing on the server's disk; the same photo
//! from two devices is stored once.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

mod photo_fixture;
mod support;

use examgate_sync::photo_wire::{CHUNK, CHUNK_LIMIT, PHOTO_MAX_BYTES, PhotoDeclare};
use examgate_sync::photos::{PhotoReport, upload_one};
use examgate_sync::wire::ErrorCode;
use photo_fixture::{device, held, server_files};
use support::*;

fn declare(d: &photo_fixture::Device, i: usize) -> PhotoDeclare {
    PhotoDeclare {
        sha256: d.photos[i].0.clone(),
        length: d.bytes(i).len() as u64,
        sidecar: d.sidecar(i),
    }
}

#[test]
fn a_full_upload_is_byte_identical_on_the_server_and_acknowledged_on_the_device() {
    let dir = tempfile::tempdir().unwrap();
    let server = site::site_server(dir.path());
    let door = device(dir.path(), "door", &server, 2, 1200);
    assert_eq!(door.pending(), 2);

    let out = door.sync();
    assert!(
        out.status.success(),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    for (i, (sha, _)) in door.photos.iter().enumerate() {
        assert_eq!(held(&server, sha).unwrap(), door.bytes(i), "byte-identical");
        let sidecar = server
            .data
            .join("photos")
            .join(format!("{sha}.jpg.sig.json"));
        assert_eq!(std::fs::read_to_string(sidecar).unwrap(), door.sidecar(i));
        // The chief examiner's screen fetches it.
        assert_eq!(
            block_on(door.client(&server).photo_get(sha)).unwrap(),
            door.bytes(i)
        );
    }
    assert_eq!(door.pending(), 0);
    assert_eq!(
        server_files(&server).1,
        Vec::<String>::new(),
        "no partial left"
    );

    // A second run has nothing to send, and says so with exit status 0.
    let again = door.sync();
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stdout).contains("上传 0 张"),
        "{}",
        text(&again.stdout)
    );
}

#[test]
fn a_new_photo_costs_one_request_besides_its_chunks() {
    // The declaration answers where the server stands: no HEAD round trip before it.
    let dir = tempfile::tempdir().unwrap();
    let server = site::site_server(dir.path());
    let door = device(dir.path(), "door", &server, 1, 1200);
    let bytes = door.bytes(0);
    let chunks = bytes.len().div_ceil(CHUNK) as u64;
    assert!(chunks > 1, "the photo spans chunks: {}", bytes.len());
    let client = door.client(&server);
    let mut report = PhotoReport::default();
    let held_before = block_on(upload_one(
        &client,
        &door.photos[0].0,
        &bytes,
        door.sidecar(0),
        &mut report,
        &|_| {},
    ))
    .unwrap();
    assert!(!held_before);
    assert_eq!(held(&server, &door.photos[0].0).unwrap(), bytes);
    assert_eq!(report.requests, 1 + chunks, "{report:?}");

    // Already held: the declaration alone answers complete.
    let mut again = PhotoReport::default();
    let held_before = block_on(upload_one(
        &client,
        &door.photos[0].0,
        &bytes,
        door.sidecar(0),
        &mut again,
        &|_| {},
    ))
    .unwrap();
    assert!(held_before);
    assert_eq!((again.requests, again.sent_bytes), (1, 0), "{again:?}");
}

#[test]
fn a_patch_at_the_wrong_offset_is_409_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = site::site_server(dir.path());
    let door = device(dir.path(), "door", &server, 1, 1200);
    let (sha, bytes) = (door.photos[0].0.clone(), door.bytes(0));
    assert!(
        bytes.len() > 2 * CHUNK,
        "the photo spans chunks: {}",
        bytes.len()
    );
    let client = door.client(&server);

    let st = block_on(client.photo_declare(&declare(&door, 0))).unwrap();
    assert_eq!((st.offset, st.complete), (0, false));
    let st = block_on(client.photo_patch(&sha, 0, bytes[..CHUNK].to_vec())).unwrap();
    assert_eq!(st.offset, CHUNK as u64);

    for wrong in [0, 7, 2 * CHUNK as u64] {
        let got = block_on(client.photo_patch(&sha, wrong, bytes[..1000].to_vec()));
        assert_eq!(refused(got), (409, Some(ErrorCode::UploadOffsetMismatch)));
    }
    let st = block_on(client.photo_head(&sha)).unwrap().unwrap();
    assert_eq!((st.offset, st.length), (CHUNK as u64, bytes.len() as u64));
    // The rest from the server's offset completes it, byte-identical.
    let st = block_on(client.photo_patch(&sha, CHUNK as u64, bytes[CHUNK..2 * CHUNK].to_vec()));
    assert_eq!(st.unwrap().offset, 2 * CHUNK as u64);
    let st = block_on(client.photo_patch(&sha, 2 * CHUNK as u64, bytes[2 * CHUNK..].to_vec()));
    assert!(st.unwrap().complete);
    assert_eq!(held(&server, &sha).unwrap(), bytes);
}

#[test]
fn an_oversize_chunk_or_photo_is_413_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = site::site_server(dir.path());
    let door = device(dir.path(), "door", &server, 1, 600);
    let client = door.client(&server);
    let mut huge = declare(&door, 0);
    huge.length = PHOTO_MAX_BYTES + 1;
    assert_eq!(
        refused(block_on(client.photo_declare(&huge))),
        (413, Some(ErrorCode::TooLarge))
    );

    let sha = door.photos[0].0.clone();
    block_on(client.photo_declare(&declare(&door, 0))).unwrap();
    let got = block_on(client.photo_patch(&sha, 0, vec![0xFF; CHUNK_LIMIT + 1]));
    assert_eq!(refused(got), (413, Some(ErrorCode::TooLarge)));
    let st = block_on(client.photo_head(&sha)).unwrap().unwrap();
    assert_eq!((st.offset, st.complete), (0, false));
}

#[test]
fn bytes_that_are_not_the_declared_hash_are_refused_and_nothing_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let server = site::site_server(dir.path());
    let door = device(dir.path(), "door", &server, 1, 600);
    let (sha, mut bytes) = (door.photos[0].0.clone(), door.bytes(0));
    let client = door.client(&server);
    block_on(client.photo_declare(&declare(&door, 0))).unwrap();
    let last = bytes.len() - 3;
    bytes[last] ^= 1;
    let got = block_on(client.photo_patch(&sha, 0, bytes));
    assert_eq!(refused(got), (422, Some(ErrorCode::PhotoHashMismatch)));
    assert_eq!(server_files(&server), (vec![], vec![]), "nothing kept");
    assert_eq!(
        block_on(client.photo_head(&sha)).unwrap(),
        None,
        "the upload is gone"
    );
}

#[test]
fn a_signature_that_is_not_the_devices_own_is_refused_and_nothing_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let server = site::site_server(dir.path());
    let a = device(dir.path(), "a", &server, 1, 600);
    let b = device(dir.path(), "b", &server, 1, 600);
    // B presents A's photo with A's signature: valid, but not B's enrolled key.
    let got = block_on(b.client(&server).photo_declare(&declare(&a, 0)));
    assert_eq!(refused(got), (422, Some(ErrorCode::PhotoSignatureInvalid)));
    // A tampered sidecar (another seat) from A itself.
    let mut forged = declare(&a, 0);
    forged.sidecar = forged.sidecar.replacen("\"seat\": \"", "\"seat\": \"9", 1);
    assert_ne!(forged.sidecar, a.sidecar(0));
    let got = block_on(a.client(&server).photo_declare(&forged));
    assert_eq!(refused(got), (422, Some(ErrorCode::PhotoSignatureInvalid)));
    assert_eq!(server_files(&server), (vec![], vec![]), "nothing kept");
}

#[test]
fn a_device_revoked_mid_upload_is_refused_and_its_partial_upload_removed() {
    let dir = tempfile::tempdir().unwrap();
    let server = site::site_server(dir.path());
    let door = device(dir.path(), "door", &server, 1, 1200);
    let (sha, bytes) = (door.photos[0].0.clone(), door.bytes(0));
    let client = door.client(&server);
    block_on(client.photo_declare(&declare(&door, 0))).unwrap();
    block_on(client.photo_patch(&sha, 0, bytes[..CHUNK].to_vec())).unwrap();
    assert_eq!(server_files(&server).1.len(), 1, "a partial upload is held");

    let out = examgate(&[
        "serve",
        "revoke",
        "--data",
        server.data(),
        "--device",
        &door.id(),
    ]);
    assert!(
        out.status.success(),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let got = block_on(client.photo_patch(&sha, CHUNK as u64, bytes[CHUNK..].to_vec()));
    assert_eq!(refused(got), (403, Some(ErrorCode::DeviceRevoked)));
    assert_eq!(server_files(&server), (vec![], vec![]), "nothing kept");
    let out = door.sync();
    assert!(!out.status.success());
    assert_eq!(door.pending(), 1);
}

#[test]
fn the_same_photo_from_two_devices_is_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = site::site_server(dir.path());
    let a = device(dir.path(), "a", &server, 1, 600);
    let b = device(dir.path(), "b", &server, 0, 600);
    assert!(a.sync().status.success());

    // B holds the same bytes, signed with its own key (as if it had taken them).
    let sig: examgate_photo::PhotoSignature = serde_json::from_str(&a.sidecar(0)).unwrap();
    let key_b =
        examgate_photo::DeviceKey::load(&b.db.parent().unwrap().join("device-key.pem")).unwrap();
    let own = examgate_photo::sign(&a.bytes(0), &sig.metadata, &key_b).to_json();
    let mut report = PhotoReport::default();
    let held_before = block_on(upload_one(
        &b.client(&server),
        &a.photos[0].0,
        &a.bytes(0),
        own,
        &mut report,
        &|_| {},
    ))
    .unwrap();
    assert!(held_before, "B finds it complete");
    assert_eq!(report.sent_bytes, 0, "and sends none of it");
    let sha = &a.photos[0].0;
    assert_eq!(
        server_files(&server).0,
        vec![format!("{sha}.jpg"), format!("{sha}.jpg.sig.json")]
    );
}

#[test]
fn a_sync_is_not_done_while_a_photo_its_events_name_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let server = site::site_server(dir.path());
    let door = device(dir.path(), "door", &server, 2, 600);
    std::fs::remove_file(&door.photos[1].1).unwrap();

    let out = door.sync();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("照片文件缺失"),
        "{}",
        text(&out.stdout)
    );
    // The photo that is there went up; the missing one stays pending.
    assert_eq!(held(&server, &door.photos[0].0).unwrap(), door.bytes(0));
    assert_eq!(door.pending(), 1);
}
