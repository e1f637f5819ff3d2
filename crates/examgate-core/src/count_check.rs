//! The 30-minute count check (DOMAIN.md step 5): when it is due, what the proctor may type as the
//! platform's face-recognition sign-in count, and what the comparison with the candidates admitted
//! lists. Pure: the door composes it with the room's cards and the exam clock.
//!
//! Due strictly after T+30 ([`Timeline::is_late`]): at exactly 30:00 a candidate may still be
//! admitted, so a count taken then could be overtaken by one more admission; at 30:01 nobody else
//! comes in, and the same moment latecomers are refused and the rest may be marked absent.

use serde::Serialize;
use ts_rs::TS;

use crate::timeline::Timeline;

/// Whether the count check is due at exam time `now`: the moment latecomers are refused.
pub fn due(timeline: &Timeline, now: chrono::DateTime<chrono::FixedOffset>) -> bool {
    timeline.is_late(now)
}

/// Why a typed platform count is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CountInputError {
    #[error(
        "请只填写一平台人脸识别签到人数（数字），收到“{0}” (type the platform's sign-in count, digits only)"
    )]
    NotACount(String),
    #[error(
        "签到人数 {typed} 超过本考场考生数 {room} (the count is more than the room's {room} candidates)"
    )]
    MoreThanRoom { typed: String, room: u32 },
}

/// The platform count the proctor typed: digits only (full-width digits from a Chinese keyboard
/// read as digits), surrounding spaces ignored, at most the room's listed candidates.
pub fn parse_platform_count(typed: &str, room_size: u32) -> Result<u32, CountInputError> {
    let trimmed = typed.trim();
    let digits: Option<String> = trimmed
        .chars()
        .map(|c| match c {
            '0'..='9' => Some(c),
            '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')),
            _ => None,
        })
        .collect();
    let shown: String = trimmed.chars().take(12).collect();
    let digits = digits
        .filter(|d| !d.is_empty())
        .ok_or_else(|| CountInputError::NotACount(shown.clone()))?;
    let too_many = || CountInputError::MoreThanRoom {
        typed: shown.clone(),
        room: room_size,
    };
    let n: u32 = digits.trim_start_matches('0').parse().or_else(|_| {
        if digits.bytes().all(|b| b == b'0') {
            Ok(0)
        } else {
            Err(too_many())
        }
    })?;
    if n > room_size {
        return Err(too_many());
    }
    Ok(n)
}

/// One admitted candidate, as the comparison needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmittedEntry {
    pub student: String,
    /// Face recognition passed at the door (admitted without manual verification).
    pub face_passed: bool,
    /// A 30-minute check photo of them is recorded.
    pub photographed: bool,
}

/// What the comparison of the platform's count with the candidates admitted shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Comparison {
    pub platform_count: u32,
    /// The candidates admitted now.
    pub real_count: u32,
    /// Real minus platform: positive when more are in the room than signed in on the platform.
    pub difference: i64,
    /// (a) Admitted whose recognition did not pass (manual verification): they did not sign in,
    /// each needs the 30-minute photo.
    pub not_passed: Vec<String>,
    /// How many more admitted candidates did not sign in than (a) explains and no photo yet
    /// names: the proctor finds them in the room and photographs each.
    pub unexplained: u32,
    /// Photos still to take: (a) without one, plus `unexplained`.
    pub photos_missing: u32,
}

/// Compares the typed `platform_count` with `admitted`.
pub fn compare(platform_count: u32, admitted: &[AdmittedEntry]) -> Comparison {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let real_count = count(admitted.len());
    let difference = i64::from(real_count) - i64::from(platform_count);
    let not_passed: Vec<&AdmittedEntry> = admitted.iter().filter(|a| !a.face_passed).collect();
    let extra_photographed = admitted
        .iter()
        .filter(|a| a.face_passed && a.photographed)
        .count();
    let explained = i64::try_from(not_passed.len() + extra_photographed).unwrap_or(i64::MAX);
    let unexplained = count(usize::try_from((difference - explained).max(0)).unwrap_or(0));
    let unphotographed = count(not_passed.iter().filter(|a| !a.photographed).count());
    Comparison {
        platform_count,
        real_count,
        difference,
        not_passed: not_passed.iter().map(|a| a.student.clone()).collect(),
        unexplained,
        photos_missing: unphotographed.saturating_add(unexplained),
    }
}

/// The banner on the door screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "banner", rename_all = "kebab-case")]
pub enum Banner {
    /// Not T+30 yet: nothing shown.
    NotYet,
    /// Due and not done.
    Due,
    /// Done, but photos are still to take.
    PhotosMissing {
        missing: u32,
    },
    /// Done, yet the admitted count has changed since (a manual verification approved later):
    /// redo it.
    Stale,
    Done,
}

/// The banner at exam time `now`, given the room's latest check (its real count) and the
/// comparison of its platform count with who is admitted now.
pub fn banner(
    timeline: &Timeline,
    now: chrono::DateTime<chrono::FixedOffset>,
    latest: Option<(u32, &Comparison)>,
) -> Banner {
    match latest {
        _ if !due(timeline, now) && latest.is_none() => Banner::NotYet,
        None => Banner::Due,
        Some((recorded_real, c)) if recorded_real != c.real_count => Banner::Stale,
        Some((_, c)) if c.photos_missing > 0 => Banner::PhotosMissing {
            missing: c.photos_missing,
        },
        Some(_) => Banner::Done,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::CHINA_OFFSET;
    use crate::timeline::fixture::timeline;
    use chrono::TimeZone;

    fn at(h: u32, m: u32, s: u32) -> chrono::DateTime<chrono::FixedOffset> {
        CHINA_OFFSET.with_ymd_and_hms(2023, 4, 15, h, m, s).unwrap()
    }

    fn entry(n: u32, face_passed: bool, photographed: bool) -> AdmittedEntry {
        AdmittedEntry {
            student: format!("22422000001{n:02}"),
            face_passed,
            photographed,
        }
    }

    #[test]
    fn the_count_check_is_due_after_30_00_not_at_it_as_the_late_cutoff() {
        let t = timeline();
        assert!(
            !due(&t, at(9, 30, 0)),
            "at 30:00 a candidate may still come in"
        );
        assert!(due(&t, at(9, 30, 1)));
        assert!(due(&t, at(9, 31, 0)));
        assert_eq!(due(&t, at(9, 30, 0)), t.is_late(at(9, 30, 0)));
        assert_eq!(banner(&t, at(9, 30, 0), None), Banner::NotYet);
        assert_eq!(banner(&t, at(9, 31, 0), None), Banner::Due);
        assert_eq!(
            banner(&t, at(10, 59, 0), None),
            Banner::Due,
            "stays until done"
        );
    }

    #[test]
    fn the_comparison_lists_the_manual_verifications_and_the_difference() {
        let admitted = [
            entry(1, true, false),
            entry(2, false, false),
            entry(3, true, false),
        ];
        let c = compare(1, &admitted);
        assert_eq!((c.real_count, c.platform_count, c.difference), (3, 1, 2));
        assert_eq!(c.not_passed, vec!["2242200000102".to_string()]);
        assert_eq!(
            c.unexplained, 1,
            "one more did not sign in than the manual one"
        );
        assert_eq!(c.photos_missing, 2);
        let photographed = [
            entry(1, true, true),
            entry(2, false, true),
            entry(3, true, false),
        ];
        let c = compare(1, &photographed);
        assert_eq!((c.unexplained, c.photos_missing), (0, 0));
        let agree = compare(
            3,
            &[
                entry(1, true, false),
                entry(2, true, false),
                entry(3, true, false),
            ],
        );
        assert_eq!((agree.difference, agree.photos_missing), (0, 0));
        let more_on_platform = compare(4, &[entry(1, true, false)]);
        assert_eq!(
            more_on_platform.difference, -3,
            "signed in but not in the room"
        );
        assert_eq!(more_on_platform.unexplained, 0);
    }

    #[test]
    fn the_banner_stays_until_the_photos_are_taken_and_asks_again_when_the_count_moves() {
        let t = timeline();
        let missing = compare(1, &[entry(1, true, false), entry(2, false, false)]);
        let now = at(9, 40, 0);
        assert_eq!(
            banner(&t, now, Some((2, &missing))),
            Banner::PhotosMissing { missing: 1 }
        );
        let done = compare(1, &[entry(1, true, false), entry(2, false, true)]);
        assert_eq!(banner(&t, now, Some((2, &done))), Banner::Done);
        assert_eq!(banner(&t, now, Some((1, &done))), Banner::Stale);
    }

    #[test]
    fn a_typed_platform_count_is_digits_within_the_room() {
        assert_eq!(parse_platform_count(" 28 ", 30), Ok(28));
        assert_eq!(
            parse_platform_count("２８", 30),
            Ok(28),
            "full-width digits"
        );
        assert_eq!(parse_platform_count("0", 30), Ok(0));
        assert_eq!(parse_platform_count("000", 30), Ok(0));
        assert_eq!(parse_platform_count("30", 30), Ok(30));
        for bad in ["-1", "1e9", "abc", "", "  ", "2 8", "+3", "3.0", "二十八"] {
            assert!(
                matches!(
                    parse_platform_count(bad, 30),
                    Err(CountInputError::NotACount(_))
                ),
                "{bad:?}"
            );
        }
        for big in ["31", "1000000000", "99999999999999999999999"] {
            assert!(
                matches!(
                    parse_platform_count(big, 30),
                    Err(CountInputError::MoreThanRoom { .. })
                ),
                "{big:?}"
            );
        }
    }
}
