//! Event sync between the doors of one site and the chief examiner, with the real binaries:
//! two devices at one door fold the same tally; two offline devices that disagree end as a
//! conflict everywhere; the server refuses what a device may not send; the chief's decision
//! reaches a waiting door through the long poll.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]
#![cfg(unix)]

mod support;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use examgate_core::door::DoorAct;
use examgate_core::event::{Outcome, PhotoRef, RefusalReason};
use examgate_core::fold::CandidateState;
use examgate_store::Store;
use examgate_sync::wire::ErrorCode;
use support::site::*;
use support::*;

fn refuse() -> DoorAct {
    DoorAct::Refuse {
        reason: RefusalReason::DocumentMismatch,
    }
}

fn vouch() -> DoorAct {
    DoorAct::Vouch {
        photo: PhotoRef {
            file: "x.jpg".into(),
            sha256: "ab".repeat(32),
            ..PhotoRef::default()
        },
        face: None,
    }
}

fn state(store: &Store, student: &str) -> CandidateState {
    store.candidate(SITTING, student).unwrap().state
}

#[test]
fn two_devices_at_one_door_show_the_same_tally_after_syncing() {
    let dir = tempfile::tempdir().unwrap();
    let server = site_server(dir.path());
    let a = door(&server, dir.path(), "a", &server.url, "proctor", PROCTOR);
    let b = door(&server, dir.path(), "b", &server.url, "proctor", PROCTOR_2);
    let room = room_01(&a);
    for s in &room[..5] {
        act(&a, s, PROCTOR, &DoorAct::Admit);
    }
    for s in &room[5..8] {
        act(&b, s, PROCTOR_2, &DoorAct::Admit);
    }
    act(&b, &room[8], PROCTOR_2, &refuse());

    for db in [&a, &b, &a] {
        let out = sync(db);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let (ta, tb) = (
        tally(&Store::open(&a).unwrap()),
        tally(&Store::open(&b).unwrap()),
    );
    assert_eq!(ta, tb);
    assert_eq!(ta, tally(&server.store()));
    let admitted = ta
        .iter()
        .filter(|(_, s)| *s == CandidateState::Admitted { manual: false })
        .count();
    assert_eq!(admitted, 8);
    assert!(matches!(ta[8].1, CandidateState::Refused { .. }));
}

#[test]
fn two_offline_devices_that_disagree_end_as_a_conflict_everywhere_losing_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = site_server(dir.path());
    let a = door(&server, dir.path(), "a", &server.url, "proctor", PROCTOR);
    let b = door(&server, dir.path(), "b", &server.url, "proctor", PROCTOR_2);
    let student = room_01(&a)[0].clone();
    act(&a, &student, PROCTOR, &DoorAct::Admit);
    act(&b, &student, PROCTOR_2, &refuse());

    for db in [&a, &b, &a] {
        assert!(sync(db).status.success());
    }
    let conflict = CandidateState::Conflict {
        outcomes: vec![
            Outcome::Admitted { manual: false },
            Outcome::Refused {
                reason: RefusalReason::DocumentMismatch,
            },
        ],
    };
    for store in [
        server.store(),
        Store::open(&a).unwrap(),
        Store::open(&b).unwrap(),
    ] {
        assert_eq!(state(&store, &student), conflict);
        assert_eq!(store.events_of(SITTING, &student).unwrap().len(), 2);
    }
}

#[test]
fn an_approval_from_a_proctors_device_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = site_server(dir.path());
    let a = door(&server, dir.path(), "a", &server.url, "proctor", PROCTOR);
    let student = room_01(&a)[1].clone();
    act(&a, &student, PROCTOR, &vouch());
    act(&a, &student, CHIEF, &DoorAct::Approve);

    let out = sync(&a);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("服务器拒收"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(
        state(&server.store(), &student),
        CandidateState::PendingManualVerification
    );
    let listed = text(&examgate(&["serve", "quarantine", "--data", server.data()]).stdout);
    assert!(listed.contains("not-permitted"), "{listed}");
    assert!(listed.contains("manual-verification-approved"), "{listed}");
    let status = examgate_sync::sync_status(&Store::open(&a).unwrap()).unwrap();
    assert_eq!(
        status.pending, 1,
        "the refused approval is not acknowledged"
    );
}

#[test]
fn an_event_of_another_device_is_refused_and_a_revoked_device_is_403() {
    let dir = tempfile::tempdir().unwrap();
    let server = site_server(dir.path());
    let a = door(&server, dir.path(), "a", &server.url, "proctor", PROCTOR);
    let b = door(&server, dir.path(), "b", &server.url, "proctor", PROCTOR_2);
    let student = room_01(&b)[3].clone();
    act(&b, &student, PROCTOR_2, &DoorAct::Admit);
    let key_b =
        examgate_photo::DeviceKey::load(&b.parent().unwrap().join("device-key.pem")).unwrap();
    let b_events = Store::open(&b)
        .unwrap()
        .own_signed_after(0, 10, key_b.signing_key())
        .unwrap();

    // Device A sends B's genuine, signed event as its own push: kept aside, not merged.
    let client_a = server.client().with_token(link(&a).unwrap().token);
    let got = block_on(client_a.push(&b_events)).unwrap();
    assert_eq!(got.quarantined.len(), 1);
    assert_eq!(got.quarantined[0].reason, "unknown-device");
    assert_eq!(state(&server.store(), &student), CandidateState::Expected);
    // B's own push is not blocked by it.
    assert!(sync(&b).status.success());
    assert_eq!(
        state(&server.store(), &student),
        CandidateState::Admitted { manual: false }
    );

    let id_a = Store::open(&a).unwrap().device_id().unwrap().to_string();
    let out = examgate(&[
        "serve",
        "revoke",
        "--data",
        server.data(),
        "--device",
        &id_a,
    ]);
    assert!(out.status.success());
    act(&a, &room_01(&a)[4], PROCTOR, &DoorAct::Admit);
    let out = sync(&a);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("吊销"), "{}", text(&out.stderr));
    assert_eq!(
        refused(block_on(client_a.push(&b_events))),
        (403, Some(ErrorCode::DeviceRevoked))
    );
    let status = examgate_sync::sync_status(&Store::open(&a).unwrap()).unwrap();
    assert!(status.last_error.unwrap().contains("吊销"));
}

#[test]
fn the_chiefs_approval_reaches_a_waiting_door_within_three_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let server = site_server(dir.path());
    let a = door(&server, dir.path(), "a", &server.url, "proctor", PROCTOR);
    let chief = door(&server, dir.path(), "chief", &server.url, "chief", CHIEF);
    let student = room_01(&a)[2].clone();
    act(&a, &student, PROCTOR, &vouch());
    // The vouch's photo file is not on this fixture device: the events are acknowledged, the
    // photo is not, so the sync is not done (exit 1); the chief sees the event all the same
    // (照片上传中).
    let out = sync(&a);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("照片文件缺失"),
        "{}",
        text(&out.stdout)
    );
    assert!(sync(&chief).status.success());
    assert_eq!(
        state(&Store::open(&chief).unwrap(), &student),
        CandidateState::PendingManualVerification
    );
    act(&chief, &student, CHIEF, &DoorAct::Approve);

    // The door waits on the server (as the app's background loop does) while the chief syncs.
    let door_store = Mutex::new(Store::open(&a).unwrap());
    let (returned, pushed) = std::thread::scope(|scope| {
        let waiting = scope.spawn(|| {
            let n = block_on(examgate_sync::pull_wait(&door_store, 20)).unwrap();
            (n, Instant::now())
        });
        let out = sync(&chief);
        assert!(out.status.success(), "{}", text(&out.stderr));
        (waiting.join().unwrap(), Instant::now())
    });
    let (new, at) = returned;
    assert_eq!(new, 1, "the approval arrived");
    assert!(
        at <= pushed + Duration::from_secs(3),
        "the door learned of it within 3 s of the chief's sync"
    );
    assert_eq!(
        state(&door_store.lock().unwrap(), &student),
        CandidateState::Admitted { manual: true }
    );
}
