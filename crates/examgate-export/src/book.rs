//! What the office's printed reports share: a workbook whose creation time is fixed (the sitting's
//! start, so the same data gives the same bytes), a sheet set up for A4 (paper size 9) fitted to
//! the page's width with its header rows repeated, a title across the table, bordered text
//! cells, and the file put in place atomically (a temporary file beside it, then a rename).

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use rust_xlsxwriter::{
    DocProperties, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::site_day::ReportError;
use crate::xlsx::created;

/// Excel's code for A4 paper.
pub const A4: u8 = 9;

/// A workbook titled `title`, created at `time`.
pub fn workbook(title: &str, time: NaiveDateTime) -> Result<Workbook, XlsxError> {
    let mut book = Workbook::new();
    let properties = DocProperties::new()
        .set_title(title)
        .set_creation_datetime(&created(time)?);
    book.set_properties(&properties);
    Ok(book)
}

/// The cell formats of a printed table.
#[derive(Debug, Clone)]
pub struct Formats {
    pub title: Format,
    pub head: Format,
    pub cell: Format,
    pub plain: Format,
}

impl Formats {
    pub fn new() -> Formats {
        let boxed = Format::new()
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter);
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center),
            head: boxed.clone().set_bold().set_align(FormatAlign::Center),
            cell: boxed,
            plain: Format::new(),
        }
    }
}

impl Default for Formats {
    fn default() -> Formats {
        Formats::new()
    }
}

/// Sets `sheet` up for printing on A4 (landscape when `wide`), fitted to one page wide, the
/// rows up to `head_row` repeated on every page, and writes `title` across `columns` in row 0.
pub fn printed(
    sheet: &mut Worksheet,
    name: &str,
    title: &str,
    columns: u16,
    head_row: u32,
    wide: bool,
    formats: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(name)?;
    sheet.set_paper_size(A4);
    if wide {
        sheet.set_landscape();
    }
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_print_center_horizontally(true);
    sheet.set_repeat_rows(0, head_row)?;
    sheet.merge_range(0, 0, 0, columns.saturating_sub(1), title, &formats.title)?;
    sheet.set_row_height(0, 30)?;
    Ok(())
}

/// Writes the header `cells` in row `row`, with each column's width.
pub fn header(
    sheet: &mut Worksheet,
    row: u32,
    cells: &[(&str, f64)],
    formats: &Formats,
) -> Result<(), XlsxError> {
    for (c, (text, width)) in cells.iter().enumerate() {
        let c = column(c)?;
        sheet.write_string_with_format(row, c, *text, &formats.head)?;
        sheet.set_column_width(c, *width)?;
    }
    Ok(())
}

/// The most characters a cell holds (Excel's limit is 32,767).
pub const MAX_CELL: usize = 32_000;

/// `text` as a cell can hold it: cut at [`MAX_CELL`] characters with "…", so one overlong
/// violation text typed at a door cannot stop the site's report from being written.
pub fn cell_text(text: &str) -> String {
    match text.char_indices().nth(MAX_CELL) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// A column index as the writer takes it.
pub fn column(c: usize) -> Result<u16, XlsxError> {
    u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)
}

/// A row index as the writer takes it.
pub fn row(r: usize) -> Result<u32, XlsxError> {
    u32::try_from(r).map_err(|_| XlsxError::RowColumnLimitError)
}

/// Writes `bytes` as `dir/name` atomically: readers see the old file or the whole new one.
pub fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, ReportError> {
    let path = dir.join(name);
    let mut tmp = tempfile::Builder::new()
        .prefix(".examgate-report-")
        .suffix(".part")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(&path).map_err(|e| e.error)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overlong_text_is_cut_to_what_a_cell_holds() {
        let long = "夹".repeat(40_000);
        let cut = cell_text(&long);
        assert_eq!(cut.chars().count(), MAX_CELL + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(cell_text("夹带"), "夹带");
    }
}
