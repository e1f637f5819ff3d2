//! XLSX workbooks, read within [`super::limits`] so that no file can make the reader allocate
//! what it declares.
//!
//! The ZIP directory is read first, by this module, and the file refused on what it declares
//! (entries, their uncompressed sizes, their compression ratio); the zip crate then refuses to
//! inflate an entry past its declared size, so the declaration binds. calamine then loads the
//! shared strings and styles (bounded by those sizes) and the first sheet is streamed cell by cell
//! (`worksheet_cells_reader`), never through `worksheet_range`, which allocates the bounding box
//! of the cells: one cell at `XFD1048576` is 17 billion. The `<dimension>` a sheet declares is
//! not trusted for anything; a cell with content past the row or column limit refuses the file.

use std::io::Cursor;

use calamine::{Reader, Xlsx};

use super::decode::Unreadable;
use super::limits::{self, mb, too_big};
use super::sheet::{SheetBuilder, empty_first_sheet};
use super::table::Row;

fn not_xlsx(why: impl std::fmt::Display) -> Unreadable {
    Unreadable::whole(format!(
        "不是有效的 XLSX 文件 (not an XLSX file: {why})；请在 Excel 中打开并另存为 .xlsx \
         (open it in Excel and save it as .xlsx)"
    ))
}

/// Reads the first worksheet of an XLSX workbook.
pub(super) fn read(bytes: &[u8]) -> Result<Vec<Row>, Unreadable> {
    // calamine panics on some damaged workbooks (a cell reference whose row number overflows
    // `u32` does in a debug build; found by this crate's property test), so the read is fenced:
    // a damaged file is an input error. Allocation is bounded by the checks, not by this.
    std::panic::catch_unwind(|| check_archive(bytes).and_then(|()| first_sheet(bytes)))
        .unwrap_or_else(|_| {
            Err(Unreadable::whole(
                "xlsx 工作簿已损坏，无法读取；请在 Excel 中打开并另存一次 \
             (the .xlsx workbook is damaged; open it in Excel and save it again)",
            ))
        })
}

/// Refuses the archive on what its directory declares, before anything is inflated.
fn check_archive(bytes: &[u8]) -> Result<(), Unreadable> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(not_xlsx)?;
    if zip.len() > limits::MAX_ZIP_ENTRIES {
        return Err(Unreadable::whole(too_big(
            "压缩包条目数",
            "the number of ZIP entries",
            &zip.len().to_string(),
            &limits::MAX_ZIP_ENTRIES.to_string(),
        )));
    }
    let mut total: u64 = 0;
    let mut has_workbook = false;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(not_xlsx)?;
        let shown = entry.name().map_err(not_xlsx)?.into_owned();
        let name = shown.to_ascii_lowercase();
        let (size, packed) = (entry.size(), entry.compressed_size());
        has_workbook |= name.ends_with("workbook.xml");
        let (limit, what_zh, what_en) = if name.ends_with("sharedstrings.xml") {
            (
                limits::MAX_SHARED_STRINGS_BYTES,
                "共享字符串表",
                "the shared-strings table",
            )
        } else if name.ends_with("styles.xml") {
            (limits::MAX_STYLES_BYTES, "样式表", "the style sheet")
        } else {
            (limits::MAX_ENTRY_BYTES, "其中一个条目", "one entry")
        };
        let refuse = |zh: &str, en: &str, found: String, limit: String| {
            Unreadable::whole(too_big(
                &format!("{zh}（{shown}）解压后"),
                &format!("{en} ({shown}) uncompressed"),
                &found,
                &limit,
            ))
        };
        if size > limit {
            return Err(refuse(what_zh, what_en, mb(size), mb(limit)));
        }
        if size > limits::RATIO_FLOOR_BYTES && size / packed.max(1) > limits::MAX_RATIO {
            return Err(refuse(
                "压缩比",
                "the compression ratio of",
                format!("{}:1", size / packed.max(1)),
                format!("{}:1", limits::MAX_RATIO),
            ));
        }
        total = total.saturating_add(size);
    }
    if total > limits::MAX_UNCOMPRESSED_BYTES {
        return Err(Unreadable::whole(too_big(
            "解压后总大小",
            "the uncompressed size",
            &mb(total),
            &mb(limits::MAX_UNCOMPRESSED_BYTES),
        )));
    }
    if !has_workbook {
        return Err(not_xlsx(
            "ZIP 压缩包里没有工作簿 the ZIP archive holds no workbook",
        ));
    }
    Ok(())
}

fn first_sheet(bytes: &[u8]) -> Result<Vec<Row>, Unreadable> {
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(not_xlsx)?;
    let names = book.sheet_names();
    let Some(first) = names.first() else {
        return Err(Unreadable::whole(
            "工作簿没有工作表 (the workbook has no sheet)",
        ));
    };
    let mut sheet = SheetBuilder::default();
    {
        let mut cells = book.worksheet_cells_reader(first).map_err(not_xlsx)?;
        while let Some(cell) = cells.next_cell().map_err(not_xlsx)? {
            let (row, col) = cell.get_position();
            sheet.add(row, col, cell.get_value())?;
        }
    }
    if sheet.is_empty() {
        // Say where the data is rather than that the file is empty.
        for name in names.iter().skip(1) {
            let Ok(mut cells) = book.worksheet_cells_reader(name) else {
                continue;
            };
            while let Ok(Some(cell)) = cells.next_cell() {
                if !super::sheet::blank(cell.get_value()) {
                    return Err(empty_first_sheet(first, name));
                }
            }
        }
        return Ok(Vec::new());
    }
    let merged = book.merge_cells_by_sheet_name(first).unwrap_or_default();
    sheet.finish(&merged)
}
