//! What the chief's overview costs on a site of the size the notice names at its top end: 60
//! rooms of 30 (1,800 candidates, generated), 5 admitted in every room, on a real database
//! file. The overview is read again whenever a sync merges events, so it must stay well under a
//! second (29 ms here, debug build). Prints the figure (`-- --nocapture`); asserts what it is of.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use std::time::Instant;

use chrono::Utc;
use examgate_core::door::DoorAct;
use examgate_core::timeline::CHINA_OFFSET;
use examgate_demo::sittings;
use examgate_door::Door;
use examgate_store::import::SourceFile;
use examgate_store::{ImportOptions, ServerLink, Store};
use examgate_testkit::resident_id;

const ROOMS: u32 = 60;
const SITE: &str = "大考点";

fn site_files() -> Vec<SourceFile> {
    let mut seating =
        String::from("学号,姓名,证件类型,证件号码,考点,考点地址,考场,考场地址,座位号\n");
    let mut roster = String::from("工号,姓名,角色,考点,考场\n");
    for i in 0..ROOMS * 30 {
        let (room, seat) = (i / 30 + 1, i % 30 + 1);
        let id = resident_id(&format!("420602199001{:02}{:03}", i / 1000 + 1, i % 1000));
        seating.push_str(&format!(
            "22429{i:08},考生{i},身份证,{id},{SITE},大考点地址,{room:03},{room:03}室,{seat}\n"
        ));
        if seat == 1 {
            roster.push_str(&format!("B{room:04}1,监考{room}甲,监考,{SITE},{room:03}\n"));
        }
    }
    roster.push_str(&format!("Z0001,主考,主考,{SITE},\n"));
    let file = |name: &str, text: String| SourceFile {
        name: name.into(),
        bytes: text.into_bytes(),
    };
    vec![file("座次表.csv", seating), file("监考名单.csv", roster)]
}

#[test]
fn the_overview_of_a_sixty_room_site_counts_every_room_and_prints_its_cost() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("chief.db");
    let sitting = sittings().into_iter().next().unwrap();
    {
        let mut store = Store::open(&db).unwrap();
        store.add_sitting_as(&sitting, CHINA_OFFSET, true).unwrap();
        let opts = ImportOptions {
            sitting: Some(sitting.label.clone()),
            ..ImportOptions::default()
        };
        store.import(&site_files(), &opts).unwrap();
        store
            .set_server_link(&ServerLink {
                urls: vec!["https://192.0.2.1:8740".into()],
                fingerprint: "ab".repeat(32),
                token: "t".repeat(43),
                site: SITE.into(),
                room: None,
                role: "chief".into(),
                staff: "Z0001".into(),
                enrolled_at: Utc::now().to_rfc3339(),
            })
            .unwrap();
    }
    let door = Door::open(&db).unwrap();
    door.set_clock(&sitting.label, Some("2023-04-15T08:40:00+08:00"), None)
        .unwrap();
    for room in 1..=ROOMS {
        let students: Vec<String> = door
            .tally(&sitting.label, SITE, &format!("{room:03}"))
            .unwrap()
            .expected
            .iter()
            .map(|c| c.student_number.clone())
            .collect();
        let proctor = format!("B{room:04}1");
        for s in &students[..5] {
            door.act(&sitting.label, s, &proctor, &DoorAct::Admit)
                .unwrap();
        }
    }

    let t = Instant::now();
    let overview = door.site_overview(&sitting.label).unwrap();
    let took = t.elapsed();
    println!(
        "site_overview: {} rooms, {} candidates, {} admitted: {took:?}",
        overview.rooms.len(),
        overview
            .rooms
            .iter()
            .map(|r| r.expected + r.admitted)
            .sum::<u32>(),
        overview.rooms.iter().map(|r| r.admitted).sum::<u32>()
    );
    assert_eq!(overview.rooms.len(), ROOMS as usize);
    assert!(
        overview
            .rooms
            .iter()
            .all(|r| r.admitted == 5 && r.expected == 25)
    );
}
