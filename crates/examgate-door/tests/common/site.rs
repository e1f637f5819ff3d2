//! A real site server for the door's tests, in this process on loopback over TLS, with the demo
//! catalogue and the chief examiner's PIN set as the office sets it (`examgate serve chief-pin`),
//! serving on its own runtime (dropping the [`Site`] stops it), and one enrollment code for each
//! device a test asks for, issued before it serves.

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::PathBuf;

use chrono::Utc;
use examgate_server::{NewCode, Server};
use examgate_sync::EnrollCode;
use examgate_sync::wire::Role;

use super::SITE;

/// The demo's chief examiner of the site, and the PIN the office sets for them.
pub const CHIEF: &str = "Z02";
pub const PIN: &str = "246810";

pub struct Site {
    pub runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    /// One-time codes by the name the test gave each device.
    pub codes: HashMap<&'static str, String>,
}

/// One device to enroll: (the test's name for it, staff number, role, room).
pub type Wanted = (&'static str, &'static str, Role, Option<&'static str>);

pub fn site(wanted: &[Wanted]) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let mut server = Server::open(&root.join("server")).unwrap();
    examgate_demo::load(server.store()).unwrap();
    server
        .set_chief_pin(CHIEF, PIN, Utc::now().fixed_offset())
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let mut codes = HashMap::new();
    for &(name, staff, role, room) in wanted {
        let new = NewCode {
            site: SITE.into(),
            room: room.map(Into::into),
            role,
            staff: staff.into(),
            valid: chrono::Duration::minutes(30),
        };
        let issued = server.db().issue_code(&new, Utc::now()).unwrap();
        let code = EnrollCode {
            secret: issued.secret,
            fingerprint: server.fingerprint(),
            urls: vec![url.clone()],
        };
        codes.insert(name, code.to_string());
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.spawn(server.serve(listener));
    Site {
        runtime,
        _dir: dir,
        root,
        codes,
    }
}
