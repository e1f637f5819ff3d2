//! A 10,000-row XLSX seating list, and the worst workbook the limits let through, import in
//! bounded memory: the real `examgate import` process,
//! its peak resident memory measured by `examgate photo measure` (getrusage of its one child).
#![cfg(target_os = "linux")]
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use std::process::Command;

use examgate_testkit::csv::SEATING_COLUMNS;
use examgate_testkit::resident_id;
use rust_xlsxwriter::Workbook;

const ROWS: u32 = 10_000;
/// Ten thousand candidates, thirty to a room, student numbers typed in as numbers (as offices do).
fn list() -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in SEATING_COLUMNS.iter().chain(&["座位数"]).enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for i in 0..ROWS {
        let r = i + 1;
        let room = i / 30 + 1;
        // Birth dates spread over days 1..=28 of 1990's months, serials unique per date.
        let first17 = format!(
            "420602{:04}{:02}{:02}{:03}",
            1990 + i / (12 * 28 * 100),
            i / (28 * 100) % 12 + 1,
            i / 100 % 28 + 1,
            i % 100
        );
        sheet
            .write_number(r, 0, (2_242_300_000_000u64 + u64::from(i)) as f64)
            .unwrap();
        sheet.write_string(r, 1, format!("考生{i}")).unwrap();
        sheet.write_string(r, 2, "居民身份证").unwrap();
        sheet.write_string(r, 3, resident_id(&first17)).unwrap();
        sheet.write_string(r, 4, "襄阳电大校本部").unwrap();
        sheet
            .write_string(r, 5, "襄阳市襄城区尹集东街东街66号")
            .unwrap();
        sheet.write_string(r, 6, format!("{room:03}")).unwrap();
        sheet
            .write_string(r, 7, format!("襄阳市襄城区尹集东街东街66号 {room:03}室"))
            .unwrap();
        sheet.write_number(r, 8, f64::from(i % 30 + 1)).unwrap();
        sheet.write_number(r, 9, 30.0).unwrap();
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn a_ten_thousand_row_xlsx_imports_with_peak_memory_well_under_256_mb() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("座次表.xlsx");
    std::fs::write(&xlsx, list()).unwrap();
    let bin = env!("CARGO_BIN_EXE_examgate");
    let out = Command::new(bin)
        .args(["photo", "measure", "--", bin, "import", "--db"])
        .arg(dir.path().join("door.db"))
        .args(["--sitting", "2024春 第一次", "--date", "2024-04-13"])
        .arg(&xlsx)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let fields: Vec<u64> = stdout
        .split_whitespace()
        .map(|f| f.parse().unwrap())
        .collect();
    let [wall_ns, peak_kib, status] = fields[..] else {
        panic!("{stdout:?} {}", String::from_utf8_lossy(&out.stderr));
    };
    println!(
        "import of {ROWS} XLSX rows: peak RSS {} MiB, {} ms",
        peak_kib / 1024,
        wall_ns / 1_000_000
    );
    assert_eq!(status, 0, "the import succeeded");
    assert!(peak_kib < 128 * 1024, "peak RSS {peak_kib} KiB");
}

/// A minimal XLSX: one sheet, its XML and an optional shared-strings table.
fn workbook(sheet: &str, shared: Option<&str>) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let mut entries = vec![
        (
            "_rels/.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    if let Some(shared) = shared {
        entries.push(("xl/sharedStrings.xml", shared));
    }
    for (name, text) in entries {
        zip.start_file(name, opts).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// Peak RSS (KiB) of `examgate import` on `bytes` saved as an .xlsx.
fn import_peak_kib(bytes: &[u8]) -> u64 {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("a.xlsx");
    std::fs::write(&xlsx, bytes).unwrap();
    let bin = env!("CARGO_BIN_EXE_examgate");
    let out = Command::new(bin)
        .args(["photo", "measure", "--", bin, "import", "--db"])
        .arg(dir.path().join("door.db"))
        .arg(&xlsx)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    stdout.split_whitespace().nth(1).unwrap().parse().unwrap()
}

const SHEET_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

/// The worst shared-strings table the limits let through: just under 16 MB of empty entries,
/// 1.3 million strings that calamine keeps whole before the sheet is read.
#[test]
fn the_largest_shared_strings_table_the_limits_allow_stays_well_under_256_mb() {
    let shared = format!(
        r#"<sst xmlns="{SHEET_NS}">{}</sst>"#,
        "<si><t/></si>".repeat(16 * 1024 * 1024 / 13 - 10)
    );
    let sheet = format!(
        r#"<worksheet xmlns="{SHEET_NS}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#
    );
    let peak_kib = import_peak_kib(&workbook(&sheet, Some(&shared)));
    println!(
        "1.3 million empty shared strings: peak RSS {} MiB",
        peak_kib / 1024
    );
    assert!(peak_kib < 128 * 1024, "peak RSS {peak_kib} KiB");
}

/// The fullest sheet the limits let through: 20,000 rows of 64 nine-digit numbers, each becoming
/// its own text cell.
#[test]
fn the_fullest_sheet_the_limits_allow_stays_well_under_256_mb() {
    let mut rows = String::new();
    for r in 1..=20_000u32 {
        rows += &format!(r#"<row r="{r}">"#);
        for _ in 0..64 {
            rows += "<c><v>123456789</v></c>";
        }
        rows += "</row>";
    }
    let sheet =
        format!(r#"<worksheet xmlns="{SHEET_NS}"><sheetData>{rows}</sheetData></worksheet>"#);
    let peak_kib = import_peak_kib(&workbook(&sheet, None));
    println!("20,000 × 64 cells: peak RSS {} MiB", peak_kib / 1024);
    assert!(peak_kib < 160 * 1024, "peak RSS {peak_kib} KiB");
}
