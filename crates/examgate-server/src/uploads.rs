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
    pub(crate) fn declare(
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

    /// How many photos the server holds whole.
    pub fn photo_count(&self) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM server_photo", [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }
}
