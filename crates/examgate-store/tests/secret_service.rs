//! The database key in a real GNOME Keyring: each test starts its own session bus
//! (`dbus-daemon`) and keyring daemon (`gnome-keyring-daemon --unlock --components=secrets`, the
//! password on stdin) in a temporary home, and kills both when it ends. A new database's key goes
//! into the keyring and no key file is written; reopening reads it back; the file cannot be read
//! without it; a locked keyring, a stopped one, or no bus at all never hangs the open.
//!
//! Skipped (with a message) where the two programs are not installed; scripts/setup.sh installs
//! them (`dbus`, `gnome-keyring`).
#![cfg(target_os = "linux")]
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use examgate_store::keystore::{Keystore, SecretService};
use examgate_store::{Durability, KeyLocation, Store, StoreError, key_file_for};

const PASSWORD: &str = "examgate-test-keyring";
/// What any one test step may take before the test fails instead of hanging.
const BOUND: Duration = Duration::from_secs(15);

fn installed(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// A private session bus and, on it, a GNOME Keyring; both killed on drop.
struct Session {
    home: tempfile::TempDir,
    bus: Child,
    keyring: Option<Child>,
    address: String,
}

impl Session {
    /// A bus alone, or `None` where the programs are missing.
    fn bus() -> Option<Session> {
        if !installed("dbus-daemon") || !installed("gnome-keyring-daemon") {
            eprintln!(
                "SKIPPED: dbus-daemon or gnome-keyring-daemon is not installed (scripts/setup.sh installs them)"
            );
            return None;
        }
        let home = tempfile::tempdir().unwrap();
        let socket = home.path().join("bus");
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .arg(format!("--address=unix:path={}", socket.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // It prints its address once it listens.
        let stdout = bus.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let address = rx.recv_timeout(BOUND).expect("dbus-daemon did not start");
        let session = Session {
            home,
            bus,
            keyring: None,
            address: address.trim().to_owned(),
        };
        assert!(session.address.starts_with("unix:"), "{}", session.address);
        Some(session)
    }

    /// A bus with an unlocked keyring on it, or `None` where the programs are missing.
    fn unlocked() -> Option<Session> {
        let mut session = Session::bus()?;
        session.start_keyring(true);
        Some(session)
    }

    fn dir(&self, name: &str) -> PathBuf {
        let dir = self.home.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// Starts the keyring daemon (unlocking the login keyring with the password, or leaving it
    /// locked) and waits until it answers on the bus.
    fn start_keyring(&mut self, unlock: bool) {
        self.stop_keyring();
        let run = self.dir("run");
        let mut cmd = Command::new("gnome-keyring-daemon");
        cmd.args(["--foreground", "--components=secrets"]);
        if unlock {
            cmd.arg("--unlock");
        }
        let mut keyring = cmd
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir("home"))
            .env("XDG_DATA_HOME", self.dir("home/data"))
            .env("XDG_RUNTIME_DIR", &run)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = keyring.stdin.take().unwrap();
        if unlock {
            stdin.write_all(PASSWORD.as_bytes()).unwrap();
        }
        drop(stdin);
        self.keyring = Some(keyring);
        // Ready when the service answers a search (a locked keyring answers one too).
        let probe = self.keystore();
        let deadline = Instant::now() + BOUND;
        loop {
            match probe.find("/examgate/probe") {
                Ok(_) => break,
                Err(e) if e.0.contains("锁定") => break,
                Err(e) => assert!(Instant::now() < deadline, "the keyring did not start: {e}"),
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn stop_keyring(&mut self) {
        if let Some(mut keyring) = self.keyring.take() {
            let _ = keyring.kill();
            let _ = keyring.wait();
        }
    }

    fn keyring_pid(&self) -> u32 {
        self.keyring.as_ref().unwrap().id()
    }

    fn keystore(&self) -> SecretService {
        SecretService::on_bus(Some(self.address.clone()), SecretService::TIMEOUT)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(keyring) = &mut self.keyring {
            // A stopped daemon must be woken to die.
            let _ = Command::new("kill")
                .args(["-CONT", &keyring.id().to_string()])
                .status();
        }
        self.stop_keyring();
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

fn open(db: &Path, keystore: &dyn Keystore) -> Result<Store, StoreError> {
    Store::open_discovering(db, Durability::default(), keystore)
}

#[test]
fn a_new_database_keeps_its_key_in_gnome_keyring_and_writes_no_key_file() {
    let Some(session) = Session::unlocked() else {
        return;
    };
    let db = session.dir("data").join("examgate.db");
    let mut store = open(&db, &session.keystore()).unwrap();
    examgate_demo::load(&mut store).unwrap();
    let described = store.key_location().unwrap().describe();
    assert!(
        described.starts_with("系统密钥库（Secret Service：GNOME 密钥环"),
        "{described}"
    );
    assert!(!key_file_for(&db).exists(), "a key file was written");
    drop(store);

    // Reopened by a fresh client: the key comes back from the keyring.
    let store = open(&db, &session.keystore()).unwrap();
    assert!(!store.sittings().unwrap().is_empty());
    assert!(matches!(
        store.key_location(),
        Some(KeyLocation::Keystore(_))
    ));
    drop(store);

    // Without the keyring (the key file way) the database cannot be read, and is left alone.
    let before = std::fs::read(&db).unwrap();
    let err = Store::open(&db).unwrap_err();
    assert_eq!(err.code(), "db-undecryptable", "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn a_locked_keyring_is_unavailable_without_a_prompt_and_never_a_new_database() {
    let Some(mut session) = Session::unlocked() else {
        return;
    };
    let db = session.dir("data").join("examgate.db");
    examgate_demo::load(&mut open(&db, &session.keystore()).unwrap()).unwrap();
    let before = std::fs::read(&db).unwrap();

    // The next login without the password: the login keyring is there but locked.
    session.start_keyring(false);
    let started = Instant::now();
    let err = open(&db, &session.keystore()).unwrap_err();
    assert!(started.elapsed() < BOUND);
    assert_eq!(err.code(), "db-keystore-unavailable", "{err}");
    assert!(err.to_string().contains("锁定"), "{err}");
    assert!(!key_file_for(&db).exists());
    assert_eq!(std::fs::read(&db).unwrap(), before);

    // A new database meanwhile: its key goes to a file.
    let other = session.dir("other").join("examgate.db");
    let store = open(&other, &session.keystore()).unwrap();
    assert_eq!(
        store.key_location(),
        Some(&KeyLocation::File(key_file_for(&other)))
    );
}

#[test]
fn a_default_keyring_forgotten_at_logout_is_not_used_for_the_key() {
    let Some(session) = Session::unlocked() else {
        return;
    };
    let status = Command::new("dbus-send")
        .args([
            "--print-reply",
            "--reply-timeout=5000",
            "--type=method_call",
        ])
        .arg(format!("--bus={}", session.address))
        .args([
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.SetAlias",
            "string:default",
            "objpath:/org/freedesktop/secrets/collection/session",
        ])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());

    let db = session.dir("data").join("examgate.db");
    let store = open(&db, &session.keystore()).unwrap();
    assert_eq!(
        store.key_location(),
        Some(&KeyLocation::File(key_file_for(&db)))
    );
}

#[test]
fn a_keyring_that_stops_answering_costs_the_timeout_and_no_more() {
    let Some(session) = Session::unlocked() else {
        return;
    };
    let db = session.dir("data").join("examgate.db");
    examgate_demo::load(&mut open(&db, &session.keystore()).unwrap()).unwrap();
    let status = Command::new("kill")
        .args(["-STOP", &session.keyring_pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());

    let started = Instant::now();
    let err = open(&db, &session.keystore()).unwrap_err();
    let waited = started.elapsed();
    assert_eq!(err.code(), "db-keystore-unavailable", "{err}");
    assert!(waited >= SecretService::TIMEOUT, "{waited:?}");
    assert!(waited < SecretService::TIMEOUT * 2, "{waited:?}");

    let other = session.dir("other").join("examgate.db");
    let started = Instant::now();
    let store = open(&other, &session.keystore()).unwrap();
    assert!(started.elapsed() < SecretService::TIMEOUT * 3);
    assert!(matches!(store.key_location(), Some(KeyLocation::File(_))));
}

#[test]
fn a_session_bus_that_stops_answering_costs_the_timeout_and_no_more() {
    let Some(session) = Session::unlocked() else {
        return;
    };
    let status = Command::new("kill")
        .args(["-STOP", &session.bus.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());

    let db = session.dir("data").join("examgate.db");
    let started = Instant::now();
    let store = open(&db, &session.keystore()).unwrap();
    let waited = started.elapsed();
    assert!(waited < SecretService::TIMEOUT * 2, "{waited:?}");
    assert_eq!(
        store.key_location(),
        Some(&KeyLocation::File(key_file_for(&db)))
    );
}

#[test]
fn no_keyring_on_the_bus_or_no_bus_at_all_means_the_key_file_at_once() {
    let Some(session) = Session::bus() else {
        return;
    };
    let nowhere = session.home.path().join("no-such-bus");
    for keystore in [
        session.keystore(),
        SecretService::on_bus(
            Some(format!("unix:path={}", nowhere.display())),
            SecretService::TIMEOUT,
        ),
        SecretService::on_bus(None, SecretService::TIMEOUT),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("examgate.db");
        let started = Instant::now();
        let store = open(&db, &keystore).unwrap();
        // Well under the timeout: nothing was waited for.
        assert!(started.elapsed() < SecretService::TIMEOUT, "{keystore:?}");
        assert_eq!(
            store.key_location(),
            Some(&KeyLocation::File(key_file_for(&db)))
        );
        assert!(key_file_for(&db).exists());
    }
}
