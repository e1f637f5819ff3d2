//! Reading one seating list or roster: encodings, XLSX, header spellings, and every row problem
//! reported with file, line and column — never a whole ID number.

// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use examgate_core::documents::DocumentKind;
use examgate_core::model::Role;
use examgate_store::import::{ImportError, Parsed, SeatingList, SourceFile, parse};
use examgate_testkit::csv::crlf_line;
use examgate_testkit::resident_id;
use proptest::prelude::*;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook};

const SITE: &str = "襄阳电大校本部";
const SITE_ADDRESS: &str = "襄阳市襄城区尹集东街东街66号";
const ROOM_ADDRESS: &str = "襄阳市襄城区尹集东街东街66号 实训楼301";

const HEADER: [&str; 12] = [
    "序号",
    "学号",
    "姓名",
    "证件类型",
    "证件号码",
    "考点",
    "考点地址",
    "考场",
    "考场地址",
    "座位号",
    "座位数",
    "场次",
];

/// Four candidates of room 01: a resident ID, a short form with an `X`, a residence permit and a
/// passport.
fn candidates() -> Vec<[String; 12]> {
    let people = [
        (
            "2023123456789",
            "张三",
            "居民身份证",
            resident_id("42060219900101001"),
        ),
        (
            "2023123456790",
            "李四",
            "身份证",
            "11010519491231002X".into(),
        ),
        (
            "2023123456791",
            "欧阳娜娜",
            "港澳台居民居住证",
            "810000199408230021".into(),
        ),
        ("2023123456792", "Ann Lee", "护照", "E12345678".into()),
    ];
    people
        .into_iter()
        .enumerate()
        .map(|(i, (number, name, kind, id))| {
            [
                (i + 1).to_string(),
                number.into(),
                name.into(),
                kind.into(),
                id,
                SITE.into(),
                SITE_ADDRESS.into(),
                "01".into(),
                ROOM_ADDRESS.into(),
                (i + 1).to_string(),
                "30".into(),
                "2023春 第一次".into(),
            ]
        })
        .collect()
}

/// The seating list as Excel saves CSV: CRLF, with a blank line after the second candidate.
fn seating_csv() -> String {
    let rows = candidates();
    let mut text = crlf_line(&HEADER);
    text += &crlf_line(&rows[0]);
    text += &crlf_line(&rows[1]);
    text += "\r\n";
    text += &crlf_line(&rows[2]);
    text += &crlf_line(&rows[3]);
    text
}

fn file(name: &str, bytes: impl Into<Vec<u8>>) -> SourceFile {
    SourceFile {
        name: name.into(),
        bytes: bytes.into(),
    }
}

fn seating(f: &SourceFile) -> SeatingList {
    match parse(f) {
        Ok(Parsed::Seating(list)) => list,
        other => panic!("expected a seating list, got {other:?}"),
    }
}

fn errors(f: &SourceFile) -> Vec<ImportError> {
    match parse(f) {
        Err(errors) => errors,
        Ok(parsed) => panic!("expected errors, got {parsed:?}"),
    }
}

/// The CSV with one cell of one candidate replaced.
fn csv_with(candidate: usize, column: &str, value: &str) -> String {
    let i = HEADER.iter().position(|h| *h == column).unwrap();
    let mut rows = candidates();
    rows[candidate][i] = value.into();
    let mut text = crlf_line(&HEADER);
    for row in &rows {
        text += &crlf_line(row);
    }
    text
}

fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, had_errors) = encoding_rs::GBK.encode(text);
    assert!(!had_errors);
    bytes.into_owned()
}

/// The seating list as an .xlsx; student numbers of odd rows are written as numbers.
fn seating_xlsx() -> Vec<u8> {
    let mut book = Workbook::new();
    // A fixed creation time makes the file the same bytes on every run.
    let created = ExcelDateTime::from_ymd(2023, 4, 1).unwrap();
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in candidates().iter().enumerate() {
        let excel_row = r as u32 + 1 + u32::from(r >= 2); // blank row 4, as in the CSV
        for (c, cell) in row.iter().enumerate() {
            let numeric = c == 0 || c == 9 || c == 10 || (c == 1 && r % 2 == 0);
            if numeric {
                sheet
                    .write_number(excel_row, c as u16, cell.parse::<f64>().unwrap())
                    .unwrap();
            } else {
                sheet.write_string(excel_row, c as u16, cell).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn utf8_utf8_with_bom_gbk_and_xlsx_parse_to_the_same_rows() {
    let text = seating_csv();
    let utf8 = seating(&file("a.csv", text.clone()));
    let bom = seating(&file(
        "a.csv",
        [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
    ));
    let gbk_bytes = gbk(&text);
    assert!(
        std::str::from_utf8(&gbk_bytes).is_err(),
        "the fixture must really be GBK"
    );
    let from_gbk = seating(&file("a.csv", gbk_bytes));
    let xlsx = seating(&file("a.csv", seating_xlsx()));

    assert_eq!(utf8.rows.len(), 4);
    assert_eq!(bom, utf8);
    assert_eq!(from_gbk, utf8);
    assert_eq!(xlsx.rows, utf8.rows);

    let first = &utf8.rows[0];
    assert_eq!(first.candidate.name, "张三");
    assert_eq!(first.candidate.site, SITE);
    assert_eq!(first.site_address, SITE_ADDRESS);
    assert_eq!(first.room_address, ROOM_ADDRESS);
    assert_eq!(first.room_seats, Some(30));
    assert_eq!(first.sitting.as_deref(), Some("2023春 第一次"));
    assert_eq!(utf8.rows[2].candidate.name, "欧阳娜娜");
    let kinds: Vec<DocumentKind> = utf8
        .rows
        .iter()
        .map(|r| r.candidate.document_kind)
        .collect();
    assert_eq!(
        kinds,
        [
            DocumentKind::ResidentId,
            DocumentKind::ResidentId,
            DocumentKind::ResidencePermit,
            DocumentKind::Passport
        ]
    );
}

#[test]
fn blank_rows_are_skipped_and_line_numbers_stay_true() {
    let list = seating(&file("a.csv", seating_csv()));
    let lines: Vec<usize> = list.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [2, 3, 5, 6]);
    let xlsx = seating(&file("a.xlsx", seating_xlsx()));
    assert_eq!(
        xlsx.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
        [2, 3, 5, 6]
    );
}

#[test]
fn xlsx_numeric_student_number_keeps_all_thirteen_digits() {
    let list = seating(&file("a.xlsx", seating_xlsx()));
    assert_eq!(
        list.rows[0].candidate.student_number.as_str(),
        "2023123456789"
    );
    assert_eq!(
        list.rows[2].candidate.student_number.as_str(),
        "2023123456791"
    );
    assert_eq!(list.rows[0].candidate.seat, 1);
}

#[test]
fn document_numbers_are_stored_normalised() {
    let text = csv_with(1, "证件号码", " 11010519491231002x ");
    let list = seating(&file("a.csv", text));
    assert_eq!(list.rows[1].candidate.document_number, "11010519491231002X");
}

#[test]
fn a_bad_id_number_names_line_and_field_and_is_shown_masked() {
    let text = csv_with(0, "证件号码", "110105194912310021");
    let errors = errors(&file("seats.csv", text));
    assert_eq!(errors.len(), 1);
    let e = &errors[0];
    assert_eq!(
        (e.file.as_str(), e.line, e.field.as_str()),
        ("seats.csv", 2, "证件号码")
    );
    assert!(e.message.contains("110105********0021"), "{}", e.message);
    assert!(e.message.contains("校验位"), "{}", e.message);
    assert!(!e.to_string().contains("110105194912310021"));
    assert!(e.to_string().starts_with("seats.csv:2: 证件号码: "), "{e}");
}

#[test]
fn a_bad_birth_date_is_reported_without_revealing_the_number() {
    let id = resident_id("11010519990230001");
    let errors = errors(&file("a.csv", csv_with(0, "证件号码", &id)));
    assert_eq!(errors.len(), 1);
    assert!(errors[0].message.contains("出生日期"));
    assert!(
        !errors[0].message.contains("19990230"),
        "{}",
        errors[0].message
    );
}

#[test]
fn a_wrong_student_number_names_line_and_field() {
    let errors = errors(&file("a.csv", csv_with(2, "学号", "202312345679")));
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].line, errors[0].field.as_str()), (4, "学号"));
    assert!(errors[0].message.contains("13"));
}

#[test]
fn every_row_problem_is_reported_not_just_the_first() {
    let mut text = csv_with(0, "座位号", "0");
    text = text
        .replace("欧阳娜娜", "")
        .replace("Ann Lee,护照", "Ann Lee,驾驶证");
    let errors = errors(&file("a.csv", text));
    let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
    assert_eq!(found, [(2, "座位号"), (4, "姓名"), (5, "证件类型")]);
}

#[test]
fn a_missing_required_column_is_one_error_naming_it() {
    let text = seating_csv().replace("证件号码", "备注");
    let errors = errors(&file("a.csv", text));
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].line, errors[0].field.as_str()), (1, "证件号码"));
    assert!(errors[0].message.contains("缺少必填列“证件号码”"));
}

#[test]
fn a_file_of_unknown_columns_names_what_was_found_and_what_is_expected() {
    let errors = errors(&file("a.csv", "序号,备注\r\n1,x\r\n"));
    assert_eq!(errors.len(), 1);
    let m = &errors[0].message;
    assert!(
        m.contains("“备注”") && m.contains("学号") && m.contains("工号"),
        "{m}"
    );
}

#[test]
fn header_spellings_from_other_offices_are_recognised() {
    let header = "准考证号,考生姓名,证件类型,身份证号,考点名称,考点地址,考场号（号）,考场地址,\
                  座位号(号),Seats,照片";
    let row = format!(
        "2023123456789,张三,居民身份证,{},{SITE},{SITE_ADDRESS},01,{ROOM_ADDRESS},7,30,2023123456789.jpg",
        resident_id("42060219900101001")
    );
    let list = seating(&file("a.csv", format!("{header}\n{row}\n")));
    assert_eq!(list.rows[0].candidate.seat, 7);
    assert_eq!(
        list.rows[0].candidate.photo.as_deref(),
        Some("2023123456789.jpg")
    );
    assert_eq!(list.rows[0].sitting, None);
    let english = "student_number,Name,Document Type,DOCUMENT_NUMBER,site,site_address,room,\
                   room_address,seat";
    let row = format!(
        "2023123456789,张三,resident-id,{},{SITE},{SITE_ADDRESS},01,{ROOM_ADDRESS},7",
        resident_id("42060219900101001")
    );
    assert_eq!(
        seating(&file("a.csv", format!("{english}\n{row}\n")))
            .rows
            .len(),
        1
    );
}

#[test]
fn a_title_row_above_the_header_is_skipped() {
    let text = format!("2023春学位英语考试座次表,,,\r\n{}", seating_csv());
    let list = seating(&file("a.csv", text));
    assert_eq!(list.rows[0].line, 3);
}

#[test]
fn tab_separated_text_is_read_too() {
    let text = seating_csv().replace(',', "\t");
    assert_eq!(seating(&file("a.txt", text)).rows.len(), 4);
}

#[test]
fn a_repeated_column_must_agree_with_itself() {
    let header = "学号,准考证号,姓名,证件类型,证件号码,考点,考点地址,考场,考场地址,座位号";
    let id = resident_id("42060219900101001");
    let row = |ticket: &str| {
        format!("2023123456789,{ticket},张三,身份证,{id},{SITE},{SITE_ADDRESS},01,{ROOM_ADDRESS},1")
    };
    let ok = format!("{header}\n{}\n", row("2023123456789"));
    assert_eq!(seating(&file("a.csv", ok)).rows.len(), 1);
    let bad = format!("{header}\n{}\n", row("2023123456780"));
    let errors = errors(&file("a.csv", bad));
    assert_eq!((errors[0].line, errors[0].field.as_str()), (2, "准考证号"));
}

#[test]
fn merged_cells_in_xlsx_give_their_value_to_every_row() {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let rows = candidates();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if c != 5 {
                sheet.write_string(r as u32 + 1, c as u16, cell).unwrap();
            }
        }
    }
    let format = rust_xlsxwriter::Format::new();
    sheet.merge_range(1, 5, 4, 5, SITE, &format).unwrap();
    let list = seating(&file("a.xlsx", book.save_to_buffer().unwrap()));
    assert!(list.rows.iter().all(|r| r.candidate.site == SITE));
}

#[test]
fn a_date_cell_in_xlsx_reads_as_iso_text() {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (c, cell) in candidates()[0].iter().enumerate() {
        sheet.write_string(1, c as u16, cell).unwrap();
    }
    let date = ExcelDateTime::from_ymd(2023, 4, 15).unwrap();
    let format = rust_xlsxwriter::Format::new().set_num_format("yyyy/m/d");
    sheet
        .write_datetime_with_format(1, 11, &date, &format)
        .unwrap();
    let list = seating(&file("a.xlsx", book.save_to_buffer().unwrap()));
    assert_eq!(list.rows[0].sitting.as_deref(), Some("2023-04-15"));
}

#[test]
fn an_eighteen_digit_id_stored_as_an_excel_number_is_an_error_not_a_wrong_number() {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (c, cell) in candidates()[1].iter().enumerate() {
        sheet.write_string(1, c as u16, cell).unwrap();
    }
    sheet.write_number(1, 4, 110105194912310021.0).unwrap();
    sheet.write_number(1, 9, 2.5).unwrap();
    let errors = errors(&file("a.xlsx", book.save_to_buffer().unwrap()));
    let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
    assert_eq!(found, [(2, "证件号码"), (2, "座位号")]);
    assert!(errors[0].message.contains("15"));
    assert!(!errors[0].message.contains("11010519491231"));
}

#[test]
fn a_roster_reads_proctors_and_chief_examiners() {
    let text = "工号,姓名,角色,考点,考场\n\
                T001,王老师,监考教师,襄阳电大校本部,01\n\
                T002,刘老师,主考,襄阳电大校本部,\n";
    let roster = match parse(&file("roster.csv", gbk(text))) {
        Ok(Parsed::Roster(r)) => r,
        other => panic!("expected a roster, got {other:?}"),
    };
    assert_eq!(roster.rows.len(), 2);
    assert_eq!(roster.rows[0].staff.role, Role::Proctor);
    assert_eq!(roster.rows[0].staff.room.as_deref(), Some("01"));
    assert_eq!(roster.rows[1].staff.role, Role::ChiefExaminer);
    assert_eq!(roster.rows[1].staff.room, None);
    assert_eq!(roster.rows[1].line, 3);
}

#[test]
fn a_proctor_needs_a_room_and_a_chief_examiner_has_none() {
    let text = "工号,姓名,角色,考点,考场\n\
                T001,王老师,监考,襄阳电大校本部,\n\
                T002,刘老师,主考,襄阳电大校本部,01\n\
                T003,陈老师,巡考,襄阳电大校本部,02\n";
    let errors = errors(&file("roster.csv", text));
    let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
    assert_eq!(found, [(2, "考场"), (3, "考场"), (4, "角色")]);
}

#[test]
fn bytes_that_are_neither_utf8_nor_gbk_give_the_line_to_look_at() {
    for mut bytes in [gbk(&seating_csv()), seating_csv().into_bytes()] {
        bytes.extend_from_slice(b"\x81\x20,broken\r\n");
        let errors = errors(&file("a.csv", bytes));
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].line, errors[0].field.as_str()), (7, ""));
        assert!(errors[0].message.contains("GBK"));
    }
}

#[test]
fn garbage_bytes_give_one_whole_file_error() {
    let errors = errors(&file(
        "photo.jpg",
        b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01".to_vec(),
    ));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "");
    assert!(errors[0].message.contains("xlsx"), "{}", errors[0].message);
}

#[test]
fn an_empty_file_says_so() {
    let errors = errors(&file("a.csv", "\r\n,,,\r\n"));
    assert_eq!((errors.len(), errors[0].line), (1, 0));
    assert!(errors[0].message.contains("空"));
    assert_eq!(
        errors[0].to_string(),
        format!("a.csv: {}", errors[0].message)
    );
}

/// A one-entry ZIP archive, stored: a ZIP, but no workbook in it.
fn zip_with(name: &str, content: &[u8]) -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
            }
        }
        !crc
    }
    let (crc, size, name_len) = (crc32(content), content.len() as u32, name.len() as u16);
    let mut zip = Vec::new();
    zip.extend(b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00");
    zip.extend(crc.to_le_bytes());
    zip.extend(size.to_le_bytes());
    zip.extend(size.to_le_bytes());
    zip.extend(name_len.to_le_bytes());
    zip.extend(0u16.to_le_bytes());
    zip.extend(name.as_bytes());
    zip.extend(content);
    let central = zip.len() as u32;
    zip.extend(b"PK\x01\x02\x14\x00\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00");
    zip.extend(crc.to_le_bytes());
    zip.extend(size.to_le_bytes());
    zip.extend(size.to_le_bytes());
    zip.extend(name_len.to_le_bytes());
    zip.extend([0u8; 12]);
    zip.extend(0u32.to_le_bytes());
    zip.extend(name.as_bytes());
    let central_len = zip.len() as u32 - central;
    zip.extend(b"PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00");
    zip.extend(central_len.to_le_bytes());
    zip.extend(central.to_le_bytes());
    zip.extend(0u16.to_le_bytes());
    zip
}

#[test]
fn a_zip_that_is_not_a_workbook_gives_one_whole_file_error() {
    let errors = errors(&file("seats.xlsx", zip_with("readme.txt", b"hello")));
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].line, errors[0].field.as_str()), (0, ""));
    assert!(
        errors[0].message.contains("不是有效的 XLSX 文件"),
        "{}",
        errors[0].message
    );
}

#[test]
#[cfg_attr(
    not(debug_assertions),
    ignore = "calamine's overflow panics only with overflow checks on"
)]
fn a_damaged_xlsx_that_trips_calamine_is_an_error_not_a_crash() {
    // Found by `a_corrupted_xlsx_never_panics`: this one changed byte makes calamine overflow a
    // row number and panic (in debug builds).
    let mut bytes = seating_xlsx();
    bytes[3903] = b'9';
    let errors = errors(&file("a.xlsx", bytes));
    assert_eq!((errors.len(), errors[0].line), (1, 0));
    assert!(errors[0].message.contains("损坏"), "{}", errors[0].message);
}

#[test]
fn an_old_xls_file_is_refused_with_what_to_do() {
    let errors = errors(&file(
        "a.xls",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest".to_vec(),
    ));
    assert!(errors[0].message.contains(".xlsx"));
}

proptest! {
    #[test]
    fn parse_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse(&file("x", bytes));
    }

    #[test]
    fn parse_never_panics_on_arbitrary_zip_like_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse(&file("x", [b"PK\x03\x04".as_slice(), &bytes].concat()));
    }

    #[test]
    fn parse_never_panics_on_csv_like_text(
        rows in proptest::collection::vec(
            proptest::collection::vec("[学号姓名证件类型号码考点地址场座位数0-9X\" ,\r\n（）]{0,12}", 0..12),
            0..8,
        )
    ) {
        let mut text = crlf_line(&HEADER);
        for row in rows {
            text += &crlf_line(&row);
        }
        let _ = parse(&file("x", text));
    }

    #[test]
    fn a_corrupted_xlsx_never_panics(at in 0usize..4096, byte in any::<u8>()) {
        let mut bytes = seating_xlsx();
        let i = at % bytes.len();
        bytes[i] = byte;
        let _ = parse(&file("x", bytes));
    }
}
