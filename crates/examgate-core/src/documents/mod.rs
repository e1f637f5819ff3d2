//! Identity documents a candidate may show at the door, and the checks for each.
//!
//! The notice (DOMAIN.md, "Identity documents") says: validate what has a published rule and never
//! guess. So every check is a pure function from the typed-in text to a [`Verdict`]: the kind, the
//! normalised number that is stored (trimmed, upper-cased), and — when invalid — a [`Problem`] that
//! names exactly what is wrong, so an import can point at the line and field and a proctor can be
//! told what to re-type.

mod kind;
mod mrz;
mod permits;
mod problem;
mod redact;
mod resident_id;

pub use kind::DocumentKind;
pub use mrz::{check_passport, check_td3_mrz};
pub use problem::Problem;
pub use redact::mask_id_like;
pub use resident_id::{ResidentId, check_character, check_resident_id};

use serde::Serialize;

/// The outcome of checking one document number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub kind: DocumentKind,
    /// What is stored: trimmed, upper-cased, inner spaces removed.
    pub normalized: String,
    /// `None` when the number is valid.
    pub problem: Option<Problem>,
}

impl Verdict {
    pub fn is_valid(&self) -> bool {
        self.problem.is_none()
    }

    fn of(kind: DocumentKind, normalized: String, result: Result<(), Problem>) -> Self {
        Verdict {
            kind,
            normalized,
            problem: result.err(),
        }
    }
}

/// Trims, removes inner white space and upper-cases, the way a number is stored and compared.
pub fn normalize(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Checks `input` as a document of `kind`. Passports are checked without an MRZ here; use
/// [`check_passport`] when the machine-readable zone is at hand.
pub fn check(kind: DocumentKind, input: &str) -> Verdict {
    let n = normalize(input);
    let result = match kind {
        DocumentKind::ResidentId => check_resident_id(&n).map(|_| ()),
        DocumentKind::ResidencePermit => permits::check_residence_permit(&n),
        DocumentKind::HkMacauTravelPermit => permits::check_hk_macau_permit(&n),
        DocumentKind::TaiwanTravelPermit => permits::check_taiwan_permit(&n),
        DocumentKind::Passport => mrz::check_passport_number(&n),
        DocumentKind::PublicSecurityCertificate => check_resident_id(&n).map(|_| ()),
    };
    Verdict::of(kind, n, result)
}

/// Guesses the kind from the form of the number, for `check-id --kind auto`. Returns `None` when
/// the form fits no kind; it never guesses between two kinds that share a form (an 18-character
/// number is a residence permit only with the 810000/820000/830000 prefix).
pub fn guess_kind(input: &str) -> Option<DocumentKind> {
    let n = normalize(input);
    let b = n.as_bytes();
    let all_digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    match b.len() {
        18 if all_digits(&b[..17]) => Some(if permits::is_permit_prefix(&n) {
            DocumentKind::ResidencePermit
        } else {
            DocumentKind::ResidentId
        }),
        9 | 11 if matches!(b[0], b'H' | b'M') && all_digits(&b[1..]) => {
            Some(DocumentKind::HkMacauTravelPermit)
        }
        8 if all_digits(b) => Some(DocumentKind::TaiwanTravelPermit),
        5..=9 if b[0].is_ascii_uppercase() && b.iter().all(u8::is_ascii_alphanumeric) => {
            Some(DocumentKind::Passport)
        }
        _ => None,
    }
}

/// Masks a document number for display: the first 6 and last 4 characters stay, the rest become
/// `*`. Numbers too short for that keep only their last 4 (or nothing, when 4 or shorter), so a
/// mask never shows the whole number.
pub fn mask(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    let n = chars.len();
    let (head, tail) = match n {
        0..=4 => (0, 0),
        5..=13 => (0, 4),
        _ => (6, 4),
    };
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < head || i >= n - tail { *c } else { '*' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_keeps_first_six_and_last_four_of_an_id_number() {
        assert_eq!(mask("11010519491231002X"), "110105********002X");
    }

    #[test]
    fn mask_never_shows_a_short_number_whole() {
        assert_eq!(mask("12345678"), "****5678");
        assert_eq!(mask("1234"), "****");
        assert_eq!(mask(""), "");
    }

    #[test]
    fn normalize_trims_upper_cases_and_drops_inner_spaces() {
        assert_eq!(normalize(" 110105 19491231002x "), "11010519491231002X");
    }

    #[test]
    fn guess_kind_tells_forms_apart() {
        use DocumentKind::*;
        assert_eq!(guess_kind("11010519491231002X"), Some(ResidentId));
        assert_eq!(guess_kind("810000199408230021"), Some(ResidencePermit));
        assert_eq!(guess_kind("H12345678"), Some(HkMacauTravelPermit));
        assert_eq!(guess_kind("M1234567801"), Some(HkMacauTravelPermit));
        assert_eq!(guess_kind("12345678"), Some(TaiwanTravelPermit));
        assert_eq!(guess_kind("E12345678"), Some(Passport));
        assert_eq!(guess_kind("12-34"), None);
        assert_eq!(guess_kind(""), None);
    }

    #[test]
    fn check_stores_the_normalised_number() {
        let v = check(DocumentKind::ResidentId, "11010519491231002x");
        assert!(v.is_valid());
        assert_eq!(v.normalized, "11010519491231002X");
    }
}
