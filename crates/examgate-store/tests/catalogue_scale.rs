//! What the catalogue costs on a 10,000-candidate site (generated), on real
//! database files: exporting and numbering it, asking for its version while nothing changed (a
//! row read), its size as JSON, applying it on an empty device, and applying it again (nothing).
//! Prints the figures (`-- --nocapture`); asserts what they are of.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use std::time::Instant;

use examgate_core::timeline::CHINA_OFFSET;
use examgate_demo::sittings;
use examgate_store::import::SourceFile;
use examgate_store::{Durability, ImportOptions, Store};
use examgate_testkit::resident_id;

/// 10,000 candidates in rooms of 30 and two proctors a room, every document number its own.
fn large_site() -> Vec<SourceFile> {
    let mut seating =
        String::from("学号,姓名,证件类型,证件号码,考点,考点地址,考场,考场地址,座位号\n");
    let mut roster = String::from("工号,姓名,角色,考点,考场\n");
    for i in 0..10_000u32 {
        let (room, seat) = (i / 30 + 1, i % 30 + 1);
        let id = resident_id(&format!("420602199001{:02}{:03}", i / 1000 + 1, i % 1000));
        seating.push_str(&format!(
            "22429{i:08},考生{i},身份证,{id},大考点,大考点地址,{room:03},{room:03}室,{seat}\n"
        ));
        if seat == 1 {
            roster.push_str(&format!("B{room:04}1,监考{room}甲,监考,大考点,{room:03}\n"));
            roster.push_str(&format!("B{room:04}2,监考{room}乙,监考,大考点,{room:03}\n"));
        }
    }
    let file = |name: &str, text: String| SourceFile {
        name: name.into(),
        bytes: text.into_bytes(),
    };
    vec![file("座次表.csv", seating), file("监考名单.csv", roster)]
}

#[test]
fn a_ten_thousand_candidate_sites_catalogue_is_exported_polled_and_applied() {
    let dir = tempfile::tempdir().unwrap();
    let mut server =
        Store::open_with(dir.path().join("site.db"), Durability::ProcessCrash).unwrap();
    let sitting = sittings().into_iter().next().unwrap();
    server.add_sitting_as(&sitting, CHINA_OFFSET, true).unwrap();
    let opts = ImportOptions {
        sitting: Some(sitting.label.clone()),
        ..ImportOptions::default()
    };
    server.import(&large_site(), &opts).unwrap();
    let site = server.sites().unwrap().remove(0).name;

    let t = Instant::now();
    let cat = server.catalogue(&site).unwrap();
    let export = t.elapsed();
    let json = serde_json::to_vec(&cat).unwrap();
    let t = Instant::now();
    let polls = 100;
    for _ in 0..polls {
        assert_eq!(server.catalogue_version(&site).unwrap(), cat.version());
    }
    let poll = t.elapsed() / polls;

    let mut door = Store::open(dir.path().join("door.db")).unwrap();
    let t = Instant::now();
    let report = door.apply_catalogue(&cat).unwrap();
    let apply = t.elapsed();
    assert_eq!(report.added, 10_000);
    let t = Instant::now();
    assert!(door.apply_catalogue(&cat).unwrap().unchanged);
    let again = t.elapsed();
    assert_eq!(door.catalogue(&site).unwrap().sha256, cat.sha256);
    eprintln!(
        "catalogue of 10,000 candidates: {} KiB as JSON; export {export:?}, version poll {poll:?}, \
         apply on an empty device {apply:?}, same version again {again:?}",
        json.len() / 1024
    );
}
