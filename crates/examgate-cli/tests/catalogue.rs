//! The catalogue lives on the server, with the real binaries: `examgate serve` on loopback, the
//! office importing into its database, `examgate enroll` fetching the catalogue into an empty
//! device database, `examgate catalogue` bringing a later import over; an unchanged catalogue costs
//! a bodiless 304, an older one (a server rebuilt) or one that would drop a candidate with events
//! is refused and changes nothing, another site's catalogue and photos are never served, and the
//! registration photos arrive byte-identical.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

mod support;

use std::path::{Path, PathBuf};

use chrono::DateTime;
use examgate_core::door::DoorAct;
use examgate_store::Store;
use examgate_sync::Client;
use examgate_sync::wire::CatalogueVersion;
use examgate_testkit::resident_id;
use support::*;

const SITTING: &str = "2024春 第一次";
const SITE: &str = "第一考点";
const OTHER: &str = "第二考点";

fn student(n: u32) -> String {
    format!("2242300000{n:03}")
}

fn id(n: u32) -> String {
    resident_id(&format!("42060219900101{n:03}"))
}

/// A small JPEG-shaped file, different for each `n` (the import checks the magic bytes).
fn jpeg(n: u32) -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0];
    b.extend((0..2000u32).map(|i| (i.wrapping_mul(n + 7) % 251) as u8));
    b.extend([0xFF, 0xD9]);
    b
}

/// Writes a seating list of `(site, room, n)` rows with a photo each, and a roster, into a
/// fresh folder; returns the files to import.
fn lists(dir: &Path, name: &str, rows: &[(&str, &str, u32)], roster: bool) -> Vec<PathBuf> {
    let folder = dir.join(name);
    std::fs::create_dir_all(&folder).unwrap();
    let mut csv =
        String::from("学号,姓名,证件类型,证件号码,考点,考点地址,考场,考场地址,座位号,照片\n");
    for (site, room, n) in rows {
        let photo = format!("{}.jpg", student(*n));
        std::fs::write(folder.join(&photo), jpeg(*n)).unwrap();
        csv.push_str(&format!(
            "{},考生{n},身份证,{},{site},{site}地址,{room},{site}{room}室,{n},{photo}\n",
            student(*n),
            id(*n)
        ));
    }
    let list = folder.join("座次表.csv");
    std::fs::write(&list, csv).unwrap();
    let mut files = vec![list];
    if roster {
        let r = folder.join("监考名单.csv");
        std::fs::write(
            &r,
            format!("工号,姓名,角色,考点,考场\nP001,王老师,监考,{SITE},101\nC001,李主考,主考,{SITE},\nP201,赵老师,监考,{OTHER},201\n"),
        )
        .unwrap();
        files.push(r);
    }
    files
}

fn import(server: &Served, files: &[PathBuf]) {
    let db = server.data.join("site.db");
    let mut args = vec!["import", "--db", db.to_str().unwrap()];
    args.extend([
        "--sitting",
        SITTING,
        "--date",
        "2024-04-13",
        "--paper",
        "11908",
    ]);
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    let out = examgate(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// A server holding site 第一考点 (room 101: 1, 2; room 102: 3) and 第二考点 (room 201: 4).
fn site_server(dir: &Path) -> Served {
    let server = serve(dir);
    let rows = [
        (SITE, "101", 1),
        (SITE, "101", 2),
        (SITE, "102", 3),
        (OTHER, "201", 4),
    ];
    import(&server, &lists(dir, "lists", &rows, true));
    server
}

/// A one-time code for `site`/`room`, as `examgate serve enroll` prints it.
fn code_for(server: &Served, site: &str, room: &str, staff: &str) -> String {
    let args = [
        "serve",
        "enroll",
        "--data",
        server.data(),
        "--site",
        site,
        "--room",
        room,
        "--role",
        "proctor",
        "--staff",
        staff,
        "--url",
        &server.url,
    ];
    let out = examgate(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .find(|l| l.starts_with("EG1:"))
        .unwrap()
        .to_owned()
}

fn refresh(db: &Path) -> std::process::Output {
    examgate(&["catalogue", "--db", db.to_str().unwrap()])
}

fn held(db: &Path) -> CatalogueVersion {
    Store::open(db)
        .unwrap()
        .held_catalogue()
        .unwrap()
        .unwrap()
        .into()
}

fn at_905() -> DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339("2024-04-13T09:05:00+08:00").unwrap()
}

fn client(server: &Served, db: &Path) -> Client {
    let token = link(db).unwrap().token;
    Client::new(&server.url, server.fingerprint)
        .unwrap()
        .with_token(token)
}

#[test]
fn a_freshly_enrolled_device_gets_its_sites_catalogue_and_admits_from_it() {
    let dir = tempfile::tempdir().unwrap();
    let server = site_server(dir.path());
    let db = device_db(dir.path(), "door");
    let out = enroll(&db, &code_for(&server, SITE, "101", "P001"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("名册已更新"),
        "{}",
        text(&out.stdout)
    );

    let mut door = Store::open(&db).unwrap();
    let found = door.search(SITTING, SITE, Some("101"), "0002", 5).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].student_number, student(2));
    assert_eq!(
        found[0].document_number,
        id(2),
        "the whole number, for the typed-ID check"
    );
    assert_eq!(
        door.check_document(SITTING, &student(2), &id(2)).unwrap(),
        examgate_core::search::DocumentMatch::Full
    );
    door.act(SITTING, &student(2), "P001", &DoorAct::Admit, at_905())
        .unwrap();
    // The whole site (a candidate at the wrong door is found with their room), no other site.
    assert_eq!(door.room_candidates(SITTING, SITE, "102").unwrap().len(), 1);
    assert!(door.candidate(SITTING, &student(4)).is_err());
    for n in [1, 2, 3] {
        let (_, bytes) = door
            .registration_photo(SITTING, &student(n))
            .unwrap()
            .unwrap();
        assert_eq!(bytes, jpeg(n), "photo {n} arrives byte-identical");
    }
    assert_eq!(held(&db).version, 1);
}

#[test]
fn a_new_import_reaches_the_device_and_an_unchanged_catalogue_costs_a_bodiless_304() {
    let dir = tempfile::tempdir().unwrap();
    let server = site_server(dir.path());
    let db = device_db(dir.path(), "door");
    assert!(
        enroll(&db, &code_for(&server, SITE, "101", "P001"))
            .status
            .success()
    );
    let v1 = held(&db);

    import(
        &server,
        &lists(dir.path(), "later", &[(SITE, "101", 5)], false),
    );
    let out = refresh(&db);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("新增 1"),
        "{}",
        text(&out.stdout)
    );
    let v2 = held(&db);
    assert_eq!(v2.version, v1.version + 1);
    let door = Store::open(&db).unwrap();
    assert_eq!(door.candidate(SITTING, &student(5)).unwrap().name, "考生5");
    assert_eq!(
        door.registration_photo(SITTING, &student(5))
            .unwrap()
            .unwrap()
            .1,
        jpeg(5)
    );
    drop(door);

    // Unchanged: the server answers 304 with no body, and the CLI says so.
    let c = client(&server, &db);
    assert_eq!(block_on(c.catalogue(Some(&v2))).unwrap(), None);
    assert_eq!(block_on(c.catalogue_version()).unwrap(), v2);
    let out = refresh(&db);
    assert!(out.status.success());
    assert!(
        text(&out.stdout).contains("名册未变"),
        "{}",
        text(&out.stdout)
    );
    // Asked without what it holds, the same server answers the whole catalogue again.
    let whole = block_on(c.catalogue(None)).unwrap().unwrap();
    assert_eq!(
        (whole.version, whole.sha256.as_str()),
        (v2.version, v2.sha256.as_str())
    );
}

/// A device of 第一考点 room 101 enrolled with `first` and holding its catalogue, re-enrolled
/// with `second` (a server rebuilt): the enrollment's catalogue step exits 1 with `stderr`.
fn reenroll(db: &Path, second: &Served) -> String {
    let out = enroll(db, &code_for(second, SITE, "101", "P001"));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    text(&out.stderr)
}

#[test]
fn a_catalogue_older_than_the_one_held_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let first = site_server(dir.path());
    let db = device_db(dir.path(), "door");
    assert!(
        enroll(&db, &code_for(&first, SITE, "101", "P001"))
            .status
            .success()
    );
    import(
        &first,
        &lists(dir.path(), "later", &[(SITE, "101", 5)], false),
    );
    assert!(refresh(&db).status.success());
    assert_eq!(held(&db).version, 2);

    // The office rebuilt the server from the first lists: its catalogue is version 1 again.
    let second = site_server(&dir.path().join("rebuilt"));
    let stderr = reenroll(&db, &second);
    assert!(
        stderr.contains("早于") && stderr.contains("catalogue-older"),
        "{stderr}"
    );
    assert_eq!(held(&db).version, 2);
    let door = Store::open(&db).unwrap();
    door.candidate(SITTING, &student(5)).unwrap();
}

#[test]
fn a_catalogue_dropping_a_candidate_with_events_is_refused_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let first = site_server(dir.path());
    let db = device_db(dir.path(), "door");
    assert!(
        enroll(&db, &code_for(&first, SITE, "101", "P001"))
            .status
            .success()
    );
    let mut door = Store::open(&db).unwrap();
    door.act(SITTING, &student(1), "P001", &DoorAct::Admit, at_905())
        .unwrap();
    drop(door);

    // A rebuilt server whose lists lack candidate 1, at version 2.
    let second = serve(&dir.path().join("rebuilt"));
    let rows = [(SITE, "101", 2), (SITE, "102", 3), (OTHER, "201", 4)];
    import(&second, &lists(dir.path(), "rebuilt-lists", &rows, true));
    let other = device_db(dir.path(), "other");
    assert!(
        enroll(&other, &code_for(&second, SITE, "102", "P001"))
            .status
            .success()
    );
    import(
        &second,
        &lists(dir.path(), "rebuilt-later", &[(SITE, "102", 6)], false),
    );

    let stderr = reenroll(&db, &second);
    assert!(
        stderr.contains(&student(1)) && stderr.contains("考生1"),
        "{stderr}"
    );
    assert!(
        !stderr.contains(&id(1)),
        "ID numbers never whole in messages: {stderr}"
    );
    let door = Store::open(&db).unwrap();
    door.candidate(SITTING, &student(1)).unwrap();
    assert!(
        door.candidate(SITTING, &student(6)).is_err(),
        "nothing of it was applied"
    );
}

#[test]
fn another_sites_catalogue_and_photos_are_never_served_to_a_device() {
    let dir = tempfile::tempdir().unwrap();
    let server = site_server(dir.path());
    let db = device_db(dir.path(), "door");
    assert!(
        enroll(&db, &code_for(&server, OTHER, "201", "P201"))
            .status
            .success()
    );
    let c = client(&server, &db);
    let cat = block_on(c.catalogue(None)).unwrap().unwrap();
    assert_eq!(cat.site, OTHER);
    let students: Vec<&str> = cat
        .candidates
        .iter()
        .map(|x| x.student_number.as_str())
        .collect();
    assert_eq!(students, [student(4)]);
    assert!(cat.staff.iter().all(|s| s.id == "P201"), "{:?}", cat.staff);

    let mine = &cat.candidates[0].photo.as_ref().unwrap().sha256;
    assert_eq!(block_on(c.catalogue_photo(mine)).unwrap(), jpeg(4));
    let first = device_db(dir.path(), "first");
    assert!(
        enroll(&first, &code_for(&server, SITE, "101", "P001"))
            .status
            .success()
    );
    let of_first = block_on(client(&server, &first).catalogue(None))
        .unwrap()
        .unwrap();
    let theirs = of_first.candidates[0]
        .photo
        .as_ref()
        .unwrap()
        .sha256
        .clone();
    assert_eq!(refused(block_on(c.catalogue_photo(&theirs))).0, 404);
    assert_eq!(refused(block_on(c.catalogue_photo("../site.db"))).0, 404);
    // Without a token, nothing.
    let anonymous = Client::new(&server.url, server.fingerprint).unwrap();
    assert_eq!(refused(block_on(anonymous.catalogue(None))).0, 401);
}

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
    // the catalogue, then 200 photos of 2 KB on the same connection).
    proxy.set_plan(Box::new(|n| match n {
        0 => examgate_testkit::proxy::Fault::CutToClientAfter(300_000),
        _ => examgate_testkit::proxy::Fault::None,
    }));
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
