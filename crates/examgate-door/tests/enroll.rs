//! Connecting the door device to a real site server (in this process, on loopback, over TLS):
//! a code enrolls the device and Settings' view shows what it is enrolled as, never the token;
//! each way it can fail reaches the screens as its own code and changes nothing; and the door
//! keeps answering while a server hangs, because the store is never held across the network.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use examgate_core::model::Role as StaffRole;
use examgate_door::{Door, ErrorCode};
use examgate_server::{NewCode, Server};
use examgate_sync::wire::Role;
use examgate_sync::{EnrollCode, Fingerprint};

/// A running site server and the codes issued before it started (the server's database has one
/// owner in this process: the serving task).
struct Site {
    _dir: tempfile::TempDir,
    runtime: tokio::runtime::Runtime,
    fingerprint: Fingerprint,
    codes: Vec<String>,
}

fn proctor_code() -> NewCode {
    NewCode {
        site: "第一考点".into(),
        room: Some("101".into()),
        role: Role::Proctor,
        staff: "P001".into(),
        valid: chrono::Duration::minutes(30),
    }
}

/// Starts a server and issues one code per `(code, server time)`.
fn site(issue: &[(NewCode, DateTime<Utc>)]) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::open(&dir.path().join("server")).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let fingerprint = server.fingerprint();
    let codes = issue
        .iter()
        .map(|(new, now)| {
            let issued = server.db().issue_code(new, *now).unwrap();
            EnrollCode {
                secret: issued.secret,
                fingerprint,
                urls: vec![url.clone()],
            }
            .to_string()
        })
        .collect();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.spawn(server.serve(listener));
    Site {
        _dir: dir,
        runtime,
        fingerprint,
        codes,
    }
}

fn door(dir: &tempfile::TempDir, name: &str) -> Door {
    Door::open(&dir.path().join(name).join("examgate.db")).unwrap()
}

#[test]
fn a_pasted_code_connects_the_device_and_settings_show_what_it_is_enrolled_as_but_never_the_token()
{
    let site = site(&[(proctor_code(), Utc::now())]);
    let dir = tempfile::tempdir().unwrap();
    let door = door(&dir, "door");
    assert_eq!(door.server_link().unwrap(), None);

    let pasted = format!("  {}\n", site.codes[0]);
    let done = site
        .runtime
        .block_on(door.enroll(&pasted, Some("门口平板")))
        .unwrap();
    let view = &done.server;
    assert_eq!(
        (view.site.as_str(), view.room.as_deref()),
        ("第一考点", Some("101"))
    );
    assert_eq!(
        (view.role, view.staff.as_str()),
        (StaffRole::Proctor, "P001")
    );
    assert!(view.url.starts_with("https://127.0.0.1:"), "{}", view.url);
    let hex = site.fingerprint.to_string().to_ascii_uppercase();
    assert_eq!(view.fingerprint.replace(' ', ""), hex);
    assert_eq!(
        view.fingerprint.split(' ').count(),
        16,
        "{}",
        view.fingerprint
    );
    assert!(done.clock.is_some(), "enrollment measures the clock once");

    // Settings read the same from the database, after a restart too.
    assert_eq!(door.server_link().unwrap().as_ref(), Some(view));
    let db = door.app_info().unwrap().db_path;
    drop(door);
    let again = Door::open(std::path::Path::new(&db)).unwrap();
    assert_eq!(again.server_link().unwrap().as_ref(), Some(view));

    // The token is in the database, never in what the screens receive.
    drop(again);
    let store = examgate_store::Store::open(std::path::Path::new(&db)).unwrap();
    let token = store.server_link().unwrap().unwrap().token;
    assert!(token.len() >= 16);
    let json = serde_json::to_string(&done).unwrap();
    assert!(!json.contains(&token), "{json}");
}

#[test]
fn a_used_code_and_an_expired_code_are_refused_as_spent_and_change_nothing() {
    let site = site(&[
        (proctor_code(), Utc::now()),
        (proctor_code(), Utc::now() - chrono::Duration::hours(2)),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let first = door(&dir, "first");
    site.runtime
        .block_on(first.enroll(&site.codes[0], None))
        .unwrap();

    let second = door(&dir, "second");
    let used = site
        .runtime
        .block_on(second.enroll(&site.codes[0], None))
        .unwrap_err();
    assert_eq!(used.code, ErrorCode::EnrollCodeSpent, "{used}");
    let expired = site
        .runtime
        .block_on(second.enroll(&site.codes[1], None))
        .unwrap_err();
    assert_eq!(expired.code, ErrorCode::EnrollCodeSpent, "{expired}");
    assert_eq!(second.server_link().unwrap(), None);
    assert!(first.server_link().unwrap().is_some());
}

#[test]
fn a_server_with_another_certificate_is_refused_before_anything_is_sent() {
    let site = site(&[(proctor_code(), Utc::now())]);
    let mut other = site.fingerprint;
    other.0[0] ^= 1;
    let forged = site.codes[0].replace(&site.fingerprint.to_string(), &other.to_string());
    let dir = tempfile::tempdir().unwrap();
    let door = door(&dir, "door");
    let err = site
        .runtime
        .block_on(door.enroll(&forged, None))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::CertificateMismatch, "{err}");
    assert_eq!(door.server_link().unwrap(), None);
    // The secret never reached the server: the genuine code still works.
    site.runtime
        .block_on(door.enroll(&site.codes[0], None))
        .unwrap();
}

#[test]
fn an_unreachable_server_and_a_damaged_code_each_get_their_own_code() {
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let code = EnrollCode {
        secret: "ab".repeat(16),
        fingerprint: Fingerprint([7; 32]),
        urls: vec![format!("https://{closed}")],
    }
    .to_string();
    let dir = tempfile::tempdir().unwrap();
    let door = door(&dir, "door");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let err = runtime.block_on(door.enroll(&code, None)).unwrap_err();
    assert_eq!(err.code, ErrorCode::ServerUnreachable, "{err}");

    for damaged in [
        code.replacen("EG1", "EG2", 1),
        code.replace("https://", "http://"),
        "这不是注册码".to_owned(),
        String::new(),
    ] {
        let err = runtime.block_on(door.enroll(&damaged, None)).unwrap_err();
        assert_eq!(err.code, ErrorCode::BadEnrollCode, "{damaged}: {err}");
    }
    assert_eq!(door.server_link().unwrap(), None);
}

#[test]
fn the_door_keeps_answering_while_a_server_hangs_in_the_middle_of_an_enrollment() {
    // A "server" that accepts the connection and then says nothing: the handshake hangs.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let code = EnrollCode {
        secret: "cd".repeat(16),
        fingerprint: Fingerprint([9; 32]),
        urls: vec![format!("https://{}", listener.local_addr().unwrap())],
    }
    .to_string();
    let dir = tempfile::tempdir().unwrap();
    let door = Arc::new(door(&dir, "door"));
    door.load_demo().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let enrolling = Arc::clone(&door);
    runtime.spawn(async move { enrolling.enroll(&code, None).await });
    // The enrollment is now waiting on the network.
    let (_held, _) = listener.accept().unwrap();

    let (tx, rx) = mpsc::channel();
    let asking = Arc::clone(&door);
    std::thread::spawn(move || {
        let _ = tx.send(asking.sittings().map(|s| s.len()));
    });
    let answered = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the door did not answer while an enrollment waited on the network");
    assert!(answered.unwrap() > 0);
    runtime.shutdown_background();
}
