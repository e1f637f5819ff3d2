//! Bytes to text for CSV files. Excel and WPS on Chinese Windows save CSV as UTF-8, UTF-8 with a
//! BOM, or GBK (the "ANSI" code page), and nothing in the file says which. A BOM settles it; text
//! that is valid UTF-8 is UTF-8 (GBK Chinese almost never is); anything else must decode as GBK
//! without a single replacement, or the import stops with the line to look at — never a guess.

use std::borrow::Cow;

use encoding_rs::GBK;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Why a file cannot be read as a table at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Unreadable {
    /// 1-based line of the first problem, 0 when it concerns the whole file.
    pub line: usize,
    pub message: String,
}

impl Unreadable {
    pub fn whole(message: impl Into<String>) -> Self {
        Unreadable {
            line: 0,
            message: message.into(),
        }
    }
}

/// Decodes a CSV file's bytes, dropping a UTF-8 BOM.
pub(super) fn text(bytes: &[u8]) -> Result<Cow<'_, str>, Unreadable> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(Unreadable::whole(
            "文件是 UTF-16 编码（Excel“Unicode 文本”），请另存为“CSV UTF-8”或 xlsx \
             (the file is UTF-16, Excel's 'Unicode text'; save it as 'CSV UTF-8' or .xlsx)",
        ));
    }
    let text = if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
        match std::str::from_utf8(rest) {
            Ok(t) => Cow::Borrowed(t),
            Err(e) => {
                return Err(Unreadable {
                    line: line_at(&rest[..e.valid_up_to()]),
                    message: "文件标明为 UTF-8（有 BOM），但此行不是有效的 UTF-8；请重新导出 \
                              (the file is marked UTF-8 by its BOM, but this line is not valid \
                              UTF-8; export it again)"
                        .into(),
                });
            }
        }
    } else {
        match std::str::from_utf8(bytes) {
            Ok(t) => Cow::Borrowed(t),
            Err(e) => Cow::Owned(gbk(bytes, line_at(&bytes[..e.valid_up_to()]))?),
        }
    };
    // A byte scan: C0 controls and DEL are single bytes in UTF-8, and this runs on every file.
    let control = |b: &u8| (*b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || *b == 0x7F;
    if text.bytes().any(|b| control(&b)) {
        return Err(Unreadable::whole(
            "不是文本（CSV）文件，也不是 xlsx 工作簿：含有控制字符 \
             (not a text CSV file nor an .xlsx workbook: it contains control characters)",
        ));
    }
    Ok(text)
}

/// Decodes GBK, or names the line to look at: the later of the first line that is not UTF-8 and
/// the first that is not GBK, since the file is most likely in the encoding that got further.
fn gbk(bytes: &[u8], utf8_error_line: usize) -> Result<String, Unreadable> {
    let (text, had_errors) = GBK.decode_without_bom_handling(bytes);
    if !had_errors {
        return Ok(text.into_owned());
    }
    let gbk_error_line = text
        .find('\u{FFFD}')
        .map_or(0, |i| line_at(&text.as_bytes()[..i]));
    Err(Unreadable {
        line: gbk_error_line.max(utf8_error_line),
        message: "此行既不是 UTF-8 也不是 GBK 编码，无法读取；请另存为“CSV UTF-8”或 xlsx \
                  (this line is neither UTF-8 nor GBK; save the file as 'CSV UTF-8' or .xlsx)"
            .into(),
    })
}

/// The 1-based line on which the byte after `before` stands.
fn line_at(before: &[u8]) -> usize {
    before.iter().filter(|&&b| b == b'\n').count() + 1
}
