//! The reports tests' fixture: a real database whose day was recorded through the store's own
//! methods, `examgate export reports` run on it, and openpyxl reading the workbooks back.
#![allow(dead_code, reason = "each test file uses part of it")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::{DateTime, FixedOffset, TimeZone};
use examgate_core::door::DoorAct;
use examgate_core::event::{PhotoRef, PhotoSource, RefusalReason, Violation, ViolationCategory};
use examgate_core::model::Role;
use examgate_core::timeline::CHINA_OFFSET;
use examgate_store::Store;
use serde_json::Value;

pub const SITTING: &str = "2023春 第一次";
pub const SITE: &str = "襄阳电大校本部";
pub const QUIET_SITE: &str = "宜昌电大校本部";

pub fn at(h: u32, m: u32) -> DateTime<FixedOffset> {
    CHINA_OFFSET.with_ymd_and_hms(2023, 4, 15, h, m, 0).unwrap()
}

/// openpyxl reads every sheet: its cells (row by row), merged ranges and print setup.
pub const PY_READ: &str = r#"
import json, sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1])
out = {}
for ws in book.worksheets:
    ps = ws.page_setup
    out[ws.title] = {
        "rows": [[c for c in row] for row in ws.iter_rows(values_only=True)],
        "merged": sorted(str(m) for m in ws.merged_cells.ranges),
        "paper": int(ps.paperSize) if ps.paperSize is not None else None,
        "orientation": ps.orientation,
        # An absent fitToWidth is 1 (ECMA-376's default): the writer leaves it out.
        "fit_width": 1 if ps.fitToWidth is None else int(ps.fitToWidth),
        "fit_height": None if ps.fitToHeight is None else int(ps.fitToHeight),
        "fit_to_page": bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage),
    }
out["created"] = str(book.properties.created)
print(json.dumps(out, ensure_ascii=False, default=str))
"#;

pub fn read_xlsx(path: &Path) -> Value {
    let out = Command::new("/usr/bin/python3")
        .args(["-c", PY_READ, path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

pub fn examgate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_examgate"))
        .args(args)
        .output()
        .unwrap()
}

pub fn export(db: &Path, out: &Path, site: Option<&str>) -> Output {
    std::fs::create_dir_all(out).unwrap();
    let mut args = vec![
        "export",
        "reports",
        "--db",
        db.to_str().unwrap(),
        "--sitting",
        SITTING,
        "--out",
        out.to_str().unwrap(),
    ];
    if let Some(site) = site {
        args.extend(["--site", site]);
    }
    let run = examgate(&args);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    run
}

pub fn vouch(student: &str) -> DoorAct {
    DoorAct::Vouch {
        photo: PhotoRef {
            file: format!("{student}.jpg"),
            sha256: "ab".repeat(32),
            public_key: "cd".repeat(32),
            signature: "ef".repeat(64),
            source: PhotoSource::Camera,
        },
        face: Some(examgate_core::event::FaceFailure::Environment),
    }
}

pub fn violation(
    category: ViolationCategory,
    what: &str,
    proctors: &[String],
    marked: bool,
) -> Violation {
    Violation {
        category,
        what: what.into(),
        at: at(9, 45),
        proctors: proctors.to_vec(),
        platform_marked: marked,
    }
}

pub struct Day {
    pub db: PathBuf,
    pub students: Vec<String>,
    pub chief: String,
    pub proctor_names: Vec<String>,
}

/// Room 01 of the site: s0–s2 admitted, s3 approved, s4 rejected, s5 pending, s6 refused, s7
/// refused late, s8 marked absent, the rest not seen; a count check of 3 on the platform
/// against 4 admitted; both proctors signed in; a violation of s0 edited and ticked, and one of
/// s1.
pub fn recorded_day(dir: &Path) -> Day {
    let db = dir.join("door.db");
    let mut store = Store::open(&db).unwrap();
    examgate_demo::load(&mut store).unwrap();
    let staff = store.staff(SITE, Some("01")).unwrap();
    let proctors: Vec<_> = staff.iter().filter(|s| s.room.is_some()).collect();
    let p = proctors[0].id.clone();
    let chief = staff
        .iter()
        .find(|s| s.role == Role::ChiefExaminer)
        .unwrap()
        .id
        .clone();
    let s: Vec<String> = store
        .room_candidates(SITTING, SITE, "01")
        .unwrap()
        .into_iter()
        .map(|c| c.student_number)
        .collect();
    for who in &proctors {
        store
            .sign_in_proctor(SITTING, SITE, "01", &who.id, at(8, 5))
            .unwrap();
    }
    for st in &s[..3] {
        store
            .act(SITTING, st, &p, &DoorAct::Admit, at(8, 50))
            .unwrap();
    }
    for st in &s[3..6] {
        store.act(SITTING, st, &p, &vouch(st), at(8, 52)).unwrap();
    }
    store
        .act(SITTING, &s[3], &chief, &DoorAct::Approve, at(8, 55))
        .unwrap();
    let reject = DoorAct::Reject {
        note: "不是本人".into(),
    };
    store
        .act(SITTING, &s[4], &chief, &reject, at(8, 56))
        .unwrap();
    let refuse = DoorAct::Refuse {
        reason: RefusalReason::DocumentMismatch,
    };
    store.act(SITTING, &s[6], &p, &refuse, at(8, 57)).unwrap();
    let late = store
        .act(SITTING, &s[7], &p, &DoorAct::Admit, at(9, 40))
        .unwrap();
    assert_eq!(
        late.state,
        examgate_core::fold::CandidateState::Absent { refused_late: true }
    );
    store
        .act(SITTING, &s[8], &p, &DoorAct::MarkAbsent, at(9, 31))
        .unwrap();
    store
        .record_count_check(SITTING, SITE, "01", &p, 3, at(9, 31))
        .unwrap();
    let ids: Vec<String> = proctors.iter().map(|s| s.id.clone()).collect();
    let first = store
        .record_violation(
            SITTING,
            &s[0],
            &p,
            violation(ViolationCategory::Cheating, "夹带", &ids, false),
            None,
            at(9, 46),
        )
        .unwrap();
    store
        .record_violation(
            SITTING,
            &s[0],
            &p,
            violation(ViolationCategory::Cheating, "夹带纸条", &ids, true),
            Some(first.id),
            at(9, 50),
        )
        .unwrap();
    store
        .record_violation(
            SITTING,
            &s[1],
            &p,
            violation(ViolationCategory::Disturbance, "大声喧哗", &ids[..1], false),
            None,
            at(9, 51),
        )
        .unwrap();
    Day {
        db,
        students: s,
        chief,
        proctor_names: proctors.iter().map(|s| s.name.clone()).collect(),
    }
}

pub fn annex5(site: &str) -> String {
    format!("{site}违规考生信息汇总表.xlsx")
}
pub fn day_report(site: &str) -> String {
    format!("{site}考试情况汇总.xlsx")
}
pub fn post_check(site: &str) -> String {
    format!("{site}考后核验清单.xlsx")
}

pub fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
