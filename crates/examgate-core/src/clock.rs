//! The exam clock: the device's clock, or an explicit "exam time" set for a drill (or, on a real
//! sitting, authorised by the chief examiner). It is only ever the device clock plus a recorded
//! difference, so a set time keeps running; nothing ever sleeps to reach a moment. The caller
//! passes the device time in. Only the rules (the late cut-off) read the exam time: event ids,
//! the hybrid clock, wall times and the PIN lock-out run on the device clock.

use chrono::{DateTime, Duration, FixedOffset, Utc};
use serde::Serialize;
use ts_rs::TS;

use crate::timeline::{Phase, Timeline};

/// The device clock, optionally shifted to a set exam time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExamClock {
    shift: Option<Duration>,
}

impl ExamClock {
    /// A clock `shift_ms` milliseconds off the device clock (`None`: the device clock).
    pub fn shifted(shift_ms: Option<i64>) -> ExamClock {
        ExamClock {
            shift: shift_ms.map(Duration::milliseconds),
        }
    }

    /// The difference from the device clock, in milliseconds, when one is set.
    pub fn shift_ms(&self) -> Option<i64> {
        self.shift.map(|d| d.num_milliseconds())
    }

    /// Makes the clock read `exam_time` at the device time `device_now`, and run on from there.
    pub fn set(&mut self, exam_time: DateTime<FixedOffset>, device_now: DateTime<Utc>) {
        self.shift = Some(exam_time.with_timezone(&Utc) - device_now);
    }

    /// Back to the device clock.
    pub fn reset(&mut self) {
        self.shift = None;
    }

    pub fn is_set(&self) -> bool {
        self.shift.is_some()
    }

    /// The exam time at device time `device_now`, in the exam's `offset`.
    pub fn now(&self, device_now: DateTime<Utc>, offset: FixedOffset) -> DateTime<FixedOffset> {
        (device_now + self.shift.unwrap_or_default()).with_timezone(&offset)
    }
}

/// What the door's clock shows: the exam time, where it falls, and the countdowns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ClockView {
    pub now: DateTime<FixedOffset>,
    /// True when the exam time was set by hand (a drill, or authorised), not the device clock.
    pub set: bool,
    /// The sitting is a drill (演练): its exam time may be set freely.
    pub drill: bool,
    /// On a real sitting, the chief examiner who authorised the set exam time ("name (staff no.)").
    pub set_by: Option<String>,
    pub phase: Phase,
    pub timeline: Timeline,
    /// Seconds until the start, the late cut-off (T+30) and the end; negative once passed.
    pub to_start_secs: i32,
    pub to_cutoff_secs: i32,
    pub to_end_secs: i32,
}

impl ClockView {
    pub fn of(timeline: Timeline, now: DateTime<FixedOffset>, set: bool) -> ClockView {
        let secs =
            |t: DateTime<FixedOffset>| i32::try_from((t - now).num_seconds()).unwrap_or(i32::MIN);
        ClockView {
            now,
            set,
            drill: false,
            set_by: None,
            phase: timeline.phase(now),
            timeline,
            to_start_secs: secs(timeline.start),
            to_cutoff_secs: secs(timeline.late_cutoff),
            to_end_secs: secs(timeline.end),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::CHINA_OFFSET;
    use chrono::TimeZone;

    #[test]
    fn a_set_exam_time_keeps_running_with_the_device_clock() {
        let device = Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap();
        let exam = CHINA_OFFSET
            .with_ymd_and_hms(2023, 4, 15, 9, 31, 0)
            .unwrap();
        let mut c = ExamClock::default();
        c.set(exam, device);
        assert!(c.is_set());
        assert_eq!(c.now(device, CHINA_OFFSET), exam);
        assert_eq!(
            c.now(device + Duration::seconds(90), CHINA_OFFSET),
            exam + Duration::seconds(90)
        );
        c.reset();
        assert_eq!(
            c.now(device, CHINA_OFFSET),
            device.with_timezone(&CHINA_OFFSET)
        );
    }
}
