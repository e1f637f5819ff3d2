//! How big an import file may be, checked before anything is allocated for it.
//!
//! A spreadsheet states sizes (a ZIP entry's uncompressed size, a sheet's dimension, a cell at
//! `XFD1048576`) that a reader believes when it allocates: one 5 KB file could ask for 512 GB and
//! abort the process, which no `catch_unwind` can stop. So every size is checked against these
//! bounds first. They are far above any real list (a site's whole seating list is a few thousand
//! rows of about a dozen columns, well under a megabyte) and far below what would hurt a phone.

/// Largest import file on disk, any format. A 10,000-row list is about 1.5 MB as CSV and 0.5 MB
/// as XLSX.
pub(crate) const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;
/// Rows of a sheet or lines of a CSV, the header and title rows included. Twice the largest site.
pub(crate) const MAX_ROWS: u32 = 20_000;
/// Columns holding anything. A list has about a dozen; empty columns beyond are ignored.
pub(crate) const MAX_COLUMNS: u32 = 64;
/// All of an XLSX's entries, uncompressed, as their ZIP directory declares them (the zip crate
/// refuses to inflate past a declared size). A 10,000-row sheet's XML is about 8 MB.
pub(crate) const MAX_UNCOMPRESSED_BYTES: u64 = 64 * 1024 * 1024;
/// Any single XLSX entry uncompressed.
pub(crate) const MAX_ENTRY_BYTES: u64 = 48 * 1024 * 1024;
/// The shared-strings table, read whole into memory before any sheet: 10,000 rows of names and ID
/// numbers take about 1 MB.
pub(crate) const MAX_SHARED_STRINGS_BYTES: u64 = 16 * 1024 * 1024;
/// The style sheet, which calamine expands to one full style per cell format: a real one is
/// tens of KB, a workbook bloated by years of copy and paste a few MB.
pub(crate) const MAX_STYLES_BYTES: u64 = 4 * 1024 * 1024;
/// Entries in an XLSX archive: a workbook has a dozen or so.
pub(crate) const MAX_ZIP_ENTRIES: usize = 1_000;
/// Compression ratio above which an entry larger than [`RATIO_FLOOR_BYTES`] is a ZIP bomb, not a
/// sheet: spreadsheet XML deflates about 10:1, deflate's own ceiling is about 1000:1.
pub(crate) const MAX_RATIO: u64 = 200;
pub(crate) const RATIO_FLOOR_BYTES: u64 = 1024 * 1024;
/// Text the cells of a sheet expand to once shared strings and merged cells are copied into every
/// cell that shows them (one 32 KB string in a million cells would be 32 GB).
pub(crate) const MAX_SHEET_TEXT_BYTES: usize = 32 * 1024 * 1024;
/// The workbook stream of an `.xls` file, read whole by calamine.
pub(crate) const MAX_XLS_STREAM_BYTES: u64 = 16 * 1024 * 1024;
/// An `.xls` shared-string table (SST and its CONTINUE records): calamine keeps it whole.
pub(crate) const MAX_XLS_SST_BYTES: usize = 8 * 1024 * 1024;

/// A size in MB for messages.
pub(crate) fn mb(bytes: u64) -> String {
    format!("{:.0} MB", bytes as f64 / (1024.0 * 1024.0))
}

/// The message for a file past one of these limits: what was found, the limit, what to do.
pub(crate) fn too_big(what_zh: &str, what_en: &str, found: &str, limit: &str) -> String {
    format!(
        "文件过大，未读取：{what_zh}为 {found}，上限为 {limit}；座次表不会这么大，请检查是否选错了文件 \
         (file refused unread: {what_en} is {found}, the limit is {limit}; no seating list is \
         this big, check that this is the right file)"
    )
}

/// The message for a cell with content outside the rows and columns a list may use.
pub(crate) fn beyond(cell: &str) -> String {
    format!(
        "单元格 {cell} 有内容，超出了可读取的范围（最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列），文件未读取；\
         座次表不会这么大，请检查是否选错了文件，或删除该单元格后另存 (cell {cell} has content \
         beyond what is read, at most {MAX_ROWS} rows and {MAX_COLUMNS} columns; file refused: no \
         seating list is this big, check that this is the right file or delete that cell and save \
         again)"
    )
}
