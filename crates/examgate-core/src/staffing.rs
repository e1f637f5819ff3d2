//! How many proctors a room needs (DOMAIN.md, "Rooms"): a standard room of 25 or 30 seats needs 2;
//! any other room needs 2 per 30 seats, rounded up to a whole 30 (43 → 4, 66 → 6).
//!
//! Applied to the proctors who signed in at the room (issue 11, item 2): one on the room's roster
//! counts; a substitute (staff of the site, not on this room's roster) counts only once the chief
//! examiner approved them. A proctor change within 48 h of the exam needs the provincial office's
//! approval, given at least 2 h before the start: a substitute signing in later than that is told
//! so ([`needs_provincial_notice`]).

use chrono::{DateTime, Duration, FixedOffset};

use crate::timeline::Timeline;

/// Hours before the start by which the provincial office must have approved a proctor change.
pub const PROVINCIAL_APPROVAL_HOURS: i64 = 2;

/// Proctors a room of `seats` seats needs.
pub fn proctors_needed(seats: u32) -> u32 {
    match seats {
        25 | 30 => 2,
        _ => 2 * seats.div_ceil(30).max(1),
    }
}

/// One proctor signed in at the room, as the staffing rule sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Present {
    /// Not on this room's roster.
    pub substitute: bool,
    /// A substitute the chief examiner approved.
    pub approved: bool,
}

impl Present {
    /// Whether this proctor counts toward the rule: on the roster, or an approved substitute.
    pub fn counts(self) -> bool {
        !self.substitute || self.approved
    }
}

/// The staffing rule applied to the proctors present in a room of `seats` seats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Staffing {
    pub needed: u32,
    /// Those who count: roster proctors and approved substitutes.
    pub counted: u32,
}

impl Staffing {
    pub fn of(seats: u32, present: &[Present]) -> Staffing {
        let counted = present.iter().filter(|p| p.counts()).count();
        Staffing {
            needed: proctors_needed(seats),
            counted: u32::try_from(counted).unwrap_or(u32::MAX),
        }
    }

    /// How many more proctors the rule asks for (0 when the room is staffed).
    pub fn short(self) -> u32 {
        self.needed.saturating_sub(self.counted)
    }
}

/// The latest moment the provincial office's approval of a proctor change may be given: T−2h.
pub fn provincial_deadline(timeline: &Timeline) -> DateTime<FixedOffset> {
    timeline.start - Duration::hours(PROVINCIAL_APPROVAL_HOURS)
}

/// Whether a substitute signing in at exam time `at` is past the provincial office's deadline
/// (T−2h or later), so the app must say the rules required that approval by then.
pub fn needs_provincial_notice(timeline: &Timeline, at: DateTime<FixedOffset>) -> bool {
    at >= provincial_deadline(timeline)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROSTER: Present = Present {
        substitute: false,
        approved: false,
    };
    const SUB_APPROVED: Present = Present {
        substitute: true,
        approved: true,
    };
    const SUB_WAITING: Present = Present {
        substitute: true,
        approved: false,
    };

    #[test]
    fn two_roster_proctors_staff_a_25_or_30_seat_room() {
        for seats in [25, 30] {
            let s = Staffing::of(seats, &[ROSTER, ROSTER]);
            assert_eq!((s.needed, s.counted, s.short()), (2, 2, 0), "{seats}");
            assert_eq!(Staffing::of(seats, &[ROSTER]).short(), 1);
        }
    }

    #[test]
    fn an_unapproved_substitute_does_not_count_and_an_approved_one_does() {
        let s = Staffing::of(30, &[ROSTER, SUB_WAITING]);
        assert_eq!((s.counted, s.short()), (1, 1));
        let s = Staffing::of(30, &[ROSTER, SUB_APPROVED]);
        assert_eq!((s.counted, s.short()), (2, 0));
    }

    #[test]
    fn a_43_seat_room_needs_four_present_and_a_66_seat_room_six() {
        let s = Staffing::of(43, &[ROSTER, ROSTER, SUB_APPROVED, SUB_WAITING]);
        assert_eq!((s.needed, s.counted, s.short()), (4, 3, 1));
        let s = Staffing::of(43, &[ROSTER, ROSTER, SUB_APPROVED, ROSTER]);
        assert_eq!(s.short(), 0);
        let six = [ROSTER; 6];
        assert_eq!(Staffing::of(66, &six[..5]).short(), 1);
        assert_eq!(Staffing::of(66, &six).short(), 0);
        assert_eq!(Staffing::of(66, &[SUB_WAITING; 6]).short(), 6);
        assert_eq!(Staffing::of(25, &[]).short(), 2);
    }

    #[test]
    fn a_substitute_from_two_hours_before_the_start_needs_the_provincial_notice() {
        use crate::timeline::CHINA_OFFSET;
        use chrono::TimeZone;
        let t = crate::timeline::fixture::timeline();
        let at = |h, m, s| CHINA_OFFSET.with_ymd_and_hms(2023, 4, 15, h, m, s).unwrap();
        assert_eq!(provincial_deadline(&t), at(7, 0, 0));
        assert!(!needs_provincial_notice(&t, at(6, 59, 59)));
        assert!(needs_provincial_notice(&t, at(7, 0, 0)));
        assert!(needs_provincial_notice(&t, at(9, 40, 0)));
    }

    #[test]
    fn standard_rooms_need_two_proctors() {
        assert_eq!(proctors_needed(25), 2);
        assert_eq!(proctors_needed(30), 2);
    }

    #[test]
    fn other_rooms_need_two_per_started_thirty_seats() {
        assert_eq!(proctors_needed(43), 4);
        assert_eq!(proctors_needed(66), 6);
        assert_eq!(proctors_needed(60), 4);
        assert_eq!(proctors_needed(61), 6);
        assert_eq!(proctors_needed(12), 2);
    }

    #[test]
    fn an_empty_room_still_has_two_at_the_door() {
        assert_eq!(proctors_needed(0), 2);
    }
}
