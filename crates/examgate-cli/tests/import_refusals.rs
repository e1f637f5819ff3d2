//! `examgate import` refuses what the exam day could not use (issue 8, items 4 and 5), as the real
//! binary against real files: an address the photo stamp's font cannot draw (the same font
//! selection as `examgate photo stamp`, `--font` included), and ID numbers never printed whole.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use std::path::Path;
use std::process::{Command, Output};

use examgate_testkit::csv::SEATING_HEADER;

const LATIN_ONLY: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

fn import(db: &Path, list: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_examgate"))
        .args(["import", "--db", db.to_str().unwrap()])
        .args(["--sitting", "2024春 第一次", "--date", "2024-04-13"])
        .args(extra)
        .arg(list)
        .output()
        .unwrap()
}

fn count(db: &Path, table: &str) -> i64 {
    let c = examgate_store::connect(db).unwrap();
    c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// Two candidates in room 01; the second line's room address is `address`.
fn write_list(dir: &Path, address: &str) -> std::path::PathBuf {
    let path = dir.join("座次表.csv");
    let line = |n: u32, id: &str, address: &str| {
        format!(
            "224230000000{n},考生{n},身份证,{id},襄阳电大校本部,襄阳市襄城区尹集东街东街66号,0{n},{address},1\n"
        )
    };
    let text = format!(
        "{SEATING_HEADER}\n{}{}",
        line(1, "420602199001010011", "教学楼201室"),
        line(2, "11010519491231002X", address)
    );
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn an_address_no_installed_font_can_draw_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let list = write_list(dir.path(), "教学楼\u{10FFFD}202室");
    let out = import(&db, &list, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("座次表.csv:3: 考场地址"), "{err}");
    assert!(err.contains("U+10FFFD"), "{err}");
    assert_eq!((count(&db, "sitting"), count(&db, "candidate")), (0, 0));

    let fine = write_list(dir.path(), "教学楼202室");
    let out = import(&db, &fine, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(count(&db, "candidate"), 2);
}

#[test]
fn the_font_given_with_font_is_the_one_asked() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let list = write_list(dir.path(), "教学楼202室");
    let out = import(&db, &list, &["--font", LATIN_ONLY]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("座次表.csv:2: 考场地址"), "{err}");
    assert_eq!(count(&db, "candidate"), 0);
}

#[test]
fn a_131_character_address_is_refused_and_an_id_in_the_seat_column_is_masked() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let list = write_list(dir.path(), &"楼".repeat(131));
    let text = std::fs::read_to_string(&list)
        .unwrap()
        .replace("教学楼201室,1", "教学楼201室,11010519491231002X");
    std::fs::write(&list, text).unwrap();
    let out = import(&db, &list, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("座次表.csv:3: 考场地址"), "{err}");
    assert!(err.contains("座次表.csv:2: 座位号"), "{err}");
    assert!(!err.contains("11010519491231002X"), "{err}");
}
