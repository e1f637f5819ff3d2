//! The site server and enrollment, run as the real binary: `examgate serve` on 127.0.0.1 (port
//! picked by the OS, read from its `listening on` line), `examgate serve enroll` issuing codes,
//! `examgate enroll` on a real device database, and the pinned client probing the refusals.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use examgate_store::{ServerLink, Store};
use examgate_sync::wire::ErrorCode;
use examgate_sync::{Client, Fingerprint, SyncError};

const BIN: &str = env!("CARGO_BIN_EXE_examgate");

/// A running `examgate serve`, killed when dropped.
struct Served {
    child: Child,
    data: PathBuf,
    url: String,
    fingerprint: Fingerprint,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &Path) -> Served {
    let data = dir.join("server");
    let child = Command::new(BIN)
        .args(["serve", "--data"])
        .arg(&data)
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // Killed on every path from here, a failed wait for the listening line included.
    let mut served = Served {
        child,
        data,
        url: String::new(),
        fingerprint: Fingerprint([0; 32]),
    };
    let stdout = served.child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut fingerprint = None;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx
            .recv_timeout(left)
            .expect("the server printed no `listening on` line in 30 s")
            .unwrap();
        if let Some(fp) = line.strip_prefix("证书指纹 (certificate fingerprint): ") {
            fingerprint = Some(fp.parse().unwrap());
        }
        if let Some(url) = line.strip_prefix("listening on ") {
            served.url = url.to_owned();
            served.fingerprint = fingerprint.expect("fingerprint line before the listening line");
            return served;
        }
    }
}

fn examgate(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

impl Served {
    fn data(&self) -> &str {
        self.data.to_str().unwrap()
    }

    /// A one-time code for a proctor of room 101, from `examgate serve enroll`.
    fn issue(&self, extra: &[&str]) -> String {
        let mut args = vec!["serve", "enroll", "--data", self.data()];
        args.extend([
            "--site",
            "第一考点",
            "--room",
            "101",
            "--role",
            "proctor",
            "--staff",
            "P001",
        ]);
        args.extend(["--url", &self.url]);
        args.extend(extra);
        let out = examgate(&args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        stdout
            .lines()
            .find(|l| l.starts_with("EG1:"))
            .unwrap_or_else(|| panic!("no code in {stdout}"))
            .to_owned()
    }

    fn client(&self) -> Client {
        Client::new(&self.url, self.fingerprint).unwrap()
    }

    fn devices(&self) -> String {
        text(&examgate(&["serve", "devices", "--data", self.data()]).stdout)
    }
}

fn device_db(dir: &Path, name: &str) -> PathBuf {
    let d = dir.join(name);
    std::fs::create_dir_all(&d).unwrap();
    d.join("examgate.db")
}

fn enroll(db: &Path, code: &str) -> Output {
    examgate(&[
        "enroll",
        "--db",
        db.to_str().unwrap(),
        "--code",
        code,
        "--name",
        "门口平板",
    ])
}

fn link(db: &Path) -> Option<ServerLink> {
    Store::open(db).unwrap().server_link().unwrap()
}

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Runtime::new().unwrap().block_on(f)
}

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

fn refused(r: Result<impl std::fmt::Debug, SyncError>) -> (u16, Option<ErrorCode>) {
    match r {
        Err(SyncError::Refused { status, code, .. }) => (status, code),
        other => panic!("not refused: {other:?}"),
    }
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
