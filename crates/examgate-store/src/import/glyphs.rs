//! Whether the photo stamp's font can draw what a seating list says: the site, the room and the
//! room's address are drawn on every fallback photo of that room, and a character the font lacks
//! would make every photo in the room fail on exam day. So the import asks the same font the
//! stamp uses, once for the whole batch, and refuses the lines whose values it cannot draw.
//!
//! The store does not load fonts (that is the photo crate, which builds libjpeg-turbo): the CLI
//! and the app hand it a [`GlyphCheck`] built from the stamp's own font selection.

use std::fmt;
use std::sync::Arc;

use super::headers::Column;
use super::{ImportError, Parsed};

type Check = dyn Fn(&str) -> Result<Vec<char>, String> + Send + Sync;

/// The stamp font's coverage: for a text, the characters no usable face can draw (empty when all
/// can), or why no font can be used at all.
#[derive(Clone)]
pub struct GlyphCheck(Arc<Check>);

impl GlyphCheck {
    pub fn new(check: impl Fn(&str) -> Result<Vec<char>, String> + Send + Sync + 'static) -> Self {
        GlyphCheck(Arc::new(check))
    }

    fn missing(&self, text: &str) -> Result<Vec<char>, String> {
        (self.0)(text)
    }
}

impl fmt::Debug for GlyphCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("GlyphCheck")
    }
}

/// The fixed text of every stamp (labels, digits of the time and seat), drawn next to the values.
const STAMP_LABELS: &str = "学号 座位 考点 考场 地址 0123456789:-";

/// One error per distinct value (at its first line) that has a character the font cannot draw.
pub fn check_glyphs(files: &[Parsed], check: &GlyphCheck) -> Vec<ImportError> {
    // (file, line, header as written, value): each distinct value once, at its first line.
    let mut values: Vec<(&str, usize, &str, &str)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for parsed in files {
        let Parsed::Seating(list) = parsed else {
            continue;
        };
        for row in &list.rows {
            let c = &row.candidate;
            for (column, value) in [
                (Column::Site, c.site.as_str()),
                (Column::Room, c.room.as_str()),
                (Column::RoomAddress, row.room_address.as_str()),
            ] {
                if seen.insert(value) {
                    values.push((&list.file, row.line, list.columns.header(column), value));
                }
            }
        }
    }
    if values.is_empty() {
        return Vec::new();
    }
    let mut text = String::from(STAMP_LABELS);
    for (_, _, _, v) in &values {
        text.push('\n');
        text.push_str(v);
    }
    let missing = match check.missing(&text) {
        Ok(m) => m,
        Err(why) => {
            let file = values.first().map_or("", |v| v.0);
            return vec![ImportError::at(
                file,
                0,
                "",
                format!("无法检查照片水印字体 (cannot check the photo stamp's font): {why}"),
            )];
        }
    };
    values
        .into_iter()
        .filter_map(|(file, line, field, value)| {
            let lacking: Vec<String> = value
                .chars()
                .filter(|c| missing.contains(c))
                .map(|c| format!("“{c}”(U+{:04X})", c as u32))
                .collect();
            (!lacking.is_empty()).then(|| {
                let lacking = lacking.join(" ");
                ImportError::at(
                    file,
                    line,
                    field,
                    format!(
                        "照片水印字体缺少字符 {lacking}，此考场的照片将无法盖章 (the photo stamp's \
                         font cannot draw {lacking}; no photo of this room could be stamped)"
                    ),
                )
            })
        })
        .collect()
}
