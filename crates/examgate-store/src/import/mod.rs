//! Import of the site office's seating lists (考场座次表) and proctor rosters (监考名单).
//!
//! The files come from other people's spreadsheets: CSV in UTF-8, UTF-8 with BOM or GBK, or XLSX,
//! with Chinese headers spelled a few ways. An import is all-or-nothing: [`parse`] reads one file
//! and either returns every row or every problem it found, each naming the file, the line a person
//! sees in a text editor or Excel, and the column as written; [`validate_batch`] then checks what
//! only the whole batch can show (duplicates, capacity, conflicting addresses). ID numbers are
//! personal data, so an error quotes them masked, never whole.

mod decode;
mod glyphs;
mod headers;
pub(crate) mod limits;
pub(crate) mod open;
mod roster;
mod row;
mod seating;
mod sheet;
mod table;
mod validate;
mod xls;
mod xlsx;

use std::fmt;
use std::path::Path;

use examgate_core::documents::mask_id_like;
use examgate_core::model::{Candidate, Staff};
use serde::Serialize;

pub use glyphs::{GlyphCheck, check_glyphs};
pub use headers::{Column, Columns};
pub(crate) use row::sitting_label;
pub use validate::validate_batch;

/// One file of an import: `name` is what errors show (the file name), `bytes` its whole content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl SourceFile {
    /// Reads the file at `path`, named by its file name (the whole path when it has none). Only a
    /// regular file of at most [`limits::MAX_FILE_BYTES`] is read (its size from metadata, before
    /// reading); a FIFO or device is refused at once, never waited on.
    pub fn read(path: &Path) -> std::io::Result<SourceFile> {
        use std::io::{Error, ErrorKind};
        let bytes = open::read_chosen(path, limits::MAX_FILE_BYTES).map_err(|e| match e {
            open::Refused::Io(e) => e,
            open::Refused::Missing => Error::new(ErrorKind::NotFound, "文件不存在 (no such file)"),
            open::Refused::TooBig { size } => Error::new(
                ErrorKind::InvalidData,
                limits::too_big(
                    "文件大小",
                    "the file size",
                    &limits::mb(size),
                    &limits::mb(limits::MAX_FILE_BYTES),
                ),
            ),
            open::Refused::NotRegular | open::Refused::Outside => Error::new(
                ErrorKind::InvalidInput,
                "不是普通文件（是文件夹、管道或设备），未读取 \
                 (not a regular file but a folder, pipe or device; not read)",
            ),
        })?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        Ok(SourceFile { name, bytes })
    }
}

/// A file that parsed without a single problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    Seating(SeatingList),
    Roster(Roster),
}

/// A seating list (考场座次表).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatingList {
    pub file: String,
    /// The headers as written in the file, so that batch errors name the column the office wrote.
    pub columns: Columns,
    pub rows: Vec<SeatingRow>,
}

/// One candidate's line of a seating list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatingRow {
    /// 1-based line (CSV) or row number (Excel) of this entry.
    pub line: usize,
    pub candidate: Candidate,
    pub site_address: String,
    pub room_address: String,
    /// The room's seat count (座位数), when the list gives it.
    pub room_seats: Option<u32>,
    /// The sitting's label (场次), e.g. "2023春 第一次", when the list gives it.
    pub sitting: Option<String>,
}

/// A proctor roster (监考名单).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roster {
    pub file: String,
    /// The headers as written in the file.
    pub columns: Columns,
    pub rows: Vec<StaffRow>,
}

/// One person's line of a roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRow {
    pub line: usize,
    pub staff: Staff,
}

/// One problem with an import, precise enough for the office to find and fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportError {
    pub file: String,
    /// 1-based line as seen in a text editor, or the Excel row number; 0 for whole-file errors.
    pub line: usize,
    /// The column header as written in the file; "" for whole-file errors.
    pub field: String,
    /// Bilingual, Chinese first.
    pub message: String,
}

impl ImportError {
    /// The one place import messages are built: whatever the message and the header quote, a
    /// token shaped like an ID number is masked ([`mask_id_like`]), whichever column it was in.
    pub(crate) fn at(file: &str, line: usize, field: &str, message: impl Into<String>) -> Self {
        ImportError {
            file: file.to_string(),
            line,
            field: mask_id_like(field),
            message: mask_id_like(&message.into()),
        }
    }
}

impl fmt::Display for ImportError {
    /// `file:line: field: message`; the parts that are empty for a whole-file error are left out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if !self.field.is_empty() {
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ImportError {}

/// Reads one seating list or roster. Returns every problem found in the file, not just the
/// first; duplicates and conflicts across rows are [`validate_batch`]'s job.
pub fn parse(file: &SourceFile) -> Result<Parsed, Vec<ImportError>> {
    let whole = |e: decode::Unreadable| vec![ImportError::at(&file.name, e.line, "", e.message)];
    let rows = table::read(file).map_err(whole)?;
    let header = headers::locate(&rows).map_err(whole)?;
    let body = rows.get(header.row_index + 1..).unwrap_or_default();
    if header.has(Column::StudentNumber) {
        seating::parse(&file.name, &header, body).map(Parsed::Seating)
    } else if header.has(Column::StaffId) && header.has(Column::Role) {
        roster::parse(&file.name, &header, body).map(Parsed::Roster)
    } else {
        Err(vec![ImportError::at(
            &file.name,
            header.line,
            "",
            headers::unknown_kind_message(&header),
        )])
    }
}
