//! What a sync has left to upload: the photos this device's own events name, once each, until
//! the server confirms them; another device's photos are that device's to upload.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use ed25519_dalek::{SigningKey, VerifyingKey};
use examgate_core::door::DoorAct;
use examgate_core::event::{Event, EventId, EventKind, Hlc, PhotoRef};
use examgate_core::fold::CandidateState;
use examgate_core::model::StudentNumber;
use examgate_core::signed::sign;
use examgate_core::timeline::CHINA_OFFSET;
use examgate_store::Store;
use uuid::Uuid;

const SITTING: &str = "2023春 第一次";
const SITE: &str = "襄阳电大校本部";

fn at(h: u32, m: u32) -> DateTime<FixedOffset> {
    CHINA_OFFSET.with_ymd_and_hms(2023, 4, 15, h, m, 0).unwrap()
}

fn photo(n: u8) -> PhotoRef {
    PhotoRef {
        file: format!("{n}.jpg"),
        sha256: format!("{n:02x}").repeat(32),
        ..PhotoRef::default()
    }
}

#[test]
fn only_this_devices_unconfirmed_photos_are_pending_each_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("door.db")).unwrap();
    examgate_demo::load(&mut store).unwrap();
    let proctor = store
        .staff(SITE, Some("01"))
        .unwrap()
        .into_iter()
        .find(|s| s.room.is_some())
        .unwrap()
        .id;
    let expected: Vec<String> = store
        .room_candidates(SITTING, SITE, "01")
        .unwrap()
        .into_iter()
        .filter(|c| c.state == CandidateState::Expected)
        .map(|c| c.student_number)
        .collect();
    assert_eq!(store.pending_photos().unwrap(), 0);
    for (i, student) in expected.iter().take(2).enumerate() {
        let act = DoorAct::Vouch {
            photo: photo(i as u8 + 1),
            face: None,
        };
        store
            .act(SITTING, student, &proctor, &act, at(8, 40))
            .unwrap();
    }

    // Another device's vouch, received: its photo is not this device's to upload.
    let other = SigningKey::from_bytes(&[9; 32]);
    let other_id = Uuid::now_v7();
    let wall = at(8, 41);
    let event = Event {
        id: EventId(Uuid::now_v7()),
        device: other_id,
        seq: 1,
        wall,
        hlc: Hlc(u64::try_from(wall.timestamp_millis()).unwrap() << 16),
        exam_time: None,
        actor: proctor.clone(),
        sitting: SITTING.into(),
        candidate: Some(StudentNumber::parse(&expected[2]).unwrap()),
        parents: vec![],
        kind: EventKind::ManualVerificationRequested {
            photo: photo(3),
            face: None,
        },
        chief_proof: None,
    };
    let key: VerifyingKey = other.verifying_key();
    let trust = move |id: Uuid| (id == other_id).then_some(key);
    let got = store
        .receive(&[sign(&other, event)], &trust, at(8, 42))
        .unwrap();
    assert_eq!(got.accepted, 1);

    let pending: Vec<String> = store
        .pending_photo_refs()
        .unwrap()
        .into_iter()
        .map(|(sitting, p)| {
            assert_eq!(sitting, SITTING);
            p.file
        })
        .collect();
    assert_eq!(pending, ["1.jpg", "2.jpg"]);

    store
        .confirm_photo_upload(&photo(1).sha256, Utc::now())
        .unwrap();
    store
        .confirm_photo_upload(&photo(1).sha256, Utc::now())
        .unwrap();
    assert_eq!(store.pending_photos().unwrap(), 1);
    store
        .confirm_photo_upload(&photo(2).sha256, Utc::now())
        .unwrap();
    assert_eq!(store.pending_photos().unwrap(), 0);
}
