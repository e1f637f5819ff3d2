//! Which of this device's fallback photos the site server has acknowledged. A photo is pending
//! while one of this device's own events names it and the server has not confirmed holding it
//! whole; other devices' photos are theirs to upload. Kept here so a sync (and the header's
//! 待上传 M 张照片) counts what is left without a request per photo.

use chrono::{DateTime, Utc};
use examgate_core::event::{EventKind, PhotoRef};
use rusqlite::params;

use crate::Store;
use crate::error::{Result, StoreError};

impl Store {
    /// This device's photos the server has not confirmed, one per SHA-256, oldest first, with the
    /// label of the sitting each belongs to (its folder).
    pub fn pending_photo_refs(&self) -> Result<Vec<(String, PhotoRef)>> {
        let device = self.device_id()?.to_string();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT body FROM event WHERE kind IN {} AND device = ?1 ORDER BY seq",
            EventKind::PHOTO_KINDS_SQL
        ))?;
        let bodies = stmt.query_map([device], |r| r.get::<_, String>(0))?;
        let mut confirmed = self
            .conn
            .prepare("SELECT 1 FROM photo_upload WHERE sha256 = ?1")?;
        let mut seen = std::collections::HashSet::new();
        let mut refs = Vec::new();
        for body in bodies {
            let event: examgate_core::event::Event = serde_json::from_str(&body?)
                .map_err(|e| StoreError::CorruptEvent(e.to_string()))?;
            let Some(photo) = event.kind.photo().cloned() else {
                continue;
            };
            if photo.sha256.is_empty() || !seen.insert(photo.sha256.clone()) {
                continue;
            }
            if !confirmed.exists([&photo.sha256])? {
                refs.push((event.sitting, photo));
            }
        }
        Ok(refs)
    }

    /// How many of this device's photos are still to upload.
    pub fn pending_photos(&self) -> Result<u64> {
        Ok(self.pending_photo_refs()?.len() as u64)
    }

    /// Records that the server holds the photo `sha256` whole and checked.
    pub fn confirm_photo_upload(&mut self, sha256: &str, now: DateTime<Utc>) -> Result<()> {
        self.conn.execute(
            "INSERT OR IGNORE INTO photo_upload (sha256, confirmed_at) VALUES (?1, ?2)",
            params![sha256, now.to_rfc3339()],
        )?;
        Ok(())
    }
}
