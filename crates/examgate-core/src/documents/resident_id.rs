//! GB 11643-1999 citizen identity numbers: the resident ID card, and the base of the residence
//! permit and the public-security certificate.
//!
//! Region: the full GB/T 2260 county table changes yearly and old cards keep retired codes, so the
//! check is on the province part (the first two digits), which is stable; the rest must be digits.

use chrono::NaiveDate;

use super::problem::{Problem, shape};

/// Province-level codes of GB/T 2260 that appear on resident ID cards.
const PROVINCES: [&str; 31] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
];

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// The parts of a valid 18-character citizen number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentId {
    pub region: String,
    pub birth_date: NaiveDate,
    /// Odd sequence numbers are male, even female.
    pub sequence: u16,
}

/// The ISO 7064 MOD 11-2 check character for the first 17 digits.
pub fn check_character(first17: &[u8]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    char::from(CHECK_CHARS[(sum % 11) as usize])
}

/// Checks the 18-character form, birth date and check character, with no rule on the region.
pub(super) fn check_form(n: &str) -> Result<ResidentId, Problem> {
    shape(n, &[18], |i, b| {
        b.is_ascii_digit() || (i == 17 && b == b'X')
    })?;
    let b = n.as_bytes();
    let date = &n[6..14];
    let birth_date = NaiveDate::parse_from_str(date, "%Y%m%d")
        .ok()
        .filter(|d| d.format("%Y%m%d").to_string() == date && date >= "18000101")
        .ok_or_else(|| Problem::BadBirthDate {
            date: date.to_string(),
        })?;
    let expected = check_character(&b[..17]);
    let found = char::from(b[17]);
    if expected != found {
        return Err(Problem::CheckCharacter { expected, found });
    }
    let sequence = n[14..17].parse().unwrap_or_default();
    Ok(ResidentId {
        region: n[..6].to_string(),
        birth_date,
        sequence,
    })
}

/// Checks a resident ID number (already normalised: upper-case `X`).
pub fn check_resident_id(n: &str) -> Result<ResidentId, Problem> {
    let id = check_form(n)?;
    if super::permits::is_permit_prefix(n) {
        return Err(Problem::PermitNotResidentId);
    }
    if !PROVINCES.contains(&&n[..2]) {
        return Err(Problem::UnknownRegion {
            region: id.region.clone(),
        });
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::{DocumentKind, check};
    use proptest::prelude::*;

    #[test]
    fn known_valid_number_with_x_check_character_passes() {
        let id = check_resident_id("11010519491231002X").unwrap();
        assert_eq!(
            id.birth_date,
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(id.sequence, 2);
    }

    #[test]
    fn lower_case_x_is_accepted_as_upper_case() {
        assert!(check(DocumentKind::ResidentId, "11010519491231002x").is_valid());
    }

    #[test]
    fn one_changed_digit_fails_the_check_character() {
        assert_eq!(
            check_resident_id("11010519491231012X"),
            Err(Problem::CheckCharacter {
                expected: '6',
                found: 'X'
            })
        );
    }

    #[test]
    fn february_thirtieth_is_not_a_birth_date() {
        // 11010519990230 + seq 001, check char computed so only the date is wrong.
        let first17 = "11010519990230001";
        let n = format!("{first17}{}", check_character(first17.as_bytes()));
        assert_eq!(
            check_resident_id(&n),
            Err(Problem::BadBirthDate {
                date: "19990230".into()
            })
        );
    }

    #[test]
    fn unknown_province_is_refused() {
        let first17 = "99010519491231002";
        let n = format!("{first17}{}", check_character(first17.as_bytes()));
        assert!(matches!(
            check_resident_id(&n),
            Err(Problem::UnknownRegion { .. })
        ));
    }

    #[test]
    fn wrong_length_and_letters_are_named() {
        assert!(matches!(
            check_resident_id("1101051949123100"),
            Err(Problem::WrongLength { got: 16, .. })
        ));
        assert_eq!(
            check_resident_id("1101051949A231002X"),
            Err(Problem::BadCharacter {
                position: 11,
                found: 'A'
            })
        );
        assert_eq!(check_resident_id(""), Err(Problem::Empty));
    }

    #[test]
    fn a_residence_permit_number_is_not_a_resident_id() {
        assert_eq!(
            check_resident_id("810000199408230021"),
            Err(Problem::PermitNotResidentId)
        );
    }

    proptest! {
        #[test]
        fn any_real_date_with_its_check_character_is_valid(
            prov in 0usize..31, county in 0u32..10_000, days in 0i64..60_000, seq in 0u32..1000
        ) {
            let date = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Days::new(days as u64);
            let first17 = format!("{}{county:04}{}{seq:03}", PROVINCES[prov], date.format("%Y%m%d"));
            let n = format!("{first17}{}", check_character(first17.as_bytes()));
            prop_assert!(check_resident_id(&n).is_ok());
        }

        #[test]
        fn changing_any_one_digit_is_caught(pos in 0usize..17, delta in 1u8..10) {
            let mut b = b"11010519491231002X".to_vec();
            b[pos] = b'0' + (b[pos] - b'0' + delta) % 10;
            let n = String::from_utf8(b).unwrap();
            prop_assert!(check_resident_id(&n).is_err());
        }

        #[test]
        fn never_panics_on_any_text(s in "\\PC{0,24}") {
            let _ = check(DocumentKind::ResidentId, &s);
        }
    }
}
