//! The office's commands, run as the real binary against real files.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn examgate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_examgate"))
        .args(args)
        .output()
        .unwrap()
}

fn check_id_stdin(input: &str, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_examgate"))
        .arg("check-id")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `examgate demo --db <db>`, which must succeed.
fn demo(db: &Path) {
    let out = examgate(&["demo", "--db", db.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn count(db: &Path, table: &str) -> i64 {
    let c = examgate_store::connect(db).unwrap();
    c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn check_id_agrees_with_gb11643_known_vectors() {
    let out = check_id_stdin(
        "11010519491231002X\n810000199408230021\n11010519491231012X\n",
        &[],
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["valid"], true);
    assert_eq!(lines[0]["kind"], "resident-id");
    assert_eq!(lines[1]["valid"], true);
    assert_eq!(lines[1]["kind"], "residence-permit");
    assert_eq!(lines[2]["valid"], false);
    assert_eq!(lines[2]["code"], "check-character");
    assert_eq!(
        out.status.code(),
        Some(1),
        "one invalid number makes the exit status 1"
    );
}

#[test]
fn check_id_refuses_an_impossible_birth_date() {
    // 1999-02-30 with an otherwise right check character.
    let out = examgate(&["check-id", "--kind", "resident-id", "110105199902300015"]);
    let lines = json_lines(&out);
    assert_eq!(lines[0]["valid"], false);
    assert_eq!(lines[0]["code"], "bad-birth-date");
    assert!(lines[0]["reason"].as_str().unwrap().contains("19990230"));
}

#[test]
fn check_id_exits_zero_when_all_are_valid_and_checks_a_passport_mrz() {
    let ok = examgate(&["check-id", "11010519491231002x"]);
    assert_eq!(ok.status.code(), Some(0));
    let mrz = examgate(&[
        "check-id",
        "--kind",
        "passport",
        "--mrz",
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "--mrz",
        "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
        "L898902C3",
    ]);
    assert_eq!(json_lines(&mrz)[0]["valid"], true);
    assert_eq!(mrz.status.code(), Some(0));
}

const HEADER: &str = "学号,姓名,证件类型,证件号码,考点,考点地址,考场,考场地址,座位数,座位号";

fn row(student: &str, name: &str, id: &str, room: &str, seat: u32) -> String {
    format!(
        "{student},{name},身份证,{id},襄阳电大校本部,襄阳市襄城区尹集东街东街66号,{room},襄阳市襄城区尹集东街东街66号 教学楼201室,30,{seat}"
    )
}

#[test]
fn demo_then_gbk_csv_and_xlsx_imports_work() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    demo(&db);
    let before = count(&db, "candidate");

    // A GBK CSV for a new sitting, as an office's Excel would save it.
    let csv = format!(
        "{HEADER}\n{}\n{}\n",
        row("2242300000001", "欧阳娜娜", "420602199001010011", "09", 1),
        row("2242300000002", "司马光", "810000199408230021", "09", 2)
            .replace("身份证", "港澳台居民居住证")
    );
    let (gbk, _, bad) = encoding_rs::GBK.encode(&csv);
    assert!(!bad);
    let gbk_path = dir.path().join("座次表-gbk.csv");
    std::fs::write(&gbk_path, &gbk).unwrap();
    let out = examgate(&[
        "import",
        "--db",
        db.to_str().unwrap(),
        "--sitting",
        "2024春 第一次",
        "--date",
        "2024-04-13",
        "--paper",
        "11908",
        gbk_path.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(count(&db, "candidate"), before + 2);

    // An XLSX with the student number stored as a number.
    let xlsx_path = dir.path().join("座次表.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in HEADER.split(',').enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    let cells = row("", "诸葛亮", "42060219900101002X", "10", 1);
    for (c, v) in cells.split(',').enumerate() {
        ws.write_string(1, c as u16, v).unwrap();
    }
    ws.write_number(1, 0, 2242300000003.0).unwrap();
    wb.save(&xlsx_path).unwrap();
    let out = examgate(&[
        "import",
        "--db",
        db.to_str().unwrap(),
        "--sitting",
        "2024春 第一次",
        xlsx_path.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let c = examgate_store::connect(&db).unwrap();
    let name: String = c
        .query_row(
            "SELECT name FROM candidate WHERE student_number = '2242300000003'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(name, "诸葛亮");
}

#[test]
fn a_bad_file_gets_line_numbered_errors_and_the_database_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    demo(&db);
    let before = (
        count(&db, "candidate"),
        count(&db, "room"),
        count(&db, "site"),
        count(&db, "sitting"),
    );

    let csv = format!(
        "{HEADER}\n{}\n{}\n{}\n",
        row("2242300000011", "张三", "420602199001010038", "11", 1),
        row("2242300000012", "李四", "420602199001010048", "11", 2),
        row("224230000001", "王五", "420602199001010046", "11", 3)
    );
    let path = dir.path().join("bad.csv");
    std::fs::write(&path, csv).unwrap();
    let out = examgate(&[
        "import",
        "--db",
        db.to_str().unwrap(),
        "--sitting",
        "2024春 第一次",
        "--date",
        "2024-04-13",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("bad.csv:3: 证件号码"), "{err}");
    assert!(err.contains("bad.csv:4: 学号"), "{err}");
    assert!(
        !err.contains("420602199001010048"),
        "an ID number is never printed whole: {err}"
    );
    let after = (
        count(&db, "candidate"),
        count(&db, "room"),
        count(&db, "site"),
        count(&db, "sitting"),
    );
    assert_eq!(before, after, "nothing written, not even the new sitting");
}

fn pin_set(db: &Path, staff: &str, pin: &str, replace: bool) -> Output {
    let mut args = vec!["pin", "set", "--db", db.to_str().unwrap(), "--staff", staff];
    if replace {
        args.push("--replace");
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_examgate"))
        .args(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{pin}\n").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn the_office_sets_a_chief_pin_once_and_resets_it_only_with_replace() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("door.db");
    demo(&db);
    assert!(pin_set(&db, "Z01", "135790", false).status.success());
    let again = pin_set(&db, "Z01", "246810", false);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("已设置口令"));
    assert!(pin_set(&db, "Z01", "246810", true).status.success());
    let proctor = pin_set(&db, "J1101", "246810", true);
    assert!(!proctor.status.success(), "a proctor can never hold a PIN");
}

#[test]
fn the_office_tool_finds_the_key_beside_db_and_refuses_a_wrong_one_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("door.db");
    demo(&db);
    let key = dir.path().join("door.db.key");
    assert_eq!(std::fs::read_to_string(&key).unwrap().trim().len(), 64);
    assert!(
        !std::fs::read(&db)
            .unwrap()
            .starts_with(b"SQLite format 3\0")
    );

    std::fs::write(&key, format!("{}\n", "0f".repeat(32))).unwrap();
    let refused = examgate(&["demo", "--db", db.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(2));
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("数据库无法解密"), "{message}");
    assert!(message.contains("cannot be decrypted"), "{message}");
}

fn drill_of(db: &Path, sitting: &str) -> bool {
    let c = examgate_store::connect(db).unwrap();
    c.query_row(
        "SELECT drill FROM sitting WHERE label = ?1",
        [sitting],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn a_sitting_imported_with_drill_is_a_drill_and_one_without_is_real() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    demo(&db);
    assert!(
        drill_of(&db, "2023春 第一次"),
        "the demo's sittings are drills"
    );
    for (sitting, date, student, drill) in [
        ("2024春 演练", "2024-04-06", "2242300000011", true),
        ("2024春 第一次", "2024-04-13", "2242300000012", false),
    ] {
        let csv = format!(
            "{HEADER}\n{}\n",
            row(student, "欧阳娜娜", "420602199001010011", "09", 1)
        );
        let path = dir.path().join(format!("{date}.csv"));
        std::fs::write(&path, csv).unwrap();
        let mut args = vec![
            "import",
            "--db",
            db.to_str().unwrap(),
            "--sitting",
            sitting,
            "--date",
            date,
        ];
        if drill {
            args.push("--drill");
        }
        args.push(path.to_str().unwrap());
        let out = examgate(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(drill_of(&db, sitting), drill, "{sitting}");
    }
}
