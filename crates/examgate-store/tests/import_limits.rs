//! The files an import reads, made hostile: a workbook that declares more than it holds, a ZIP
//! bomb, a cell at `XFD1048576`, an Excel 97 file, bytes that only pretend to be a workbook. Each
//! is refused with a message that says what is true, before anything big is allocated.
//!
//! The hostile files are generated here: XLSX by writing the ZIP entries by hand with the `zip`
//! crate, XLS by writing BIFF8 records into an OLE2 container with the `cfb` crate.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use std::io::Write;

use examgate_store::import::{ImportError, Parsed, SourceFile, parse};
use examgate_testkit::csv::SEATING_COLUMNS;
use examgate_testkit::resident_id;
use proptest::prelude::*;

fn row(i: u32) -> Vec<String> {
    vec![
        format!("{}", 2242300000001u64 + u64::from(i)),
        "欧阳娜娜".into(),
        "身份证".into(),
        resident_id(&format!("42060219900101{:03}", i % 1000)),
        "襄阳电大校本部".into(),
        "襄阳市襄城区尹集东街东街66号".into(),
        format!("{:02}", i / 30 + 1),
        "襄阳市襄城区尹集东街东街66号 201室".into(),
        format!("{}", i % 30 + 1),
    ]
}

fn errors(name: &str, bytes: Vec<u8>) -> Vec<ImportError> {
    match parse(&SourceFile {
        name: name.into(),
        bytes,
    }) {
        Err(errors) => errors,
        Ok(parsed) => panic!("expected errors, got {parsed:?}"),
    }
}

fn one_error(name: &str, bytes: Vec<u8>) -> String {
    let errors = errors(name, bytes);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].file.as_str(), errors[0].line), (name, 0));
    errors[0].message.clone()
}

// ---- XLSX, written entry by entry ----

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/></Relationships>"#;
const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

fn workbook_xml(sheets: &[&str]) -> String {
    let list: String = sheets
        .iter()
        .enumerate()
        .map(|(i, name)| {
            format!(
                r#"<sheet name="{name}" sheetId="{}" r:id="rId{}"/>"#,
                i + 1,
                i + 1
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{list}</sheets></workbook>"#
    )
}

fn sheet_xml(dimension: &str, rows: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>"#
    )
}

/// An XLSX of the given entries besides the workbook's own, deflated.
fn xlsx(sheets: &[(&str, String)], extra: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let names: Vec<&str> = sheets.iter().map(|(n, _)| *n).collect();
    let mut entries: Vec<(String, Vec<u8>)> = vec![
        ("_rels/.rels".into(), ROOT_RELS.into()),
        ("xl/workbook.xml".into(), workbook_xml(&names).into_bytes()),
        ("xl/_rels/workbook.xml.rels".into(), WORKBOOK_RELS.into()),
    ];
    for (i, (_, xml)) in sheets.iter().enumerate() {
        entries.push((
            format!("xl/worksheets/sheet{}.xml", i + 1),
            xml.clone().into_bytes(),
        ));
    }
    for (name, bytes) in extra {
        entries.push(((*name).into(), bytes.to_vec()));
    }
    for (name, bytes) in entries {
        zip.start_file(name, opts).unwrap();
        zip.write_all(&bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn inline_row(r: u32, cells: &[String]) -> String {
    let cells: String = cells
        .iter()
        .enumerate()
        .map(|(c, text)| {
            let col = char::from(b'A' + c as u8);
            format!(r#"<c r="{col}{r}" t="inlineStr"><is><t>{text}</t></is></c>"#)
        })
        .collect();
    format!(r#"<row r="{r}">{cells}</row>"#)
}

#[test]
fn one_value_at_xfd1048576_refuses_a_tiny_xlsx_instead_of_allocating_the_whole_sheet() {
    let header = inline_row(1, &SEATING_COLUMNS.map(String::from));
    let far = r#"<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#;
    let bytes = xlsx(
        &[("座次表", sheet_xml("A1:XFD1048576", &(header + far)))],
        &[],
    );
    assert!(bytes.len() < 5_000, "{} bytes", bytes.len());
    let message = one_error("座次表.xlsx", bytes);
    assert!(message.contains("XFD1048576"), "{message}");
    assert!(message.contains("20000"), "{message}");
}

#[test]
fn a_value_past_the_twenty_thousandth_row_refuses_the_file_naming_the_limit() {
    let header = inline_row(1, &SEATING_COLUMNS.map(String::from));
    let far = r#"<row r="20001"><c r="A20001"><v>1</v></c></row>"#;
    let message = one_error(
        "a.xlsx",
        xlsx(&[("Sheet1", sheet_xml("A1:I20001", &(header + far)))], &[]),
    );
    assert!(message.contains("A20001"), "{message}");
}

#[test]
fn a_declared_dimension_alone_allocates_nothing_and_the_list_still_reads() {
    let mut rows = inline_row(1, &SEATING_COLUMNS.map(String::from));
    rows += &inline_row(2, &row(0));
    let bytes = xlsx(&[("Sheet1", sheet_xml("A1:XFD1048576", &rows))], &[]);
    match parse(&SourceFile {
        name: "a.xlsx".into(),
        bytes,
    }) {
        Ok(Parsed::Seating(list)) => assert_eq!(list.rows.len(), 1),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_one_megabyte_xlsx_whose_shared_strings_inflate_to_gigabytes_is_refused_unread() {
    // 20 MB of shared strings deflate to a few tens of KB: refused on the declared size, before
    // calamine reads the table.
    let si = "<si><t>x</t></si>".repeat(20 * 1024 * 1024 / 17);
    let shared = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{si}</sst>"#
    );
    let bytes = xlsx(
        &[("Sheet1", sheet_xml("A1", ""))],
        &[("xl/sharedStrings.xml", shared.as_bytes())],
    );
    assert!(bytes.len() < 1024 * 1024, "{} bytes", bytes.len());
    let message = one_error("a.xlsx", bytes);
    assert!(message.contains("sharedStrings.xml"), "{message}");
    assert!(message.contains("16 MB"), "{message}");
}

#[test]
fn an_entry_that_inflates_a_thousandfold_is_a_zip_bomb_and_refused() {
    let zeros = vec![0u8; 8 * 1024 * 1024];
    let bytes = xlsx(
        &[("Sheet1", sheet_xml("A1", ""))],
        &[("xl/media/image1.png", &zeros)],
    );
    let message = one_error("a.xlsx", bytes);
    assert!(message.contains("image1.png"), "{message}");
    assert!(message.contains("200:1"), "{message}");
}

#[test]
fn random_bytes_named_xlsx_are_said_not_to_be_an_xlsx_file() {
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let message = one_error("座次表.xlsx", bytes);
    assert!(message.contains("不是有效的 XLSX 文件"), "{message}");
    assert!(message.contains("not an XLSX file"), "{message}");
}

#[test]
fn a_zip_without_a_workbook_is_said_not_to_be_an_xlsx_file() {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("readme.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(b"hello").unwrap();
    let message = one_error("a.xlsx", zip.finish().unwrap().into_inner());
    assert!(message.contains("不是有效的 XLSX 文件"), "{message}");
}

#[test]
fn data_on_the_second_sheet_while_the_first_is_empty_names_that_sheet() {
    let mut rows = inline_row(1, &SEATING_COLUMNS.map(String::from));
    rows += &inline_row(2, &row(0));
    let bytes = xlsx(
        &[
            ("说明", sheet_xml("A1", "")),
            ("考场安排", sheet_xml("A1:I2", &rows)),
        ],
        &[],
    );
    let message = one_error("a.xlsx", bytes);
    assert!(message.contains("“考场安排”"), "{message}");
    assert!(
        message.contains("only the first sheet is read"),
        "{message}"
    );
}

#[test]
fn a_csv_of_more_than_twenty_thousand_rows_is_refused_naming_the_limit() {
    let mut text = SEATING_COLUMNS.join(",") + "\n";
    for i in 0..20_000 {
        text += &(row(i).join(",") + "\n");
    }
    let message = one_error("a.csv", text.into_bytes());
    assert!(message.contains("20000"), "{message}");
}

#[test]
fn one_huge_csv_line_is_not_copied_into_every_later_row() {
    // A line of a million empty cells above the header, then 2,000 rows: were that line's buffers
    // copied into each later row, this would take 16 GB.
    let mut text = ",".repeat(1_000_000) + "\n" + &SEATING_COLUMNS.join(",") + "\n";
    for i in 0..2_000 {
        text += &(row(i).join(",") + "\n");
    }
    let parsed = parse(&SourceFile {
        name: "a.csv".into(),
        bytes: text.into_bytes(),
    });
    match parsed {
        Ok(Parsed::Seating(list)) => assert_eq!(list.rows.len(), 2_000),
        other => panic!("expected a seating list, got {other:?}"),
    }
}

#[test]
fn an_import_file_over_the_size_limit_is_refused_whatever_it_holds() {
    let message = one_error("a.csv", vec![b'a'; 32 * 1024 * 1024 + 1]);
    assert!(message.contains("32 MB"), "{message}");
}

// ---- XLS (BIFF8 in an OLE2 container) ----

fn record(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut r = typ.to_le_bytes().to_vec();
    r.extend((data.len() as u16).to_le_bytes());
    r.extend(data);
    r
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// A cell of the generated sheet: text (through the shared strings) or an Excel number.
enum XlsCell {
    Text(String),
    Number(f64),
}

/// A one-sheet BIFF8 workbook: BOF, BOUNDSHEET, SST, EOF; then the sheet's BOF, DIMENSIONS,
/// LABELSST and NUMBER cells, EOF.
fn xls(sheet: &str, cells: &[(u16, u16, XlsCell)], dimensions: Option<[u32; 4]>) -> Vec<u8> {
    let bof = |dt: u16| {
        record(
            0x0809,
            &[&0x0600u16.to_le_bytes()[..], &dt.to_le_bytes(), &[0; 12]].concat(),
        )
    };
    let mut strings: Vec<&str> = Vec::new();
    let mut sst = Vec::new();
    for (_, _, cell) in cells {
        if let XlsCell::Text(s) = cell {
            strings.push(s);
        }
    }
    sst.extend((strings.len() as u32).to_le_bytes());
    sst.extend((strings.len() as u32).to_le_bytes());
    for s in &strings {
        sst.extend((s.encode_utf16().count() as u16).to_le_bytes());
        sst.push(1);
        sst.extend(utf16(s));
    }
    let mut name = vec![sheet.encode_utf16().count() as u8, 1];
    name.extend(utf16(sheet));
    let boundsheet_len = 4 + 6 + name.len();
    let globals_len = bof(0x0005).len() + boundsheet_len + record(0x00FC, &sst).len() + 4;
    let mut stream = bof(0x0005);
    stream.extend(record(
        0x0085,
        &[&(globals_len as u32).to_le_bytes()[..], &[0, 0], &name].concat(),
    ));
    stream.extend(record(0x00FC, &sst));
    stream.extend(record(0x000A, &[]));
    assert_eq!(stream.len(), globals_len);
    stream.extend(bof(0x0010));
    let last_row = cells.iter().map(|c| u32::from(c.0)).max().unwrap_or(0);
    let last_col = cells.iter().map(|c| u32::from(c.1)).max().unwrap_or(0);
    let [rf, rl, cf, cl] = dimensions.unwrap_or([0, last_row + 1, 0, last_col + 1]);
    let dims = [
        &rf.to_le_bytes()[..],
        &rl.to_le_bytes(),
        &(cf as u16).to_le_bytes(),
        &(cl as u16).to_le_bytes(),
        &[0, 0],
    ]
    .concat();
    stream.extend(record(0x0200, &dims));
    let mut next_string = 0u32;
    for (r, c, cell) in cells {
        let at = [&r.to_le_bytes()[..], &c.to_le_bytes(), &0u16.to_le_bytes()].concat();
        match cell {
            XlsCell::Text(_) => {
                stream.extend(record(
                    0x00FD,
                    &[&at[..], &next_string.to_le_bytes()].concat(),
                ));
                next_string += 1;
            }
            XlsCell::Number(x) => {
                stream.extend(record(0x0203, &[&at[..], &x.to_le_bytes()].concat()));
            }
        }
    }
    stream.extend(record(0x000A, &[]));
    let mut file = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    file.create_stream("/Workbook")
        .unwrap()
        .write_all(&stream)
        .unwrap();
    file.flush().unwrap();
    file.into_inner().into_inner()
}

fn xls_list(id_as_number: bool) -> Vec<u8> {
    let mut cells = Vec::new();
    for (c, h) in SEATING_COLUMNS.iter().enumerate() {
        cells.push((0, c as u16, XlsCell::Text((*h).into())));
    }
    for i in 0..3u16 {
        for (c, text) in row(u32::from(i)).into_iter().enumerate() {
            let cell = match c {
                0 | 8 => XlsCell::Number(text.parse().unwrap()),
                3 if id_as_number && i == 1 => XlsCell::Number(text.parse().unwrap()),
                _ => XlsCell::Text(text),
            };
            cells.push((i + 1, c as u16, cell));
        }
    }
    xls("考场安排", &cells, None)
}

#[test]
fn an_excel_97_xls_seating_list_reads_under_the_same_header_rules() {
    let list = match parse(&SourceFile {
        name: "座次表.xls".into(),
        bytes: xls_list(false),
    }) {
        Ok(Parsed::Seating(list)) => list,
        other => panic!("{other:?}"),
    };
    assert_eq!(list.rows.len(), 3);
    let first = &list.rows[0];
    assert_eq!(first.line, 2);
    assert_eq!(first.candidate.student_number.as_str(), "2242300000001");
    assert_eq!(first.candidate.name, "欧阳娜娜");
    assert_eq!(first.candidate.seat, 1);
    assert_eq!(first.candidate.document_number, row(0)[3]);
}

#[test]
fn an_eighteen_digit_id_that_excel_97_stored_as_a_number_is_refused_naming_the_column() {
    let errors = errors("座次表.xls", xls_list(true));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].line, errors[0].field.as_str()), (3, "证件号码"));
    let shown = errors[0].to_string();
    assert!(
        shown.contains("证件号码: 该列是数字格式，超过 15 位的号码末几位已丢失"),
        "{shown}"
    );
    assert!(shown.contains("format the column as text and type the numbers again"));
    assert!(
        !shown.contains(&row(1)[3][..14]),
        "no ID number in the message"
    );
}

#[test]
fn an_xls_cell_past_the_limits_is_refused_before_calamine_reads_the_file() {
    let cells = [
        (0, 0, XlsCell::Text("学号".into())),
        (65_535, 255, XlsCell::Number(1.0)),
    ];
    let message = one_error("a.xls", xls("Sheet1", &cells, Some([0, 1, 0, 1])));
    assert!(message.contains("IV65536"), "{message}");
}

#[test]
fn an_xls_that_declares_four_billion_rows_is_refused_before_calamine_reserves_them() {
    let cells = [(0, 0, XlsCell::Text("学号".into()))];
    let message = one_error("a.xls", xls("Sheet1", &cells, Some([0, u32::MAX, 0, 1])));
    assert!(message.contains("20000"), "{message}");
}

#[test]
fn html_saved_as_xls_is_said_to_be_a_web_page() {
    let message = one_error(
        "a.xls",
        b"<html><body><table><tr><td>\xe5\xad\xa6\xe5\x8f\xb7</td></tr></table></body></html>"
            .to_vec(),
    );
    assert!(message.contains("HTML"), "{message}");
}

proptest! {
    #[test]
    fn a_corrupted_xls_never_panics(at in 0usize..8192, byte in any::<u8>()) {
        let mut bytes = xls_list(true);
        let i = at % bytes.len();
        bytes[i] = byte;
        let _ = parse(&SourceFile { name: "x.xls".into(), bytes });
    }

    #[test]
    fn arbitrary_bytes_after_the_ole2_magic_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let bytes = [b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".as_slice(), &bytes].concat();
        let _ = parse(&SourceFile { name: "x.xls".into(), bytes });
    }
}
