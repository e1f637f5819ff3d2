//! The device's side of sync, kept in its own database so a copied database resumes where it
//! stopped: the pull cursor, the server's last acknowledged mark of this device's events, the
//! last sync and last failure, the clock offset measured, and the site's device keys the server
//! sent (what pulled events are checked against). The sync engine (examgate-sync) reads and
//! writes it; the app's header reads [`Store::sync_state`].

use chrono::{DateTime, FixedOffset};
use ed25519_dalek::VerifyingKey;
use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use crate::Store;
use crate::error::{Result, StoreError};

/// What this device knows of its sync with the site server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncState {
    /// The server's arrival order, pulled up to here.
    pub pull_cursor: u64,
    /// The server held this device's seqs `1..=acked_seq` when it last answered.
    pub acked_seq: u64,
    /// This device's last event seq (its own events: `1..=last_seq`).
    pub last_seq: u64,
    /// When the last full sync ended (device clock).
    pub last_sync_at: Option<DateTime<FixedOffset>>,
    /// The last measured clock offset: device minus server, and its error bound (µs).
    pub offset_us: Option<(i64, i64)>,
    pub offset_at: Option<DateTime<FixedOffset>>,
    /// Why the last attempt failed; `None` after a success.
    pub last_error: Option<(String, DateTime<FixedOffset>)>,
}

impl SyncState {
    /// This device's events the server has not acknowledged yet.
    pub fn pending(&self) -> u64 {
        self.last_seq.saturating_sub(self.acked_seq)
    }
}

/// One of the site's device keys, as the server lists it for a pull.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedDevice {
    pub device_id: Uuid,
    /// ed25519, 64 hex digits.
    pub public_key: String,
    /// `proctor` or `chief`.
    pub role: String,
    pub room: Option<String>,
    pub revoked: bool,
}

fn time(text: Option<String>) -> Option<DateTime<FixedOffset>> {
    text.and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
}

fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

const ENSURE: &str = "INSERT OR IGNORE INTO sync_state (singleton) VALUES (1)";

impl Store {
    /// This device's sync state (all zero before the first sync).
    pub fn sync_state(&self) -> Result<SyncState> {
        let last_seq: i64 = self
            .conn
            .query_row("SELECT last_seq FROM device", [], |r| r.get(0))?;
        let row = self
            .conn
            .query_row(
                "SELECT pull_cursor, acked_seq, last_sync_at, offset_us, offset_error_us,
                        offset_at, last_error, last_error_at FROM sync_state",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<i64>>(3)?,
                        r.get::<_, Option<i64>>(4)?,
                        r.get::<_, Option<String>>(5)?,
                        r.get::<_, Option<String>>(6)?,
                        r.get::<_, Option<String>>(7)?,
                    ))
                },
            )
            .optional()?;
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        let mut state = SyncState {
            last_seq: count(last_seq),
            ..SyncState::default()
        };
        if let Some((cursor, acked, at, off, err, off_at, error, error_at)) = row {
            state.pull_cursor = count(cursor);
            state.acked_seq = count(acked);
            state.last_sync_at = time(at);
            state.offset_us = off.zip(err);
            state.offset_at = time(off_at);
            state.last_error = error.zip(time(error_at));
        }
        Ok(state)
    }

    /// Records the server's mark of this device's events, as the server last said it (it can go
    /// back: a server restored from an older copy holds less, and this device must send again).
    pub fn set_acked_seq(&mut self, acked: u64) -> Result<()> {
        self.conn.execute(ENSURE, [])?;
        self.conn
            .execute("UPDATE sync_state SET acked_seq = ?1", [int(acked)])?;
        Ok(())
    }

    /// Records how far this device has pulled in the server's arrival order.
    pub fn set_pull_cursor(&mut self, cursor: u64) -> Result<()> {
        self.conn.execute(ENSURE, [])?;
        self.conn
            .execute("UPDATE sync_state SET pull_cursor = ?1", [int(cursor)])?;
        Ok(())
    }

    /// Records a clock measurement: device minus server, and its error bound, at device time `at`.
    pub fn set_clock_offset(
        &mut self,
        device_ahead_us: i64,
        error_us: i64,
        at: DateTime<FixedOffset>,
    ) -> Result<()> {
        self.conn.execute(ENSURE, [])?;
        self.conn.execute(
            "UPDATE sync_state SET offset_us = ?1, offset_error_us = ?2, offset_at = ?3",
            params![device_ahead_us, error_us, at.to_rfc3339()],
        )?;
        Ok(())
    }

    /// Records the end of a sync: a success at `at` clears the last error, a failure keeps the
    /// time of the last success and records why.
    pub fn record_sync_outcome(
        &mut self,
        error: Option<&str>,
        at: DateTime<FixedOffset>,
    ) -> Result<()> {
        self.conn.execute(ENSURE, [])?;
        match error {
            None => self.conn.execute(
                "UPDATE sync_state SET last_sync_at = ?1, last_error = NULL, last_error_at = NULL",
                [at.to_rfc3339()],
            )?,
            Some(e) => self.conn.execute(
                "UPDATE sync_state SET last_error = ?1, last_error_at = ?2",
                params![e, at.to_rfc3339()],
            )?,
        };
        Ok(())
    }

    /// Replaces the site's device keys with the server's list.
    pub fn set_trusted_devices(&mut self, devices: &[TrustedDevice]) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM sync_trust", [])?;
        for d in devices {
            tx.execute(
                "INSERT OR REPLACE INTO sync_trust (device_id, public_key, role, room, revoked)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    d.device_id.to_string(),
                    d.public_key,
                    d.role,
                    d.room,
                    d.revoked
                ],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The site's device keys the server last sent.
    pub fn trusted_devices(&self) -> Result<Vec<TrustedDevice>> {
        let mut stmt = self.conn.prepare(
            "SELECT device_id, public_key, role, room, revoked FROM sync_trust ORDER BY device_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, bool>(4)?,
            ))
        })?;
        rows.map(|row| {
            let (id, public_key, role, room, revoked) = row?;
            Ok(TrustedDevice {
                device_id: Uuid::parse_str(&id)
                    .map_err(|e| StoreError::CorruptEvent(format!("trusted device id: {e}")))?,
                public_key,
                role,
                room,
                revoked,
            })
        })
        .collect()
    }

    /// The trusted devices' keys, parsed: what [`Store::receive`]'s trust closure looks up. A key
    /// that does not parse is left out (its device's events are then quarantined, not merged).
    pub fn trusted_keys(&self) -> Result<Vec<(Uuid, VerifyingKey)>> {
        Ok(self
            .trusted_devices()?
            .into_iter()
            .filter_map(|d| {
                let mut raw = [0u8; 32];
                hex::decode_to_slice(&d.public_key, &mut raw).ok()?;
                Some((d.device_id, VerifyingKey::from_bytes(&raw).ok()?))
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(s).unwrap()
    }

    #[test]
    fn the_marks_are_kept_and_a_success_clears_the_last_error() {
        let mut store = Store::open_in_memory().unwrap();
        assert_eq!(store.sync_state().unwrap(), SyncState::default());
        store.set_acked_seq(3).unwrap();
        store.set_acked_seq(5).unwrap();
        store.set_pull_cursor(2).unwrap();
        store.set_pull_cursor(9).unwrap();
        store
            .record_sync_outcome(Some("无法连接"), at("2026-11-29T10:00:00+08:00"))
            .unwrap();
        let s = store.sync_state().unwrap();
        assert_eq!((s.acked_seq, s.pull_cursor), (5, 9));
        assert_eq!(s.last_error.as_ref().unwrap().0, "无法连接");
        assert_eq!(s.last_sync_at, None);
        store
            .record_sync_outcome(None, at("2026-11-29T10:01:00+08:00"))
            .unwrap();
        let s = store.sync_state().unwrap();
        assert_eq!(s.last_error, None);
        assert_eq!(s.last_sync_at, Some(at("2026-11-29T10:01:00+08:00")));
    }

    #[test]
    fn the_trust_list_is_replaced_whole_and_a_bad_key_is_left_out() {
        let mut store = Store::open_in_memory().unwrap();
        let key = ed25519_dalek::SigningKey::from_bytes(&[3; 32]).verifying_key();
        let good = TrustedDevice {
            device_id: Uuid::now_v7(),
            public_key: hex::encode(key.as_bytes()),
            role: "chief".into(),
            room: None,
            revoked: false,
        };
        let bad = TrustedDevice {
            device_id: Uuid::now_v7(),
            public_key: "zz".into(),
            role: "proctor".into(),
            room: Some("01".into()),
            revoked: true,
        };
        store
            .set_trusted_devices(&[good.clone(), bad.clone()])
            .unwrap();
        assert_eq!(store.trusted_devices().unwrap().len(), 2);
        assert_eq!(store.trusted_keys().unwrap(), vec![(good.device_id, key)]);
        store.set_trusted_devices(&[bad]).unwrap();
        assert_eq!(store.trusted_keys().unwrap(), vec![]);
    }
}
