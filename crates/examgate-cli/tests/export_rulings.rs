//! The day's report (考试情况汇总) on the room's close: the proctors counted toward the staffing
//! rule with the substitutes named as such, whether and when each room was closed, and the
//! sheet 豁免与裁定 listing the chief examiner's closing waivers and settled conflicts — on a
//! small day recorded through the store's own methods and on the played-out demo day, read back
//! with Python's openpyxl, never with the crate that wrote it.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

mod reports_fixture;

use std::collections::HashMap;

use examgate_store::{AtRoom, Store};
use reports_fixture::{
    SITE, SITTING, at, day_report, examgate, export, read_xlsx, recorded_day, text,
};
use serde_json::Value;

const PIN: &str = "482913";

/// The row of `room` in the day's report, by header.
fn room_row(book: &Value, room: &str) -> HashMap<String, Value> {
    let rows = book["考试情况汇总"]["rows"].as_array().unwrap();
    let head: Vec<String> = rows[1].as_array().unwrap().iter().map(text).collect();
    let row = rows
        .iter()
        .find(|r| text(&r[0]) == room)
        .unwrap()
        .as_array()
        .unwrap();
    head.into_iter().zip(row.iter().cloned()).collect()
}

/// The rulings sheet's rows below its header, by header.
fn rulings(book: &Value) -> Vec<HashMap<String, String>> {
    let rows = book["豁免与裁定"]["rows"].as_array().unwrap();
    let head: Vec<String> = rows[1].as_array().unwrap().iter().map(text).collect();
    rows[2..]
        .iter()
        .filter(|r| !text(&r[1]).is_empty())
        .map(|r| {
            let cells = r.as_array().unwrap().iter().map(text);
            head.iter().cloned().zip(cells).collect()
        })
        .collect()
}

#[test]
fn the_day_report_names_substitutes_counts_only_approved_ones_and_lists_each_waiver_and_the_close()
{
    let dir = tempfile::tempdir().unwrap();
    let day = recorded_day(dir.path());
    let mut store = Store::open(&day.db).unwrap();
    let room = AtRoom {
        sitting: SITTING,
        site: SITE,
        room: "01",
    };
    // A proctor of room 02 stands in at room 01, not approved.
    let sub = store
        .staff(SITE, Some("02"))
        .unwrap()
        .into_iter()
        .find(|s| s.room.is_some())
        .unwrap();
    store
        .sign_in_proctor(SITTING, SITE, "01", &sub.id, at(8, 6))
        .unwrap();
    // After the end the chief waives every open item, and a proctor closes the room.
    store.set_pin(&day.chief, PIN, false, at(8, 0)).unwrap();
    let open: Vec<_> = store
        .room_closing(SITTING, SITE, "01")
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.item)
        .collect();
    assert_eq!(open.len(), 4, "{open:?}");
    for item in &open {
        store
            .waive_with_pin(
                SITTING,
                SITE,
                "01",
                &day.chief,
                PIN,
                item,
                "已书面报告省考办",
                at(11, 2),
            )
            .unwrap();
    }
    let closer = store
        .room_presence(room)
        .unwrap()
        .signed_in
        .into_keys()
        .next()
        .unwrap();
    store
        .close_room(SITTING, SITE, "01", &closer, at(11, 5))
        .unwrap();
    drop(store);

    let (out, again) = (dir.path().join("out"), dir.path().join("again"));
    export(&day.db, &out, Some(SITE));
    export(&day.db, &again, Some(SITE));
    assert!(
        std::fs::read(out.join(day_report(SITE))).unwrap()
            == std::fs::read(again.join(day_report(SITE))).unwrap(),
        "the day's report with its rulings differs between two runs"
    );
    let book = read_xlsx(&out.join(day_report(SITE)));
    let r = room_row(&book, "01");
    assert_eq!(
        r["监考到岗"].as_u64(),
        Some(2),
        "the substitute is not approved"
    );
    assert_eq!(r["监考应到"].as_u64(), Some(2));
    assert!(
        text(&r["到岗监考"]).contains(&format!("{}（替补，未批准）", sub.name)),
        "{}",
        text(&r["到岗监考"])
    );
    let store = Store::open(&day.db).unwrap();
    let names: HashMap<String, String> = store
        .staff(SITE, None)
        .unwrap()
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    assert_eq!(text(&r["考场关闭"]), names[&closer]);
    assert_eq!(text(&r["关闭时间"]), "11:05");
    assert_eq!(text(&room_row(&book, "02")["考场关闭"]), "未关闭");

    let listed = rulings(&book);
    assert_eq!(listed.len(), 4, "{listed:?}");
    for w in &listed {
        assert_eq!(w["类别"], "关闭豁免");
        assert_eq!(w["考场"], "01");
        assert_eq!(w["原因或裁定"], "已书面报告省考办");
        assert_eq!(w["主考"], names[&day.chief]);
        assert_eq!(w["时间"], "11:02");
    }
    let candidates = store.room_candidates(SITTING, SITE, "01").unwrap();
    let unticked = listed
        .iter()
        .find(|w| w["事项"] == "违规未在一平台标记")
        .unwrap();
    assert_eq!(unticked["学号"], day.students[1]);
    assert_eq!(unticked["姓名"], candidates[1].name);
    let pending = listed
        .iter()
        .find(|w| w["事项"] == "人工核验未经主考审批")
        .unwrap();
    assert_eq!(pending["学号"], day.students[5]);
    // No ID number anywhere in the workbook.
    let all = book.to_string();
    for c in &candidates {
        assert!(
            !all.contains(&c.document_number),
            "an ID number was printed"
        );
    }
}

#[test]
fn a_day_without_rulings_says_so_on_its_own_line() {
    let dir = tempfile::tempdir().unwrap();
    let day = recorded_day(dir.path());
    let out = dir.path().join("out");
    export(&day.db, &out, Some(SITE));
    let book = read_xlsx(&out.join(day_report(SITE)));
    let rows = book["豁免与裁定"]["rows"].as_array().unwrap();
    assert_eq!(text(&rows[2][0]), "无豁免与裁定");
    assert_eq!(text(&room_row(&book, "01")["考场关闭"]), "未关闭");
}

#[test]
fn the_played_days_report_shows_every_room_closed_the_approved_substitute_and_each_ruling() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    examgate(&["demo", "--db", db.to_str().unwrap(), "--play"]);
    let out = dir.path().join("out");
    export(&db, &out, None);
    let store = Store::open_office(&db).unwrap();
    let sites = store.sites().unwrap();
    for (i, site) in sites.iter().enumerate() {
        let book = read_xlsx(&out.join(day_report(&site.name)));
        for room in store.rooms(SITTING, &site.name).unwrap() {
            let r = room_row(&book, &room.number);
            assert_ne!(
                text(&r["考场关闭"]),
                "未关闭",
                "{} {}",
                site.name,
                room.number
            );
            assert_eq!(text(&r["关闭时间"]), "11:05");
            let named = text(&r["到岗监考"]);
            assert_eq!(
                named.contains("（替补，已批准）"),
                i == 0 && room.number == "02",
                "{named}"
            );
        }
        // One waiver (the third room's violation not ticked) and one conflict settled.
        let listed = rulings(&book);
        assert_eq!(listed.len(), 2, "{listed:?}");
        let waiver = listed.iter().find(|w| w["类别"] == "关闭豁免").unwrap();
        assert_eq!(
            (waiver["考场"].as_str(), waiver["事项"].as_str()),
            ("03", "违规未在一平台标记")
        );
        assert!(waiver["原因或裁定"].contains("一平台"));
        assert!(!waiver["姓名"].is_empty() && !waiver["学号"].is_empty());
        let settled = listed.iter().find(|w| w["类别"] == "冲突裁定").unwrap();
        assert_eq!(settled["考场"], "01");
        assert_eq!(settled["原因或裁定"], "裁定为：入场");
        assert_eq!(settled["时间"], "09:20");
        assert!(!settled["姓名"].is_empty() && !settled["学号"].is_empty());
    }
}
