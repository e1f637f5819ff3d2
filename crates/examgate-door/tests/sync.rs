//! The door's background sync against a real site server (in this process, on loopback, over
//! TLS, the demo catalogue in its database): a door act starts a sync at once and a second
//! device at the door sees the admission; offline, the header's state says since when and how
//! many events wait; a clock more than 2 minutes off is warned about; and a door act goes through
//! while a sync hangs on the network. Nothing here sleeps: tests wait on the door's count of
//! finished sync attempts, each wait bounded.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, mpsc};
use std::time::Duration;

use chrono::Utc;
use examgate_core::door::DoorAct;
use examgate_door::{Door, ErrorCode, SyncSchedule, SyncState};
use examgate_server::{NewCode, Server};
use examgate_store::{ServerLink, Store};
use examgate_sync::EnrollCode;
use examgate_sync::wire::Role;

const SITTING: &str = "2023春 第一次";
const SITE: &str = "襄阳电大校本部";
/// The demo's proctors of site 2, room 01.
const PROCTORS: [&str; 2] = ["J2101", "J2102"];
/// Before the start: nobody is late.
const EXAM_TIME: &str = "2023-04-15T08:40:00+08:00";
const BOUND: Duration = Duration::from_secs(30);

/// A site server with the demo catalogue, serving on its own runtime (dropping it stops the
/// server), and one proctor code per entry of `PROCTORS`.
struct Site {
    runtime: tokio::runtime::Runtime,
    codes: Vec<String>,
}

fn site(dir: &Path) -> Site {
    let mut server = Server::open(&dir.join("server")).unwrap();
    examgate_demo::load(server.store()).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    let codes = PROCTORS
        .iter()
        .map(|staff| {
            let new = NewCode {
                site: SITE.into(),
                room: Some("01".into()),
                role: Role::Proctor,
                staff: (*staff).into(),
                valid: chrono::Duration::minutes(30),
            };
            let issued = server.db().issue_code(&new, Utc::now()).unwrap();
            EnrollCode {
                secret: issued.secret,
                fingerprint: server.fingerprint(),
                urls: vec![url.clone()],
            }
            .to_string()
        })
        .collect();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.spawn(server.serve(listener));
    Site { runtime, codes }
}

/// A door device with the demo loaded at the exam time the tests use.
fn door(dir: &Path, name: &str) -> Door {
    let door = Door::open(&dir.join(name).join("examgate.db")).unwrap();
    door.load_demo().unwrap();
    door.set_clock(SITTING, Some(EXAM_TIME), None).unwrap();
    door
}

fn room_01(door: &Door) -> Vec<String> {
    door.tally(SITTING, SITE, "01")
        .unwrap()
        .expected
        .iter()
        .map(|c| c.student_number.clone())
        .collect()
}

/// Waits (bounded) until `door` has finished at least `n` sync attempts.
fn attempts(runtime: &tokio::runtime::Runtime, door: &Door, n: u64) {
    let mut rx = door.sync_attempts();
    runtime
        .block_on(async { tokio::time::timeout(BOUND, rx.wait_for(|done| *done >= n)).await })
        .unwrap_or_else(|_| panic!("fewer than {n} sync attempts in {BOUND:?}"))
        .unwrap();
}

#[test]
fn a_door_act_starts_a_sync_at_once_and_a_second_device_at_the_door_sees_the_admission() {
    let dir = tempfile::tempdir().unwrap();
    let site = site(dir.path());
    let a = Arc::new(door(dir.path(), "a"));
    let b = door(dir.path(), "b");
    site.runtime
        .block_on(a.enroll(&site.codes[0], Some("门口 A")))
        .unwrap();
    site.runtime
        .block_on(b.enroll(&site.codes[1], Some("门口 B")))
        .unwrap();
    assert_eq!(a.sync_status().unwrap().state, SyncState::Never);

    // The period is an hour: only the enrollment's and the act's wake-ups can start a sync.
    let schedule = SyncSchedule {
        period: Duration::from_secs(3600),
        long_poll_secs: 20,
    };
    let background = Arc::clone(&a);
    site.runtime
        .spawn(async move { background.run_background_sync(schedule).await });
    attempts(&site.runtime, &a, 1);
    assert_eq!(a.sync_status().unwrap().state, SyncState::Synced);

    let student = room_01(&a)[0].clone();
    a.act(SITTING, &student, PROCTORS[0], &DoorAct::Admit)
        .unwrap();
    attempts(&site.runtime, &a, 2);
    let status = a.sync_status().unwrap();
    assert_eq!((status.state, status.pending), (SyncState::Synced, 0));
    assert!(status.clock.is_some() && !status.clock_warning);

    site.runtime.block_on(b.sync_now()).unwrap();
    let tally = b.tally(SITTING, SITE, "01").unwrap();
    let admitted: Vec<_> = tally.admitted.iter().map(|c| &c.student_number).collect();
    assert_eq!(admitted, vec![&student]);
}

#[test]
fn offline_the_header_says_since_the_last_sync_and_counts_the_events_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let site = site(dir.path());
    let door = door(dir.path(), "door");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(door.enroll(&site.codes[0], None)).unwrap();
    let synced = runtime.block_on(door.sync_now()).unwrap();
    assert_eq!((synced.state, synced.pending), (SyncState::Synced, 0));
    let last = synced.last_sync_at.clone().unwrap();

    drop(site); // the server goes away
    for s in &room_01(&door)[..2] {
        door.act(SITTING, s, PROCTORS[0], &DoorAct::Admit).unwrap();
    }
    let waiting = door.sync_status().unwrap();
    assert_eq!((waiting.state, waiting.pending), (SyncState::Pending, 2));
    let err = runtime.block_on(door.sync_now()).unwrap_err();
    assert_eq!(err.code, ErrorCode::ServerUnreachable, "{err}");
    let offline = door.sync_status().unwrap();
    assert_eq!(offline.state, SyncState::Offline);
    assert_eq!(offline.pending, 2);
    assert_eq!(offline.offline_since.as_deref(), Some(last.as_str()));
    assert!(offline.last_error.is_some());
}

#[test]
fn a_device_more_than_two_minutes_off_the_server_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("examgate.db");
    let link = |store: &mut Store| {
        store
            .set_server_link(&ServerLink {
                urls: vec!["https://192.0.2.1:8740".into()],
                fingerprint: "ab".repeat(32),
                token: "t".repeat(43),
                site: SITE.into(),
                room: Some("01".into()),
                role: "proctor".into(),
                staff: PROCTORS[0].into(),
                enrolled_at: Utc::now().to_rfc3339(),
            })
            .unwrap();
    };
    drop(Door::open(&db).unwrap());
    for (ahead_s, warned) in [(119, false), (-121, true), (180, true)] {
        {
            let mut store = Store::open(&db).unwrap();
            link(&mut store);
            store
                .set_clock_offset(ahead_s * 1_000_000, 20_000, Utc::now().fixed_offset())
                .unwrap();
        }
        let view = Door::open(&db).unwrap().sync_status().unwrap();
        assert_eq!(view.clock.unwrap().device_ahead_ms, ahead_s * 1000);
        assert_eq!(view.clock_warning, warned, "{ahead_s} s");
    }
}

#[test]
fn a_door_act_goes_through_while_the_background_sync_hangs_on_the_network() {
    // A "server" that accepts connections and then says nothing.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("examgate.db");
    drop(door(dir.path(), "")); // the demo loaded, at the exam time
    {
        let mut store = Store::open(&db).unwrap();
        store
            .set_server_link(&ServerLink {
                urls: vec![format!("https://{}", listener.local_addr().unwrap())],
                fingerprint: "cd".repeat(32),
                token: "t".repeat(43),
                site: SITE.into(),
                room: Some("01".into()),
                role: "proctor".into(),
                staff: PROCTORS[0].into(),
                enrolled_at: Utc::now().to_rfc3339(),
            })
            .unwrap();
    }
    let door = Arc::new(Door::open(&db).unwrap());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let background = Arc::clone(&door);
    runtime.spawn(async move {
        background
            .run_background_sync(SyncSchedule::default())
            .await
    });
    // The background sync is now waiting on the network.
    let (_held, _) = listener.accept().unwrap();

    let student = room_01(&door)[0].clone();
    let (tx, rx) = mpsc::channel();
    let acting = Arc::clone(&door);
    std::thread::spawn(move || {
        let _ = tx.send(acting.act(SITTING, &student, PROCTORS[0], &DoorAct::Admit));
    });
    let done = rx
        .recv_timeout(BOUND)
        .expect("the admission waited for the hanging sync");
    assert!(done.is_ok(), "{done:?}");
    assert_eq!(door.sync_status().unwrap().pending, 1);
    runtime.shutdown_background();
}
