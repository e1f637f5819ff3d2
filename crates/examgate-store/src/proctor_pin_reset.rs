//! The site's chief examiner resets a proctor's PIN on this device, proven by the chief's own PIN.
//!
//! Proctors set their PIN at their first sign-in on the device ([`crate::proctor_pin`]); one who
//! forgot it, or who finds a PIN they never set (a colleague reached the device first), could not
//! sign in again. The reset removes the PIN with its wrong-try count and lock, so the proctor's
//! next sign-in sets a new one, typed twice, as at first use. Only a chief examiner of the
//! proctor's site may reset, and only with the right PIN: the chief's try is recorded and counted
//! as every chief's PIN try is ([`Store::check_pin`], purpose `proctor-reset`), and the reset is
//! recorded among the proctor's tries (outcome `reset`), so the attempts table shows who reset
//! whose PIN, where and when.

use rusqlite::TransactionBehavior;

use crate::Store;
use crate::error::Result;
use crate::pin::Purpose;
use crate::pin_lock::DeviceTime;
use crate::proctor_pin::{AtRoom, chief_of_site, proctor_of_site, record_try};

impl Store {
    /// The chief examiner `chief` of the room's site resets the PIN of the proctor `proctor` of
    /// that site on this device, proven by the chief's `pin` at device time `now`. Refused, before
    /// any PIN is checked, for a room not of the site, a proctor of another site or anyone who is
    /// not a proctor, and anyone but a chief examiner of the site; a wrong PIN is counted toward
    /// the chief's lock.
    pub fn reset_proctor_pin(
        &mut self,
        at: AtRoom<'_>,
        proctor: &str,
        chief: &str,
        pin: &str,
        now: impl Into<DeviceTime>,
    ) -> Result<()> {
        let now = now.into();
        self.room_exists(at.sitting, at.site, at.room)?;
        proctor_of_site(&self.conn, proctor, at.site)?;
        chief_of_site(&self.conn, chief, at.site)?;
        // The try is about the sitting (for the office's record of PIN tries), no candidate.
        self.check_pin(
            chief,
            pin,
            &now,
            Purpose::ProctorReset,
            Some((at.sitting, "")),
        )?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM proctor_pin WHERE staff_id = ?1", [proctor])?;
        record_try(&tx, at, proctor, "reset", &now)?;
        tx.commit()?;
        Ok(())
    }
}
