//! A spreadsheet's cells (XLSX streamed, XLS from calamine's range) to rows of text, within the
//! row, column and text limits of [`super::limits`], whatever the file says about its own size.
//!
//! Only cells with content count: a formatted empty cell at `XFD1048576` is ignored, a value
//! there refuses the file. Merged cells are filled with their value, the way a person reads a list
//! whose 考点 column is one merged block; that copying counts against the text limit too, since a
//! merged block is where a small file would expand most.

use std::collections::BTreeMap;

use calamine::{Data, DataRef, Dimensions};

use super::decode::Unreadable;
use super::limits::{self, too_big};
use super::table::{Cell, Row, render};

/// The non-empty cells of one sheet, as they arrive, by row (so that turning them into dense rows
/// frees each sparse row as it goes: the fullest sheet the limits allow is never held twice).
#[derive(Debug, Default)]
pub(super) struct SheetBuilder {
    rows: BTreeMap<u32, Vec<(u32, Cell)>>,
    cells: usize,
    /// Leftmost and rightmost columns with content.
    columns: Option<(u32, u32)>,
    text: usize,
}

/// Whether a streamed XLSX value shows nothing.
pub(super) fn blank(value: &DataRef<'_>) -> bool {
    match value {
        DataRef::Empty => true,
        DataRef::String(s) => s.trim().is_empty(),
        DataRef::SharedString(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// `XFD1048576` for zero-based (1048575, 16383).
pub(super) fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u64::from(col) + 1;
    while n > 0 {
        n -= 1;
        letters.push(char::from(b'A' + (n % 26) as u8));
        n /= 26;
    }
    letters.reverse();
    format!(
        "{}{}",
        letters.into_iter().collect::<String>(),
        u64::from(row) + 1
    )
}

/// The first sheet is empty and `other` is not: only the first sheet is read, so say so.
pub(super) fn empty_first_sheet(first: &str, other: &str) -> Unreadable {
    Unreadable::whole(format!(
        "第一个工作表“{first}”是空的，数据在工作表“{other}”上；只读取第一个工作表，请把数据所在的\
         工作表移到最前面（或删除空工作表）后再导入 (the first sheet '{first}' is empty and the \
         data is on sheet '{other}'; only the first sheet is read: move that sheet to the front \
         or delete the empty one, then import again)"
    ))
}

impl SheetBuilder {
    /// Adds a streamed XLSX cell; refuses the file at a cell with content past the limits.
    pub fn add(&mut self, row: u32, col: u32, value: &DataRef<'_>) -> Result<(), Unreadable> {
        if blank(value) {
            return Ok(());
        }
        self.put(row, col, render(&Data::from(value.clone())))
    }

    /// Adds a cell of a range calamine has already read (XLS).
    pub fn add_data(&mut self, row: u32, col: u32, value: &Data) -> Result<(), Unreadable> {
        match value {
            Data::Empty => Ok(()),
            Data::String(s) if s.trim().is_empty() => Ok(()),
            _ => self.put(row, col, render(value)),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.cells == 0
    }

    fn put(&mut self, row: u32, col: u32, cell: Cell) -> Result<(), Unreadable> {
        if row >= limits::MAX_ROWS || col >= limits::MAX_COLUMNS {
            return Err(Unreadable::whole(limits::beyond(&cell_name(row, col))));
        }
        // A sheet may repeat a cell; more entries than cells can exist is a hostile file.
        if self.cells >= (limits::MAX_ROWS * limits::MAX_COLUMNS) as usize {
            return Err(self.text_refused());
        }
        self.count(&cell)?;
        self.cells += 1;
        self.columns = Some(
            self.columns
                .map_or((col, col), |(l, r)| (l.min(col), r.max(col))),
        );
        self.rows.entry(row).or_default().push((col, cell));
        Ok(())
    }

    fn count(&mut self, cell: &Cell) -> Result<(), Unreadable> {
        self.text += cell.as_ref().map_or(0, String::len);
        if self.text > limits::MAX_SHEET_TEXT_BYTES {
            return Err(self.text_refused());
        }
        Ok(())
    }

    fn text_refused(&self) -> Unreadable {
        Unreadable::whole(too_big(
            "工作表展开后的文字",
            "the sheet's text, once shared strings and merged cells are expanded,",
            &format!(
                "超过 over {}",
                limits::mb(limits::MAX_SHEET_TEXT_BYTES as u64)
            ),
            &limits::mb(limits::MAX_SHEET_TEXT_BYTES as u64),
        ))
    }

    /// The rows from the first to the last with content, each as wide as the widest, with merged
    /// regions filled from their top-left cell.
    pub fn finish(mut self, merged: &[Dimensions]) -> Result<Vec<Row>, Unreadable> {
        let rows = std::mem::take(&mut self.rows);
        let (Some((&top, _)), Some((&bottom, _)), Some((left, right))) =
            (rows.first_key_value(), rows.last_key_value(), self.columns)
        else {
            return Ok(Vec::new());
        };
        let (top, left) = (top as usize, left as usize);
        let width = right as usize - left + 1;
        let mut sparse = rows.into_iter().peekable();
        let mut grid: Vec<Vec<Cell>> = Vec::with_capacity(bottom as usize - top + 1);
        for r in top..=bottom as usize {
            let mut dense = vec![Ok(String::new()); width];
            if sparse.peek().is_some_and(|(row, _)| *row as usize == r)
                && let Some((_, cells)) = sparse.next()
            {
                for (col, cell) in cells {
                    if let Some(slot) = dense.get_mut(col as usize - left) {
                        *slot = cell;
                    }
                }
            }
            grid.push(dense);
        }
        let mut budget = (limits::MAX_ROWS * limits::MAX_COLUMNS) as usize;
        for region in merged {
            self.fill(&mut grid, region, (top, left), &mut budget)?;
        }
        Ok(grid
            .into_iter()
            .enumerate()
            .map(|(i, cells)| Row::sheet(top + i + 1, cells))
            .collect())
    }

    /// Copies a merged region's value (held by its top-left cell) into the region's other cells.
    fn fill(
        &mut self,
        grid: &mut [Vec<Cell>],
        region: &Dimensions,
        (top, left): (usize, usize),
        budget: &mut usize,
    ) -> Result<(), Unreadable> {
        let (r0, c0) = (region.start.0 as usize, region.start.1 as usize);
        let (r1, c1) = (region.end.0 as usize, region.end.1 as usize);
        let (Some(r0), Some(c0)) = (r0.checked_sub(top), c0.checked_sub(left)) else {
            return Ok(());
        };
        let Some(value) = grid.get(r0).and_then(|r| r.get(c0)).cloned() else {
            return Ok(());
        };
        let last_row = r1.saturating_sub(top).min(grid.len().saturating_sub(1));
        for row in grid.iter_mut().take(last_row + 1).skip(r0) {
            let last_col = c1.saturating_sub(left).min(row.len().saturating_sub(1));
            for cell in row.iter_mut().take(last_col + 1).skip(c0) {
                *budget = budget.checked_sub(1).ok_or_else(|| self.text_refused())?;
                self.count(&value)?;
                *cell = value.clone();
            }
        }
        Ok(())
    }
}
