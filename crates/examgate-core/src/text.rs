//! Rules for the free text an office imports and the door later draws or searches: one place, so
//! the import refuses exactly what the photo stamp would refuse on exam day, and the names stored
//! are the names searched.
//!
//! * Stamped fields (site, room, addresses) are one line of at most [`MAX_FIELD_CHARS`]
//!   characters with no control characters: the stamp draws them as lines and the photo's
//!   signature serialises them as `key=value` lines. Nor may they hold the invisible marks below:
//!   a room that reads `101` but is not `101`, or whose digits a direction override reorders on
//!   screen, would send a candidate to the wrong door.
//! * Zero-width and direction marks are invisible on screen but make two equal-looking names
//!   differ (and can reorder what a proctor reads), so they are folded out of names and searches.

/// Longest accepted value of a stamped text field, in characters (an address is the longest:
/// ~40). The photo crate's metadata check uses this same constant.
pub const MAX_FIELD_CHARS: usize = 120;

/// Why a stamped field cannot be stamped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldProblem {
    #[error("为空 (empty)")]
    Empty,
    #[error(
        "超过 {MAX_FIELD_CHARS} 个字符（现有 {0} 个） (longer than {MAX_FIELD_CHARS} characters: {0})"
    )]
    TooLong(usize),
    #[error("含换行或控制字符 (contains a line break or control character)")]
    Control,
    #[error(
        "含不可见的零宽或方向字符 (contains an invisible zero-width or direction mark, U+{0:04X})"
    )]
    Invisible(u32),
}

/// Checks a value the photo stamp draws (after trimming, as the stamp trims).
pub fn check_stamped_field(value: &str) -> Result<(), FieldProblem> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldProblem::Empty);
    }
    let n = value.chars().count();
    if n > MAX_FIELD_CHARS {
        return Err(FieldProblem::TooLong(n));
    }
    if value.chars().any(char::is_control) {
        return Err(FieldProblem::Control);
    }
    if let Some(c) = value.chars().find(|c| is_invisible_mark(*c)) {
        return Err(FieldProblem::Invisible(u32::from(c)));
    }
    Ok(())
}

/// Zero-width characters, direction marks, embeddings, overrides and isolates, invisible
/// operators and the byte-order mark: U+200B–U+200F, U+202A–U+202E, U+2060–U+2064,
/// U+2066–U+2069, U+FEFF.
pub fn is_invisible_mark(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// `text` without [`is_invisible_mark`] characters, trimmed: how a name is stored and searched.
pub fn fold_invisible(text: &str) -> String {
    let kept: String = text.chars().filter(|c| !is_invisible_mark(*c)).collect();
    kept.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamped_field_is_one_short_line() {
        assert_eq!(check_stamped_field(" 实训楼301 "), Ok(()));
        assert_eq!(check_stamped_field("  "), Err(FieldProblem::Empty));
        assert_eq!(
            check_stamped_field(&"楼".repeat(MAX_FIELD_CHARS + 1)),
            Err(FieldProblem::TooLong(MAX_FIELD_CHARS + 1))
        );
        assert_eq!(
            check_stamped_field("一楼\n二楼"),
            Err(FieldProblem::Control)
        );
    }

    #[test]
    fn a_stamped_field_with_a_zero_width_or_direction_mark_is_refused() {
        assert_eq!(
            check_stamped_field("10\u{200B}1"),
            Err(FieldProblem::Invisible(0x200B))
        );
        assert_eq!(
            check_stamped_field("实训楼\u{202E}103"),
            Err(FieldProblem::Invisible(0x202E))
        );
    }

    #[test]
    fn invisible_marks_fold_out_and_visible_text_stays() {
        assert_eq!(fold_invisible("\u{FEFF}张\u{200B}三\u{202E}"), "张三");
        assert_eq!(fold_invisible("\u{200B}\u{2060}\u{2066}"), "");
        assert_eq!(fold_invisible("Ann Lee"), "Ann Lee");
    }
}
