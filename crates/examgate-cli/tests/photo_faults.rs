//! Photo upload under faults, real processes throughout: `examgate sync` talks to a real
//! `examgate serve` through the fault-injecting TCP proxy. A connection cut mid-photo costs at
//! most one chunk of re-sent bytes; a device process killed (SIGKILL) mid-upload resumes from
//! the server's offset, not from the start. Either way the server ends with the photo
//! byte-identical. A server killed (SIGKILL) right after it answered a photo complete still holds
//! it whole, with its signature, when it is back.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

mod photo_fixture;
mod support;

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use examgate_sync::photo_wire::CHUNK;
use examgate_sync::photos::{PhotoReport, upload_one};
use examgate_testkit::proxy::{Fault, Proxy};
use photo_fixture::{device, held, server_files};
use support::*;

/// What TLS and HTTP add around the photo bytes of one run: handshakes, a few hundred bytes of
/// headers per request, 22 bytes of framing per 16 KiB record.
const PROTOCOL: u64 = 32 * 1024;

fn upstream(server: &Served) -> SocketAddr {
    server.url.trim_start_matches("https://").parse().unwrap()
}

/// The photo bytes `examgate sync` says it sent.
fn sent_bytes(stdout: &[u8]) -> u64 {
    let out = text(stdout);
    let after = out.split("发送 ").nth(1).unwrap_or_else(|| panic!("{out}"));
    after.split(' ').next().unwrap().parse().unwrap()
}

#[test]
fn a_cut_mid_photo_re_sends_at_most_one_chunk() {
    let dir = tempfile::tempdir().unwrap();
    let server = site::site_server(dir.path());
    let door = device(dir.path(), "door", &server, 1, 1600);
    let len = door.bytes(0).len() as u64;
    assert!(len > 3 * CHUNK as u64, "the photo spans chunks: {len}");
    // The connection that carries the photo is cut half-way through it (mid-chunk); the rest
    // pass. Which connection that is depends on the client's pool, so every connection is armed
    // and the proxy allows one cut in all.
    let cut_at = len / 2 + CHUNK as u64 / 3;
    let proxy = Proxy::start(
        upstream(&server),
        Box::new(move |_| Fault::CutToServerAfter(cut_at)),
    )
    .unwrap();
    proxy.limit_cuts(1);
    door.use_url(&format!("https://{}", proxy.addr()));

    let out = door.sync();
    assert!(
        out.status.success(),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let stats = proxy.stats();
    assert_eq!(stats.cuts, 1, "{stats:?}");
    assert_eq!(held(&server, &door.photos[0].0).unwrap(), door.bytes(0));
    let sent = sent_bytes(&out.stdout);
    assert!(
        sent > len && sent - len <= CHUNK as u64,
        "photo bytes re-sent after the cut: {} (one chunk is {CHUNK})",
        sent - len
    );
    assert!(
        stats.bytes_to_server <= len + CHUNK as u64 + PROTOCOL,
        "the server received {} bytes in all for a {len}-byte photo",
        stats.bytes_to_server
    );
    assert_eq!(door.pending(), 0);
}

#[test]
fn a_device_killed_mid_upload_resumes_from_the_servers_offset() {
    let dir = tempfile::tempdir().unwrap();
    let server = site::site_server(dir.path());
    let door = device(dir.path(), "door", &server, 1, 1600);
    let len = door.bytes(0).len() as u64;
    // Slow enough that the upload is surely caught half-way.
    let proxy = Proxy::start(
        upstream(&server),
        Box::new(|_| Fault::Delay(Duration::from_millis(20))),
    )
    .unwrap();
    door.use_url(&format!("https://{}", proxy.addr()));

    let mut child = Command::new(BIN)
        .args(["sync", "--db", door.db.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let partial = |s: &Served| {
        let names = server_files(s).1;
        names.first().map_or(0, |n| {
            std::fs::metadata(s.data.join("photos").join("partial").join(n)).map_or(0, |m| m.len())
        })
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    let before = loop {
        let k = partial(&server);
        if k >= CHUNK as u64 {
            break k;
        }
        assert!(Instant::now() < deadline, "no chunk reached the server");
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before the kill"
        );
        std::thread::yield_now();
    };
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(before < len, "killed mid-upload: {before} of {len}");
    assert!(held(&server, &door.photos[0].0).is_none());
    assert_eq!(door.pending(), 1);

    proxy.heal();
    let out = door.sync();
    assert!(
        out.status.success(),
        "{}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let sent = sent_bytes(&out.stdout);
    assert!(
        sent <= len - before,
        "resumed at the server's offset ≥ {before}: sent {sent} of {len}"
    );
    assert_eq!(held(&server, &door.photos[0].0).unwrap(), door.bytes(0));
    assert_eq!(door.pending(), 0);
}

#[test]
fn a_photo_answered_complete_survives_the_server_being_killed() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = site::site_server(dir.path());
    let door = device(dir.path(), "door", &server, 1, 1600);
    let (sha, bytes) = (door.photos[0].0.clone(), door.bytes(0));
    assert!(
        bytes.len() > 2 * CHUNK,
        "the photo spans chunks: {}",
        bytes.len()
    );
    let mut report = PhotoReport::default();
    let client = door.client(&server);
    let upload = upload_one(&client, &sha, &bytes, door.sidecar(0), &mut report, &|_| {});
    assert!(!block_on(upload).unwrap(), "new to the server");
    server.kill_and_restart(); // SIGKILL, right after the complete answer

    assert_eq!(held(&server, &sha).unwrap(), bytes, "whole, byte-identical");
    let sidecar = server
        .data
        .join("photos")
        .join(format!("{sha}.jpg.sig.json"));
    assert_eq!(std::fs::read_to_string(sidecar).unwrap(), door.sidecar(0));
    assert_eq!(server_files(&server).1, Vec::<String>::new(), "no partial");
    let status = block_on(door.client(&server).photo_head(&sha))
        .unwrap()
        .unwrap();
    assert!(status.complete, "{status:?}");
    // The server's record says so too: the photo fetch (the chief's screen) serves it.
    assert_eq!(
        block_on(door.client(&server).photo_get(&sha)).unwrap(),
        bytes
    );
}
