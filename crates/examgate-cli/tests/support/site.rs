//! What the sync tests add: a site server whose catalogue is the demo exam (imported into its
//! database as the office would, with `examgate demo --db DIR/site.db`), door devices with the
//! demo loaded and enrolled to a room, door acts, `examgate sync`, and what the server holds.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use chrono::{DateTime, FixedOffset, TimeZone};
use examgate_core::door::DoorAct;
use examgate_core::event::Event;
use examgate_core::fold::CandidateState;
use examgate_core::timeline::CHINA_OFFSET;
use examgate_store::{Durability, Store};

use super::{BIN, Served, device_db, enroll, examgate, serve_data, text};

pub const SITTING: &str = "2023春 第一次";
pub const SITE: &str = "襄阳电大校本部";
/// The proctors of the demo's site 2, room 01, and its chief examiner.
pub const PROCTOR: &str = "J2101";
pub const PROCTOR_2: &str = "J2102";
pub const CHIEF: &str = "Z02";

pub fn at(h: u32, m: u32) -> DateTime<FixedOffset> {
    CHINA_OFFSET.with_ymd_and_hms(2023, 4, 15, h, m, 0).unwrap()
}

/// `examgate demo --db <db>`, the office's way of loading the demo catalogue.
pub fn demo(db: &Path) {
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let out = examgate(&["demo", "--db", db.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// A site server on loopback whose database holds the demo catalogue.
pub fn site_server(dir: &Path) -> Served {
    demo(&dir.join("server").join("site.db"));
    serve_data(&dir.join("server"), "127.0.0.1:0")
}

impl Served {
    /// A one-time code for `role` (`proctor` with a room, `chief` without) at the demo's site 2,
    /// reached at `url` (the server's own, or a proxy's).
    pub fn issue_at(&self, url: &str, room: Option<&str>, role: &str, staff: &str) -> String {
        let mut args = vec!["serve", "enroll", "--data", self.data(), "--site", SITE];
        if let Some(room) = room {
            args.extend(["--room", room]);
        }
        args.extend(["--role", role, "--staff", staff, "--url", url]);
        let out = examgate(&args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        stdout
            .lines()
            .find(|l| l.starts_with("EG1:"))
            .unwrap()
            .to_owned()
    }

    /// The server's store, opened beside the running server (another process: SQLite's WAL).
    pub fn store(&self) -> Store {
        Store::open(self.data.join("site.db")).unwrap()
    }
}

/// A door device: the demo loaded, enrolled through `url` as `role` of room 01 (or the chief).
pub fn door(
    server: &Served,
    dir: &Path,
    name: &str,
    url: &str,
    role: &str,
    staff: &str,
) -> PathBuf {
    let db = device_db(dir, name);
    demo(&db);
    let room = (role == "proctor").then_some("01");
    let out = enroll(&db, &server.issue_at(url, room, role, staff));
    assert!(out.status.success(), "{}", text(&out.stderr));
    db
}

/// The student numbers of room 01 of the demo's site 2, by seat.
pub fn room_01(db: &Path) -> Vec<String> {
    Store::open(db)
        .unwrap()
        .room_candidates(SITTING, SITE, "01")
        .unwrap()
        .into_iter()
        .map(|c| c.student_number)
        .collect()
}

/// Records `act` on `student` at the door of `db` by `actor`.
pub fn act(db: &Path, student: &str, actor: &str, act: &DoorAct) {
    Store::open(db)
        .unwrap()
        .act(SITTING, student, actor, act, at(8, 40))
        .unwrap();
}

/// `n` annotations (a candidate sent on to their own room), fast: many events for big batches.
pub fn many_events(db: &Path, n: usize) {
    let mut store = Store::open_with(db, Durability::ProcessCrash).unwrap();
    let students = store.room_candidates(SITTING, SITE, "02").unwrap();
    for i in 0..n {
        let s = &students[i % students.len()].student_number;
        store
            .note_wrong_room(SITTING, s, PROCTOR, "01", at(8, 40))
            .unwrap();
    }
}

/// `examgate sync --db <db>`.
pub fn sync(db: &Path) -> Output {
    examgate(&["sync", "--db", db.to_str().unwrap()])
}

/// `examgate sync --db <db>` as a child, to be killed.
pub fn sync_child(db: &Path) -> std::process::Child {
    Command::new(BIN)
        .args(["sync", "--db", db.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Syncs until `examgate sync` exits 0, at most `tries` times; panics with the last output.
pub fn sync_until_done(db: &Path, tries: usize) {
    let mut last = None;
    for _ in 0..tries {
        let out = sync(db);
        if out.status.success() {
            return;
        }
        last = Some(out);
    }
    let out = last.unwrap();
    panic!(
        "sync never finished: {}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// This device's own events, in seq order.
pub fn own_events(db: &Path) -> Vec<Event> {
    Store::open(db)
        .unwrap()
        .own_events_after(0, usize::MAX)
        .unwrap()
}

/// Every event `store` holds, in its arrival order.
pub fn held(store: &Store) -> Vec<Event> {
    let (events, _) = store.events_after(0, None, None, usize::MAX).unwrap();
    events.into_iter().map(|s| s.event).collect()
}

/// Asserts the server holds each of the device's events exactly once, none waiting, and the
/// device counts nothing pending.
pub fn assert_held_exactly_once(server: &Served, db: &Path) {
    let own = own_events(db);
    let store = server.store();
    let device = Store::open(db).unwrap().device_id().unwrap();
    let on_server: Vec<Event> = held(&store)
        .into_iter()
        .filter(|e| e.device == device)
        .collect();
    let mut sorted = on_server.clone();
    sorted.sort_by_key(|e| e.seq);
    assert_eq!(sorted.len(), own.len(), "each event once");
    assert_eq!(sorted, own, "the server holds exactly the device's events");
    assert!(store.waiting().unwrap().is_empty());
    assert_eq!(store.high_water(device).unwrap(), own.len() as u64);
    let status = examgate_sync::sync_status(&Store::open(db).unwrap()).unwrap();
    assert_eq!(status.pending, 0);
    assert_eq!(status.last_error, None);
}

/// The room-01 tally as `store` folds it: each candidate's state, by seat.
pub fn tally(store: &Store) -> Vec<(String, CandidateState)> {
    store
        .room_candidates(SITTING, SITE, "01")
        .unwrap()
        .into_iter()
        .map(|c| (c.student_number, c.state))
        .collect()
}
