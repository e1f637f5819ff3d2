//! The site server as the honest clock for a real sitting's timed room acts. A door decides when
//! its room may close, and when the 30-minute count check is due, by the sitting's exam time,
//! which on a real sitting follows the phone's own clock: a proctor who sets the clock forward
//! could close the room before the end (freezing its violations) or count before T+30. So when
//! a `RoomClosed` of a real sitting arrives while the server's clock says the sitting has not
//! ended, or a `CountChecked` while it says T+30 has not passed, the server keeps it aside
//! (`closed-before-end`, `counted-before-due`), and it stays refused if the door sends it again
//! later (its unbroken sequence stops at it, so it would be re-sent after the end). A drill's
//! exam time may be set freely, so drills are not checked. [`GRACE`] absorbs the small difference
//! between honest clocks.
//!
//! What this does not catch: a phone kept offline from the moment its clock is moved until after
//! the end arrives after the end, and by the server's clock nothing is premature then.
//!
//! The clock is injectable: `examgate serve --clock-file FILE` (hidden, for tests) reads the
//! server's "now" from an RFC 3339 line in FILE at every push.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use examgate_core::event::{Event, EventId, EventKind};
use examgate_store::{QuarantineReason, SittingInfo, Store};

use crate::error::{Result, ServerError};

/// How far the server's clock may lag an honest door's and still take its act at the due time.
pub const GRACE: Duration = Duration::minutes(2);

/// Where the server's "now" comes from.
#[derive(Debug, Clone, Default)]
pub enum Clock {
    /// The machine's clock.
    #[default]
    System,
    /// An RFC 3339 time read from this file at each use (tests move it without sleeping).
    File(PathBuf),
}

impl Clock {
    pub fn now(&self) -> Result<DateTime<Utc>> {
        match self {
            Clock::System => Ok(Utc::now()),
            Clock::File(path) => {
                let text = std::fs::read_to_string(path).map_err(|e| ServerError::io(path, e))?;
                DateTime::parse_from_rfc3339(text.trim())
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|e| {
                        ServerError::Internal(format!("clock file {}: {e}", path.display()))
                    })
            }
        }
    }
}

/// The reason a timed act is refused at a real sitting's server time `now`, if it is.
fn premature(
    kind: &EventKind,
    sitting: &SittingInfo,
    now: DateTime<Utc>,
) -> Option<QuarantineReason> {
    if sitting.drill {
        return None;
    }
    let timeline = sitting.timeline().ok()?;
    match kind {
        EventKind::RoomClosed { .. } if now + GRACE < timeline.end => {
            Some(QuarantineReason::ClosedBeforeEnd)
        }
        EventKind::CountChecked { .. } if now + GRACE <= timeline.late_cutoff => {
            Some(QuarantineReason::CountedBeforeDue)
        }
        _ => None,
    }
}

fn timed(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::RoomClosed { .. } | EventKind::CountChecked { .. }
    )
}

/// The clock rules for one pushed batch, looked up before the store's receive transaction.
#[derive(Debug, Default)]
pub(crate) struct TimedRules {
    now: Option<DateTime<Utc>>,
    sittings: HashMap<String, SittingInfo>,
    /// Timed acts already kept aside as premature: refused again whenever they come back.
    refused: HashMap<EventId, QuarantineReason>,
}

impl TimedRules {
    /// Looks up what the batch's timed acts need: their sittings and earlier refusals.
    pub(crate) fn for_batch<'a>(
        store: &Store,
        clock: &Clock,
        batch: impl Iterator<Item = &'a Event>,
    ) -> Result<TimedRules> {
        let timed: Vec<&Event> = batch.filter(|e| timed(&e.kind)).collect();
        if timed.is_empty() {
            return Ok(TimedRules::default());
        }
        let named: HashSet<&str> = timed.iter().map(|e| e.sitting.as_str()).collect();
        let sittings = store
            .sittings()?
            .into_iter()
            .filter(|s| named.contains(s.sitting.label.as_str()))
            .map(|s| (s.sitting.label.clone(), s))
            .collect();
        let ids: Vec<EventId> = timed.iter().map(|e| e.id).collect();
        let mut refused = HashMap::new();
        for reason in [
            QuarantineReason::ClosedBeforeEnd,
            QuarantineReason::CountedBeforeDue,
        ] {
            let found: HashSet<EventId> = store.kept_aside_for(&ids, reason)?;
            refused.extend(found.into_iter().map(|id| (id, reason)));
        }
        Ok(TimedRules {
            now: Some(clock.now()?),
            sittings,
            refused,
        })
    }

    /// Why `e` is kept aside by the clock rules, if it is.
    pub(crate) fn check(&self, e: &Event) -> std::result::Result<(), QuarantineReason> {
        if let Some(reason) = self.refused.get(&e.id) {
            return Err(*reason);
        }
        let (Some(now), Some(sitting)) = (self.now, self.sittings.get(&e.sitting)) else {
            return Ok(());
        };
        premature(&e.kind, sitting, now).map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveTime, TimeZone};
    use examgate_core::model::Sitting;
    use examgate_core::timeline::CHINA_OFFSET;

    fn sitting(drill: bool) -> SittingInfo {
        SittingInfo {
            id: 1,
            sitting: Sitting {
                label: "s".into(),
                exam: "e".into(),
                paper: "1".into(),
                date: NaiveDate::from_ymd_opt(2026, 6, 7).unwrap(),
                start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
                end: NaiveTime::from_hms_opt(11, 0, 0).unwrap(),
            },
            offset: CHINA_OFFSET,
            drill,
        }
    }

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        CHINA_OFFSET
            .with_ymd_and_hms(2026, 6, 7, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn closed() -> EventKind {
        EventKind::RoomClosed {
            site: "甲".into(),
            room: "01".into(),
        }
    }

    fn counted() -> EventKind {
        EventKind::CountChecked {
            site: "甲".into(),
            room: "01".into(),
            platform_count: 3,
            real_count: 3,
        }
    }

    #[test]
    fn a_real_sittings_room_closes_at_the_servers_end_time_less_the_grace_and_a_drills_any_time() {
        let real = sitting(false);
        assert_eq!(
            premature(&closed(), &real, at(10, 57)),
            Some(QuarantineReason::ClosedBeforeEnd)
        );
        assert_eq!(premature(&closed(), &real, at(10, 58)), None);
        assert_eq!(premature(&closed(), &real, at(11, 30)), None);
        assert_eq!(premature(&closed(), &sitting(true), at(9, 0)), None);
    }

    #[test]
    fn a_real_sittings_count_check_is_due_after_t_plus_30_by_the_servers_clock() {
        let real = sitting(false);
        assert_eq!(
            premature(&counted(), &real, at(9, 28)),
            Some(QuarantineReason::CountedBeforeDue)
        );
        assert_eq!(
            premature(&counted(), &real, at(9, 27)),
            Some(QuarantineReason::CountedBeforeDue)
        );
        assert_eq!(premature(&counted(), &real, at(9, 29)), None);
        assert_eq!(premature(&counted(), &sitting(true), at(9, 0)), None);
        let admitted = EventKind::Admitted;
        assert_eq!(premature(&admitted, &real, at(8, 0)), None);
    }
}
