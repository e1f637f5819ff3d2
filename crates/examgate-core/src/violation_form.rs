//! What a violation form (annex 4, 违规情况登记表) must hold before it is recorded: what happened
//! in words, a time within the sitting's day at the room, and at least one proctor present. The
//! form comes from a screen, so every field is checked here, once, for the door and the tests.

use chrono::Duration;

use crate::event::Violation;
use crate::timeline::Timeline;

/// The longest account of what happened, in characters: annex 4's box, not an essay.
pub const WHAT_MAX_CHARS: usize = 500;

/// Why a violation form is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ViolationFormError {
    #[error("请填写违规经过 (say what happened)")]
    NoAccount,
    #[error("违规经过最多 {WHAT_MAX_CHARS} 字 (at most {WHAT_MAX_CHARS} characters)")]
    TooLong,
    #[error("请选择在场的监考员 (choose the proctors present)")]
    NoProctors,
    #[error("违规时间须在考试当天考场开放期间 (the time must be during the sitting at the room)")]
    OutsideSitting,
}

/// The form, trimmed and with each proctor named once, or why it cannot be recorded.
pub fn check(mut v: Violation, timeline: &Timeline) -> Result<Violation, ViolationFormError> {
    v.what = v.what.trim().to_owned();
    if v.what.is_empty() {
        return Err(ViolationFormError::NoAccount);
    }
    if v.what.chars().count() > WHAT_MAX_CHARS {
        return Err(ViolationFormError::TooLong);
    }
    let mut proctors: Vec<String> = Vec::new();
    for p in v
        .proctors
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
    {
        if !proctors.iter().any(|q| q == p) {
            proctors.push(p.to_owned());
        }
    }
    if proctors.is_empty() {
        return Err(ViolationFormError::NoProctors);
    }
    v.proctors = proctors;
    let last = timeline.end + Duration::minutes(30);
    if v.at < timeline.staff_in_room || v.at > last {
        return Err(ViolationFormError::OutsideSitting);
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::ViolationCategory;
    use crate::timeline::CHINA_OFFSET;
    use crate::timeline::fixture::timeline;
    use chrono::TimeZone;

    fn form(what: &str, h: u32, proctors: &[&str]) -> Violation {
        Violation {
            category: ViolationCategory::Cheating,
            what: what.into(),
            at: CHINA_OFFSET.with_ymd_and_hms(2023, 4, 15, h, 5, 0).unwrap(),
            proctors: proctors.iter().map(|p| p.to_string()).collect(),
            platform_marked: false,
        }
    }

    #[test]
    fn a_violation_needs_an_account_a_proctor_and_a_time_during_the_sitting() {
        let t = timeline();
        let ok = check(form("  偷看手机  ", 9, &["J0101", " J0101", "J0102"]), &t).unwrap();
        assert_eq!(ok.what, "偷看手机");
        assert_eq!(ok.proctors, vec!["J0101", "J0102"]);
        assert_eq!(
            check(form(" ", 9, &["J0101"]), &t),
            Err(ViolationFormError::NoAccount)
        );
        assert_eq!(
            check(form("x", 9, &[" "]), &t),
            Err(ViolationFormError::NoProctors)
        );
        assert_eq!(
            check(form(&"长".repeat(WHAT_MAX_CHARS + 1), 9, &["J0101"]), &t),
            Err(ViolationFormError::TooLong)
        );
        assert!(check(form(&"长".repeat(WHAT_MAX_CHARS), 9, &["J0101"]), &t).is_ok());
        assert_eq!(
            check(form("x", 7, &["J0101"]), &t),
            Err(ViolationFormError::OutsideSitting)
        );
        assert_eq!(
            check(form("x", 12, &["J0101"]), &t),
            Err(ViolationFormError::OutsideSitting)
        );
    }
}
