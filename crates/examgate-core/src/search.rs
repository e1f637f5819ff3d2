//! What the one search box at the door means. A proctor types (or a scanner "types") a full ticket
//! number, the last 4–6 digits of the ticket or of the ID number, a seat number, or a name; this
//! module decides which, so the store can run the one indexed query that fits.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::documents::normalize;
use crate::text::fold_invisible;

/// A parsed search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", content = "value", rename_all = "kebab-case")]
pub enum Query {
    /// All 13 digits of the admission ticket (student number).
    Ticket(String),
    /// 4–6 trailing characters of the ticket or of the document number.
    Suffix(String),
    /// A seat number in the proctor's room (1–3 digits).
    Seat(u32),
    /// A whole document number (anything longer than 6 that is not a ticket).
    Document(String),
    /// A name or part of one.
    Name(String),
}

impl Query {
    /// Reads the search box. `None` for an empty box. Zero-width and direction marks are folded
    /// out first, as they are out of the names the import stores.
    pub fn parse(text: &str) -> Option<Query> {
        let text = fold_invisible(text);
        let text = text.as_str();
        let n = normalize(text);
        if n.is_empty() {
            return None;
        }
        let digits = n.bytes().all(|b| b.is_ascii_digit());
        let id_like = n.bytes().enumerate().all(|(i, b)| {
            b.is_ascii_alphanumeric() && (b.is_ascii_digit() || i + 1 == n.len() || i == 0)
        });
        Some(match n.len() {
            13 if digits => Query::Ticket(n),
            1..=3 if digits => match n.parse() {
                Ok(seat) => Query::Seat(seat),
                Err(_) => Query::Name(text.trim().to_string()),
            },
            4..=6 if id_like => Query::Suffix(n),
            _ if n.is_ascii() && n.bytes().all(|b| b.is_ascii_alphanumeric()) && n.len() > 6 => {
                Query::Document(n)
            }
            _ => Query::Name(text.trim().to_string()),
        })
    }
}

/// How what the proctor typed from the ID card compares with the listed number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentMatch {
    /// The whole number matches.
    Full,
    /// The last characters (at least 4) match.
    Suffix,
    Mismatch,
}

/// Compares `typed` (the whole number, or at least its last 4 characters) with the listed number.
pub fn match_document(listed: &str, typed: &str) -> DocumentMatch {
    let t = normalize(typed);
    if t == listed && !t.is_empty() {
        DocumentMatch::Full
    } else if t.len() >= 4 && t.len() < listed.len() && listed.ends_with(&t) {
        DocumentMatch::Suffix
    } else {
        DocumentMatch::Mismatch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirteen_digits_are_a_ticket() {
        assert_eq!(
            Query::parse(" 2023123456789 "),
            Some(Query::Ticket("2023123456789".into()))
        );
    }

    #[test]
    fn four_to_six_trailing_characters_are_a_suffix_even_with_an_x() {
        assert_eq!(Query::parse("6789"), Some(Query::Suffix("6789".into())));
        assert_eq!(Query::parse("002x"), Some(Query::Suffix("002X".into())));
        assert_eq!(Query::parse("456789"), Some(Query::Suffix("456789".into())));
    }

    #[test]
    fn one_to_three_digits_are_a_seat() {
        assert_eq!(Query::parse("7"), Some(Query::Seat(7)));
        assert_eq!(Query::parse("030"), Some(Query::Seat(30)));
    }

    #[test]
    fn chinese_text_is_a_name_and_a_long_number_is_a_document() {
        assert_eq!(Query::parse("张伟"), Some(Query::Name("张伟".into())));
        assert_eq!(
            Query::parse("11010519491231002x"),
            Some(Query::Document("11010519491231002X".into()))
        );
        assert_eq!(Query::parse("   "), None);
    }

    #[test]
    fn invisible_marks_are_folded_out_of_a_search() {
        assert_eq!(
            Query::parse("张\u{200B}伟\u{202E}"),
            Some(Query::Name("张伟".into()))
        );
        assert_eq!(Query::parse("\u{200B}\u{FEFF}"), None);
    }

    #[test]
    fn typed_id_matches_by_whole_number_or_last_four() {
        let listed = "11010519491231002X";
        assert_eq!(
            match_document(listed, "11010519491231002x"),
            DocumentMatch::Full
        );
        assert_eq!(match_document(listed, "002x"), DocumentMatch::Suffix);
        assert_eq!(match_document(listed, "003X"), DocumentMatch::Mismatch);
        assert_eq!(match_document(listed, "2X"), DocumentMatch::Mismatch);
        assert_eq!(match_document(listed, ""), DocumentMatch::Mismatch);
    }
}
