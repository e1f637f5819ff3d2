//! Passports: the number is stored as given; when the two-line TD3 machine-readable zone is typed
//! or scanned, every ICAO 9303 check digit is verified and the number must match it.

use super::problem::Problem;
use super::{DocumentKind, Verdict, normalize};

/// Longest passport number accepted when no MRZ is given: TD3 holds 9, with overflow a few more.
const MAX_NUMBER_LEN: usize = 20;

pub(super) fn check_passport_number(n: &str) -> Result<(), Problem> {
    if n.is_empty() {
        return Err(Problem::Empty);
    }
    if n.chars().count() > MAX_NUMBER_LEN {
        return Err(Problem::WrongLength {
            expected: format!("1–{MAX_NUMBER_LEN}"),
            got: n.chars().count(),
        });
    }
    match n
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_alphanumeric())
    {
        Some((i, found)) => Err(Problem::BadCharacter {
            position: i + 1,
            found,
        }),
        None => Ok(()),
    }
}

/// ICAO 9303 check digit: weights 7, 3, 1; digits count as themselves, `A`–`Z` as 10–35, `<` as 0.
fn check_digit(field: &[u8]) -> char {
    let sum: u32 = field
        .iter()
        .zip([7u32, 3, 1].iter().cycle())
        .map(|(&c, w)| {
            let v = match c {
                b'0'..=b'9' => u32::from(c - b'0'),
                b'A'..=b'Z' => u32::from(c - b'A') + 10,
                _ => 0,
            };
            v * w
        })
        .sum();
    char::from(b'0' + (sum % 10) as u8)
}

fn verify(field: &str, data: &[u8], found: u8) -> Result<(), Problem> {
    let expected = check_digit(data);
    let found = char::from(found);
    // ICAO allows a filler instead of 0 for an all-filler optional-data field.
    let filler_ok = found == '<' && data.iter().all(|&b| b == b'<');
    if expected == found || filler_ok {
        Ok(())
    } else {
        Err(Problem::MrzCheckDigit {
            field: field.to_string(),
            expected,
            found,
        })
    }
}

/// Checks a TD3 (passport) MRZ of two 44-character lines and returns the document number in it
/// (fillers removed).
pub fn check_td3_mrz(mrz: &str) -> Result<String, Problem> {
    let lines: Vec<String> = mrz
        .lines()
        .map(normalize)
        .filter(|l| !l.is_empty())
        .collect();
    let [l1, l2] = lines.as_slice() else {
        return Err(Problem::MrzLines);
    };
    for (i, l) in [l1, l2].into_iter().enumerate() {
        if l.len() != 44 || !l.is_ascii() {
            return Err(Problem::MrzLineLength {
                line: i + 1,
                got: l.chars().count(),
            });
        }
        if let Some((p, c)) = l
            .chars()
            .enumerate()
            .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '<'))
        {
            return Err(Problem::BadCharacter {
                position: p + 1,
                found: c,
            });
        }
    }
    if !l1.starts_with('P') {
        return Err(Problem::MrzNotPassport);
    }
    let b = l2.as_bytes();
    verify("证件号码 document number", &b[0..9], b[9])?;
    verify("出生日期 date of birth", &b[13..19], b[19])?;
    verify("有效期 date of expiry", &b[21..27], b[27])?;
    verify("个人号码 personal number", &b[28..42], b[42])?;
    let composite: Vec<u8> = [&b[0..10], &b[13..20], &b[21..43]].concat();
    verify("综合 composite", &composite, b[43])?;
    Ok(l2[0..9].trim_end_matches('<').to_string())
}

/// Checks a passport number, and the MRZ when given: the number must equal the one in the MRZ.
pub fn check_passport(number: &str, mrz: Option<&str>) -> Verdict {
    let n = normalize(number);
    let result = check_passport_number(&n).and_then(|()| match mrz {
        None => Ok(()),
        Some(mrz) => {
            let in_mrz = check_td3_mrz(mrz)?;
            if in_mrz == n {
                Ok(())
            } else {
                Err(Problem::MrzNumberMismatch {
                    given: n.clone(),
                    in_mrz,
                })
            }
        }
    });
    Verdict::of(DocumentKind::Passport, n, result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The specimen in ICAO Doc 9303 part 4.
    const SPECIMEN: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n\
                            L898902C36UTO7408122F1204159ZE184226B<<<<<10";

    #[test]
    fn icao_specimen_mrz_passes_every_check_digit() {
        assert_eq!(check_td3_mrz(SPECIMEN), Ok("L898902C3".to_string()));
        assert!(check_passport("l898902c3", Some(SPECIMEN)).is_valid());
    }

    #[test]
    fn passport_number_must_match_the_mrz() {
        let v = check_passport("L898902C4", Some(SPECIMEN));
        assert!(matches!(v.problem, Some(Problem::MrzNumberMismatch { .. })));
    }

    #[test]
    fn each_check_digit_is_verified() {
        // Positions of the five check digits in line 2.
        for (pos, field) in [
            (9, "document"),
            (19, "birth"),
            (27, "expiry"),
            (42, "personal"),
            (43, "composite"),
        ] {
            let mut b = SPECIMEN.as_bytes().to_vec();
            let at = 45 + pos;
            b[at] = if b[at] == b'1' { b'2' } else { b'1' };
            let mrz = String::from_utf8(b).unwrap();
            match check_td3_mrz(&mrz) {
                Err(Problem::MrzCheckDigit { field: f, .. }) => assert!(f.contains(field)),
                other => panic!("{field}: {other:?}"),
            }
        }
    }

    #[test]
    fn short_mrz_line_is_named() {
        assert_eq!(
            check_td3_mrz("P<UTO\nL898902C36"),
            Err(Problem::MrzLineLength { line: 1, got: 5 })
        );
        assert_eq!(check_td3_mrz("P<UTO"), Err(Problem::MrzLines));
    }

    #[test]
    fn passport_without_mrz_is_stored_as_given_upper_cased() {
        let v = check_passport(" e1234567 ", None);
        assert!(v.is_valid());
        assert_eq!(v.normalized, "E1234567");
        assert!(!check_passport("E-123", None).is_valid());
    }

    proptest! {
        #[test]
        fn never_panics_on_any_mrz_text(s in "\\PC{0,100}") {
            let _ = check_td3_mrz(&s);
        }
    }
}
