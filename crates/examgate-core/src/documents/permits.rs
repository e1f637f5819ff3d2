//! Permits for Hong Kong, Macau and Taiwan residents: the residence permit (resident-ID form with a
//! fixed prefix) and the two mainland travel permits (published forms, no check digit).

use super::problem::{Problem, shape};
use super::resident_id::check_form;

const PERMIT_PREFIXES: [&str; 3] = ["810000", "820000", "830000"];

pub(super) fn is_permit_prefix(n: &str) -> bool {
    PERMIT_PREFIXES.iter().any(|p| n.starts_with(p))
}

/// 港澳台居民居住证: the 18-character citizen form with prefix 810000 (HK), 820000 (Macau) or
/// 830000 (Taiwan).
pub(super) fn check_residence_permit(n: &str) -> Result<(), Problem> {
    check_form(n)?;
    if !is_permit_prefix(n) {
        return Err(Problem::PermitPrefix);
    }
    Ok(())
}

/// 港澳居民来往内地通行证: `H` (Hong Kong) or `M` (Macau), 8 digits, and optionally the 2-digit
/// renewal count.
pub(super) fn check_hk_macau_permit(n: &str) -> Result<(), Problem> {
    shape(n, &[9, 11], |i, b| match i {
        0 => b == b'H' || b == b'M',
        _ => b.is_ascii_digit(),
    })
}

/// 台湾居民来往大陆通行证 (the card issued since 2015): 8 digits.
pub(super) fn check_taiwan_permit(n: &str) -> Result<(), Problem> {
    shape(n, &[8], |_, b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::{DocumentKind, check};

    #[test]
    fn residence_permit_known_vector_passes() {
        assert!(check(DocumentKind::ResidencePermit, "810000199408230021").is_valid());
    }

    #[test]
    fn residence_permit_with_a_changed_digit_fails() {
        assert!(!check(DocumentKind::ResidencePermit, "810000199408230031").is_valid());
    }

    #[test]
    fn residence_permit_needs_its_prefix() {
        assert_eq!(
            check_residence_permit("11010519491231002X"),
            Err(Problem::PermitPrefix)
        );
    }

    #[test]
    fn hk_macau_permit_takes_h_or_m_eight_digits_and_an_optional_renewal_count() {
        assert_eq!(check_hk_macau_permit("H12345678"), Ok(()));
        assert_eq!(check_hk_macau_permit("M1234567802"), Ok(()));
        assert_eq!(
            check_hk_macau_permit("K12345678"),
            Err(Problem::BadCharacter {
                position: 1,
                found: 'K'
            })
        );
        assert!(check_hk_macau_permit("H123456789").is_err());
    }

    #[test]
    fn taiwan_permit_is_eight_digits() {
        assert_eq!(check_taiwan_permit("12345678"), Ok(()));
        assert!(check_taiwan_permit("1234567").is_err());
        assert!(check_taiwan_permit("1234567A").is_err());
    }
}
