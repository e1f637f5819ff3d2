//! The room's timeline as steps a proctor ticks (issue 11, item 1): T−60 staff in the room and
//! cameras on; T−30 the special notice (考场特别提示) posted and read, video recording on; T the
//! start; T+30 the late cut-off and the count check; the end; end+30 recording may stop
//! (DOMAIN.md "The exam day, in order").
//!
//! A step is *due* from its time until the next step's time; past that, unticked, it is *missed*
//! and stays so (shown first, in red) until someone ticks it. The last step stays due once
//! reached. Pure: the exam time is passed in, never read from a clock, so a drill's set time and
//! the tests decide "now".

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, FixedOffset};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::timeline::Timeline;

/// Minutes after the end during which video recording must still run (DOMAIN.md step 1).
pub const RECORDING_AFTER_END_MINUTES: i64 = 30;

/// One step of the room's day, in time order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum TimelineStep {
    /// T−60: staff in the room, computers and cameras on.
    StaffInRoom,
    /// T−30: the special notice posted and read out; video recording on.
    Notice,
    /// T: the start.
    Start,
    /// T+30: latecomers refused; the platform's count checked against the room.
    LateCutoff,
    /// The end: the platform submits what is unfinished.
    End,
    /// End+30: video recording may stop.
    RecordingMayStop,
}

impl TimelineStep {
    /// Every step, in time order.
    pub const ALL: [TimelineStep; 6] = [
        TimelineStep::StaffInRoom,
        TimelineStep::Notice,
        TimelineStep::Start,
        TimelineStep::LateCutoff,
        TimelineStep::End,
        TimelineStep::RecordingMayStop,
    ];
}

impl Timeline {
    /// End+30: video recording may stop.
    pub fn recording_may_stop(&self) -> DateTime<FixedOffset> {
        self.end + Duration::minutes(RECORDING_AFTER_END_MINUTES)
    }

    /// When `step` is due.
    pub fn at(&self, step: TimelineStep) -> DateTime<FixedOffset> {
        match step {
            TimelineStep::StaffInRoom => self.staff_in_room,
            TimelineStep::Notice => self.notice,
            TimelineStep::Start => self.start,
            TimelineStep::LateCutoff => self.late_cutoff,
            TimelineStep::End => self.end,
            TimelineStep::RecordingMayStop => self.recording_may_stop(),
        }
    }

    /// Where each step stands at exam time `now`, given the steps ticked so far.
    pub fn steps(&self, now: DateTime<FixedOffset>, ticked: &BTreeSet<TimelineStep>) -> StepsNow {
        let reached: Vec<TimelineStep> = TimelineStep::ALL
            .into_iter()
            .filter(|s| self.at(*s) <= now)
            .collect();
        let current = reached.last().copied();
        let open = |s: &TimelineStep| !ticked.contains(s);
        StepsNow {
            missed: reached
                .iter()
                .copied()
                .filter(|s| Some(*s) != current && open(s))
                .collect(),
            due: current.filter(open),
            next: TimelineStep::ALL.into_iter().find(|s| self.at(*s) > now),
        }
    }
}

/// What the timeline strip shows at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepsNow {
    /// Steps whose time and the next step's have passed, not ticked: shown first, in red.
    pub missed: Vec<TimelineStep>,
    /// The step reached last, when it is not ticked yet.
    pub due: Option<TimelineStep>,
    /// The first step still to come.
    pub next: Option<TimelineStep>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::CHINA_OFFSET;
    use crate::timeline::fixture::timeline;
    use TimelineStep::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32, s: u32) -> DateTime<FixedOffset> {
        CHINA_OFFSET.with_ymd_and_hms(2023, 4, 15, h, m, s).unwrap()
    }

    fn ticked(steps: &[TimelineStep]) -> BTreeSet<TimelineStep> {
        steps.iter().copied().collect()
    }

    #[test]
    fn recording_may_stop_thirty_minutes_after_the_end() {
        assert_eq!(timeline().at(RecordingMayStop), at(11, 30, 0));
        assert_eq!(timeline().at(LateCutoff), at(9, 30, 0));
    }

    #[test]
    fn before_staff_arrive_nothing_is_due_and_staff_in_the_room_is_next() {
        let s = timeline().steps(at(7, 59, 59), &ticked(&[]));
        assert_eq!((s.missed, s.due, s.next), (vec![], None, Some(StaffInRoom)));
    }

    #[test]
    fn a_step_is_due_from_its_own_time_to_the_next_steps() {
        let t = timeline();
        let s = t.steps(at(8, 0, 0), &ticked(&[]));
        assert_eq!((s.due, s.next), (Some(StaffInRoom), Some(Notice)));
        let s = t.steps(at(8, 29, 59), &ticked(&[]));
        assert_eq!((s.missed.len(), s.due), (0, Some(StaffInRoom)));
    }

    #[test]
    fn an_unticked_step_is_missed_once_the_next_is_due_and_stays_missed_until_ticked() {
        let t = timeline();
        let s = t.steps(at(8, 30, 0), &ticked(&[]));
        assert_eq!((s.missed, s.due), (vec![StaffInRoom], Some(Notice)));
        let s = t.steps(at(10, 0, 0), &ticked(&[Notice]));
        assert_eq!(s.missed, vec![StaffInRoom, Start]);
        assert_eq!((s.due, s.next), (Some(LateCutoff), Some(End)));
        let s = t.steps(at(10, 0, 0), &ticked(&[StaffInRoom, Notice, Start]));
        assert_eq!(s.missed, vec![]);
    }

    #[test]
    fn a_ticked_due_step_is_no_longer_due() {
        let s = timeline().steps(at(9, 30, 0), &ticked(&[LateCutoff]));
        assert_eq!((s.due, s.next), (None, Some(End)));
        assert_eq!(s.missed, vec![StaffInRoom, Notice, Start]);
    }

    #[test]
    fn after_end_plus_thirty_the_last_step_stays_due_and_nothing_is_next() {
        let s = timeline().steps(at(12, 0, 0), &ticked(&TimelineStep::ALL[..4]));
        assert_eq!(
            (s.missed, s.due, s.next),
            (vec![End], Some(RecordingMayStop), None)
        );
    }
}
