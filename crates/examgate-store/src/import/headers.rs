//! The columns an import knows, the ways offices spell their headers, and finding the header row.
//!
//! Headers are matched after folding away what varies between exports but not in meaning:
//! surrounding and inner spaces, `_`/`-`, full-width characters and parentheses, a parenthesised
//! note (`座位号（号）`), a required-field star, and English case. The header row is the first
//! non-empty row that contains a known header, so a title row above it (often a merged
//! `2023春学位英语考试座次表`) is skipped; line numbers stay those of the file.

use std::collections::{HashMap, HashSet};

use super::ImportError;
use super::decode::Unreadable;
use super::table::Row;

/// A column an import understands. Seating lists and rosters share 姓名, 考点 and 考场.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    StudentNumber,
    Name,
    DocumentType,
    DocumentNumber,
    Site,
    SiteAddress,
    Room,
    RoomAddress,
    Seat,
    Seats,
    Photo,
    Sitting,
    StaffId,
    Role,
}

impl Column {
    pub const ALL: [Column; 14] = [
        Column::StudentNumber,
        Column::Name,
        Column::DocumentType,
        Column::DocumentNumber,
        Column::Site,
        Column::SiteAddress,
        Column::Room,
        Column::RoomAddress,
        Column::Seat,
        Column::Seats,
        Column::Photo,
        Column::Sitting,
        Column::StaffId,
        Column::Role,
    ];

    /// Required columns of a seating list.
    pub const SEATING_REQUIRED: [Column; 9] = [
        Column::StudentNumber,
        Column::Name,
        Column::DocumentType,
        Column::DocumentNumber,
        Column::Site,
        Column::SiteAddress,
        Column::Room,
        Column::RoomAddress,
        Column::Seat,
    ];

    /// Required columns of a proctor roster.
    pub const ROSTER_REQUIRED: [Column; 5] = [
        Column::StaffId,
        Column::Name,
        Column::Role,
        Column::Site,
        Column::Room,
    ];

    /// The header an office file normally uses; what errors name when the file has no such column.
    pub fn label_zh(self) -> &'static str {
        self.aliases()[0]
    }

    /// Every accepted spelling, before folding (see [`fold`]). The first is [`Column::label_zh`].
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::StudentNumber => &[
                "学号",
                "准考证号",
                "学号/准考证号",
                "准考证号/学号",
                "准考号",
                "student_number",
                "ticket_number",
                "student_no",
                "ticket_no",
                "admission_ticket_number",
            ],
            Column::Name => &["姓名", "考生姓名", "教师姓名", "name", "full_name"],
            Column::DocumentType => &[
                "证件类型",
                "证件种类",
                "document_type",
                "document_kind",
                "id_type",
            ],
            Column::DocumentNumber => &[
                "证件号码",
                "证件号",
                "身份证号",
                "身份证号码",
                "document_number",
                "document_no",
                "id_number",
            ],
            Column::Site => &["考点", "考点名称", "site", "site_name"],
            Column::SiteAddress => &["考点地址", "site_address"],
            Column::Room => &[
                "考场",
                "考场号",
                "考场编号",
                "考场名称",
                "room",
                "room_number",
                "room_no",
            ],
            Column::RoomAddress => &["考场地址", "考场位置", "room_address"],
            Column::Seat => &["座位号", "座号", "座位", "seat", "seat_number", "seat_no"],
            Column::Seats => &[
                "座位数",
                "考场座位数",
                "座位总数",
                "seats",
                "seat_count",
                "room_seats",
            ],
            Column::Photo => &[
                "照片",
                "照片文件",
                "照片文件名",
                "照片名",
                "photo",
                "photo_file",
            ],
            Column::Sitting => &["场次", "考试场次", "sitting", "sitting_label"],
            Column::StaffId => &[
                "工号",
                "教工号",
                "职工号",
                "staff_id",
                "staff_number",
                "staff_no",
                "employee_id",
            ],
            Column::Role => &["角色", "监考角色", "role"],
        }
    }

    /// The column a header names, if any.
    pub fn from_header(header: &str) -> Option<Column> {
        let h = fold(header);
        if h.is_empty() {
            return None;
        }
        Column::ALL
            .into_iter()
            .find(|c| c.aliases().iter().any(|a| fold(a) == h))
    }
}

/// Folds a header to the form aliases are compared in.
fn fold(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    let mut depth = 0usize;
    for c in header.chars().map(half_width) {
        match c {
            '(' | '[' | '【' => depth += 1,
            ')' | ']' | '】' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            c if c.is_whitespace() || matches!(c, '_' | '-' | '*' | ':') => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Full-width ASCII (Ａ, （, ： …) and the ideographic space as their half-width forms.
fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        c => c,
    }
}

/// The headers as written in one file, by column: what errors name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Columns(HashMap<Column, String>);

impl Columns {
    /// The header as written in the file, or the usual Chinese header when the file has none.
    pub fn header(&self, column: Column) -> &str {
        self.0
            .get(&column)
            .map_or(column.label_zh(), String::as_str)
    }
}

/// The header row of a file.
#[derive(Debug, Clone)]
pub(super) struct Header {
    pub line: usize,
    /// Index of the header in the file's rows; data starts after it.
    pub row_index: usize,
    /// Each cell's text as written, by position.
    pub written: Vec<String>,
    /// The cell positions of each known column (indexed by `Column as usize`), in file order: a
    /// file may repeat one, e.g. both 学号 and 准考证号. An array, as it is read for every cell.
    positions: [Vec<usize>; Column::ALL.len()],
}

/// Title rows tolerated above the header before giving up.
const MAX_ROWS_BEFORE_HEADER: usize = 10;

/// Finds the header: the first non-empty row (of the first few) that names a known column.
pub(super) fn locate(rows: &[Row]) -> Result<Header, Unreadable> {
    let mut non_empty = rows.iter().enumerate().filter(|(_, r)| !r.is_blank());
    let Some((first_index, first)) = non_empty.next() else {
        return Err(Unreadable::whole(
            "文件是空的，没有表头和数据 (the file is empty: no header, no rows)",
        ));
    };
    std::iter::once((first_index, first))
        .chain(non_empty)
        .take(MAX_ROWS_BEFORE_HEADER)
        .map(|(i, row)| header(i, row))
        .find(|h| h.positions.iter().any(|p| !p.is_empty()))
        .ok_or_else(|| Unreadable {
            line: first.line,
            message: unknown_kind_message(&header(first_index, first)),
        })
}

fn header(row_index: usize, row: &Row) -> Header {
    let written: Vec<String> = row.texts().map(str::to_string).collect();
    let mut positions: [Vec<usize>; Column::ALL.len()] = Default::default();
    for (i, text) in written.iter().enumerate() {
        if let Some(column) = Column::from_header(text) {
            positions[column as usize].push(i);
        }
    }
    Header {
        line: row.line,
        row_index,
        written,
        positions,
    }
}

impl Header {
    pub fn has(&self, column: Column) -> bool {
        !self.positions(column).is_empty()
    }

    pub fn positions(&self, column: Column) -> &[usize] {
        &self.positions[column as usize]
    }

    /// The header text of the column's first position, or its usual label when absent.
    pub fn name(&self, column: Column) -> &str {
        self.positions(column)
            .first()
            .and_then(|&i| self.written.get(i))
            .map_or(column.label_zh(), String::as_str)
    }

    pub fn columns(&self) -> Columns {
        Columns(
            Column::ALL
                .into_iter()
                .filter(|&c| self.has(c))
                .map(|c| (c, self.name(c).to_string()))
                .collect(),
        )
    }
}

/// "Not a file we know", naming what was found and what is expected.
pub(super) fn unknown_kind_message(header: &Header) -> String {
    const SHOWN: usize = 12;
    let mut found: Vec<String> = header
        .written
        .iter()
        .filter(|h| !h.is_empty())
        .take(SHOWN)
        .map(|h| format!("“{}”", h.chars().take(20).collect::<String>()))
        .collect();
    if header.written.iter().filter(|h| !h.is_empty()).count() > SHOWN {
        found.push("…".into());
    }
    let found = found.join("、");
    format!(
        "无法识别文件：找到的列为 {found}；考场座次表须有“学号”或“准考证号”列，\
         监考名单须有“工号”和“角色”列 (cannot tell what this file is: found columns {found}; \
         a seating list needs a 学号 or 准考证号 column, a proctor roster needs 工号 and 角色)"
    )
}

/// The header's problems for a file kind, as import errors on the header line: each required
/// column it lacks, then each header it repeats.
pub(super) fn problems(file: &str, header: &Header, required: &[Column]) -> Vec<ImportError> {
    let missing = missing(header, required)
        .into_iter()
        .map(|(c, m)| ImportError::at(file, header.line, c.label_zh(), m));
    let repeated = repeated(header)
        .into_iter()
        .map(|(h, m)| ImportError::at(file, header.line, &h, m));
    missing.chain(repeated).collect()
}

/// One error per header written twice (after folding, so `姓名` and `姓 名` are the same): the
/// file cannot say which of the two is meant. Two different spellings of one column (学号 and
/// 准考证号) are allowed; their cells must then agree on each row.
fn repeated(header: &Header) -> Vec<(String, String)> {
    let mut seen = HashSet::new();
    let mut reported = HashSet::new();
    let mut out = Vec::new();
    let written = header.positions.iter().flatten();
    for written in written.filter_map(|&i| header.written.get(i)) {
        let folded = fold(written);
        if !seen.insert(folded.clone()) && reported.insert(folded) {
            out.push((
                written.clone(),
                format!("列 {written} 出现两次 (column {written} appears twice)"),
            ));
        }
    }
    out
}

/// One error per required column the header lacks.
fn missing(header: &Header, required: &[Column]) -> Vec<(Column, String)> {
    required
        .iter()
        .filter(|c| !header.has(**c))
        .map(|&c| {
            let aliases = c.aliases().join("、");
            (
                c,
                format!(
                    "缺少必填列“{}”（可写作：{aliases}） (required column {} is missing; \
                     accepted headers: {aliases})",
                    c.label_zh(),
                    c.label_zh()
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_across_widths_notes_and_case() {
        assert_eq!(Column::from_header("座位号(号)"), Some(Column::Seat));
        assert_eq!(Column::from_header(" 座位号（号） "), Some(Column::Seat));
        assert_eq!(Column::from_header("*学号"), Some(Column::StudentNumber));
        assert_eq!(
            Column::from_header("Student Number"),
            Some(Column::StudentNumber)
        );
        assert_eq!(Column::from_header("ＲＯＯＭ"), Some(Column::Room));
        assert_eq!(Column::from_header("序号"), None);
        assert_eq!(Column::from_header(""), None);
    }

    #[test]
    fn every_alias_names_exactly_one_column() {
        for c in Column::ALL {
            for a in c.aliases() {
                assert_eq!(Column::from_header(a), Some(c), "{a}");
            }
        }
    }
}
