//! Chief examiners' PINs: how a manual verification is approved on the door device.
//!
//! The site office sets a chief examiner's PIN on the device at first use; only its argon2 hash is
//! stored. Approving or rejecting needs the PIN: a wrong one is refused and counted, and the 5th
//! wrong try in a row locks that chief out for 5 minutes. Only a chief examiner can hold a PIN, so
//! a proctor's credential can never approve. The count is committed even when the approval is not.

use chrono::{DateTime, Duration, FixedOffset};
use examgate_core::door::DoorAct;
use examgate_core::model::Role;
use rusqlite::{Connection, OptionalExtension, params};

use crate::catalog::staff_member;
use crate::error::{Result, StoreError};
use crate::pin_hash::{hash, matches, needs_rehash};
use crate::{ActResult, Store};

/// Wrong tries before the lock.
pub const MAX_FAILURES: u32 = 5;
/// How long the lock lasts.
pub const LOCK_MINUTES: i64 = 5;
/// Shortest PIN accepted.
pub const MIN_PIN_LEN: usize = 6;

/// Refuses anyone who is not a chief examiner (an unknown staff number as such).
fn require_chief(conn: &Connection, chief: &str) -> Result<()> {
    if staff_member(conn, chief)?.role != Role::ChiefExaminer {
        return Err(StoreError::NotChief(chief.to_string()));
    }
    Ok(())
}

impl Store {
    /// Whether this chief examiner has a PIN on this device.
    pub fn has_pin(&self, chief: &str) -> Result<bool> {
        let n: Option<i64> = self
            .conn
            .query_row(
                "SELECT 1 FROM chief_pin WHERE staff_id = ?1",
                [chief],
                |r| r.get(0),
            )
            .optional()?;
        Ok(n.is_some())
    }

    /// Sets a chief examiner's PIN (digits, at least 6). Refused for anyone who is not a chief
    /// examiner, and when one is set already unless `replace` (the office resetting it).
    pub fn set_pin(
        &mut self,
        chief: &str,
        pin: &str,
        replace: bool,
        now: DateTime<FixedOffset>,
    ) -> Result<()> {
        require_chief(&self.conn, chief)?;
        if pin.len() < MIN_PIN_LEN || !pin.bytes().all(|b| b.is_ascii_digit()) {
            return Err(StoreError::WeakPin);
        }
        if !replace && self.has_pin(chief)? {
            return Err(StoreError::PinAlreadySet(chief.to_string()));
        }
        self.conn.execute(
            "INSERT INTO chief_pin (staff_id, hash, set_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (staff_id) DO UPDATE SET hash = ?2, set_at = ?3, failures = 0, locked_until = NULL",
            params![chief, hash(pin)?, now.to_rfc3339()],
        )?;
        Ok(())
    }

    /// Approves (`act` = Approve) or rejects (`act` = Reject) a pending manual verification as
    /// the chief examiner `chief`, proven by `pin`.
    pub fn decide_with_pin(
        &mut self,
        sitting: &str,
        student: &str,
        chief: &str,
        pin: &str,
        act: &DoorAct,
        now: DateTime<FixedOffset>,
    ) -> Result<ActResult> {
        if !matches!(act, DoorAct::Approve | DoorAct::Reject { .. }) {
            return Err(StoreError::Pin("only approve or reject".into()));
        }
        require_chief(&self.conn, chief)?;
        let row: Option<(String, u32, Option<String>)> = self
            .conn
            .query_row(
                "SELECT hash, failures, locked_until FROM chief_pin WHERE staff_id = ?1",
                [chief],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((stored, failures, locked_until)) = row else {
            return Err(StoreError::NoPin(chief.to_string()));
        };
        if let Some(until) = locked_until
            .as_deref()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .filter(|until| now < *until)
        {
            return Err(StoreError::PinLocked {
                seconds: (until - now).num_seconds().max(1),
            });
        }
        if !matches(pin, &stored) {
            let failures = failures + 1;
            let (count, lock) = if failures >= MAX_FAILURES {
                (
                    0,
                    Some((now + Duration::minutes(LOCK_MINUTES)).to_rfc3339()),
                )
            } else {
                (failures, None)
            };
            self.conn.execute(
                "UPDATE chief_pin SET failures = ?1, locked_until = ?2 WHERE staff_id = ?3",
                params![count, lock, chief],
            )?;
            return Err(match lock {
                Some(_) => StoreError::PinLocked {
                    seconds: LOCK_MINUTES * 60,
                },
                None => StoreError::WrongPin {
                    left: MAX_FAILURES - failures,
                },
            });
        }
        self.conn.execute(
            "UPDATE chief_pin SET failures = 0, locked_until = NULL WHERE staff_id = ?1",
            [chief],
        )?;
        // A hash made with older, cheaper parameters is replaced now that the PIN is known.
        if needs_rehash(&stored) {
            self.conn.execute(
                "UPDATE chief_pin SET hash = ?1 WHERE staff_id = ?2",
                params![hash(pin)?, chief],
            )?;
        }
        self.act(sitting, student, chief, act, now)
    }
}
