//! What an import refuses because the exam day could not use it (issue 8, items 4 and 5): ID
//! numbers quoted from any column are masked; addresses the photo stamp would refuse, one ID for
//! two students, a sitting that contradicts the stored one or cannot exist, invisible names, a
//! header-only file, impossible seats and repeated headers are refused, each said once; and a
//! refused import leaves the database file exactly as it was.

// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use chrono::{NaiveDate, NaiveTime};
use examgate_core::model::Sitting;
use examgate_store::import::{GlyphCheck, ImportError, SourceFile, parse};
use examgate_store::{ImportOptions, Store, StoreError};
use examgate_testkit::csv::{SEATING_HEADER, cell};
use examgate_testkit::resident_id;

const SITE: &str = "襄阳电大校本部";
const SITE_ADDRESS: &str = "襄阳市襄城区尹集东街东街66号";
const LABEL: &str = "2024春 第一次";
/// A valid resident ID: what must never appear whole in a message.
const ID: &str = "11010519491231002X";

/// The cells of candidate `n`'s line, in [`SEATING_HEADER`]'s order.
fn cells(n: u32) -> Vec<String> {
    vec![
        format!("{}", 2_242_300_000_000_u64 + u64::from(n)),
        format!("考生{n}"),
        "身份证".into(),
        resident_id(&format!("42060219900101{:03}", n % 1000)),
        SITE.into(),
        SITE_ADDRESS.into(),
        "01".into(),
        format!("{SITE_ADDRESS} 实训楼301"),
        n.to_string(),
    ]
}

fn csv(header: &str, rows: &[Vec<String>]) -> SourceFile {
    let mut text = format!("{header}\n");
    for r in rows {
        let line: Vec<String> = r.iter().map(|c| cell(c)).collect();
        text += &line.join(",");
        text.push('\n');
    }
    SourceFile {
        name: "座次表.csv".into(),
        bytes: text.into_bytes(),
    }
}

/// Candidates `1..=n`, with `edit` applied to each line's cells.
fn list(n: u32, edit: impl Fn(u32, &mut Vec<String>)) -> SourceFile {
    let rows: Vec<Vec<String>> = (1..=n)
        .map(|i| {
            let mut c = cells(i);
            edit(i, &mut c);
            c
        })
        .collect();
    csv(SEATING_HEADER, &rows)
}

fn sitting(label: &str, date: (i32, u32, u32), start: u32, end: u32, paper: &str) -> Sitting {
    Sitting {
        exam: "学士学位英语考试".into(),
        label: label.into(),
        date: NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap(),
        start: NaiveTime::from_hms_opt(start, 0, 0).unwrap(),
        end: NaiveTime::from_hms_opt(end, 0, 0).unwrap(),
        paper: paper.into(),
    }
}

fn create(s: Sitting) -> ImportOptions {
    ImportOptions {
        create: Some(s),
        ..ImportOptions::default()
    }
}

fn default_sitting() -> Sitting {
    sitting(LABEL, (2024, 4, 13), 9, 11, "11908")
}

/// Every row of every table, so "the database is unchanged" is checked, not assumed.
fn dump(path: &std::path::Path) -> String {
    let conn = examgate_store::connect(path).unwrap();
    let mut out = String::new();
    for table in [
        "sitting",
        "site",
        "room",
        "candidate",
        "staff",
        "import_log",
        "registration_photo",
    ] {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..n)
                    .map(|i| {
                        r.get::<_, rusqlite::types::Value>(i)
                            .map(|v| format!("{v:?}"))
                    })
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .unwrap();
        for row in rows {
            out += &format!("{table}: {}\n", row.unwrap().join("|"));
        }
    }
    out
}

/// A database file holding one imported list of candidates 501..=500+`n` (and its sitting), so
/// the lists the tests import (candidates from 1) do not collide with it.
fn stocked(n: u32) -> (tempfile::TempDir, std::path::PathBuf, Store) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("door.sqlite");
    let mut store = Store::open(&path).unwrap();
    store
        .import(
            &[list(n, |i, c| *c = cells(500 + i))],
            &create(default_sitting()),
        )
        .unwrap();
    (dir, path, store)
}

/// Imports `files` into a stocked database, expects a refusal, checks nothing changed and
/// returns the errors.
fn refused_with(files: &[SourceFile], opts: &ImportOptions) -> Vec<ImportError> {
    let (_dir, path, mut store) = stocked(2);
    let before = dump(&path);
    let errors = match store.import(files, opts) {
        Err(StoreError::Import(errors)) => errors,
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(dump(&path), before, "a refused import changes nothing");
    errors
}

fn refused(file: SourceFile) -> Vec<ImportError> {
    refused_with(&[file], &ImportOptions::default())
}

fn parse_errors(file: &SourceFile) -> Vec<ImportError> {
    match parse(file) {
        Err(errors) => errors,
        Ok(p) => panic!("expected problems, parsed {p:?}"),
    }
}

fn text(errors: &[ImportError]) -> String {
    errors.iter().map(|e| format!("{e}\n")).collect::<String>()
}

fn at(errors: &[ImportError]) -> Vec<(usize, &str)> {
    errors.iter().map(|e| (e.line, e.field.as_str())).collect()
}

// Item 4: ID numbers are masked whatever the column.

#[test]
fn an_id_number_in_the_student_number_seat_or_kind_column_is_never_quoted_whole() {
    for column in [0, 8, 2] {
        let file = list(1, |_, c| c[column] = ID.into());
        let errors = parse_errors(&file);
        let all = text(&errors);
        assert!(!all.contains(ID), "column {column}: {all}");
        assert!(all.contains("110105********002X"), "column {column}: {all}");
    }
}

#[test]
fn a_file_without_a_header_row_never_quotes_its_id_numbers_whole() {
    let rows: Vec<Vec<String>> = (1..=3)
        .map(|i| {
            let mut c = cells(i);
            c[3] = ID.into();
            c
        })
        .collect();
    let mut bytes = String::new();
    for r in &rows {
        bytes += &format!("{}\n", r.join(","));
    }
    let file = SourceFile {
        name: "无表头.csv".into(),
        bytes: bytes.into_bytes(),
    };
    let errors = parse_errors(&file);
    let all = text(&errors);
    assert!(!all.contains(ID), "{all}");
    assert!(!all.contains("420602199001010"), "{all}");
}

// Item 5: what the photo stamp would refuse.

#[test]
fn a_room_address_of_131_characters_is_refused_at_its_line_and_column() {
    let errors = refused(list(3, |i, c| {
        if i == 2 {
            c[6] = "02".into();
            c[7] = "楼".repeat(131);
        }
    }));
    assert_eq!(at(&errors), [(3, "考场地址")], "{errors:?}");
    assert!(errors[0].message.contains("120"), "{}", errors[0].message);
}

#[test]
fn a_multi_line_room_or_site_address_is_refused_at_its_line_and_column() {
    let errors = refused(list(2, |i, c| {
        if i == 2 {
            // Another site and room, so no "two addresses for one place" error stands in.
            c[4] = "新校区".into();
            c[6] = "02".into();
            c[7] = "实训楼\n301".into();
            c[5] = "襄阳市\r\n襄城区".into();
        }
    }));
    let mut found = at(&errors);
    found.sort_unstable();
    assert_eq!(found, [(3, "考场地址"), (3, "考点地址")], "{errors:?}");
    assert!(
        errors.iter().all(|e| e.message.contains("换行")),
        "{errors:?}"
    );
}

/// A stamp font that has every character but the private-use U+E000.
fn font_without_e000() -> GlyphCheck {
    GlyphCheck::new(|text| Ok(text.chars().filter(|c| *c == '\u{E000}').take(1).collect()))
}

#[test]
fn a_room_address_the_stamp_font_cannot_draw_is_refused_once_at_its_first_line() {
    let file = list(3, |_, c| c[7] = "实训楼\u{E000}301".into());
    let opts = ImportOptions {
        glyphs: Some(font_without_e000()),
        ..ImportOptions::default()
    };
    let errors = refused_with(&[file], &opts);
    assert_eq!(at(&errors), [(2, "考场地址")], "{errors:?}");
    assert!(
        errors[0].message.contains("U+E000"),
        "{}",
        errors[0].message
    );
}

// Item 5: one ID for two students.

#[test]
fn two_students_with_one_id_number_are_refused_naming_both_lines() {
    let errors = refused(list(3, |i, c| {
        if i == 3 {
            c[3] = cells(1)[3].clone();
        }
    }));
    assert_eq!(at(&errors), [(4, "证件号码")], "{errors:?}");
    assert!(
        errors[0].message.contains("座次表.csv:2"),
        "{}",
        errors[0].message
    );
    assert!(!text(&errors).contains(&cells(1)[3]), "masked");
}

#[test]
fn an_id_number_another_student_has_in_the_database_is_refused() {
    // Student 7 is new but shows student 501's document, already imported.
    let errors = refused(list(1, |_, c| {
        let first = cells(501);
        *c = cells(7);
        c[3] = first[3].clone();
    }));
    assert_eq!(at(&errors), [(2, "证件号码")], "{errors:?}");
    assert!(
        errors[0].message.contains("2242300000501"),
        "{}",
        errors[0].message
    );
}

// Item 5: sittings.

#[test]
fn an_existing_sitting_named_with_another_date_time_or_paper_is_refused() {
    for other in [
        sitting(LABEL, (2024, 4, 14), 9, 11, "11908"),
        sitting(LABEL, (2024, 4, 13), 14, 16, "11908"),
        sitting(LABEL, (2024, 4, 13), 9, 11, "99999"),
    ] {
        let errors = refused_with(&[list(1, |_, c| *c = cells(9))], &create(other));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].message.contains("已存在"),
            "{}",
            errors[0].message
        );
    }
}

#[test]
fn the_same_sitting_named_again_with_the_same_facts_is_accepted() {
    let (_dir, _path, mut store) = stocked(1);
    store
        .import(&[list(1, |_, c| *c = cells(9))], &create(default_sitting()))
        .unwrap();
}

#[test]
fn a_sitting_that_ends_before_it_starts_or_has_an_empty_or_multi_line_label_is_refused() {
    for (bad, expect) in [
        (sitting("2024秋", (2024, 10, 12), 11, 9, ""), "结束时间"),
        (sitting("  ", (2024, 10, 12), 9, 11, ""), "为空"),
        (sitting("2024秋\n第二次", (2024, 10, 12), 9, 11, ""), "一行"),
    ] {
        let errors = refused_with(&[list(1, |_, c| *c = cells(9))], &create(bad));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].message.contains(expect), "{}", errors[0].message);
    }
}

#[test]
fn a_file_without_a_sitting_is_told_so_once_not_once_per_row() {
    let (_dir, path, mut store) = stocked(1);
    store
        .add_sitting(
            &sitting("2024秋", (2024, 10, 12), 9, 11, ""),
            chrono::FixedOffset::east_opt(8 * 3600).unwrap(),
        )
        .unwrap();
    let before = dump(&path);
    let file = list(60, |i, c| *c = cells(100 + i));
    match store.import(&[file], &ImportOptions::default()) {
        Err(StoreError::Import(errors)) => {
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert!(errors[0].message.contains("未指定场次"), "{errors:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(dump(&path), before);
}

// Item 5: names.

#[test]
fn a_name_of_only_invisible_characters_is_refused() {
    let errors = refused(list(2, |i, c| {
        if i == 2 {
            c[1] = "\u{200B}\u{202E}\u{FEFF}".into();
        }
    }));
    assert_eq!(at(&errors), [(3, "姓名")], "{errors:?}");
}

#[test]
fn invisible_marks_are_folded_out_of_names_and_searches() {
    let mut store = Store::open_in_memory().unwrap();
    let file = list(2, |i, c| {
        if i == 1 {
            c[1] = "张\u{200B}三\u{202C}".into();
        }
    });
    store.import(&[file], &create(default_sitting())).unwrap();
    let found = store.search(LABEL, SITE, None, "张三", 10).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "张三", "stored without the marks");
    let typed = store
        .search(LABEL, SITE, None, "\u{2066}张\u{200D}三", 10)
        .unwrap();
    assert_eq!(typed.len(), 1, "the search folds them too");
}

#[test]
fn a_name_search_for_percent_or_underscore_finds_nobody() {
    let (_dir, _path, store) = stocked(3);
    for wildcard in ["%", "_", "考生_", "%1"] {
        let found = store.search(LABEL, SITE, None, wildcard, 10).unwrap();
        assert!(found.is_empty(), "{wildcard}: {found:?}");
    }
    assert_eq!(
        store.search(LABEL, SITE, None, "考生", 10).unwrap().len(),
        3
    );
}

// Item 5: files that say nothing, seats no room has, headers that repeat.

#[test]
fn a_file_with_a_header_and_no_rows_is_an_error() {
    let errors = refused(csv(SEATING_HEADER, &[]));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, 1);
    assert!(errors[0].message.contains("没有数据行"), "{errors:?}");
    let roster = SourceFile {
        name: "监考名单.csv".into(),
        bytes: "工号,姓名,角色,考点,考场\n".into(),
    };
    assert_eq!(parse_errors(&roster).len(), 1);
}

#[test]
fn a_seat_beyond_999_is_refused_when_the_list_gives_no_seat_count() {
    let errors = refused(list(2, |i, c| {
        if i == 2 {
            c[8] = "1000".into();
        }
    }));
    assert_eq!(at(&errors), [(3, "座位号")], "{errors:?}");
}

#[test]
fn a_seat_beyond_the_seat_count_in_the_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("door.sqlite");
    let mut store = Store::open(&path).unwrap();
    let with_seats = csv(
        &format!("{SEATING_HEADER},座位数"),
        &[{
            let mut c = cells(1);
            c.push("30".into());
            c
        }],
    );
    store
        .import(&[with_seats], &create(default_sitting()))
        .unwrap();
    let before = dump(&path);
    let later = list(1, |_, c| {
        *c = cells(2);
        c[8] = "31".into();
    });
    match store.import(&[later], &ImportOptions::default()) {
        Err(StoreError::Import(errors)) => {
            assert_eq!(at(&errors), [(2, "座位号")], "{errors:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(dump(&path), before);
}

#[test]
fn a_column_written_twice_is_named_as_such() {
    let header = format!("{SEATING_HEADER},姓名");
    let rows = vec![{
        let mut c = cells(1);
        c.push("别名".into());
        c
    }];
    let errors = parse_errors(&csv(&header, &rows));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        errors[0].message,
        "列 姓名 出现两次 (column 姓名 appears twice)"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Whatever column an ID number lands in, with or without the header row, no message
    /// quotes it whole.
    #[test]
    fn no_message_ever_quotes_an_id_number_whole(
        digits in "[1-9][0-9]{16}",
        column in 0usize..9,
        headerless in proptest::bool::ANY,
    ) {
        let id = resident_id(&digits);
        let file = list(2, |i, c| if i == 2 { c[column] = id.clone() });
        let file = if headerless {
            let text = String::from_utf8(file.bytes).unwrap();
            let body = text.split_once('\n').unwrap().1.to_string();
            SourceFile { name: file.name, bytes: body.into_bytes() }
        } else {
            file
        };
        let errors = match parse(&file) {
            Ok(_) => Vec::new(),
            Err(errors) => errors,
        };
        let all = text(&errors);
        proptest::prop_assert!(!all.contains(&id), "{}", all);
    }
}
