//! What the site-server tests share: a real `examgate serve` on 127.0.0.1 (port picked by the
//! OS, read from its `listening on` line, killed when dropped), `examgate serve enroll` codes,
//! real device databases and the pinned client.
#![allow(dead_code, reason = "each test file uses part of it")]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use examgate_store::{ServerLink, Store};
use examgate_sync::wire::ErrorCode;
use examgate_sync::{Client, Fingerprint, SyncError};

pub const BIN: &str = env!("CARGO_BIN_EXE_examgate");

/// A running `examgate serve`, killed when dropped.
pub struct Served {
    child: Child,
    pub data: PathBuf,
    pub url: String,
    pub fingerprint: Fingerprint,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub mod catalogue;
pub mod site;

pub fn serve(dir: &Path) -> Served {
    serve_data(&dir.join("server"), "127.0.0.1:0")
}

/// `examgate serve --data <data> --listen <listen>`, once it listens.
pub fn serve_data(data: &Path, listen: &str) -> Served {
    serve_data_with(data, listen, &[])
}

/// [`serve_data`] with more arguments (`--clock-file FILE`).
pub fn serve_data_with(data: &Path, listen: &str, more: &[&str]) -> Served {
    let data = data.to_owned();
    let child = Command::new(BIN)
        .args(["serve", "--data"])
        .arg(&data)
        .args(["--listen", listen])
        .args(more)
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

pub fn examgate(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

pub fn text(out: &[u8]) -> String {
    String::from_utf8_lossy(out).into_owned()
}

impl Served {
    /// SIGKILLs the server and starts it again on the same data and port.
    pub fn kill_and_restart(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        let listen = self.url.trim_start_matches("https://").to_owned();
        *self = serve_data(&self.data, &listen);
    }

    pub fn data(&self) -> &str {
        self.data.to_str().unwrap()
    }

    /// A one-time code for a proctor of room 101, from `examgate serve enroll`.
    pub fn issue(&self, extra: &[&str]) -> String {
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

    pub fn client(&self) -> Client {
        Client::new(&self.url, self.fingerprint).unwrap()
    }

    pub fn devices(&self) -> String {
        text(&examgate(&["serve", "devices", "--data", self.data()]).stdout)
    }
}

pub fn device_db(dir: &Path, name: &str) -> PathBuf {
    let d = dir.join(name);
    std::fs::create_dir_all(&d).unwrap();
    d.join("examgate.db")
}

pub fn enroll(db: &Path, code: &str) -> Output {
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

pub fn link(db: &Path) -> Option<ServerLink> {
    Store::open(db).unwrap().server_link().unwrap()
}

pub fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Runtime::new().unwrap().block_on(f)
}

pub fn refused(r: Result<impl std::fmt::Debug, SyncError>) -> (u16, Option<ErrorCode>) {
    match r {
        Err(SyncError::Refused { status, code, .. }) => (status, code),
        other => panic!("not refused: {other:?}"),
    }
}
