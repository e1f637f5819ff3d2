//! `清单.xlsx`: the manifest's table ([`crate::manifest::manifest_table`]) as a workbook, for the
//! offices that open everything in Excel. Every cell is text, so a 13-digit student number stays
//! a number as written (Excel would show a number cell as 2.2422E+12).
//!
//! Reproducible, like the archive around it: rust_xlsxwriter stamps its own ZIP entries with a
//! fixed time, but writes the document's creation (and modified) time into `docProps/core.xml`
//! from the wall clock unless told; here it is the time given (the sitting's start), so the same
//! data gives the same bytes.

use chrono::{Datelike, NaiveDateTime, Timelike};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

/// The sheet's name.
pub const SHEET: &str = "清单";

fn created(t: NaiveDateTime) -> Result<ExcelDateTime, XlsxError> {
    let part = |v: u32| u8::try_from(v).map_err(|_| XlsxError::DateTimeRangeError(t.to_string()));
    let year = u16::try_from(t.year()).map_err(|_| XlsxError::DateTimeRangeError(t.to_string()))?;
    ExcelDateTime::from_ymd(year, part(t.month())?, part(t.day())?)?.and_hms(
        u16::from(part(t.hour())?),
        part(t.minute())?,
        part(t.second())?,
    )
}

/// The workbook's bytes: one sheet, the header bold and frozen, every cell text.
pub fn manifest_xlsx(table: &[Vec<String>], time: NaiveDateTime) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let properties = DocProperties::new()
        .set_title(SHEET)
        .set_creation_datetime(&created(time)?);
    book.set_properties(&properties);
    let sheet = book.add_worksheet();
    sheet.set_name(SHEET)?;
    let bold = Format::new().set_bold();
    for (r, row) in table.iter().enumerate() {
        let r = u32::try_from(r).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
            if r == 0 {
                sheet.write_string_with_format(r, c, cell, &bold)?;
            } else {
                sheet.write_string(r, c, cell)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}
