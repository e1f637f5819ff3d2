//! The event routes' refusals on a running server: a repeat push is a no-op (200); the same
//! `(device, seq)` with other content is 409 with the quarantined list, kept for the office and
//! never merged; a batch out of seq order (400), too many events (413), malformed JSON (400
//! naming the field), no token (401). Each changes nothing it should not.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]
#![cfg(unix)]

mod support;

use examgate_core::door::DoorAct;
use examgate_core::event::{EventKind, RefusalReason};
use examgate_core::signed::sign;
use examgate_photo::DeviceKey;
use examgate_store::Store;
use examgate_sync::wire::{ErrorCode, MAX_BATCH, PushRequest};
use support::site::*;
use support::*;

fn key_of(db: &std::path::Path) -> DeviceKey {
    DeviceKey::load(&db.parent().unwrap().join("device-key.pem")).unwrap()
}

#[test]
fn a_repeat_is_a_no_op_and_other_content_under_a_held_seq_is_409_and_kept_aside() {
    let dir = tempfile::tempdir().unwrap();
    let server = site_server(dir.path());
    let a = door(&server, dir.path(), "a", &server.url, "proctor", PROCTOR);
    let student = room_01(&a)[0].clone();
    act(&a, &student, PROCTOR, &DoorAct::Admit);
    assert!(sync(&a).status.success());
    let key = key_of(&a);
    let held = Store::open(&a)
        .unwrap()
        .own_signed_after(0, 10, key.signing_key())
        .unwrap();
    let client = server.client().with_token(link(&a).unwrap().token);

    let again = block_on(client.push(&held)).unwrap();
    assert_eq!((again.accepted, again.duplicate), (0, 1));
    assert!(again.quarantined.is_empty());

    // The same event id and seq, now saying "refused": signed by the device's own key.
    let mut changed = held[0].event.clone();
    changed.kind = EventKind::Refused {
        reason: RefusalReason::DocumentMismatch,
    };
    let got = block_on(client.push(&[sign(key.signing_key(), changed)])).unwrap();
    assert_eq!(got.high_water, 1);
    assert_eq!(got.quarantined.len(), 1);
    assert_eq!(got.quarantined[0].reason, "changed-content");
    assert_eq!(
        server.store().candidate(SITTING, &student).unwrap().state,
        examgate_core::fold::CandidateState::Admitted { manual: false },
        "never merged"
    );
    let listed = text(&examgate(&["serve", "quarantine", "--data", server.data()]).stdout);
    assert!(listed.contains("changed-content"), "{listed}");
    assert_eq!(listed.lines().count(), 1);
}

#[test]
fn a_batch_out_of_order_too_large_or_malformed_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = site_server(dir.path());
    let a = door(&server, dir.path(), "a", &server.url, "proctor", PROCTOR);
    for s in &room_01(&a)[..2] {
        act(&a, s, PROCTOR, &DoorAct::Admit);
    }
    let key = key_of(&a);
    let mut events = Store::open(&a)
        .unwrap()
        .own_signed_after(0, 10, key.signing_key())
        .unwrap();
    events.reverse();
    let client = server.client().with_token(link(&a).unwrap().token);
    let body = |events| serde_json::to_vec(&PushRequest { events }).unwrap();

    let (status, err) = block_on(client.post_raw("/events", body(events.clone()))).unwrap();
    assert_eq!(
        (status, err.map(|e| e.code)),
        (400, Some(ErrorCode::BatchOutOfOrder))
    );
    let too_many = vec![events[0].clone(); MAX_BATCH + 1];
    let (status, err) = block_on(client.post_raw("/events", body(too_many))).unwrap();
    assert_eq!(
        (status, err.map(|e| e.code)),
        (413, Some(ErrorCode::TooLarge))
    );
    let malformed = br#"{"events":[{"event":{"id":"nope"},"signature":"00"}]}"#.to_vec();
    let (status, err) = block_on(client.post_raw("/events", malformed)).unwrap();
    let err = err.unwrap();
    assert_eq!((status, err.code), (400, ErrorCode::BadJson));
    assert!(err.message.contains("events[0].event"), "{}", err.message);
    let anonymous = server.client();
    let (status, _) = block_on(anonymous.post_raw("/events", body(events))).unwrap();
    assert_eq!(status, 401);

    assert_eq!(server.store().event_count().unwrap(), 0, "nothing was kept");
    assert!(server.store().quarantined().unwrap().is_empty());
}
