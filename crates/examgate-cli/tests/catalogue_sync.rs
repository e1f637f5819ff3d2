//! The catalogue through faults and sync: a download cut half-way by the fault proxy changes
//! nothing and keeps the photos that arrived, an unchanged catalogue costs a few hundred bytes,
//! and `examgate sync` brings a changed catalogue along.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

mod support;

use std::path::{Path, PathBuf};

use examgate_store::Store;
use examgate_sync::Client;
use support::catalogue::*;
use support::*;

/// A device of 第一考点 enrolled (holding the 4-candidate catalogue) while the office then adds
/// 200 candidates with photos: the refresh through a proxy that counts and cuts the bytes.
fn through_proxy(
    dir: &Path,
) -> (
    Served,
    PathBuf,
    examgate_testkit::proxy::Proxy,
    examgate_sync::Client,
) {
    let server = site_server(dir);
    let db = device_db(dir, "door");
    assert!(
        enroll(&db, &code_for(&server, SITE, "101", "P001"))
            .status
            .success()
    );
    let rows: Vec<(&str, &str, u32)> = (10..210).map(|n| (SITE, "103", n)).collect();
    import(&server, &lists(dir, "many", &rows, false));
    let upstream: std::net::SocketAddr = server.url.trim_start_matches("https://").parse().unwrap();
    let proxy = examgate_testkit::proxy::Proxy::start(
        upstream,
        Box::new(|_| examgate_testkit::proxy::Fault::None),
    )
    .unwrap();
    let token = link(&db).unwrap().token;
    let client = Client::new(&format!("https://{}", proxy.addr()), server.fingerprint)
        .unwrap()
        .with_token(token);
    (server, db, proxy, client)
}

#[test]
fn a_cut_download_changes_nothing_keeps_the_photos_that_arrived_and_an_unchanged_catalogue_costs_bytes_not_megabytes()
 {
    use examgate_sync::{CatalogueOutcome, refresh_catalogue};
    let dir = tempfile::tempdir().unwrap();
    let (_server, db, proxy, client) = through_proxy(dir.path());
    let store = std::sync::Mutex::new(Store::open(&db).unwrap());

    // The connection is cut two thirds into what the refresh would transfer (about 460 KB:
    // the catalogue, then 200 photos of 2 KB on the same connection). Every connection is
    // armed and one cut allowed: the client's pool does not always carry the download on the
    // proxy's first connection, and cutting only that one let the refresh through now and then.
    proxy.set_plan(Box::new(|_| {
        examgate_testkit::proxy::Fault::CutToClientAfter(300_000)
    }));
    proxy.limit_cuts(1);
    assert!(block_on(refresh_catalogue(&store, &client)).is_err());
    let held_after_cut = store.lock().unwrap().held_catalogue().unwrap().unwrap();
    assert_eq!(
        held_after_cut.version, 1,
        "nothing of the new catalogue applied"
    );
    assert!(
        store
            .lock()
            .unwrap()
            .candidate(SITTING, &student(10))
            .is_err()
    );

    let before = proxy.stats().bytes_to_client;
    let outcome = block_on(refresh_catalogue(&store, &client)).unwrap();
    let CatalogueOutcome::Applied { report, photos } = outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(report.added, 200);
    assert!(
        photos > 0 && photos < 200,
        "only the photos the cut lost: {photos}"
    );
    let full = proxy.stats().bytes_to_client - before;
    let door = store.lock().unwrap();
    assert_eq!(
        door.registration_photo(SITTING, &student(209))
            .unwrap()
            .unwrap()
            .1,
        jpeg(209)
    );
    drop(door);

    let before = proxy.stats().bytes_to_client;
    let outcome = block_on(refresh_catalogue(&store, &client)).unwrap();
    assert_eq!(outcome, CatalogueOutcome::Unchanged { version: 2 });
    let unchanged = proxy.stats().bytes_to_client - before;
    eprintln!(
        "refresh after the cut: {full} bytes to the device ({photos} photos); unchanged: {unchanged} bytes"
    );
    assert!(
        unchanged < 8_000,
        "a 304 and a TLS handshake: {unchanged} bytes"
    );
}

#[test]
fn a_sync_brings_a_changed_catalogue_along_and_an_unchanged_one_costs_nothing_more() {
    let dir = tempfile::tempdir().unwrap();
    let server = site_server(dir.path());
    let db = device_db(dir.path(), "door");
    assert!(
        enroll(&db, &code_for(&server, SITE, "101", "P001"))
            .status
            .success()
    );
    let sync = || examgate(&["sync", "--db", db.to_str().unwrap()]);

    let out = sync();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("名册未变"),
        "{}",
        text(&out.stdout)
    );

    import(
        &server,
        &lists(dir.path(), "later", &[(SITE, "102", 5)], false),
    );
    let out = sync();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("名册已更新"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(held(&db).version, 2);
    let door = Store::open(&db).unwrap();
    assert_eq!(door.candidate(SITTING, &student(5)).unwrap().room, "102");
}
