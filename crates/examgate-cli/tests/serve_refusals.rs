//! The running server's refusals, probed with the pinned client: no or wrong token (401), a
//! revoked device (403), oversize (413) and malformed (400, naming the field) bodies, a forged
//! clock sample; each changes nothing.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

mod support;

use examgate_sync::wire::ErrorCode;
use support::*;

#[test]
fn a_clock_sample_the_server_did_not_answer_is_refused_and_not_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path());
    let db = device_db(dir.path(), "door");
    assert!(enroll(&db, &server.issue(&[])).status.success());
    let client = server.client().with_token(link(&db).unwrap().token);
    let before = server.devices();
    // A device claiming the server answered at times it never did (to look punctual).
    let forged = br#"{"t1_us":1000,"t2_us":1000,"t3_us":1000,"t4_us":1000}"#;
    let (status, body) = block_on(client.post_raw("/clock", forged.to_vec())).unwrap();
    assert_eq!(
        (status, body.map(|b| b.code)),
        (400, Some(ErrorCode::BadClockSample))
    );
    assert_eq!(server.devices(), before);
    // A real exchange is recorded with a bound of half the round trip.
    let measured =
        block_on(client.measure_clock(|| chrono::Utc::now().timestamp_micros())).unwrap();
    assert!(measured.error_us >= 0 && measured.device_ahead_us.abs() < 5_000_000);
    assert_ne!(server.devices(), before);
}

#[test]
fn requests_without_a_valid_token_are_refused_and_a_revoked_device_from_its_next_request_on() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path());
    let db = device_db(dir.path(), "door");
    assert!(enroll(&db, &server.issue(&[])).status.success());
    let token = link(&db).unwrap().token;
    let client = server.client();

    let unauthorized = (401, Some(ErrorCode::Unauthorized));
    assert_eq!(refused(block_on(client.whoami())), unauthorized);
    let wrong = client.clone().with_token("0".repeat(64));
    assert_eq!(refused(block_on(wrong.whoami())), unauthorized);
    let me = block_on(client.clone().with_token(&token).whoami()).unwrap();

    let out = examgate(&[
        "serve",
        "revoke",
        "--data",
        server.data(),
        "--device",
        &me.device_id.to_string(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let revoked = (403, Some(ErrorCode::DeviceRevoked));
    let client = client.with_token(&token);
    assert_eq!(refused(block_on(client.whoami())), revoked);
    assert_eq!(
        refused(block_on(client.measure_clock(|| 0))),
        revoked,
        "every authed route"
    );
}

#[test]
fn oversize_and_malformed_bodies_are_refused_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path());
    let client = server.client();

    let big = format!("{{\"secret\":\"{}\"}}", "a".repeat(100_000)).into_bytes();
    let (status, body) = block_on(client.post_raw("/enroll", big)).unwrap();
    assert_eq!(
        (status, body.map(|b| b.code)),
        (413, Some(ErrorCode::TooLarge))
    );

    let bad_id = br#"{"secret":"00","device_id":"not-a-uuid","public_key":"00","name":"n"}"#;
    let (status, body) = block_on(client.post_raw("/enroll", bad_id.to_vec())).unwrap();
    let body = body.unwrap();
    assert_eq!((status, body.code), (400, ErrorCode::BadJson));
    assert!(body.message.contains("device_id"), "{}", body.message);

    let missing = br#"{"secret":"00"}"#;
    let (status, body) = block_on(client.post_raw("/enroll", missing.to_vec())).unwrap();
    assert_eq!(status, 400);
    assert!(body.unwrap().message.contains("device_id"));

    let (status, body) = block_on(client.post_raw("/nothing-here", b"{}".to_vec())).unwrap();
    assert_eq!(
        (status, body.map(|b| b.code)),
        (404, Some(ErrorCode::NotFound))
    );
    assert_eq!(server.devices(), "", "nothing was enrolled");
}
