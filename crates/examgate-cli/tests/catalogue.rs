//! The catalogue lives on the server, with the real binaries: `examgate serve` on loopback, the
//! office importing into its database, `examgate enroll` fetching the catalogue into an empty
//! device database, `examgate catalogue` bringing a later import over; an unchanged catalogue costs
//! a bodiless 304, an older one (a server rebuilt) or one that would drop a candidate with events
//! is refused and changes nothing, another site's catalogue and photos are never served, and the
//! registration photos arrive byte-identical.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

mod support;

use std::path::Path;

use examgate_core::door::DoorAct;
use examgate_store::Store;
use examgate_sync::Client;
use support::catalogue::*;
use support::*;

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
