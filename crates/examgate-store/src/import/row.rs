//! Reading the fields of one data row, collecting every problem against the column as written.
//!
//! A row's problems are all reported (not only the first), so an office fixes a file in one pass.
//! When a file repeats a column (both 学号 and 准考证号), the first non-empty cell is used and a
//! different value in the other is a problem: the file contradicts itself.

use examgate_core::text::{check_stamped_field, fold_invisible};

use super::ImportError;
use super::headers::{Column, Header};
use super::table::Row;

pub(super) const REQUIRED: &str = "必填，不能为空 (required; the cell is empty)";

pub(super) struct Fields<'a> {
    file: &'a str,
    header: &'a Header,
    row: &'a Row,
    pub errors: Vec<ImportError>,
}

impl<'a> Fields<'a> {
    pub fn new(file: &'a str, header: &'a Header, row: &'a Row) -> Self {
        Fields {
            file,
            header,
            row,
            errors: Vec::new(),
        }
    }

    /// Records a problem with `column` on this row.
    pub fn reject(&mut self, column: Column, message: impl Into<String>) {
        let field = self.header.name(column);
        self.errors
            .push(ImportError::at(self.file, self.row.line, field, message));
    }

    /// The cell's text, or `None` when the column is absent, the cell empty, or the cell bad (then
    /// a problem is recorded).
    pub fn optional(&mut self, column: Column) -> Option<String> {
        let mut value: Option<(usize, &str)> = None;
        for &i in self.header.positions(column) {
            let text = match self.row.cell(i) {
                None | Some(Ok("")) => continue,
                Some(Err(problem)) => {
                    let field = self.header.written.get(i).map_or("", String::as_str);
                    self.errors.push(ImportError::at(
                        self.file,
                        self.row.line,
                        field,
                        problem.to_string(),
                    ));
                    continue;
                }
                Some(Ok(text)) => text,
            };
            match value {
                None => value = Some((i, text)),
                Some((first, v)) if v != text => {
                    let first = self.header.written.get(first).map_or("", String::as_str);
                    let field = self.header.written.get(i).map_or("", String::as_str);
                    let message = format!(
                        "与同一行“{first}”列的值不同 (differs from column {first} on the same row)"
                    );
                    self.errors
                        .push(ImportError::at(self.file, self.row.line, field, message));
                }
                Some(_) => {}
            }
        }
        value.map(|(_, v)| v.to_string())
    }

    /// The cell's text; an empty cell is a problem with `message`.
    pub fn required_because(&mut self, column: Column, message: &str) -> Option<String> {
        let before = self.errors.len();
        let value = self.optional(column);
        if value.is_none() && self.errors.len() == before {
            self.reject(column, message);
        }
        value
    }

    pub fn required(&mut self, column: Column) -> Option<String> {
        self.required_because(column, REQUIRED)
    }

    /// A required cell read by `read`, whose error message is recorded against the column.
    pub fn parse_required<T>(
        &mut self,
        column: Column,
        read: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let text = self.required(column)?;
        self.read(column, &text, read)
    }

    /// An optional cell read by `read`.
    pub fn parse_optional<T>(
        &mut self,
        column: Column,
        read: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let text = self.optional(column)?;
        self.read(column, &text, read)
    }

    fn read<T>(
        &mut self,
        column: Column,
        text: &str,
        read: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        match read(text) {
            Ok(v) => Some(v),
            Err(message) => {
                self.reject(column, message);
                None
            }
        }
    }
}

/// A count or a seat: a whole number from 1.
pub(super) fn positive(what_zh: &str, what_en: &str, text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!(
            "{what_zh}须为不小于 1 的整数：“{text}” ({what_en} must be a whole number from 1: '{text}')"
        )),
    }
}

/// A file with a header and no data rows: an import that would do nothing is a mistake in the
/// file (the wrong sheet or an export that failed), not a success.
pub(super) const NO_ROWS: &str =
    "文件只有表头，没有数据行 (the file has a header row but no data rows)";

/// A name without zero-width and direction marks; a name that is nothing else is refused.
pub(super) fn visible_name(text: &str) -> Result<String, String> {
    let name = fold_invisible(text);
    if name.is_empty() {
        return Err("姓名只含不可见字符 (the name is only invisible characters)".to_string());
    }
    if name.chars().any(char::is_control) {
        return Err(
            "姓名含换行或控制字符 (the name contains a line break or control character)"
                .to_string(),
        );
    }
    Ok(name)
}

/// A value the photo stamp draws (site, room, an address): what the stamp would refuse on exam
/// day is refused now.
pub(super) fn stamped(text: &str) -> Result<String, String> {
    check_stamped_field(text)
        .map(|()| text.to_string())
        .map_err(|p| format!("照片水印无法使用此值：{p} (the photo stamp cannot use this value)"))
}

/// A sitting's label: one line, no control characters (a list's 场次 cell, or a sitting the
/// import creates).
pub(crate) fn sitting_label(text: &str) -> Result<String, String> {
    if text.chars().any(char::is_control) {
        return Err(
            "场次名称须为一行，不能含换行或控制字符 (a sitting label is one line, without line \
             breaks or control characters)"
                .to_string(),
        );
    }
    Ok(text.to_string())
}
