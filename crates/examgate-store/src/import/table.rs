//! Any input file as rows of trimmed text cells with their true line numbers.
//!
//! XLSX is told from CSV by the ZIP magic, not by the extension (offices rename files). Excel
//! stores a typed-in 13-digit student number as a float: it is rendered back as its exact digits,
//! never through float formatting (which would print `2.023123456789e12`), and a number Excel
//! itself could not keep exactly (more than 15 digits, e.g. an 18-digit ID number) is an error
//! on that cell, not a silently wrong number. A date cell reads as ISO text. Merged cells are
//! filled with their value, the way a person reads a list whose 考点 column is one merged block.

use std::io::Cursor;

use calamine::{Data, Dimensions, Reader, Xlsx};

use super::decode::{self, Unreadable};

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
                "Excel 把超过 15 位的号码存成了数值，末几位已丢失；请把此列设为文本后重新录入 \
                 (Excel stored a number of more than 15 digits as a value and lost its last \
                 digits; format the column as text and enter it again)",
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

type Cell = Result<String, CellProblem>;

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

/// Reads the rows of a CSV or XLSX file.
pub(super) fn read(bytes: &[u8]) -> Result<Vec<Row>, Unreadable> {
    if bytes.starts_with(ZIP_MAGIC) {
        xlsx(bytes)
    } else if bytes.starts_with(OLE_MAGIC) {
        Err(Unreadable::whole(
            "旧版 Excel（.xls）文件不支持，请另存为 .xlsx 或“CSV UTF-8” \
             (old Excel .xls files are not supported; save as .xlsx or 'CSV UTF-8')",
        ))
    } else {
        csv(&decode::text(bytes)?)
    }
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
            Ok(true) => rows.push(Row {
                line: record.position().map_or(0, |p| lines.record_at(p.byte())),
                cells: Cells::Text(record.clone()),
            }),
            Err(e) => {
                return Err(Unreadable {
                    line: e.position().map_or(0, |p| lines.record_at(p.byte())),
                    message: format!("CSV 格式错误 (malformed CSV): {e}"),
                });
            }
        }
    }
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

/// Reads the first worksheet. calamine panics on some damaged workbooks (a cell reference whose
/// row number overflows `u32` does in a debug build; found by this crate's property test), so the
/// read is fenced: a damaged file is an input error, never a crash of the app.
fn xlsx(bytes: &[u8]) -> Result<Vec<Row>, Unreadable> {
    std::panic::catch_unwind(|| first_sheet(bytes)).unwrap_or_else(|_| {
        Err(Unreadable::whole(
            "xlsx 工作簿已损坏，无法读取；请在 Excel 中打开并另存一次 \
             (the .xlsx workbook is damaged; open it in Excel and save it again)",
        ))
    })
}

fn first_sheet(bytes: &[u8]) -> Result<Vec<Row>, Unreadable> {
    let not_xlsx = |e: calamine::XlsxError| {
        Unreadable::whole(format!(
            "这是 ZIP 文件，但不是可读的 xlsx 工作簿 (a ZIP file, but not a readable .xlsx \
             workbook): {e}"
        ))
    };
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(not_xlsx)?;
    let range = match book.worksheet_range_at(0) {
        None => {
            return Err(Unreadable::whole(
                "工作簿没有工作表 (the workbook has no sheet)",
            ));
        }
        Some(range) => range.map_err(not_xlsx)?,
    };
    let Some((top, left)) = range.start() else {
        return Ok(Vec::new());
    };
    let mut rows: Vec<Row> = range
        .rows()
        .enumerate()
        .map(|(i, cells)| Row {
            line: top as usize + i + 1,
            cells: Cells::Sheet(cells.iter().map(render).collect()),
        })
        .collect();
    let merged = book.merge_cells_by_sheet_id(0).unwrap_or_default();
    for region in &merged {
        fill(&mut rows, region, top as usize, left as usize);
    }
    Ok(rows)
}

/// Copies a merged region's value (held by its top-left cell) into the region's other cells.
fn fill(rows: &mut [Row], region: &Dimensions, top: usize, left: usize) {
    let (r0, c0) = (region.start.0 as usize, region.start.1 as usize);
    let (r1, c1) = (region.end.0 as usize, region.end.1 as usize);
    let (Some(r0), Some(c0)) = (r0.checked_sub(top), c0.checked_sub(left)) else {
        return;
    };
    let value = match rows.get(r0).map(|r| &r.cells) {
        Some(Cells::Sheet(cells)) => match cells.get(c0) {
            Some(value) => value.clone(),
            None => return,
        },
        _ => return,
    };
    let last_row = r1.saturating_sub(top).min(rows.len().saturating_sub(1));
    for row in rows.iter_mut().take(last_row + 1).skip(r0) {
        let Cells::Sheet(cells) = &mut row.cells else {
            continue;
        };
        let last_col = c1.saturating_sub(left).min(cells.len().saturating_sub(1));
        for cell in cells.iter_mut().take(last_col + 1).skip(c0) {
            *cell = value.clone();
        }
    }
}

fn render(data: &Data) -> Cell {
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
