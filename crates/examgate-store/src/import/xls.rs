//! Excel 97 (`.xls`, BIFF8) workbooks, which many exam platforms still export.
//!
//! calamine reads every sheet of an `.xls` when it opens it, and allocates what the records say:
//! a DIMENSIONS record's row span times its column span, and the bounding box of the cells. So the
//! workbook stream is taken out of its OLE2 container here (the `cfb` crate, bounded by
//! [`limits::MAX_XLS_STREAM_BYTES`]), every record that places a cell or declares a size is
//! checked against the limits, and calamine is then given a fresh container holding only that
//! checked stream, so it reads exactly the bytes that were checked. The first sheet is then read
//! under the same rules as XLSX.

use std::io::{Cursor, Read, Write};

use calamine::{Reader, Xls};

use super::decode::Unreadable;
use super::limits::{self, mb, too_big};
use super::sheet::{SheetBuilder, cell_name, empty_first_sheet};
use super::table::Row;

fn not_xls(why: impl std::fmt::Display) -> Unreadable {
    Unreadable::whole(format!(
        "不是有效的 XLS 文件 (not an XLS file: {why})；请在 Excel 中打开并另存为 .xlsx \
         (open it in Excel and save it as .xlsx)"
    ))
}

/// Reads the first worksheet of an `.xls` workbook.
pub(super) fn read(bytes: &[u8]) -> Result<Vec<Row>, Unreadable> {
    // Fenced like XLSX: a panic on a damaged file is an input error; allocation is bounded by
    // the checks, not by this.
    let checked_then_read = || {
        let stream = workbook_stream(bytes)?;
        check_records(&stream)?;
        first_sheet(repack(&stream).map_err(not_xls)?)
    };
    std::panic::catch_unwind(checked_then_read).unwrap_or_else(|_| {
        Err(Unreadable::whole(
            "xls 工作簿已损坏，无法读取；请在 Excel 中打开并另存为 .xlsx \
             (the .xls workbook is damaged; open it in Excel and save it as .xlsx)",
        ))
    })
}

fn workbook_stream(bytes: &[u8]) -> Result<Vec<u8>, Unreadable> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(not_xls)?;
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| file.is_stream(n))
        .ok_or_else(|| not_xls("没有工作簿数据 no workbook stream"))?;
    let stream = file.open_stream(name).map_err(not_xls)?;
    if stream.len() > limits::MAX_XLS_STREAM_BYTES {
        return Err(Unreadable::whole(too_big(
            "工作簿数据",
            "the workbook stream",
            &mb(stream.len()),
            &mb(limits::MAX_XLS_STREAM_BYTES),
        )));
    }
    let mut out = Vec::new();
    stream
        .take(limits::MAX_XLS_STREAM_BYTES)
        .read_to_end(&mut out)
        .map_err(not_xls)?;
    Ok(out)
}

/// A fresh OLE2 container holding only the checked workbook stream.
fn repack(stream: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new()))?;
    file.create_stream("/Workbook")?.write_all(stream)?;
    file.flush()?;
    Ok(file.into_inner().into_inner())
}

fn u16_at(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at + 2)
        .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at + 4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Walks the BIFF records and refuses the file at the first that places a cell (with content)
/// past the limits, declares a sheet larger than them, or makes the shared strings too big.
fn check_records(stream: &[u8]) -> Result<(), Unreadable> {
    let cell_limit = limits::MAX_ROWS as usize * limits::MAX_COLUMNS as usize;
    let (mut at, mut cells, mut sst) = (0usize, 0usize, None::<usize>);
    while let (Some(typ), Some(len)) = (u16_at(stream, at), u16_at(stream, at + 2)) {
        let data = stream
            .get(at + 4..at + 4 + len as usize)
            .unwrap_or_default();
        at += 4 + len as usize;
        // The shared strings: the SST record and the CONTINUE records right after it.
        sst = match (typ, sst) {
            (0x00FC, _) => Some(data.len()),
            (0x003C, Some(n)) => Some(n + data.len()),
            _ => None,
        };
        if sst.is_some_and(|n| n > limits::MAX_XLS_SST_BYTES) {
            return Err(Unreadable::whole(too_big(
                "共享字符串表",
                "the shared-string table",
                &format!("超过 over {}", mb(limits::MAX_XLS_SST_BYTES as u64)),
                &mb(limits::MAX_XLS_SST_BYTES as u64),
            )));
        }
        match typ {
            // DIMENSIONS: calamine reserves its row span times its column span.
            0x0200 => check_dimensions(data)?,
            // NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST, FORMULA: one cell each.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                let (row, col) = (u16_at(data, 0), u16_at(data, 2));
                check_cell(row.unwrap_or(0), col.unwrap_or(0))?;
                cells += 1;
            }
            // MULRK: a run of cells on one row.
            0x00BD => {
                let row = u16_at(data, 0).unwrap_or(0);
                let first = u16_at(data, 2).unwrap_or(0);
                let last = u16_at(data, data.len().saturating_sub(2)).unwrap_or(0);
                check_cell(row, first)?;
                check_cell(row, last)?;
                cells += last.saturating_sub(first) as usize + 1;
            }
            _ => {}
        }
        if cells > cell_limit {
            return Err(Unreadable::whole(too_big(
                "单元格记录数",
                "the number of cell records",
                &format!("超过 over {cell_limit}"),
                &cell_limit.to_string(),
            )));
        }
    }
    Ok(())
}

fn check_cell(row: u32, col: u32) -> Result<(), Unreadable> {
    if row >= limits::MAX_ROWS || col >= limits::MAX_COLUMNS {
        return Err(Unreadable::whole(limits::beyond(&cell_name(row, col))));
    }
    Ok(())
}

/// A DIMENSIONS record (BIFF8: first row, last row + 1 as u32; first column, last column + 1 as
/// u16) must be a well-formed span inside the limits.
fn check_dimensions(data: &[u8]) -> Result<(), Unreadable> {
    let (rf, rl, cf, cl) = if data.len() == 10 {
        (
            u16_at(data, 0),
            u16_at(data, 2),
            u16_at(data, 4),
            u16_at(data, 6),
        )
    } else {
        (
            u32_at(data, 0),
            u32_at(data, 4),
            u16_at(data, 8),
            u16_at(data, 10),
        )
    };
    let (rf, rl, cf, cl) = (
        rf.unwrap_or(0),
        rl.unwrap_or(0),
        cf.unwrap_or(0),
        cl.unwrap_or(0),
    );
    let empty = rl == 0 || cl == 0;
    if empty || (rf < rl && rl <= limits::MAX_ROWS && cf < cl && cl <= limits::MAX_COLUMNS) {
        return Ok(());
    }
    Err(Unreadable::whole(too_big(
        "工作表声明的大小",
        "the size the sheet declares",
        &format!(
            "{} 行 × {} 列 (rows × columns)",
            rl.saturating_sub(rf),
            cl.saturating_sub(cf)
        ),
        &format!(
            "{} 行 × {} 列 (rows × columns)",
            limits::MAX_ROWS,
            limits::MAX_COLUMNS
        ),
    )))
}

fn first_sheet(clean: Vec<u8>) -> Result<Vec<Row>, Unreadable> {
    let mut book = Xls::new(Cursor::new(clean)).map_err(|e| match e {
        calamine::XlsError::Password => Unreadable::whole(
            "文件设有密码，无法读取；请在 Excel 中取消密码后另存 \
             (the file is password-protected; remove the password in Excel and save it again)",
        ),
        e => not_xls(e),
    })?;
    let names = book.sheet_names();
    let Some(first) = names.first().cloned() else {
        return Err(Unreadable::whole(
            "工作簿没有工作表 (the workbook has no sheet)",
        ));
    };
    let range = book.worksheet_range(&first).map_err(not_xls)?;
    let mut sheet = SheetBuilder::default();
    let (top, left) = range.start().unwrap_or((0, 0));
    for (r, c, value) in range.used_cells() {
        sheet.add_data(top + r as u32, left + c as u32, value)?;
    }
    if sheet.is_empty() {
        for name in names.iter().skip(1) {
            let has_data = book.worksheet_range(name).is_ok_and(|range| {
                range
                    .used_cells()
                    .any(|(_, _, v)| !matches!(v, calamine::Data::String(s) if s.trim().is_empty()))
            });
            if has_data {
                return Err(empty_first_sheet(&first, name));
            }
        }
        return Ok(Vec::new());
    }
    let merged = book.merge_cells_by_sheet_name(&first).unwrap_or_default();
    sheet.finish(&merged)
}
