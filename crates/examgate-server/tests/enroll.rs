//! Enrollment at the library level, where the server's clock can be set: a code works once and
//! until it expires, and a refused redemption changes nothing.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use chrono::{DateTime, Duration, Utc};
use ed25519_dalek::{Signer, SigningKey};
use examgate_server::{NewCode, Server, ServerError};
use examgate_sync::wire::{EnrollRequest, Role, enroll_proof_message};
use uuid::Uuid;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn code(valid: Duration) -> NewCode {
    NewCode {
        site: "第一考点".into(),
        room: Some("101".into()),
        role: Role::Proctor,
        staff: "P001".into(),
        valid,
    }
}

fn signing(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn key_hex(seed: u8) -> String {
    hex::encode(signing(seed).verifying_key().to_bytes())
}

/// An enrollment of `device` with key `seed`, signed as `examgate enroll` signs it.
fn request_with(secret: &str, device: Uuid, seed: u8) -> EnrollRequest {
    EnrollRequest {
        secret: secret.into(),
        device_id: device,
        public_key: key_hex(seed),
        name: "门口平板".into(),
        proof: hex::encode(
            signing(seed)
                .sign(&enroll_proof_message(secret, device))
                .to_bytes(),
        ),
    }
}

fn request(secret: &str, device: Uuid) -> EnrollRequest {
    request_with(secret, device, 1)
}

fn open() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::open(&dir.path().join("data")).unwrap();
    (dir, server)
}

#[test]
fn an_expired_code_is_refused_and_stays_unused() {
    let (_dir, mut server) = open();
    let issued = server
        .db()
        .issue_code(&code(Duration::minutes(30)), at("2026-11-29T09:00:00Z"))
        .unwrap();
    let device = Uuid::now_v7();
    let late = server
        .db_mut()
        .enroll(&request(&issued.secret, device), at("2026-11-29T09:30:00Z"));
    assert!(
        matches!(late, Err(ServerError::EnrollCodeExpired { .. })),
        "{late:?}"
    );
    assert!(server.db().devices().unwrap().is_empty());
    // One second before the end it still works: the refusal above changed nothing.
    let ok = server
        .db_mut()
        .enroll(&request(&issued.secret, device), at("2026-11-29T09:29:59Z"))
        .unwrap();
    assert_eq!(ok.device.site, "第一考点");
}

#[test]
fn a_replayed_code_is_refused_and_the_first_token_keeps_working() {
    let (_dir, mut server) = open();
    let now = at("2026-11-29T09:00:00Z");
    let issued = server
        .db()
        .issue_code(&code(Duration::minutes(30)), now)
        .unwrap();
    let first = server
        .db_mut()
        .enroll(&request(&issued.secret, Uuid::now_v7()), now)
        .unwrap();
    let replay = server
        .db_mut()
        .enroll(&request(&issued.secret, Uuid::now_v7()), now);
    assert!(
        matches!(replay, Err(ServerError::EnrollCodeUsed)),
        "{replay:?}"
    );
    assert_eq!(server.db().devices().unwrap().len(), 1);
    let me = server.db().device_for_token(&first.token).unwrap();
    assert_eq!(me, first.device);
}

#[test]
fn a_revoked_device_is_refused_and_cannot_enroll_again() {
    let (_dir, mut server) = open();
    let now = at("2026-11-29T09:00:00Z");
    let device = Uuid::now_v7();
    let a = server
        .db()
        .issue_code(&code(Duration::minutes(30)), now)
        .unwrap();
    let enrolled = server
        .db_mut()
        .enroll(&request(&a.secret, device), now)
        .unwrap();
    assert!(server.db().revoke(device, now).unwrap());
    assert!(matches!(
        server.db().device_for_token(&enrolled.token),
        Err(ServerError::DeviceRevoked)
    ));
    let b = server
        .db()
        .issue_code(&code(Duration::minutes(30)), now)
        .unwrap();
    assert!(matches!(
        server.db_mut().enroll(&request(&b.secret, device), now),
        Err(ServerError::DeviceRevoked)
    ));
    // The trust list leaves the revoked key out unless asked.
    assert!(!server.db().trust_list(false).unwrap().contains(&key_hex(1)));
    assert!(server.db().trust_list(true).unwrap().contains(&key_hex(1)));
}

#[test]
fn a_database_with_the_servers_tables_still_opens_as_an_ordinary_store() {
    let (dir, server) = open();
    drop(server);
    let store = examgate_store::Store::open(dir.path().join("data/site.db")).unwrap();
    store.device_id().unwrap();
    Server::open(&dir.path().join("data")).unwrap();
}

#[test]
fn enrolling_the_same_device_again_rolls_its_token_and_another_key_is_refused() {
    let (_dir, mut server) = open();
    let now = at("2026-11-29T09:00:00Z");
    let device = Uuid::now_v7();
    let a = server
        .db()
        .issue_code(&code(Duration::minutes(30)), now)
        .unwrap();
    let old = server
        .db_mut()
        .enroll(&request(&a.secret, device), now)
        .unwrap();
    let b = server
        .db()
        .issue_code(&code(Duration::minutes(30)), now)
        .unwrap();
    let new = server
        .db_mut()
        .enroll(&request(&b.secret, device), now)
        .unwrap();
    assert!(matches!(
        server.db().device_for_token(&old.token),
        Err(ServerError::Unauthorized)
    ));
    assert_eq!(
        server.db().device_for_token(&new.token).unwrap().device_id,
        device
    );

    // The same id with another key is not the same device.
    let c = server
        .db()
        .issue_code(&code(Duration::minutes(30)), now)
        .unwrap();
    assert!(matches!(
        server
            .db_mut()
            .enroll(&request_with(&c.secret, device, 2), now),
        Err(ServerError::DeviceConflict(_))
    ));
    // …and the refusal left the code unused.
    let other = request_with(&c.secret, Uuid::now_v7(), 2);
    server.db_mut().enroll(&other, now).unwrap();
}

#[test]
fn an_enrollment_that_does_not_prove_its_key_is_refused_and_leaves_the_code_unused() {
    let (_dir, mut server) = open();
    let now = at("2026-11-29T09:00:00Z");
    let issued = server
        .db()
        .issue_code(&code(Duration::minutes(30)), now)
        .unwrap();
    let device = Uuid::now_v7();
    // Another device's key, with a signature by someone else's.
    let mut stolen = request_with(&issued.secret, device, 2);
    stolen.public_key = key_hex(1);
    // A genuine proof, but made for another code (replayed).
    let replayed = EnrollRequest {
        secret: issued.secret.clone(),
        ..request_with(&"0".repeat(32), device, 1)
    };
    for bad in [stolen, replayed] {
        let got = server.db_mut().enroll(&bad, now);
        assert!(matches!(got, Err(ServerError::KeyProofInvalid)), "{got:?}");
    }
    assert!(server.db().devices().unwrap().is_empty());
    server
        .db_mut()
        .enroll(&request(&issued.secret, device), now)
        .unwrap();
}
