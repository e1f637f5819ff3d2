//! Annex 5 of the notice, the violation summary (违规考生信息汇总表) a site stamps and sends to the
//! provincial office by the deadline (DOMAIN.md, "After the exam"): one row per violation as last
//! edited, with the fields annex 4 records, an empty 认定意见 column for the office, and below
//! the table the places for the site's stamp, the chief examiner's signature and the date. With
//! no violation the table holds the single line "本次考试无违规", as the notice asks. Printed on
//! A4 landscape, one page wide. ID numbers are never printed.

use chrono::NaiveDateTime;
use rust_xlsxwriter::XlsxError;

use crate::book::{Formats, cell_text, column, header, printed, row, workbook};
use crate::site_day::SiteDay;

/// The sheet's name.
pub const SHEET: &str = "违规考生信息汇总表";
/// The line that stands for the table when there was no violation.
pub const NONE: &str = "本次考试无违规";

const COLUMNS: [(&str, f64); 11] = [
    ("序号", 6.0),
    ("考场", 8.0),
    ("座位号", 8.0),
    ("学号", 16.0),
    ("姓名", 10.0),
    ("违规类型", 10.0),
    ("违规事实", 36.0),
    ("发生时间", 18.0),
    ("监考教师", 16.0),
    ("一平台已标记", 12.0),
    ("认定意见", 20.0),
];

/// The workbook's bytes for `day`, created at `time`.
pub fn annex5_xlsx(day: &SiteDay, time: NaiveDateTime) -> Result<Vec<u8>, XlsxError> {
    let title = format!("{}违规考生信息汇总表", day.heading());
    let mut book = workbook(&title, time)?;
    let f = Formats::new();
    let sheet = book.add_worksheet();
    let last = column(COLUMNS.len() - 1)?;
    printed(sheet, SHEET, &title, last + 1, 1, true, &f)?;
    header(sheet, 1, &COLUMNS, &f)?;
    let zone = day.sitting.offset;
    let mut r = 2;
    for (i, v) in day.violations.iter().enumerate() {
        let what = &v.record.violation;
        let proctors: Vec<String> = what.proctors.iter().map(|p| day.name_of(p)).collect();
        let cells = [
            (i + 1).to_string(),
            v.room.clone(),
            v.seat.to_string(),
            v.record.student.clone(),
            v.name.clone(),
            what.category.label().to_string(),
            what.what.clone(),
            what.at
                .with_timezone(&zone)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            proctors.join("、"),
            if what.platform_marked { "是" } else { "否" }.to_string(),
            String::new(),
        ];
        for (c, text) in cells.iter().enumerate() {
            sheet.write_string_with_format(r, column(c)?, cell_text(text), &f.cell)?;
        }
        r = row(i + 3)?;
    }
    if day.violations.is_empty() {
        sheet.merge_range(r, 0, r, last, NONE, &f.head)?;
        r += 1;
    }
    r += 1;
    sheet.write_string_with_format(r, 0, "考点（盖章）：", &f.plain)?;
    sheet.write_string_with_format(r, 7, "主考签字：", &f.plain)?;
    sheet.write_string_with_format(r + 2, 7, "日期：      年    月    日", &f.plain)?;
    book.save_to_buffer()
}
