//! `examgate export reports`, run as the real binary on a real database whose day was recorded
//! through the store's own methods: admissions, manual verifications approved, rejected and
//! pending, a refusal, a late refusal, an absence, a count check with a discrepancy, proctors
//! signing in, violations (one edited and ticked) and a post-exam check. Every workbook is read
//! back with Python's openpyxl, never with the crate that wrote it.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

mod reports_fixture;

use examgate_core::event::ViolationCategory;
use examgate_store::Store;
use reports_fixture::{
    QUIET_SITE, SITE, SITTING, annex5, at, day_report, examgate, export, post_check, read_xlsx,
    recorded_day, text, violation,
};
use serde_json::Value;

#[test]
fn annex_5_lists_each_violation_as_last_edited_with_the_rosters_names_and_no_id_number() {
    let dir = tempfile::tempdir().unwrap();
    let day = recorded_day(dir.path());
    let out = dir.path().join("out");
    export(&day.db, &out, Some(SITE));
    let book = read_xlsx(&out.join(annex5(SITE)));
    let sheet = &book["违规考生信息汇总表"];
    let rows = sheet["rows"].as_array().unwrap();
    let title = text(&rows[0][0]);
    assert!(title.contains(SITE) && title.contains(SITTING), "{title}");
    let head: Vec<String> = rows[1].as_array().unwrap().iter().map(text).collect();
    assert_eq!(
        head,
        [
            "序号",
            "考场",
            "座位号",
            "学号",
            "姓名",
            "违规类型",
            "违规事实",
            "发生时间",
            "监考教师",
            "一平台已标记",
            "认定意见"
        ]
    );
    let first: Vec<String> = rows[2].as_array().unwrap().iter().map(text).collect();
    assert_eq!(first[0], "1");
    assert_eq!(first[1], "01");
    assert_eq!(first[3], day.students[0]);
    assert_eq!(first[5], "作弊");
    assert_eq!(first[6], "夹带纸条", "the edit is what counts");
    assert_eq!(first[7], "2023-04-15 09:45");
    assert_eq!(first[8], day.proctor_names.join("、"));
    assert_eq!(first[9], "是", "the edit ticked it");
    assert_eq!(first[10], "", "认定意见 is the office's");
    let second: Vec<String> = rows[3].as_array().unwrap().iter().map(text).collect();
    assert_eq!(
        (second[3].as_str(), second[5].as_str()),
        (day.students[1].as_str(), "扰考")
    );
    assert_eq!(second[9], "否");
    let all = serde_json::to_string(rows).unwrap();
    assert!(!all.contains("本次考试无违规"));
    assert!(all.contains("考点（盖章）") && all.contains("主考签字") && all.contains("日期"));
    // No ID number of the site's candidates is printed anywhere, in any of the three files.
    let store = Store::open(&day.db).unwrap();
    let printed: Vec<String> = [annex5(SITE), day_report(SITE), post_check(SITE)]
        .iter()
        .map(|f| read_xlsx(&out.join(f)).to_string())
        .collect();
    for c in store.room_candidates(SITTING, SITE, "01").unwrap() {
        for text in &printed {
            assert!(
                !text.contains(&c.document_number),
                "an ID number was printed"
            );
        }
    }
}

#[test]
fn a_violation_text_longer_than_a_cell_holds_is_cut_and_the_summary_still_written() {
    let dir = tempfile::tempdir().unwrap();
    let day = recorded_day(dir.path());
    let mut store = Store::open(&day.db).unwrap();
    let proctor = store
        .staff(SITE, Some("01"))
        .unwrap()
        .into_iter()
        .find(|s| s.room.is_some())
        .unwrap()
        .id;
    let long = "夹".repeat(40_000);
    let named = vec![proctor.clone()];
    let kind = violation(ViolationCategory::Other, &long, &named, false);
    // A door caps what it records (annex 4's box); a text this long can only arrive signed by
    // another device, as here.
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let device = uuid::Uuid::from_u128(0xD0D0);
    let event = examgate_core::event::Event {
        id: examgate_core::event::EventId(uuid::Uuid::now_v7()),
        device,
        seq: 1,
        wall: at(10, 0),
        hlc: examgate_core::event::Hlc(1 << 60),
        exam_time: None,
        actor: proctor.clone(),
        sitting: SITTING.into(),
        candidate: Some(examgate_core::model::StudentNumber::parse(&day.students[2]).unwrap()),
        parents: Vec::new(),
        kind: examgate_core::event::EventKind::ViolationRecorded {
            violation: kind,
            edits: None,
        },
        chief_proof: None,
    };
    let signed = examgate_core::signed::sign(&key, event);
    let public = key.verifying_key();
    let trust = move |d: uuid::Uuid| (d == device).then_some(public);
    let report = store.receive(&[signed], &trust, at(10, 1)).unwrap();
    assert_eq!(report.merged, 1, "{report:?}");
    drop(store);
    let out = dir.path().join("out");
    export(&day.db, &out, Some(SITE));
    let book = read_xlsx(&out.join(annex5(SITE)));
    let rows = book["违规考生信息汇总表"]["rows"].as_array().unwrap();
    let what = text(&rows[4][6]);
    assert_eq!(what.chars().count(), 32_001);
    assert!(what.ends_with('…'));
}

#[test]
fn a_site_without_violations_prints_the_single_line_and_keeps_the_stamp_place() {
    let dir = tempfile::tempdir().unwrap();
    let day = recorded_day(dir.path());
    let out = dir.path().join("out");
    export(&day.db, &out, Some(QUIET_SITE));
    let book = read_xlsx(&out.join(annex5(QUIET_SITE)));
    let rows = book["违规考生信息汇总表"]["rows"].as_array().unwrap();
    assert!(text(&rows[0][0]).contains(QUIET_SITE));
    assert_eq!(text(&rows[2][0]), "本次考试无违规");
    let all = serde_json::to_string(rows).unwrap();
    assert_eq!(all.matches("本次考试无违规").count(), 1);
    assert!(all.contains("考点（盖章）") && all.contains("主考签字"));
}

#[test]
fn every_workbook_prints_on_a4_fitted_to_the_page_width() {
    let dir = tempfile::tempdir().unwrap();
    let day = recorded_day(dir.path());
    let out = dir.path().join("out");
    export(&day.db, &out, Some(SITE));
    for file in [annex5(SITE), day_report(SITE), post_check(SITE)] {
        let book = read_xlsx(&out.join(&file));
        for (name, sheet) in book.as_object().unwrap() {
            if name == "created" {
                continue;
            }
            assert_eq!(sheet["paper"], 9, "{file} {name}: A4");
            assert_eq!(sheet["fit_to_page"], true, "{file} {name}");
            assert_eq!(sheet["fit_width"], 1, "{file} {name}");
            assert_eq!(
                sheet["fit_height"], 0,
                "{file} {name}: as many pages tall as needed"
            );
        }
    }
}

/// The room-01 row of the day's report, by header.
fn room_row(book: &Value, room: &str) -> std::collections::HashMap<String, Value> {
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

#[test]
fn the_day_report_counts_each_candidate_once_and_shows_the_count_check_and_proctors() {
    let dir = tempfile::tempdir().unwrap();
    let day = recorded_day(dir.path());
    let out = dir.path().join("out");
    export(&day.db, &out, Some(SITE));
    let book = read_xlsx(&out.join(day_report(SITE)));
    let r = room_row(&book, "01");
    let expected = day.students.len() as u64;
    let n = |k: &str| r[k].as_u64().unwrap_or_else(|| panic!("{k}: {:?}", r[k]));
    assert_eq!(n("应到"), expected);
    assert_eq!(n("已入场"), 4);
    assert_eq!(n("其中人工核验"), 1);
    assert_eq!(n("人工核验通过"), 1);
    assert_eq!(n("人工核验不通过"), 1);
    assert_eq!(n("人工核验待定"), 1);
    assert_eq!(n("拒绝入场"), 1);
    assert_eq!(n("缺考"), 2);
    assert_eq!(n("其中迟到拒入"), 1);
    assert_eq!(n("未登记"), expected - 9);
    assert_eq!(n("冲突"), 0);
    assert_eq!((n("平台签到人数"), n("实到人数")), (3, 4));
    assert_eq!(r["差额"].as_i64(), Some(1));
    assert_eq!(n("监考到岗"), 2);
    assert_eq!(n("监考应到"), 2);
    assert_eq!(text(&r["到岗监考"]), day.proctor_names.join("、"));
    // Another room of the site did no count check.
    let other = room_row(&book, "02");
    assert_eq!(text(&other["平台签到人数"]), "未核对");
    assert_eq!(other["监考到岗"].as_u64(), Some(0));
    // The totals add the rooms up.
    let rows = book["考试情况汇总"]["rows"].as_array().unwrap();
    let total = rows.iter().find(|r| text(&r[0]) == "合计").unwrap();
    let rooms: u64 = rows
        .iter()
        .skip(2)
        .filter(|r| text(&r[0]) != "合计")
        .map(|r| r[1].as_u64().unwrap())
        .sum();
    assert_eq!(total[1].as_u64(), Some(rooms));
    assert_eq!(total[2].as_u64(), Some(4));

    let absent = book["缺考名单"]["rows"].as_array().unwrap();
    assert!(text(&absent[0][0]).contains(SITE));
    let listed: Vec<(String, String)> = absent[2..]
        .iter()
        .map(|r| (text(&r[3]), text(&r[5])))
        .collect();
    assert_eq!(
        listed,
        [
            (day.students[7].clone(), "迟到拒入".to_string()),
            (day.students[8].clone(), "未到考".to_string()),
        ]
    );
}

#[test]
fn the_day_report_and_the_check_list_carry_face_recognition_passed_or_failed_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let day = recorded_day(dir.path());
    let mut store = Store::open(&day.db).unwrap();
    let proctor = store.staff(SITE, Some("01")).unwrap();
    let proctor = &proctor.iter().find(|s| s.room.is_some()).unwrap().id;
    let no_match = examgate_core::door::DoorAct::Refuse {
        reason: examgate_core::event::RefusalReason::FaceMismatch,
    };
    store
        .act(SITTING, &day.students[9], proctor, &no_match, at(8, 58))
        .unwrap();
    drop(store);
    let out = dir.path().join("out");
    export(&day.db, &out, Some(SITE));
    let r = room_row(&read_xlsx(&out.join(day_report(SITE))), "01");
    let n = |k: &str| r[k].as_u64().unwrap_or_else(|| panic!("{k}: {:?}", r[k]));
    // Three admitted at the door passed; three vouched (environment) and one refused (no match).
    assert_eq!(n("人脸识别通过"), 3);
    assert_eq!(n("人脸识别未通过"), 4);
    assert_eq!((n("其中环境原因"), n("其中人脸不匹配")), (3, 1));

    let rows = read_xlsx(&out.join(post_check(SITE)))["考后核验清单"]["rows"].clone();
    let rows = rows.as_array().unwrap();
    assert_eq!(text(&rows[2][8]), "人脸识别");
    let face: Vec<(String, String)> = rows[3..]
        .iter()
        .map(|r| (text(&r[3]), text(&r[8])))
        .collect();
    assert_eq!(face[0], (day.students[0].clone(), "通过".to_string()));
    assert_eq!(
        face[3],
        (day.students[3].clone(), "未通过（环境原因）".to_string()),
        "admitted after approval: recognition still failed"
    );
}

#[test]
fn the_post_exam_check_list_names_each_entry_photo_until_the_chief_marks_it_with_the_deadline() {
    let dir = tempfile::tempdir().unwrap();
    let day = recorded_day(dir.path());
    let before = dir.path().join("before");
    export(&day.db, &before, Some(SITE));
    let rows = read_xlsx(&before.join(post_check(SITE)))["考后核验清单"]["rows"].clone();
    let rows = rows.as_array().unwrap();
    assert_eq!(text(&rows[1][0]), "还有 4 张照片须在 4 月 18 日前完成核验");
    let listed: Vec<Vec<String>> = rows[3..]
        .iter()
        .map(|r| r.as_array().unwrap().iter().map(text).collect())
        .collect();
    let students: Vec<&str> = listed.iter().map(|r| r[3].as_str()).collect();
    assert_eq!(
        students,
        day.students[..4]
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
    assert_eq!(listed[0][5], "人脸识别");
    assert_eq!(listed[3][5], "人工核验");
    assert_eq!(listed[3][6], format!("{}.jpg", day.students[3]));
    assert!(listed.iter().all(|r| r[7] == "2023-04-18"), "{listed:?}");

    let mut store = Store::open(&day.db).unwrap();
    store
        .mark_post_exam_checked(SITTING, &day.students[0], &day.chief, at(14, 0))
        .unwrap();
    drop(store);
    let after = dir.path().join("after");
    export(&day.db, &after, Some(SITE));
    let rows = read_xlsx(&after.join(post_check(SITE)))["考后核验清单"]["rows"].clone();
    let rows = rows.as_array().unwrap();
    assert_eq!(text(&rows[1][0]), "还有 3 张照片须在 4 月 18 日前完成核验");
    assert!(rows[3..].iter().all(|r| text(&r[3]) != day.students[0]));
}

#[test]
fn two_runs_write_byte_identical_workbooks_under_the_documented_names() {
    let dir = tempfile::tempdir().unwrap();
    let day = recorded_day(dir.path());
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let run = export(&day.db, &a, None);
    let printed = String::from_utf8(run.stdout).unwrap();
    assert!(printed.contains("2 条违规"), "{printed}");
    export(&day.db, &b, None);
    let mut names: Vec<String> = std::fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for site in [SITE, QUIET_SITE] {
        for file in [annex5(site), day_report(site), post_check(site)] {
            assert!(names.contains(&file), "{file} in {names:?}");
            let (x, y) = (
                std::fs::read(a.join(&file)).unwrap(),
                std::fs::read(b.join(&file)).unwrap(),
            );
            assert!(x == y, "{file} differs between two runs");
            // Created at the sitting's start, never at the wall clock's time.
            let created = read_xlsx(&a.join(&file))["created"].clone();
            assert_eq!(created, "2023-04-15 09:00:00", "{file}");
        }
    }
    assert!(names.iter().all(|n| !n.ends_with(".part")), "{names:?}");
}

#[test]
fn an_unknown_site_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let day = recorded_day(dir.path());
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let run = examgate(&[
        "export",
        "reports",
        "--db",
        day.db.to_str().unwrap(),
        "--sitting",
        SITTING,
        "--site",
        "无此考点",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("无此考点"));
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
}

#[test]
fn the_played_out_days_reports_account_for_every_candidate_of_every_site() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let play = examgate(&["demo", "--db", db.to_str().unwrap(), "--play"]);
    assert!(
        play.status.success(),
        "{}",
        String::from_utf8_lossy(&play.stderr)
    );
    let out = dir.path().join("out");
    export(&db, &out, None);
    for site in [SITE, QUIET_SITE] {
        let book = read_xlsx(&out.join(day_report(site)));
        let rows = book["考试情况汇总"]["rows"].as_array().unwrap();
        let total = rows.iter().find(|r| text(&r[0]) == "合计").unwrap();
        let n = |i: usize| total[i].as_u64().unwrap();
        // admitted + rejected + pending + refused + absent + not seen + conflict = expected.
        assert_eq!(
            n(2) + n(5) + n(6) + n(7) + n(8) + n(10) + n(11),
            n(1),
            "{site}"
        );
        let annex = read_xlsx(&out.join(annex5(site)));
        let listed = annex["违规考生信息汇总表"]["rows"].as_array().unwrap()[2..]
            .iter()
            .take_while(|r| !text(&r[3]).is_empty())
            .count();
        assert!(listed > 0, "{site}: the played day records violations");
    }
}
