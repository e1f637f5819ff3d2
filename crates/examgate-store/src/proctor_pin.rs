//! Proctors signing in at the room with their staff number and PIN (issue 11, item 2).
//!
//! The model: no office hands proctors a PIN. A proctor sets their own at their first sign-in on
//! this device (at least 6 digits, typed twice); every later sign-in checks it, and the 5th wrong
//! try in a row locks that proctor out for 5 minutes on the device's boot clock, as a chief
//! examiner's PIN does ([`crate::pin_lock`]). Only the argon2 hash is kept. Every try is recorded
//! (`proctor_pin_attempt`) and committed with the count even when the sign-in is not.
//!
//! Who may sign in at a room: a proctor of that room's site. One on the room's roster is present;
//! anyone else of the site is a *substitute*, recorded as such, who counts toward the staffing
//! rule only once a chief examiner of the site approves them with the chief's PIN
//! ([`crate::room_steps`]). Signing in twice at one room is refused: the first sign-in stands.
//!
//! The weakness of setting a PIN at first use: a colleague who reaches the device first could
//! set a proctor's PIN for them. The real proctor then finds a PIN they never set; every sign-in
//! names its device, and the attempts table shows when the PIN was set. A chief examiner of the
//! site can then reset it with the chief's own PIN ([`crate::proctor_pin_reset`]).

use examgate_core::event::{Event, EventKind};
use examgate_core::model::Role;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::Store;
use crate::catalog::{StaffInfo, staff_member};
use crate::error::{Result, StoreError};
use crate::events::{NewEvent, append};
use crate::exam_time::exam_time_at;
use crate::pin::check_pin_strength;
use crate::pin_hash::{hash, matches, needs_rehash};
use crate::pin_lock::{BootReading, DeviceTime, Lock};
use crate::pin_tries::{PinTable, count_wrong_try, save_failures, still_locked, stored_lock};

/// A room of a sitting, as the room's acts name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AtRoom<'a> {
    pub sitting: &'a str,
    pub site: &'a str,
    pub room: &'a str,
}

/// A proctor's PIN as this device holds it: hash, wrong tries in a row, lock.
fn pin_state(conn: &Connection, staff: &str) -> Result<Option<(String, u32, Option<Lock>)>> {
    Ok(conn
        .query_row(
            "SELECT hash, failures, locked_until, locked_boot_id, locked_boot_ms
             FROM proctor_pin WHERE staff_id = ?1",
            [staff],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    stored_lock(r.get(2)?, r.get(3)?, r.get(4)?),
                ))
            },
        )
        .optional()?)
}

/// A member of `site`'s staff who is a proctor; refused otherwise.
pub(crate) fn proctor_of_site(conn: &Connection, staff: &str, site: &str) -> Result<StaffInfo> {
    let who = staff_member(conn, staff)?;
    if who.site != site {
        return Err(StoreError::NotOfSite {
            staff: staff.into(),
            site: site.into(),
        });
    }
    if who.role != Role::Proctor {
        return Err(StoreError::NotProctor(staff.into()));
    }
    Ok(who)
}

/// Records a try (or the reset) of `staff`'s PIN at the room at device time `now`.
pub(crate) fn record_try(
    conn: &Connection,
    at: AtRoom<'_>,
    staff: &str,
    outcome: &str,
    now: &DeviceTime,
) -> Result<()> {
    conn.execute(
        "INSERT INTO proctor_pin_attempt
             (staff_id, at, sitting, site, room, outcome, boot_id, boot_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            staff,
            now.wall.to_rfc3339(),
            at.sitting,
            at.site,
            at.room,
            outcome,
            now.boot.as_ref().map(|b| b.boot_id.as_str()),
            now.boot.as_ref().map(BootReading::millis)
        ],
    )?;
    Ok(())
}

/// A chief examiner of `site`; refused otherwise (another site's chief as not of the site).
pub(crate) fn chief_of_site(conn: &Connection, staff: &str, site: &str) -> Result<StaffInfo> {
    let who = staff_member(conn, staff)?;
    if who.role != Role::ChiefExaminer {
        return Err(StoreError::NotChief(staff.into()));
    }
    if who.site != site {
        return Err(StoreError::NotOfSite {
            staff: staff.into(),
            site: site.into(),
        });
    }
    Ok(who)
}

/// Whether `staff` has signed in at the room already.
fn signed_in(conn: &Connection, at: AtRoom<'_>, staff: &str) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM event WHERE kind = 'proctor-signed-in' AND sitting = ?1 AND actor = ?2
               AND json_extract(body, '$.kind.site') = ?3
               AND json_extract(body, '$.kind.room') = ?4 LIMIT 1",
            params![at.sitting, staff, at.site, at.room],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

impl Store {
    /// Whether the proctor `staff` has set a PIN on this device.
    pub fn proctor_has_pin(&self, staff: &str) -> Result<bool> {
        Ok(self
            .conn
            .query_row(
                "SELECT 1 FROM proctor_pin WHERE staff_id = ?1",
                [staff],
                |_| Ok(()),
            )
            .optional()?
            .is_some())
    }

    /// The proctor `staff` signs in at the room with `pin`. At their first sign-in on this device
    /// the PIN is set, and must be typed twice (`pin_again`). A proctor not on the room's roster
    /// is recorded as a substitute. `now` is the device time (the lock-out runs on it); the event
    /// carries the exam time in force.
    pub fn sign_in_proctor_with_pin(
        &mut self,
        at: AtRoom<'_>,
        staff: &str,
        pin: &str,
        pin_again: Option<&str>,
        now: impl Into<DeviceTime>,
    ) -> Result<Event> {
        let now = now.into();
        self.room_exists(at.sitting, at.site, at.room)?;
        let who = proctor_of_site(&self.conn, staff, at.site)?;
        if signed_in(&self.conn, at, staff)? {
            return Err(StoreError::AlreadySignedIn(staff.into()));
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let record = |outcome: &str| record_try(&tx, at, staff, outcome, &now);
        match pin_state(&tx, staff)? {
            None => {
                check_pin_strength(pin)?;
                if pin_again != Some(pin) {
                    return Err(StoreError::PinsDiffer);
                }
                tx.execute(
                    "INSERT INTO proctor_pin (staff_id, hash, set_at) VALUES (?1, ?2, ?3)",
                    params![staff, hash(pin)?, now.wall.to_rfc3339()],
                )?;
                record("set")?;
            }
            Some((stored, failures, lock)) => {
                if let Some(refusal) = still_locked(lock.as_ref(), &now) {
                    record("refused-locked")?;
                    tx.commit()?;
                    return Err(refusal);
                }
                if !matches(pin, &stored) {
                    let (outcome, refusal) =
                        count_wrong_try(&tx, PinTable::Proctor, staff, failures, &now)?;
                    record(outcome)?;
                    tx.commit()?;
                    return Err(refusal);
                }
                save_failures(&tx, PinTable::Proctor, staff, 0, None)?;
                if needs_rehash(&stored) {
                    tx.execute(
                        "UPDATE proctor_pin SET hash = ?1 WHERE staff_id = ?2",
                        params![hash(pin)?, staff],
                    )?;
                }
                record("accepted")?;
            }
        }
        let kind = EventKind::ProctorSignedIn {
            site: at.site.into(),
            room: at.room.into(),
            substitute: who.room.as_deref() != Some(at.room),
        };
        let event = append(
            &tx,
            NewEvent {
                actor: staff,
                sitting: at.sitting,
                candidate: None,
                parents: Vec::new(),
                kind,
                now: now.wall,
                exam_time: exam_time_at(&tx, at.sitting, now.wall)?,
                proof: None,
            },
        )?;
        tx.commit()?;
        Ok(event)
    }

    /// Every sign-in try of the proctor `staff` on this device, oldest first, as (device time,
    /// outcome).
    pub fn proctor_pin_attempts(&self, staff: &str) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT at, outcome FROM proctor_pin_attempt WHERE staff_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([staff], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
