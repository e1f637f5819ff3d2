//! A sitting's exam time: the device clock, or the device clock plus a recorded difference.
//!
//! The exam time decides who is late, so it is not a preference: every change is a row of the
//! append-only `clock_change` log (device time, UUIDv7, per-device sequence, hybrid clock, author)
//! and the current difference is read back from that log, never held elsewhere. A drill (演练)
//! may set any time. A real sitting refuses a set time unless its chief examiner authorises it
//! with their PIN; going back to the device clock is always allowed and recorded too.
//!
//! Sitting-level acts live in their own log rather than in `event`, whose every row (and every
//! reader: the fold, the tally, sync) is about one candidate: a separate table changes none of
//! them.

use chrono::{DateTime, Duration, FixedOffset};
use examgate_core::clock::ExamClock;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::Store;
use crate::catalog::staff_member;
use crate::error::{Result, StoreError};
use crate::events::{tick, uuid_at};
use crate::pin::Purpose;
use crate::pin_lock::DeviceTime;

/// The exam clock of a sitting as the screens show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExamClockState {
    pub drill: bool,
    pub clock: ExamClock,
    /// Who authorised the current set time ("name (staff number)"), on a real sitting.
    pub set_by: Option<String>,
}

/// One recorded change of a sitting's exam time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockChange {
    pub id: String,
    pub device: String,
    pub seq: i64,
    /// Device time, RFC 3339.
    pub wall: String,
    pub hlc: i64,
    pub author: Option<String>,
    pub old_shift_ms: Option<i64>,
    pub new_shift_ms: Option<i64>,
}

/// A moment an act is decided at, as the store read it: the device time and the exam time then.
/// Only the store makes one, so a caller holding it (a vouch begun before its photo is taken) can
/// have the act decided at that moment without ever naming an exam time itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecisionTime {
    device: DateTime<FixedOffset>,
    exam: Option<DateTime<FixedOffset>>,
}

impl DecisionTime {
    /// The device time it was read at.
    pub fn device(&self) -> DateTime<FixedOffset> {
        self.device
    }

    /// The exam time then, when a set one was in force.
    pub fn exam(&self) -> Option<DateTime<FixedOffset>> {
        self.exam
    }
}

/// The latest change of `sitting`'s exam time: the difference it set (`None`: the device clock)
/// and its author. `(None, None)` when there is none.
fn latest_change(conn: &Connection, sitting: &str) -> Result<(Option<i64>, Option<String>)> {
    Ok(conn
        .query_row(
            "SELECT new_shift_ms, author FROM clock_change WHERE sitting = ?1
             ORDER BY hlc DESC, id DESC LIMIT 1",
            [sitting],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((None, None)))
}

/// The difference from the device clock in force for `sitting`: the latest change's.
pub(crate) fn shift_ms(conn: &Connection, sitting: &str) -> Result<Option<i64>> {
    Ok(latest_change(conn, sitting)?.0)
}

/// The exam time at device time `at`, when a set time is in force for `sitting` (else `None`:
/// the rules read the device clock).
pub(crate) fn exam_time_at(
    conn: &Connection,
    sitting: &str,
    at: DateTime<FixedOffset>,
) -> Result<Option<DateTime<FixedOffset>>> {
    Ok(shift_ms(conn, sitting)?.map(|ms| at + Duration::milliseconds(ms)))
}

impl Store {
    /// The exam clock of `sitting`: drill or real, the difference in force and who authorised it.
    pub fn exam_clock(&self, sitting: &str) -> Result<ExamClockState> {
        let info = self.sitting(sitting)?;
        let (shift, author) = latest_change(&self.conn, sitting)?;
        let set_by =
            author
                .filter(|_| shift.is_some())
                .map(|id| match staff_member(&self.conn, &id) {
                    Ok(s) => format!("{} ({})", s.name, s.id),
                    Err(_) => id,
                });
        Ok(ExamClockState {
            drill: info.drill,
            clock: ExamClock::shifted(shift),
            set_by,
        })
    }

    /// The time the rules read for `sitting` at device time `now`.
    pub fn exam_time(
        &self,
        sitting: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<DateTime<FixedOffset>> {
        Ok(exam_time_at(&self.conn, sitting, now)?.unwrap_or(now))
    }

    /// The moment device time `now` is for `sitting`'s rules, to decide an act at later.
    pub fn decision_time(&self, sitting: &str, now: DateTime<FixedOffset>) -> Result<DecisionTime> {
        Ok(DecisionTime {
            device: now,
            exam: exam_time_at(&self.conn, sitting, now)?,
        })
    }

    /// Sets `sitting`'s exam time to `exam_time` at device time `now`, or follows the device
    /// clock again with `None`. A drill takes any time. A real sitting refuses one
    /// ([`StoreError::ExamTimeNeedsChief`]) unless `by` = (chief examiner, PIN) authorises it; the
    /// PIN try is recorded and counted like any other (its lock-out reads `now`'s boot clock).
    /// Every change is recorded.
    pub fn set_exam_time(
        &mut self,
        sitting: &str,
        exam_time: Option<DateTime<FixedOffset>>,
        by: Option<(&str, &str)>,
        now: impl Into<DeviceTime>,
    ) -> Result<()> {
        let at = now.into();
        let now = at.wall;
        let info = self.sitting(sitting)?;
        let old = shift_ms(&self.conn, sitting)?;
        let new = exam_time.map(|t| (t - now).num_milliseconds());
        let author = match (exam_time, by) {
            (None, _) if old.is_none() => return Ok(()),
            (None, _) => None,
            (Some(_), Some((chief, pin))) if !info.drill => {
                self.check_pin(chief, pin, &at, Purpose::ExamTime, None)?;
                Some(chief)
            }
            (Some(_), None) if !info.drill => {
                return Err(StoreError::ExamTimeNeedsChief(sitting.to_string()));
            }
            (Some(_), _) => None,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (device, hlc) = tick(&tx, now)?;
        let seq: i64 = tx.query_row(
            "SELECT coalesce(max(seq), 0) + 1 FROM clock_change WHERE device = ?1",
            [device.to_string()],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO clock_change
                 (id, device, seq, wall, wall_ms, hlc, sitting, author, old_shift_ms, new_shift_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                uuid_at(now).to_string(),
                device.to_string(),
                seq,
                now.to_rfc3339(),
                now.timestamp_millis(),
                hlc.0 as i64,
                sitting,
                author,
                old,
                new
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every change of `sitting`'s exam time, oldest first.
    pub fn clock_changes(&self, sitting: &str) -> Result<Vec<ClockChange>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, device, seq, wall, hlc, author, old_shift_ms, new_shift_ms
             FROM clock_change WHERE sitting = ?1 ORDER BY hlc, id",
        )?;
        let rows = stmt.query_map([sitting], |r| {
            Ok(ClockChange {
                id: r.get(0)?,
                device: r.get(1)?,
                seq: r.get(2)?,
                wall: r.get(3)?,
                hlc: r.get(4)?,
                author: r.get(5)?,
                old_shift_ms: r.get(6)?,
                new_shift_ms: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
