//! The timeline of a sitting, computed from its start: staff in the room at T−60, the special
//! notice at T−30, start, the late cut-off and count check at T+30, end. Time is always passed in:
//! the core never reads a clock, so tests and demos set "exam time" explicitly.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use serde::Serialize;
use ts_rs::TS;

use crate::model::Sitting;

/// The minutes after the start at which a late candidate is refused (DOMAIN.md step 5).
pub const LATE_CUTOFF_MINUTES: i64 = 30;

/// The days after the sitting's date by which every entry photo must have been checked on the
/// platform (考后核验, DOMAIN.md "After the exam": 04-15 → 04-18, 05-20 → 05-23).
pub const POST_EXAM_CHECK_DAYS: u64 = 3;

/// The last day of the post-exam check of a sitting held on `date`; `None` past the calendar.
pub fn post_exam_check_deadline(date: NaiveDate) -> Option<NaiveDate> {
    date.checked_add_days(chrono::Days::new(POST_EXAM_CHECK_DAYS))
}

/// The named moments of a sitting, in the exam's local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct Timeline {
    /// T−60: staff in the room, computers and cameras on.
    pub staff_in_room: DateTime<FixedOffset>,
    /// T−30: special notice read out; candidates may log in; recording starts.
    pub notice: DateTime<FixedOffset>,
    pub start: DateTime<FixedOffset>,
    /// T+30: later than this a candidate is refused and marked absent; the count check runs.
    pub late_cutoff: DateTime<FixedOffset>,
    pub end: DateTime<FixedOffset>,
}

/// Where `now` falls on the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Before T−60.
    BeforeStaff,
    /// T−60 to T−30.
    Preparing,
    /// T−30 to the start: the door is open.
    DoorOpen,
    /// Start to T+30: candidates are still admitted (late, but within the rule).
    Started,
    /// T+30 to the end: latecomers are refused and marked absent.
    LateCutoffPassed,
    /// At or after the end.
    Ended,
}

impl Timeline {
    /// The timeline of `sitting` in the time zone `offset` (China: +08:00).
    pub fn of(sitting: &Sitting, offset: FixedOffset) -> Option<Timeline> {
        let at = |t| {
            offset
                .from_local_datetime(&NaiveDateTime::new(sitting.date, t))
                .single()
        };
        let start = at(sitting.start)?;
        let end = at(sitting.end)?;
        Some(Timeline {
            staff_in_room: start - Duration::minutes(60),
            notice: start - Duration::minutes(30),
            start,
            late_cutoff: start + Duration::minutes(LATE_CUTOFF_MINUTES),
            end,
        })
    }

    pub fn phase(&self, now: DateTime<FixedOffset>) -> Phase {
        if now < self.staff_in_room {
            Phase::BeforeStaff
        } else if now < self.notice {
            Phase::Preparing
        } else if now < self.start {
            Phase::DoorOpen
        } else if now <= self.late_cutoff {
            Phase::Started
        } else if now < self.end {
            Phase::LateCutoffPassed
        } else {
            Phase::Ended
        }
    }

    /// True when a candidate arriving at `now` is late beyond the rule: more than 30 minutes after
    /// the start. Arriving at exactly T+30 is still allowed.
    pub fn is_late(&self, now: DateTime<FixedOffset>) -> bool {
        now > self.late_cutoff
    }
}

/// China Standard Time (+08:00), the exam's zone.
#[allow(
    clippy::panic,
    reason = "evaluated at compile time: 8 h is always a valid offset"
)]
pub const CHINA_OFFSET: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(o) => o,
    None => panic!("+08:00 is a valid offset"),
};

/// The demo's first sitting (2023-04-15, 09:00–11:00, +08:00), for the core's unit tests.
#[cfg(test)]
pub(crate) mod fixture {
    use super::{CHINA_OFFSET, Timeline};
    use crate::model::Sitting;
    use chrono::{NaiveDate, NaiveTime};

    pub(crate) fn sitting() -> Sitting {
        Sitting {
            exam: "学士学位英语考试".into(),
            label: "2023春 第一次".into(),
            date: NaiveDate::from_ymd_opt(2023, 4, 15).unwrap(),
            start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(11, 0, 0).unwrap(),
            paper: "11908".into(),
        }
    }

    pub(crate) fn timeline() -> Timeline {
        Timeline::of(&sitting(), CHINA_OFFSET).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::fixture::sitting;
    use super::*;
    use chrono::NaiveDate;

    fn at(h: u32, m: u32, s: u32) -> DateTime<FixedOffset> {
        CHINA_OFFSET.with_ymd_and_hms(2023, 4, 15, h, m, s).unwrap()
    }

    #[test]
    fn timeline_marks_follow_the_start() {
        let t = Timeline::of(&sitting(), CHINA_OFFSET).unwrap();
        assert_eq!(t.staff_in_room, at(8, 0, 0));
        assert_eq!(t.notice, at(8, 30, 0));
        assert_eq!(t.late_cutoff, at(9, 30, 0));
        assert_eq!(t.end, at(11, 0, 0));
    }

    #[test]
    fn late_by_exactly_thirty_minutes_is_still_admitted() {
        let t = Timeline::of(&sitting(), CHINA_OFFSET).unwrap();
        assert!(!t.is_late(at(9, 30, 0)));
        assert_eq!(t.phase(at(9, 30, 0)), Phase::Started);
    }

    #[test]
    fn late_by_thirty_minutes_and_one_second_is_late() {
        let t = Timeline::of(&sitting(), CHINA_OFFSET).unwrap();
        assert!(t.is_late(at(9, 30, 1)));
        assert_eq!(t.phase(at(9, 31, 0)), Phase::LateCutoffPassed);
    }

    #[test]
    fn the_post_exam_check_is_due_three_days_after_the_sitting() {
        let day = |m, d| NaiveDate::from_ymd_opt(2023, m, d).unwrap();
        assert_eq!(post_exam_check_deadline(day(4, 15)), Some(day(4, 18)));
        assert_eq!(post_exam_check_deadline(day(5, 20)), Some(day(5, 23)));
        assert_eq!(post_exam_check_deadline(day(4, 29)), Some(day(5, 2)));
        assert_eq!(post_exam_check_deadline(NaiveDate::MAX), None);
    }

    #[test]
    fn phases_in_order() {
        let t = Timeline::of(&sitting(), CHINA_OFFSET).unwrap();
        assert_eq!(t.phase(at(7, 59, 0)), Phase::BeforeStaff);
        assert_eq!(t.phase(at(8, 10, 0)), Phase::Preparing);
        assert_eq!(t.phase(at(8, 45, 0)), Phase::DoorOpen);
        assert_eq!(t.phase(at(9, 0, 0)), Phase::Started);
        assert_eq!(t.phase(at(11, 0, 0)), Phase::Ended);
    }
}
