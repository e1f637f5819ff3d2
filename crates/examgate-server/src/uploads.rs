//! The server's record of photo uploads (`server_upload`, `server_photo`): who declared which
//! photo with which signature, and which photos are held whole. The bytes are in the photo folder
//! (`photo_files`); these rows say whose they are and whether they were checked.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use crate::db::ServerDb;
use crate::error::{Result, ServerError};
use crate::{sha256_hex, stamp};

/// An upload a device declared and has not completed.
#[derive(Debug, Clone)]
pub(crate) struct Declared {
    pub length: u64,
    pub sidecar: String,
}

/// What the signature check needs to know about the uploading device.
#[derive(Debug, Clone)]
pub(crate) struct Uploader {
    pub public_key: String,
    pub revoked: bool,
}

impl ServerDb {
    /// The open (not completed) upload of `sha256` by `device`, if declared.
    pub(crate) fn declared(&self, sha256: &str, device: Uuid) -> Result<Option<Declared>> {
        Ok(self
            .conn
            .query_row(
                "SELECT length, sidecar FROM server_upload
                  WHERE sha256 = ?1 AND device_id = ?2 AND completed_at IS NULL",
                params![sha256, device.to_string()],
                |r| {
                    Ok(Declared {
                        length: r.get::<_, i64>(0)?.max(0) as u64,
                        sidecar: r.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    /// Records (or re-records, replacing a declaration not yet completed) `device`'s upload.
    ///
    /// Committed without waiting for the disk (`synchronous = NORMAL` for this one commit; the
    /// connection is FULL otherwise): a declaration acknowledges no photo bytes. It survives the
    /// server being killed (the WAL is in the page cache), and the commit that completes the
    /// upload (FULL) flushes it with everything before it. A power cut before that may lose it:
    /// the device's next `POST` declares again and starts over, as it must anyway when the
    /// partial file lost its tail. One disk flush fewer per photo.
    pub(crate) fn declare(
        &self,
        sha256: &str,
        device: Uuid,
        length: u64,
        sidecar: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        let written = self.write_declaration(sha256, device, length, sidecar, now);
        // Back to FULL whatever happened: every other commit of this connection needs it.
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        written
    }

    fn write_declaration(
        &self,
        sha256: &str,
        device: Uuid,
        length: u64,
        sidecar: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO server_upload (sha256, device_id, length, sidecar, declared_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (sha256, device_id) DO UPDATE
                SET length = excluded.length, sidecar = excluded.sidecar,
                    declared_at = excluded.declared_at, completed_at = NULL",
            params![
                sha256,
                device.to_string(),
                length as i64,
                sidecar,
                stamp(now)
            ],
        )?;
        Ok(())
    }

    /// Forgets a refused upload.
    pub(crate) fn drop_upload(&self, sha256: &str, device: Uuid) -> Result<()> {
        self.conn.execute(
            "DELETE FROM server_upload WHERE sha256 = ?1 AND device_id = ?2 AND completed_at IS NULL",
            params![sha256, device.to_string()],
        )?;
        Ok(())
    }

    /// Marks `device`'s upload complete and the photo held (once, whoever completes it first).
    pub(crate) fn complete(
        &mut self,
        sha256: &str,
        device: Uuid,
        length: u64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE server_upload SET completed_at = ?3 WHERE sha256 = ?1 AND device_id = ?2",
            params![sha256, device.to_string(), stamp(now)],
        )?;
        tx.execute(
            "INSERT OR IGNORE INTO server_photo (sha256, length, device_id, stored_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![sha256, length as i64, device.to_string(), stamp(now)],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The device's enrolled key and whether it has been revoked since.
    pub(crate) fn uploader(&self, device: Uuid) -> Result<Uploader> {
        self.conn
            .query_row(
                "SELECT public_key, revoked_at IS NOT NULL FROM server_device WHERE device_id = ?1",
                [device.to_string()],
                |r| {
                    Ok(Uploader {
                        public_key: r.get(0)?,
                        revoked: r.get(1)?,
                    })
                },
            )
            .optional()?
            .ok_or(ServerError::Unauthorized)
    }

    /// The revoked device a token belonged to, if it is one: its unfinished uploads are dropped
    /// when it next knocks.
    pub(crate) fn revoked_device_for_token(&self, token: &str) -> Result<Option<Uuid>> {
        let id: Option<String> = self
            .conn
            .query_row(
                "SELECT device_id FROM server_device
                  WHERE token_sha256 = ?1 AND revoked_at IS NOT NULL",
                [sha256_hex(token.as_bytes())],
                |r| r.get(0),
            )
            .optional()?;
        Ok(id.and_then(|id| Uuid::parse_str(&id).ok()))
    }

    /// The photos `device` declared and never completed.
    pub(crate) fn open_uploads(&self, device: Uuid) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT sha256 FROM server_upload WHERE device_id = ?1 AND completed_at IS NULL",
        )?;
        let rows = stmt.query_map([device.to_string()], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The devices whose upload of `sha256` completed (checked): they hold its bytes already.
    pub(crate) fn completed_uploaders(&self, sha256: &str) -> Result<Vec<Uuid>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT device_id FROM server_upload WHERE sha256 = ?1 AND completed_at IS NOT NULL",
        )?;
        let rows = stmt.query_map([sha256], |r| r.get::<_, String>(0))?;
        let mut ids = Vec::new();
        for id in rows {
            ids.extend(Uuid::parse_str(&id?).ok());
        }
        Ok(ids)
    }

    /// How many photos the server holds whole.
    pub fn photo_count(&self) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM server_photo", [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synchronous(db: &ServerDb) -> i64 {
        db.conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_declaration_leaves_every_later_commit_fully_synced() {
        let dir = tempfile::tempdir().unwrap();
        let server = crate::Server::open(dir.path()).unwrap();
        let db = server.db();
        assert_eq!(synchronous(db), 2, "FULL to begin with");
        let (sha, device) = ("ab".repeat(32), Uuid::now_v7());
        // Refused (no such device): FULL again all the same.
        assert!(db.declare(&sha, device, 10, "{}", Utc::now()).is_err());
        assert_eq!(synchronous(db), 2, "FULL again after a refused declaration");
        db.conn
            .execute(
                "INSERT INTO server_device (device_id, public_key, name, site, role, staff,
                     token_sha256, enrolled_at)
                 VALUES (?1, 'k', 'door', '甲考点', 'proctor', 'J1', 't', 'now')",
                [device.to_string()],
            )
            .unwrap();
        db.declare(&sha, device, 10, "{}", Utc::now()).unwrap();
        assert_eq!(synchronous(db), 2, "FULL again after a declaration");
        assert_eq!(db.declared(&sha, device).unwrap().unwrap().length, 10);
    }
}
