//! Chief examiners' PINs: how a manual verification is approved on the door device.
//!
//! On a device enrolled with a site server, a chief's PIN comes with the catalogue: the office
//! set it at the server ([`crate::server_pin`]), and an approval made with it carries a proof the
//! server checks. A device with no server (standalone) has its chiefs' PINs set on it by the site
//! office at first use. Only a PIN's argon2 hash is stored. Approving or rejecting needs the PIN: a wrong one is refused and counted, and the 5th
//! wrong try in a row locks that chief out for 5 minutes. Only a chief examiner can hold a PIN, so
//! a proctor's credential can never approve. Every try is recorded (`pin_attempt`: chief, device
//! time, candidate, outcome) and committed with the count even when the approval is not. The
//! lock-out runs on the device's clocks, never on a set exam time: on its boot clock where it has
//! one, so that setting the phone's clock forward cannot end it early ([`crate::pin_lock`]).

use chrono::{DateTime, FixedOffset};
use examgate_core::chief_proof::ProofKey;
use examgate_core::door::DoorAct;
use examgate_core::model::Role;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::catalog::staff_member;
use crate::error::{Result, StoreError};
use crate::pin_hash::{hash, matches, needs_rehash, proof_key, proof_verifier};
pub use crate::pin_lock::LOCK_MINUTES;
use crate::pin_lock::{BootReading, DeviceTime, Lock};
use crate::pin_tries::{PinTable, count_wrong_try, save_failures, still_locked, stored_lock};
use crate::{Recorded, Store};

/// Wrong tries before the lock.
pub const MAX_FAILURES: u32 = 5;
/// Shortest PIN accepted.
pub const MIN_PIN_LEN: usize = 6;

/// Refuses anyone who is not a chief examiner (an unknown staff number as such).
fn require_chief(conn: &Connection, chief: &str) -> Result<()> {
    if staff_member(conn, chief)?.role != Role::ChiefExaminer {
        return Err(StoreError::NotChief(chief.to_string()));
    }
    Ok(())
}

/// Refuses a PIN that is not at least [`MIN_PIN_LEN`] digits.
pub(crate) fn check_pin_strength(pin: &str) -> Result<()> {
    if pin.len() < MIN_PIN_LEN || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(StoreError::WeakPin);
    }
    Ok(())
}

/// A chief's PIN as this device holds it.
struct PinState {
    hash: String,
    failures: u32,
    lock: Option<Lock>,
    /// The proof-key salt, for a PIN set at the site server.
    proof_salt: Option<String>,
}

/// `chief`'s PIN hash, count of wrong tries in a row, lock and proof-key salt; `None` if they
/// have no PIN.
fn pin_state(conn: &Connection, chief: &str) -> Result<Option<PinState>> {
    Ok(conn
        .query_row(
            "SELECT hash, failures, locked_until, locked_boot_id, locked_boot_ms, proof_salt
             FROM chief_pin WHERE staff_id = ?1",
            [chief],
            |r| {
                Ok(PinState {
                    hash: r.get(0)?,
                    failures: r.get(1)?,
                    lock: stored_lock(r.get(2)?, r.get(3)?, r.get(4)?),
                    proof_salt: r.get(5)?,
                })
            },
        )
        .optional()?)
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

    /// Sets a chief examiner's PIN (digits, at least 6) on a standalone device. Refused for
    /// anyone who is not a chief examiner, when one is set already unless `replace` (the office
    /// resetting it), and on a device enrolled with a site server, where the office sets it at
    /// the server ([`Store::set_pin_at_server`]), as on the server for a PIN set that way.
    pub fn set_pin(
        &mut self,
        chief: &str,
        pin: &str,
        replace: bool,
        now: DateTime<FixedOffset>,
    ) -> Result<()> {
        require_chief(&self.conn, chief)?;
        // Enrolled, or the site server's own database holding a PIN set with `serve chief-pin`
        // (which this would silently withdraw from every device).
        if crate::server_pin::enrolled(&self.conn)?
            || crate::server_pin::set_at_server(&self.conn, chief)?
        {
            return Err(StoreError::PinSetAtServer(chief.to_string()));
        }
        check_pin_strength(pin)?;
        if !replace && self.has_pin(chief)? {
            return Err(StoreError::PinAlreadySet(chief.to_string()));
        }
        self.conn.execute(
            "INSERT INTO chief_pin (staff_id, hash, set_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (staff_id) DO UPDATE SET hash = ?2, set_at = ?3, failures = 0,
                 locked_until = NULL, locked_boot_id = NULL, locked_boot_ms = NULL,
                 proof_salt = NULL, proof_key = NULL",
            params![chief, hash(pin)?, now.to_rfc3339()],
        )?;
        Ok(())
    }

    /// Approves (`act` = Approve) or rejects (`act` = Reject) a pending manual verification, or
    /// settles a conflict between devices (`act` = Resolve), as the chief examiner `chief`,
    /// proven by `pin`. `now` is the device's time (its wall clock,
    /// and its boot clock where it has one): the lock-out and the record of the try run on it,
    /// never on a set exam time. When the PIN was set at the site server, the event carries the
    /// chief's proof, made with the key the PIN typed makes ([`crate::server_pin`]).
    pub fn decide_with_pin(
        &mut self,
        sitting: &str,
        student: &str,
        chief: &str,
        pin: &str,
        act: &DoorAct,
        now: impl Into<DeviceTime>,
    ) -> Result<Recorded> {
        let now = now.into();
        let purpose = match act {
            DoorAct::Approve => Purpose::Approve,
            DoorAct::Reject { .. } => Purpose::Reject,
            DoorAct::Resolve { .. } => Purpose::Resolve,
            _ => return Err(StoreError::Pin("only approve, reject or resolve".into())),
        };
        let key = self.check_pin(chief, pin, &now, purpose, Some((sitting, student)))?;
        self.act_proven(sitting, student, chief, act, now.wall, key.as_ref())
    }

    /// Checks `chief`'s PIN at device time `now` for `purpose` (about one candidate of a sitting,
    /// or none), records the try whatever its outcome, and counts a wrong one: the 5th in a row
    /// locks the chief out until 5 minutes have passed on the boot clock (on the wall clock after
    /// a reboot or where there is none: [`Lock::remaining`]). The record, the count and the lock
    /// are committed before this returns, so a restart neither forgets nor resets them. A right
    /// PIN set at the site server answers the proof key it made.
    pub(crate) fn check_pin(
        &mut self,
        chief: &str,
        pin: &str,
        now: &DeviceTime,
        purpose: Purpose,
        about: Option<(&str, &str)>,
    ) -> Result<Option<ProofKey>> {
        require_chief(&self.conn, chief)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(PinState {
            hash: stored,
            failures,
            lock,
            proof_salt,
        }) = pin_state(&tx, chief)?
        else {
            return Err(StoreError::NoPin(chief.to_string()));
        };
        let record = |outcome: &str| -> Result<()> {
            tx.execute(
                "INSERT INTO pin_attempt
                     (chief, at, sitting, candidate, purpose, outcome, boot_id, boot_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    chief,
                    now.wall.to_rfc3339(),
                    about.map(|a| a.0),
                    // A room's act (a substitute, the count check's waiver) names no candidate.
                    about.map(|a| a.1).filter(|c| !c.is_empty()),
                    purpose.name(),
                    outcome,
                    now.boot.as_ref().map(|b| b.boot_id.as_str()),
                    now.boot.as_ref().map(BootReading::millis)
                ],
            )?;
            Ok(())
        };
        // A set exam time has no say in the lock: only the device's clocks do.
        if let Some(refusal) = still_locked(lock.as_ref(), now) {
            record("refused-locked")?;
            tx.commit()?;
            return Err(refusal);
        }
        // A PIN set at the server is right when the proof key it makes has the stored verifier;
        // one set on this device when it matches its PHC string.
        let right = match &proof_salt {
            Some(salt) => {
                let key = proof_key(pin, salt)?;
                (proof_verifier(&key) == stored).then_some(Some(key))
            }
            None => matches(pin, &stored).then_some(None),
        };
        if let Some(key) = right {
            save_failures(&tx, PinTable::Chief, chief, 0, None)?;
            // A hash made with older, cheaper parameters is replaced now that the PIN is known;
            // not a verifier set at the server, which is no PHC string and the catalogue's.
            if proof_salt.is_none() && needs_rehash(&stored) {
                tx.execute(
                    "UPDATE chief_pin SET hash = ?1 WHERE staff_id = ?2",
                    params![hash(pin)?, chief],
                )?;
            }
            record("accepted")?;
            tx.commit()?;
            return Ok(key);
        }
        let (outcome, refusal) = count_wrong_try(&tx, PinTable::Chief, chief, failures, now)?;
        record(outcome)?;
        tx.commit()?;
        Err(refusal)
    }

    /// Every PIN try of `chief` on this device, oldest first.
    pub fn pin_attempts(&self, chief: &str) -> Result<Vec<PinAttempt>> {
        let mut stmt = self.conn.prepare(
            "SELECT chief, at, sitting, candidate, purpose, outcome, boot_id, boot_ms FROM pin_attempt
             WHERE chief = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([chief], |r| {
            Ok(PinAttempt {
                chief: r.get(0)?,
                at: r.get(1)?,
                sitting: r.get(2)?,
                candidate: r.get(3)?,
                purpose: r.get(4)?,
                outcome: r.get(5)?,
                boot: BootReading::stored(r.get(6)?, r.get(7)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// What a PIN was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    Approve,
    Reject,
    ExamTime,
    /// Settling a conflict between devices.
    Resolve,
    /// Waiving an item of a room's closing.
    Waive,
    /// Approving a substitute proctor at a room.
    Substitute,
    /// Resetting a proctor's PIN on this device.
    ProctorReset,
}

impl Purpose {
    fn name(self) -> &'static str {
        match self {
            Purpose::Approve => "approve",
            Purpose::Reject => "reject",
            Purpose::ExamTime => "exam-time",
            Purpose::Resolve => "resolve",
            Purpose::Waive => "waive",
            Purpose::Substitute => "substitute",
            Purpose::ProctorReset => "proctor-reset",
        }
    }
}

/// One recorded PIN try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinAttempt {
    pub chief: String,
    /// Device time, RFC 3339.
    pub at: String,
    pub sitting: Option<String>,
    /// The candidate concerned; `None` for an exam-time change or a room's act (a substitute's
    /// approval, a waiver of the count check).
    pub candidate: Option<String>,
    /// `approve`, `reject`, `exam-time`, `resolve`, `waive`, `substitute` or `proctor-reset`.
    pub purpose: String,
    /// `accepted`, `wrong`, `locked-out` (the try that locked) or `refused-locked` (tried while
    /// locked).
    pub outcome: String,
    /// The device's boot clock at the try, where it has one: a wall clock set forward between
    /// two tries shows against it.
    pub boot: Option<BootReading>,
}
