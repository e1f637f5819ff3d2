//! Any input file as rows of trimmed text cells with their true line numbers.
//!
//! XLSX and XLS are told from CSV by their magic bytes, not by the extension (offices rename
//! files); they are read by [`super::xlsx`] and [`super::xls`] into the rows defined here. Excel
//! stores a typed-in 13-digit student number as a float: it is rendered back as its exact digits,
//! never through float formatting (which would print `2.023123456789e12`), and a number Excel
//! itself could not keep exactly (more than 15 digits, e.g. an 18-digit ID number) is an error
//! on that cell, not a silently wrong number. A date cell reads as ISO text.

use calamine::Data;

use super::SourceFile;
use super::decode::{self, Unreadable};
use super::limits::{self, too_big};

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
/// Excel keeps 15 significant digits; a whole number at or above this may have lost digits.
const EXACT_LIMIT: f64 = 1e15;

/// What is wrong with one spreadsheet cell; reported against its column.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum CellProblem {
    NotWhole(f64),
    TooManyDigits,
    Duration,
    Error(String),
}

impl std::fmt::Display for CellProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CellProblem::NotWhole(x) => write!(
                f,
                "单元格是小数 {x}，此处应为整数或文本 (the cell holds the fraction {x}; whole digits \
                 or text are expected)"
            ),
            CellProblem::TooManyDigits => f.write_str(
                "该列是数字格式，超过 15 位的号码末几位已丢失：请把该列设为文本格式后重新输入号码 \
                 (the column is in number format and Excel lost the last digits of this number \
                 of more than 15 digits: format the column as text and type the numbers again)",
            ),
            CellProblem::Duration => f.write_str(
                "单元格是时长，此处应为文本或数字 (the cell holds a duration; text or a number is \
                 expected)",
            ),
            CellProblem::Error(e) => {
                write!(f, "单元格含错误值 {e} (the cell holds the error value {e})")
            }
        }
    }
}

pub(super) type Cell = Result<String, CellProblem>;

/// One row of the file; it may have fewer or more cells than the header (ragged CSV).
#[derive(Debug, Clone)]
pub(super) struct Row {
    pub line: usize,
    cells: Cells,
}

/// A CSV row keeps the csv crate's record (one allocation for all its fields); a spreadsheet row
/// has typed cells rendered to text or to the problem with them.
#[derive(Debug, Clone)]
enum Cells {
    Text(csv::StringRecord),
    Sheet(Vec<Cell>),
}

impl Row {
    pub(super) fn sheet(line: usize, cells: Vec<Cell>) -> Row {
        Row {
            line,
            cells: Cells::Sheet(cells),
        }
    }

    /// The trimmed text of cell `i`, the problem with it, or `None` past the row's end.
    pub fn cell(&self, i: usize) -> Option<Result<&str, &CellProblem>> {
        match &self.cells {
            Cells::Text(record) => record.get(i).map(|c| Ok(c.trim())),
            Cells::Sheet(cells) => cells.get(i).map(|c| c.as_deref()),
        }
    }

    fn len(&self) -> usize {
        match &self.cells {
            Cells::Text(record) => record.len(),
            Cells::Sheet(cells) => cells.len(),
        }
    }

    /// Each cell's text, "" for a cell with a problem.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.cell(i).and_then(Result::ok).unwrap_or(""))
    }

    pub fn is_blank(&self) -> bool {
        (0..self.len()).all(|i| matches!(self.cell(i), Some(Ok(""))))
    }
}

/// Reads the rows of a CSV, XLSX or XLS file, told apart by their first bytes (offices rename
/// files); the name's extension only makes the message say what is true when the bytes are not
/// what the name promises.
pub(super) fn read(file: &SourceFile) -> Result<Vec<Row>, Unreadable> {
    let bytes = file.bytes.as_slice();
    if bytes.len() as u64 > limits::MAX_FILE_BYTES {
        return Err(Unreadable::whole(too_big(
            "文件大小",
            "the file size",
            &limits::mb(bytes.len() as u64),
            &limits::mb(limits::MAX_FILE_BYTES),
        )));
    }
    let extension = std::path::Path::new(&file.name)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if bytes.starts_with(ZIP_MAGIC) {
        super::xlsx::read(bytes)
    } else if bytes.starts_with(OLE_MAGIC) {
        super::xls::read(bytes)
    } else if matches!(extension.as_str(), "xlsx" | "xlsm") {
        Err(Unreadable::whole(format!(
            "不是有效的 XLSX 文件：内容不是 Excel 工作簿（xlsx 是 ZIP 压缩包，此文件不是），\
             可能已损坏或只是改了扩展名 (not an XLSX file: an .xlsx is a ZIP archive and this \
             file is not one; it is damaged or merely renamed; its first bytes are {})",
            first_bytes(bytes)
        )))
    } else if extension == "xls" && looks_like_html(bytes) {
        Err(Unreadable::whole(
            "这个 .xls 文件其实是网页（HTML）或 XML 表格，不是 Excel 97 工作簿；请在 Excel 中打开并\
             另存为 .xlsx (this .xls file is really a web page (HTML) or XML table, not an Excel 97 \
             workbook; open it in Excel and save it as .xlsx)",
        ))
    } else {
        csv(&decode::text(bytes)?)
    }
}

/// The first few bytes in hex, for a message about what a file really is.
fn first_bytes(bytes: &[u8]) -> String {
    let head: Vec<String> = bytes.iter().take(8).map(|b| format!("{b:02X}")).collect();
    if head.is_empty() {
        "（空 empty）".to_string()
    } else {
        head.join(" ")
    }
}

fn looks_like_html(bytes: &[u8]) -> bool {
    let start = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start: Vec<u8> = start
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(16)
        .map(u8::to_ascii_lowercase)
        .collect();
    start.starts_with(b"<html")
        || start.starts_with(b"<!doctype")
        || start.starts_with(b"<table")
        || start.starts_with(b"<?xml")
}

fn csv(text: &str) -> Result<Vec<Row>, Unreadable> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let mut lines = Lines::new(text);
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(rows),
            Ok(true) => {
                let line = record.position().map_or(0, |p| lines.record_at(p.byte()));
                // A fresh record of the cells up to the last with text, never `record.clone()`:
                // the reused record keeps buffers as big as the longest line so far, and a clone
                // copies them whole, so one line of a million commas would be copied (8 MB) into
                // every later row.
                let used = within_limits(&record, rows.len(), line)?;
                rows.push(Row {
                    line,
                    cells: Cells::Text(record.iter().take(used).collect()),
                });
            }
            Err(e) => {
                return Err(Unreadable {
                    line: e.position().map_or(0, |p| lines.record_at(p.byte())),
                    message: format!("CSV 格式错误 (malformed CSV): {e}"),
                });
            }
        }
    }
}

/// A CSV is held to a sheet's limits: rows, and columns that hold anything. Returns how many
/// cells the line uses (up to its last cell with text).
fn within_limits(
    record: &csv::StringRecord,
    rows: usize,
    line: usize,
) -> Result<usize, Unreadable> {
    if rows >= limits::MAX_ROWS as usize {
        return Err(Unreadable::whole(too_big(
            "行数",
            "the number of rows",
            &format!("超过 over {}", limits::MAX_ROWS),
            &limits::MAX_ROWS.to_string(),
        )));
    }
    let used = (0..record.len())
        .rev()
        .find(|&i| record.get(i).is_some_and(|c| !c.trim().is_empty()))
        .map_or(0, |i| i + 1);
    if used > limits::MAX_COLUMNS as usize {
        return Err(Unreadable {
            line,
            message: too_big(
                "此行有内容的列数",
                "the columns holding text on this line",
                &used.to_string(),
                &limits::MAX_COLUMNS.to_string(),
            ),
        });
    }
    Ok(used)
}

/// Line numbers of CSV records. The csv crate's own `Position::line` miscounts after blank lines
/// and CRLF, and its byte offset is where the previous record ended; so the record starts after
/// any line breaks from there, and its line is counted here, moving forward only (O(n) in all).
struct Lines<'a> {
    text: &'a [u8],
    at: usize,
    line: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Lines {
            text: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    fn record_at(&mut self, byte: u64) -> usize {
        let mut start = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while matches!(self.text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start > self.at {
            let breaks = self.text[self.at..start].iter().filter(|&&b| b == b'\n');
            self.line += breaks.count();
            self.at = start;
        }
        self.line
    }
}

/// Comma, unless the first non-empty line is tab-separated (Excel's "text (tab-delimited)").
fn delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.contains('\t') && !first.contains(',') {
        b'\t'
    } else {
        b','
    }
}

pub(super) fn render(data: &Data) -> Cell {
    match data {
        Data::Empty => Ok(String::new()),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Ok(s.trim().to_string()),
        Data::Int(i) => Ok(i.to_string()),
        Data::Float(x) => whole_number(*x),
        Data::Bool(b) => Ok(if *b { "TRUE" } else { "FALSE" }.to_string()),
        Data::DateTime(d) if d.is_datetime() => Ok(date_text(d)),
        Data::DateTime(_) => Err(CellProblem::Duration),
        Data::Error(e) => Err(CellProblem::Error(e.to_string())),
    }
}

/// A date cell as ISO text (`2023-04-15`, with the time when it has one), so that a 场次 column
/// Excel turned into dates still reads as what the office typed.
fn date_text(d: &calamine::ExcelDateTime) -> String {
    let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
    if (h, mi, s) == (0, 0, 0) {
        format!("{y:04}-{mo:02}-{day:02}")
    } else {
        format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}")
    }
}

/// The exact digits of a float that holds a whole number Excel could store exactly.
fn whole_number(x: f64) -> Cell {
    if !x.is_finite() || x.fract() != 0.0 {
        return Err(CellProblem::NotWhole(x));
    }
    if x.abs() >= EXACT_LIMIT {
        return Err(CellProblem::TooManyDigits);
    }
    // Exact: |x| < 1e15 < 2^53, and x is whole.
    Ok((x as i64).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thirteen_digit_float_renders_as_its_exact_digits() {
        assert_eq!(whole_number(2023123456789.0), Ok("2023123456789".into()));
        assert_eq!(whole_number(9.0), Ok("9".into()));
    }

    #[test]
    fn fractions_and_numbers_beyond_fifteen_digits_are_refused() {
        assert_eq!(whole_number(2.5), Err(CellProblem::NotWhole(2.5)));
        assert_eq!(
            whole_number(110105194912310020.0),
            Err(CellProblem::TooManyDigits)
        );
        assert!(whole_number(f64::NAN).is_err());
    }
}
