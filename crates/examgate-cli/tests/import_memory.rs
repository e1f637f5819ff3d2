//! A 10,000-row XLSX seating list imports in bounded memory: the real `examgate import` process,
//! its peak resident memory measured by `examgate photo measure` (getrusage of its one child).
#![cfg(target_os = "linux")]
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a failure is the test failing"
)]

use std::process::Command;

use rust_xlsxwriter::Workbook;

const ROWS: u32 = 10_000;
const HEADER: [&str; 10] = [
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
];

/// A valid resident ID: the 17 digits plus their ISO 7064 MOD 11-2 check character.
fn resident_id(first17: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    format!(
        "{first17}{}",
        char::from(b"10X98765432"[(sum % 11) as usize])
    )
}

/// Ten thousand candidates, thirty to a room, student numbers typed in as numbers (as offices do).
fn list() -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
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
