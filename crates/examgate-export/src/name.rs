//! The archive's name, exactly as the notice asks (DOMAIN.md, "After the exam"):
//! `<site name>23春第一次学位英语考试应急处理照片`, 第二次 for the second sitting.
//!
//! The rule, from the data and never from the wall clock: the two-digit year and the term come
//! from the sitting's date (春 for January–June, 秋 for July–December: the notice's "2023年春季学期"
//! holds the April and May sittings); 第一次/第二次 is the sitting's place, by date then start time
//! then label, among the sittings of the same year and term in the store. The site name becomes
//! part of a file name, so one that could make a path (a separator, `..`, NUL or another control
//! character) is refused, never cleaned up silently.

use chrono::{Datelike, NaiveDate};
use examgate_store::SittingInfo;

/// What the archive names are made of.
const TAIL: &str = "学位英语考试应急处理照片";

/// The school term a date falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    /// 春: January to June.
    Spring,
    /// 秋: July to December.
    Autumn,
}

impl Term {
    pub fn of(date: NaiveDate) -> Term {
        if date.month() <= 6 {
            Term::Spring
        } else {
            Term::Autumn
        }
    }

    fn label(self) -> &'static str {
        match self {
            Term::Spring => "春",
            Term::Autumn => "秋",
        }
    }
}

/// Why a name cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("考点名称不能为空 (the site name is empty)")]
    EmptySite,
    #[error(
        "考点名称 {0:?} 含有路径字符（/、\\、..）或控制字符，不能作为文件名 (the site name could make a path)"
    )]
    PathInSite(String),
    #[error("考次 {0} 不在存储的考次中 (the sitting is not among the stored sittings)")]
    UnknownSitting(String),
    #[error(
        "同一学期有 {0} 个考次，通知只有第一次、第二次 (more than two sittings in one term: give --name)"
    )]
    TooManySittings(usize),
    #[error("文件名 {0:?} 含有路径字符或控制字符 (the given name could make a path)")]
    PathInName(String),
}

/// Refuses a name part that could make a path or hide a character.
pub(crate) fn bare(text: &str) -> bool {
    !text.contains(['/', '\\'])
        && !text.contains("..")
        && !text.chars().any(|c| c.is_control())
        && !matches!(text.trim(), "" | ".")
}

/// `1` or `2`: the sitting's place among the stored sittings of its year and term.
pub fn order_in_term(sitting: &SittingInfo, all: &[SittingInfo]) -> Result<usize, NameError> {
    let date = sitting.sitting.date;
    let key = |s: &SittingInfo| (s.sitting.date, s.sitting.start, s.sitting.label.clone());
    let mut same: Vec<&SittingInfo> = all
        .iter()
        .filter(|s| {
            s.sitting.date.year() == date.year() && Term::of(s.sitting.date) == Term::of(date)
        })
        .collect();
    same.sort_by_key(|s| key(s));
    let place = same
        .iter()
        .position(|s| s.sitting.label == sitting.sitting.label)
        .ok_or_else(|| NameError::UnknownSitting(sitting.sitting.label.clone()))?;
    Ok(place + 1)
}

/// The archive's file name for `site` at the `order`-th sitting of the term of `date`, with
/// `.zip`: `襄阳电大校本部23春第一次学位英语考试应急处理照片.zip`.
pub fn archive_name(site: &str, date: NaiveDate, order: usize) -> Result<String, NameError> {
    if site.trim().is_empty() {
        return Err(NameError::EmptySite);
    }
    if !bare(site) {
        return Err(NameError::PathInSite(site.to_string()));
    }
    let ordinal = match order {
        1 => "第一次",
        2 => "第二次",
        n => return Err(NameError::TooManySittings(n)),
    };
    let year = date.year().rem_euclid(100);
    Ok(format!(
        "{site}{year:02}{}{ordinal}{TAIL}.zip",
        Term::of(date).label()
    ))
}

/// A name given by hand (`--name`): checked the same way, `.zip` added when missing.
pub fn given_name(name: &str) -> Result<String, NameError> {
    if !bare(name) {
        return Err(NameError::PathInName(name.to_string()));
    }
    Ok(if name.ends_with(".zip") {
        name.to_string()
    } else {
        format!("{name}.zip")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{FixedOffset, NaiveTime};
    use examgate_core::model::Sitting;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn sitting(label: &str, date: NaiveDate) -> SittingInfo {
        SittingInfo {
            id: 0,
            sitting: Sitting {
                label: label.into(),
                exam: "学位英语".into(),
                paper: "1".into(),
                date,
                start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
                end: NaiveTime::from_hms_opt(11, 0, 0).unwrap(),
            },
            offset: FixedOffset::east_opt(8 * 3600).unwrap(),
            drill: false,
        }
    }

    #[test]
    fn the_name_is_the_notice_s_for_the_first_spring_sitting() {
        assert_eq!(
            archive_name("襄阳电大校本部", day(2023, 4, 15), 1).unwrap(),
            "襄阳电大校本部23春第一次学位英语考试应急处理照片.zip"
        );
        assert_eq!(
            archive_name("谷城", day(2023, 5, 20), 2).unwrap(),
            "谷城23春第二次学位英语考试应急处理照片.zip"
        );
    }

    #[test]
    fn july_to_december_is_autumn_and_the_year_has_two_digits() {
        assert_eq!(Term::of(day(2023, 6, 30)), Term::Spring);
        assert_eq!(Term::of(day(2023, 7, 1)), Term::Autumn);
        assert_eq!(
            archive_name("A", day(2105, 11, 4), 1).unwrap(),
            "A05秋第一次学位英语考试应急处理照片.zip"
        );
    }

    #[test]
    fn the_order_counts_only_sittings_of_the_same_year_and_term() {
        let all = vec![
            sitting("2023春 第二次", day(2023, 5, 20)),
            sitting("2022秋", day(2022, 11, 5)),
            sitting("2023春 第一次", day(2023, 4, 15)),
            sitting("2023秋", day(2023, 10, 14)),
        ];
        assert_eq!(order_in_term(&all[2], &all), Ok(1));
        assert_eq!(order_in_term(&all[0], &all), Ok(2));
        assert_eq!(order_in_term(&all[3], &all), Ok(1));
        let stray = sitting("2023春 补考", day(2023, 6, 1));
        assert!(matches!(
            order_in_term(&stray, &all),
            Err(NameError::UnknownSitting(_))
        ));
        assert_eq!(
            archive_name("A", day(2023, 6, 1), 3),
            Err(NameError::TooManySittings(3))
        );
    }

    #[test]
    fn a_site_name_that_could_make_a_path_is_refused() {
        for hostile in ["../x", "a/b", "a\\b", "..", "a\0b", "a\nb", "a\u{7f}b", " "] {
            assert!(
                archive_name(hostile, day(2023, 4, 15), 1).is_err(),
                "{hostile:?} was accepted"
            );
        }
        assert!(given_name("../evil").is_err());
        assert_eq!(given_name("归档").unwrap(), "归档.zip");
        assert_eq!(given_name("归档.zip").unwrap(), "归档.zip");
    }
}
