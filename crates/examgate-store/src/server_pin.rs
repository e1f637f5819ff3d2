//! Chief examiners' PINs set at the site server, and how they reach the site's devices.
//!
//! A PIN set on a door device "at first use" is set by whoever holds the device, and an approval
//! it allows cannot be proven to anyone else. So on a site with a server the office sets each
//! chief's PIN there (`examgate serve chief-pin`): the server's store keeps a random salt, the
//! chief's proof key `K = argon2id(PIN, salt)` and its verifier ([`crate::pin_hash`]). The
//! catalogue carries the verifier and the salt, never `K`; a device applying it installs them as
//! that chief's PIN (the verifier in `chief_pin.hash`, told from a PHC string by its salt),
//! replacing one set on the device. When the chief approves at a door with the PIN, the device
//! makes `K` from the PIN typed, checks it against the verifier, and the event carries a proof the
//! server checks with its `K` (`examgate_core::chief_proof`).
//!
//! On a device enrolled with a server, the catalogue is the only source of chiefs' PINs: setting
//! one on the device is refused, and one set there before enrolling goes when a catalogue is
//! applied (an approval it allowed would be kept aside by the server). The wrong-try counter and
//! the lock-out stay as they are while the same PIN is installed again; a new one resets them, as
//! the office's reset always did.

use chrono::{DateTime, FixedOffset, Utc};
use examgate_core::chief_proof::ProofKey;
use examgate_core::model::Role;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::Store;
use crate::catalog::staff_member;
use crate::catalogue::{CatalogueStaff, catalogue_changed};
use crate::error::{Result, StoreError};
use crate::pin::check_pin_strength;
use crate::pin_hash::{new_proof_salt, proof_key, proof_verifier};

/// Installs the site's chiefs' PINs from an applied catalogue's `staff`, inside the apply's
/// transaction; the chiefs whose PIN on this device was removed go to `pins_removed`.
pub(crate) fn install(
    conn: &Connection,
    staff: &[CatalogueStaff],
    pins_removed: &mut Vec<String>,
) -> Result<()> {
    let enrolled = enrolled(conn)?;
    let now = Utc::now().to_rfc3339();
    for s in staff {
        match &s.pin {
            // The same PIN again keeps its counter and lock; another one replaces it whole.
            Some(pin) => {
                conn.execute(
                    "INSERT INTO chief_pin (staff_id, hash, set_at, proof_salt)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (staff_id) DO UPDATE SET hash = ?2, set_at = ?3,
                         proof_salt = ?4, proof_key = NULL, failures = 0, locked_until = NULL,
                         locked_boot_id = NULL, locked_boot_ms = NULL
                     WHERE chief_pin.hash IS NOT ?2 OR chief_pin.proof_salt IS NOT ?4",
                    params![s.id, pin.verifier, now, pin.salt],
                )?;
            }
            None => {
                let removed = conn.execute(
                    "DELETE FROM chief_pin WHERE staff_id = ?1 AND (proof_salt IS NOT NULL OR ?2)",
                    params![s.id, enrolled],
                )?;
                if removed > 0 {
                    pins_removed.push(s.id.clone());
                }
            }
        }
    }
    Ok(())
}

/// Whether this device is enrolled with a site server (whose catalogue then sets the PINs).
pub(crate) fn enrolled(conn: &Connection) -> Result<bool> {
    Ok(crate::server_link::link(conn)?.is_some())
}

/// Whether `chief`'s PIN here was set at the site server (`serve chief-pin`).
pub(crate) fn set_at_server(conn: &Connection, chief: &str) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT proof_salt IS NOT NULL FROM chief_pin WHERE staff_id = ?1",
            [chief],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(false))
}

impl Store {
    /// The site server's side: sets (or replaces: the office resetting it) a chief examiner's
    /// PIN, with a fresh proof-key salt and key, and moves the catalogue on so the site's devices
    /// get the new verifier. Refused for anyone who is not a chief examiner, for a weak PIN, and
    /// on a device enrolled with a server (the PIN is set at that server).
    pub fn set_pin_at_server(
        &mut self,
        chief: &str,
        pin: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<()> {
        if staff_member(&self.conn, chief)?.role != Role::ChiefExaminer {
            return Err(StoreError::NotChief(chief.to_string()));
        }
        check_pin_strength(pin)?;
        if enrolled(&self.conn)? {
            return Err(StoreError::PinSetAtServer(chief.to_string()));
        }
        let salt = new_proof_salt()?;
        let key = proof_key(pin, &salt)?;
        let verifier = proof_verifier(&key);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO chief_pin (staff_id, hash, set_at, proof_salt, proof_key)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (staff_id) DO UPDATE SET hash = ?2, set_at = ?3, proof_salt = ?4,
                 proof_key = ?5, failures = 0, locked_until = NULL, locked_boot_id = NULL,
                 locked_boot_ms = NULL",
            params![chief, verifier, now.to_rfc3339(), salt, key.as_slice()],
        )?;
        catalogue_changed(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// The proof key of `chief`, when they are a chief examiner of `site` whose PIN was set at
    /// this server: what an approval typed at a door with their PIN is checked against.
    pub fn chief_proof_key(&self, site: &str, chief: &str) -> Result<Option<ProofKey>> {
        let key: Option<Vec<u8>> = self
            .conn
            .prepare_cached(
                "SELECT k.proof_key FROM chief_pin k JOIN staff p ON p.id = k.staff_id
                 JOIN site st ON st.id = p.site_id
                 WHERE k.staff_id = ?1 AND st.name = ?2 AND p.role = ?3
                   AND k.proof_key IS NOT NULL",
            )?
            .query_row(params![chief, site, Role::ChiefExaminer.code()], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(key.and_then(|k| <ProofKey>::try_from(k.as_slice()).ok()))
    }
}
