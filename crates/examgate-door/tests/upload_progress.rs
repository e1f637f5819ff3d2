//! The header's photo count and upload bar, against a real site server (in this process, over
//! TLS) reached through a TCP proxy that slows every chunk, so an upload round lasts long enough
//! to be seen: while it runs the door's sync state carries the round's bytes sent of its total;
//! before, the photo counts as waiting (待上传 M 张照片); after, neither. The wait for the bar is
//! a bounded wait on the condition, not a sleep.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

mod common;

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use common::{SITE, SITTING, camera_jpeg, target};
use examgate_door::{SyncState, UploadProgress};
use examgate_server::{NewCode, Server};
use examgate_sync::EnrollCode;
use examgate_sync::wire::Role;
use examgate_testkit::proxy::{Fault, Proxy};

const PROCTOR: &str = "J2101";
const BOUND: Duration = Duration::from_secs(60);

#[test]
fn while_photos_upload_the_header_has_the_rounds_bytes_and_counts_the_photos_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::open(&dir.path().join("server")).unwrap();
    examgate_demo::load(server.store()).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let upstream = listener.local_addr().unwrap();
    let proxy = Proxy::start(upstream, Box::new(|_| Fault::None)).unwrap();
    let issued = server
        .db()
        .issue_code(
            &NewCode {
                site: SITE.into(),
                room: Some("01".into()),
                role: Role::Proctor,
                staff: PROCTOR.into(),
                valid: chrono::Duration::minutes(30),
            },
            Utc::now(),
        )
        .unwrap();
    let code = EnrollCode {
        secret: issued.secret,
        fingerprint: server.fingerprint(),
        urls: vec![format!("https://{}", proxy.addr())],
    }
    .to_string();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.spawn(server.serve(listener));

    let door = Arc::new(common::demo_at(
        &dir.path().join("door").join("examgate.db"),
    ));
    runtime.block_on(door.enroll(&code, None)).unwrap();
    runtime.block_on(door.sync_now()).unwrap();
    let student = door.tally(SITTING, SITE, "01").unwrap().expected[0]
        .student_number
        .clone();
    door.take_photo(&target(PROCTOR, &student), &camera_jpeg(1600, 1200))
        .unwrap();
    let photo = dir
        .path()
        .join("door/photos")
        .join(SITTING)
        .join(format!("{student}.jpg"));
    let size = std::fs::metadata(&photo).unwrap().len();

    // Before the upload: one event and one photo wait, and no bar.
    let before = door.sync_status().unwrap();
    assert_eq!((before.pending, before.photos_pending), (1, 1));
    assert_eq!(before.state, SyncState::Pending);
    assert_eq!(before.upload, None);

    // Every chunk now takes a while: the round is slow enough to watch.
    proxy.set_plan(Box::new(|_| Fault::Delay(Duration::from_millis(40))));
    let syncing = Arc::clone(&door);
    let sync = runtime.spawn(async move { syncing.sync_now().await });
    let started = Instant::now();
    let seen: UploadProgress = loop {
        if let Some(u) = door.sync_status().unwrap().upload {
            break u;
        }
        assert!(
            !sync.is_finished(),
            "the sync ended and no upload was ever shown"
        );
        assert!(started.elapsed() < BOUND, "no upload shown in {BOUND:?}");
        std::thread::yield_now();
    };
    assert_eq!(seen.total, size, "the round's total is the photo's bytes");
    assert!(seen.sent <= seen.total, "{seen:?}");

    let after = runtime.block_on(sync).unwrap().unwrap();
    assert_eq!((after.pending, after.photos_pending), (0, 0));
    assert_eq!(after.state, SyncState::Synced);
    assert_eq!(after.upload, None, "the bar goes when the round ends");
}
