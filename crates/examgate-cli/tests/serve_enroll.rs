//! Enrollment with the real binaries: `examgate serve` on loopback, `examgate serve enroll` issuing
//! one-time codes, `examgate enroll` on a real device database; a code works once and in time, and
//! a device talks only to the pinned certificate, only over HTTPS.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

mod support;

use examgate_store::Store;
use examgate_sync::{Client, Fingerprint, SyncError};
use support::*;

#[test]
fn a_device_enrolls_end_to_end_with_its_own_id_and_signing_key() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path());
    let db = device_db(dir.path(), "door");
    let png = dir.path().join("code.png");
    let out = enroll(&db, &server.issue(&["--png", png.to_str().unwrap()]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG\r\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&png).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the QR's secret is owner-only: {mode:o}");
    }

    let link = link(&db).expect("the enrollment is kept in the device database");
    assert_eq!(link.fingerprint, server.fingerprint.to_string());
    assert_eq!(link.urls, vec![server.url.clone()]);
    assert_eq!(
        (link.site.as_str(), link.room.as_deref()),
        ("第一考点", Some("101"))
    );
    assert_eq!(
        (link.role.as_str(), link.staff.as_str()),
        ("proctor", "P001")
    );

    let me = block_on(server.client().with_token(&link.token).whoami()).unwrap();
    assert_eq!(me.device_id, Store::open(&db).unwrap().device_id().unwrap());
    assert_eq!(me.name, "门口平板");

    // The signing key the door uses (beside the database) is in the site's trust list, in the
    // form `examgate verify --trust` reads.
    let key = examgate_photo::DeviceKey::load(&db.parent().unwrap().join("device-key.pem"))
        .unwrap()
        .public_key();
    let keys = text(&examgate(&["serve", "keys", "--data", server.data()]).stdout);
    assert_eq!(examgate_photo::parse_trusted(&keys).unwrap(), vec![key]);

    // Enrollment measured the clock; the server recorded it.
    let devices = server.devices();
    assert!(devices.contains(&me.device_id.to_string()), "{devices}");
    assert!(devices.contains("时钟偏差 (clock)"), "{devices}");
}

#[test]
fn a_replayed_enrollment_code_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path());
    let code = server.issue(&[]);
    let first = device_db(dir.path(), "first");
    assert!(enroll(&first, &code).status.success());
    let token = link(&first).unwrap().token;

    let second = device_db(dir.path(), "second");
    let out = enroll(&second, &code);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("注册码已被使用"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(link(&second), None);
    assert_eq!(server.devices().lines().count(), 1);
    // The first device's token still works.
    block_on(server.client().with_token(token).whoami()).unwrap();
}

#[test]
fn an_expired_enrollment_code_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path());
    let code = server.issue(&["--now", "2020-01-01T00:00:00Z", "--valid", "30m"]);
    let db = device_db(dir.path(), "door");
    let out = enroll(&db, &code);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("注册码已于"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stderr).contains("expired"));
    assert_eq!(link(&db), None);
    assert_eq!(server.devices(), "");
}

#[test]
fn a_device_pinned_to_another_certificate_refuses_to_talk_and_sends_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = serve(dir.path());
    let code = server.issue(&[]);
    let mut other = server.fingerprint;
    other.0[0] ^= 1;
    let forged = code.replace(&server.fingerprint.to_string(), &other.to_string());
    let db = device_db(dir.path(), "door");
    let out = enroll(&db, &forged);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("证书与注册码中的指纹不符"), "{stderr}");
    assert!(
        stderr.contains(&server.fingerprint.to_string()),
        "names what it met: {stderr}"
    );
    assert_eq!(link(&db), None);
    // The secret never reached the server: the genuine code still works.
    assert!(enroll(&db, &code).status.success());
}

#[test]
fn a_plain_http_address_is_refused_and_never_contacted() {
    let dir = tempfile::tempdir().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let code = format!(
        "EG1:{}:{}:http://{}",
        "ab".repeat(16),
        "cd".repeat(32),
        listener.local_addr().unwrap()
    );
    let db = device_db(dir.path(), "door");
    let out = enroll(&db, &code);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("https://"),
        "{}",
        text(&out.stderr)
    );
    let knock = listener.accept();
    assert!(knock.is_err(), "something connected: {knock:?}");
    assert!(matches!(
        Client::new("http://127.0.0.1:8740", Fingerprint([0; 32])),
        Err(SyncError::InsecureUrl(_))
    ));
    // Nor does the office hand out such a code.
    let data = dir.path().join("server");
    let out = examgate(&[
        "serve",
        "enroll",
        "--data",
        data.to_str().unwrap(),
        "--site",
        "第一考点",
        "--role",
        "chief",
        "--staff",
        "C001",
        "--url",
        "http://192.168.1.10:8740",
    ]);
    assert!(!out.status.success());
    assert!(!text(&out.stdout).contains("EG1:"), "{}", text(&out.stdout));
}
