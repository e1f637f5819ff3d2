//! Who may download a photo from a real `examgate serve`: the photos are candidates' faces, and
//! only the device that uploaded one and the chief examiner of its candidate's site may read it.
//! A proctor of the same site asking for another device's photo, and a chief of another site
//! (even one that names the photo in a request of its own), get 403 `photo_not_yours` and no
//! bytes, answered alike whether the server holds the photo or not; the site's chief gets the
//! exact bytes, and "not uploaded yet" (404) for a photo the room's device has not sent.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

mod photo_fixture;
mod support;

use std::path::{Path, PathBuf};

use examgate_core::event::{EventKind, PhotoSource};
use examgate_core::signed::sign;
use examgate_door::{Door, PhotoTarget};
use examgate_photo::DeviceKey;
use examgate_store::Store;
use examgate_sync::wire::ErrorCode;
use examgate_sync::{Client, SyncError};
use photo_fixture::{Device, device, noisy_jpeg};
use support::site::{CHIEF, PROCTOR_2, SITTING};
use support::*;

/// The demo's site 3 and its chief examiner.
const OTHER_SITE: &str = "宜昌电大校本部";
const OTHER_CHIEF: &str = "Z03";

/// A site server and a door of room 01 that synced two vouches: the first photo uploaded, the
/// second held back (its file gone before the sync), so the server has its event, not its bytes.
struct Site {
    tmp: tempfile::TempDir,
    server: Served,
    door: Device,
}

fn site() -> Site {
    let dir = tempfile::tempdir().unwrap();
    let server = site::site_server(dir.path());
    let door = device(dir.path(), "door", &server, 2, 600);
    let held_back = dir.path().join("held-back.jpg");
    std::fs::rename(&door.photos[1].1, &held_back).unwrap();
    let out = door.sync();
    assert_eq!(
        out.status.code(),
        Some(1),
        "one photo missing: {}",
        text(&out.stdout)
    );
    assert!(photo_fixture::held(&server, &door.photos[0].0).is_some());
    assert!(photo_fixture::held(&server, &door.photos[1].0).is_none());
    Site {
        tmp: dir,
        server,
        door,
    }
}

impl Site {
    fn dir(&self) -> &Path {
        self.tmp.path()
    }

    /// The client of a device enrolled (through `examgate enroll`) as `role` of the demo's site 2.
    fn enrolled(&self, name: &str, role: &str, staff: &str) -> Client {
        let db = site::door(
            &self.server,
            self.dir(),
            name,
            &self.server.url,
            role,
            staff,
        );
        self.client(&db)
    }

    fn client(&self, db: &Path) -> Client {
        self.server.client().with_token(link(db).unwrap().token)
    }

    fn sha(&self, i: usize) -> &str {
        &self.door.photos[i].0
    }
}

/// A refusal's status, code and message (what the device learns).
fn refusal(r: Result<Vec<u8>, SyncError>) -> (u16, Option<ErrorCode>, String) {
    match r {
        Err(SyncError::Refused {
            status,
            code,
            message,
        }) => (status, code, message),
        Ok(bytes) => panic!("{} bytes served", bytes.len()),
        Err(e) => panic!("not refused: {e}"),
    }
}

#[test]
fn a_proctor_of_the_same_site_gets_403_and_no_bytes_for_another_devices_photo() {
    let site = site();
    let other = site.enrolled("other", "proctor", PROCTOR_2);
    let absent = "ab".repeat(32);
    let held = refusal(block_on(other.photo_get(site.sha(0))));
    assert_eq!((held.0, held.1), (403, Some(ErrorCode::PhotoNotYours)));
    // Not uploaded yet, and never heard of: the same answer, so it learns nothing of either.
    assert_eq!(refusal(block_on(other.photo_get(site.sha(1)))), held);
    assert_eq!(refusal(block_on(other.photo_get(&absent))), held);
    // Nor does HEAD tell it the server holds the photo, or its length.
    assert_eq!(block_on(other.photo_head(site.sha(0))).unwrap(), None);
    assert_eq!(block_on(other.photo_head(&absent)).unwrap(), None);

    // The door that uploaded it still reads it, and HEAD still tells it the upload is complete.
    let door = site.door.client(&site.server);
    assert_eq!(
        block_on(door.photo_get(site.sha(0))).unwrap(),
        site.door.bytes(0)
    );
    assert!(
        block_on(door.photo_head(site.sha(0)))
            .unwrap()
            .unwrap()
            .complete
    );
}

#[test]
fn the_sites_chief_gets_the_exact_bytes_and_hears_not_held_yet_for_a_photo_not_uploaded() {
    let site = site();
    let chief = site.enrolled("chief", "chief", CHIEF);
    assert_eq!(
        block_on(chief.photo_get(site.sha(0))).unwrap(),
        site.door.bytes(0)
    );
    // The screen says 照片上传中 on this 404 (`Door::pending_photo`).
    let (status, code, _) = refusal(block_on(chief.photo_get(site.sha(1))));
    assert_eq!((status, code), (404, Some(ErrorCode::NotFound)));
    // A photo no request of the chief's site names is not the chief's either.
    let (status, code, _) = refusal(block_on(chief.photo_get(&"cd".repeat(32))));
    assert_eq!((status, code), (403, Some(ErrorCode::PhotoNotYours)));
}

/// A device of the demo's site 3 enrolled as its chief, which recorded a vouch (with a photo of
/// its own) at one of its site's doors before enrolling.
fn other_sites_chief(site: &Site) -> PathBuf {
    let db = device_db(site.dir(), "elsewhere");
    {
        let door = Door::open(&db).unwrap();
        door.load_demo().unwrap();
        door.set_clock(SITTING, Some("2023-04-15T08:40:00+08:00"), None)
            .unwrap();
        let student = door.tally(SITTING, OTHER_SITE, "01").unwrap().expected[0]
            .student_number
            .clone();
        door.begin_vouch(SITTING, &student, OTHER_CHIEF).unwrap();
        let target = PhotoTarget {
            sitting: SITTING.into(),
            student,
            actor: OTHER_CHIEF.into(),
            source: PhotoSource::Camera,
            ..PhotoTarget::default()
        };
        door.take_photo(&target, &noisy_jpeg(600, 450, 7)).unwrap();
    }
    let out = examgate(&[
        "serve",
        "enroll",
        "--data",
        site.server.data(),
        "--site",
        OTHER_SITE,
        "--role",
        "chief",
        "--staff",
        OTHER_CHIEF,
        "--url",
        &site.server.url,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let code = text(&out.stdout)
        .lines()
        .find(|l| l.starts_with("EG1:"))
        .unwrap()
        .to_owned();
    let out = enroll(&db, &code);
    assert!(out.status.success(), "{}", text(&out.stderr));
    db
}

#[test]
fn a_chief_of_another_site_gets_403_even_after_naming_the_photo_in_a_request_of_its_own() {
    let site = site();
    let db = other_sites_chief(&site);
    let elsewhere = site.client(&db);
    let held = refusal(block_on(elsewhere.photo_get(site.sha(0))));
    assert_eq!((held.0, held.1), (403, Some(ErrorCode::PhotoNotYours)));
    assert_eq!(refusal(block_on(elsewhere.photo_get(site.sha(1)))), held);

    // It records (signed with its own key) a request for its own site's candidate that names
    // site 2's photos, and the server accepts it: the hash is all a request carries.
    let key = DeviceKey::load(&db.parent().unwrap().join("device-key.pem")).unwrap();
    let mut events = Store::open(&db)
        .unwrap()
        .own_signed_after(0, 100, key.signing_key())
        .unwrap();
    let mut named = 0;
    for signed in &mut events {
        if let EventKind::ManualVerificationRequested { photo, .. } = &mut signed.event.kind {
            photo.sha256 = site.sha(named).to_owned();
            *signed = sign(key.signing_key(), signed.event.clone());
            named += 1;
        }
    }
    assert_eq!(named, 1);
    let pushed = block_on(elsewhere.push(&events)).unwrap();
    assert!(pushed.quarantined.is_empty(), "{pushed:?}");
    // Still no bytes: the request is not by the device that uploaded the photo. It hears what
    // the site's chief hears for a photo not uploaded yet, held or not: nothing about site 2.
    let (status, code, _) = refusal(block_on(elsewhere.photo_get(site.sha(0))));
    assert_eq!((status, code), (404, Some(ErrorCode::NotFound)));
}
