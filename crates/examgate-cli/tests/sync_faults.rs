//! Event sync under faults, with the real binaries: `examgate serve` on loopback with the demo
//! catalogue, door devices enrolled to it, `examgate sync` as a child process. A proxy cutting
//! connections at random byte offsets, the server SIGKILLed mid-push and restarted, the device's
//! sync SIGKILLed mid-way: after the network heals, the server holds every device event exactly
//! once and the device counts nothing pending. Loops are bounded; nothing sleeps for timing.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]
#![cfg(unix)]

mod support;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use examgate_core::door::DoorAct;
use examgate_core::event::RefusalReason;
use examgate_testkit::kill::Rng;
use examgate_testkit::proxy::{Fault, Proxy};
use support::site::*;

fn addr(url: &str) -> SocketAddr {
    url.trim_start_matches("https://").parse().unwrap()
}

/// Some door acts on room 01, and `n` annotations: a push of several batches when `n` is large.
fn day_at_the_door(db: &std::path::Path, n: usize) {
    let room = room_01(db);
    for s in &room[..10] {
        act(db, s, PROCTOR, &DoorAct::Admit);
    }
    act(
        db,
        &room[10],
        PROCTOR,
        &DoorAct::Refuse {
            reason: RefusalReason::DocumentMismatch,
        },
    );
    many_events(db, n);
}

#[test]
fn connections_cut_at_random_offsets_lose_and_duplicate_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = site_server(dir.path());
    let proxy = Proxy::start(addr(&server.url), Box::new(|_| Fault::None)).unwrap();
    let via = format!("https://{}", proxy.addr());
    let db = door(&server, dir.path(), "door", &via, "proctor", PROCTOR);
    day_at_the_door(&db, 120);

    let mut rng = Rng::seeded(9_2026_1129);
    let faults: Vec<Fault> = (0..64).map(|_| Fault::random(&mut rng, 8_000)).collect();
    proxy.set_plan(Box::new(move |n| faults[n as usize % faults.len()]));
    let mut finished = 0;
    for _ in 0..10 {
        // The door keeps working while the network comes and goes.
        many_events(&db, 30);
        if sync(&db).status.success() {
            finished += 1;
        }
    }
    assert!(proxy.stats().cuts >= 2, "{:?}", proxy.stats());
    proxy.heal();
    sync_until_done(&db, 3);
    assert_held_exactly_once(&server, &db);
    eprintln!(
        "{finished}/10 syncs through the faulty proxy finished; {:?}",
        proxy.stats()
    );
}

/// Returns once `n` more bytes than `from` have gone through the proxy towards the server (a
/// condition, not a timing: bounded by a deadline).
fn wait_for_upload(proxy: &Proxy, from: u64, n: u64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while proxy.stats().bytes_to_server < from + n {
        assert!(Instant::now() < deadline, "no upload: {:?}", proxy.stats());
        std::thread::yield_now();
    }
}

#[test]
fn a_server_killed_mid_push_and_restarted_ends_with_every_event_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = site_server(dir.path());
    let proxy = Proxy::start(addr(&server.url), Box::new(|_| Fault::None)).unwrap();
    let via = format!("https://{}", proxy.addr());
    let db = door(&server, dir.path(), "door", &via, "proctor", PROCTOR);
    // Three batches of a few hundred kB: the kill lands inside the second.
    day_at_the_door(&db, 1_100);

    let before = proxy.stats().bytes_to_server;
    let mut child = sync_child(&db);
    wait_for_upload(&proxy, before, 450_000);
    server.kill_and_restart();
    // It may fail, or finish against the restarted server (the client retries a request whose
    // connection closed before it was sent); either way the next sync must leave nothing behind.
    let status = child.wait().unwrap();
    eprintln!("the sync the kill interrupted ended with {status}");

    sync_until_done(&db, 2);
    assert_held_exactly_once(&server, &db);
}

#[test]
fn a_device_sync_killed_mid_way_is_finished_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let server = site_server(dir.path());
    let proxy = Proxy::start(addr(&server.url), Box::new(|_| Fault::None)).unwrap();
    let via = format!("https://{}", proxy.addr());
    let db = door(&server, dir.path(), "door", &via, "proctor", PROCTOR);
    day_at_the_door(&db, 1_100);

    let before = proxy.stats().bytes_to_server;
    let mut child = sync_child(&db);
    wait_for_upload(&proxy, before, 450_000);
    child.kill().unwrap();
    let status = child.wait().unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(
        status.signal(),
        Some(9),
        "killed mid-sync, not after: {status}"
    );

    sync_until_done(&db, 2);
    assert_held_exactly_once(&server, &db);
}
