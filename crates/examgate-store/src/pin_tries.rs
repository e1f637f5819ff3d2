//! Counting wrong PIN tries, for chief examiners' PINs (`chief_pin`) and proctors' (`proctor_pin`)
//! alike: both tables keep the same count and lock columns, and the same rule holds for both — the
//! 5th wrong try in a row locks that person out for 5 minutes ([`crate::pin_lock`]), and a right one
//! clears the count. One copy of the rule, so the two can never drift apart.

use rusqlite::{Connection, params};

use crate::error::{Result, StoreError};
use crate::pin::MAX_FAILURES;
use crate::pin_lock::{BootReading, DeviceTime, LOCK_MINUTES, Lock};

/// Where a PIN is kept.
#[derive(Debug, Clone, Copy)]
pub(crate) enum PinTable {
    Chief,
    Proctor,
}

impl PinTable {
    fn update_sql(self) -> &'static str {
        match self {
            PinTable::Chief => {
                "UPDATE chief_pin SET failures = ?1, locked_until = ?2, locked_boot_id = ?3,
                     locked_boot_ms = ?4 WHERE staff_id = ?5"
            }
            PinTable::Proctor => {
                "UPDATE proctor_pin SET failures = ?1, locked_until = ?2, locked_boot_id = ?3,
                     locked_boot_ms = ?4 WHERE staff_id = ?5"
            }
        }
    }
}

/// A lock as its columns store it (`locked_until`, `locked_boot_id`, `locked_boot_ms`); `None`
/// when there is none.
pub(crate) fn stored_lock(
    until: Option<String>,
    boot_id: Option<String>,
    boot_ms: Option<i64>,
) -> Option<Lock> {
    let until = chrono::DateTime::parse_from_rfc3339(&until?).ok()?;
    Some(Lock {
        until,
        boot: BootReading::stored(boot_id, boot_ms),
    })
}

/// Stores `staff`'s count of wrong tries in a row and their lock (`None`: unlocked).
pub(crate) fn save_failures(
    conn: &Connection,
    table: PinTable,
    staff: &str,
    count: u32,
    lock: Option<&Lock>,
) -> Result<()> {
    let boot = lock.and_then(|l| l.boot.as_ref());
    conn.execute(
        table.update_sql(),
        params![
            count,
            lock.map(|l| l.until.to_rfc3339()),
            boot.map(|b| b.boot_id.as_str()),
            boot.map(BootReading::millis),
            staff
        ],
    )?;
    Ok(())
}

/// The refusal while `lock` still holds at `now`, in whole seconds left.
pub(crate) fn still_locked(lock: Option<&Lock>, now: &DeviceTime) -> Option<StoreError> {
    let left = lock?.remaining(now)?;
    Some(StoreError::PinLocked {
        seconds: (left.num_milliseconds() + 999) / 1000,
    })
}

/// Counts a wrong try after `failures` in a row: stores the new count, or the lock when this one
/// is the 5th. Answers the outcome to record (`wrong` or `locked-out`) and the refusal to give.
pub(crate) fn count_wrong_try(
    conn: &Connection,
    table: PinTable,
    staff: &str,
    failures: u32,
    now: &DeviceTime,
) -> Result<(&'static str, StoreError)> {
    let failures = failures + 1;
    if failures >= MAX_FAILURES {
        save_failures(conn, table, staff, 0, Some(&Lock::starting(now)))?;
        return Ok((
            "locked-out",
            StoreError::PinLocked {
                seconds: LOCK_MINUTES * 60,
            },
        ));
    }
    save_failures(conn, table, staff, failures, None)?;
    Ok((
        "wrong",
        StoreError::WrongPin {
            left: MAX_FAILURES - failures,
        },
    ))
}
