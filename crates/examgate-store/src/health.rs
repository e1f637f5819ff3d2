//! What a check after a crash reads: SQLite's own integrity check, the whole event log in
//! `(device, seq)` order (sequence numbers must be gap-free), and the photo files the log names.
//!
//! The kill -9 tests and the door's start-up sweep of orphaned photos read the database through
//! these instead of opening the file themselves, so they keep working whatever `Store::open` puts
//! between the file and SQLite (encryption at rest included).

use examgate_core::event::{Event, PhotoRef};

use crate::Store;
use crate::error::{Result, StoreError};

fn parse(body: &str) -> Result<Event> {
    serde_json::from_str(body).map_err(|e| StoreError::CorruptEvent(e.to_string()))
}

impl Store {
    /// The lines `PRAGMA integrity_check` reports: exactly `["ok"]` for a sound database.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let lines = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(lines.collect::<rusqlite::Result<_>>()?)
    }

    /// Every event in the log, ordered by recording device and sequence number.
    pub fn all_events(&self) -> Result<Vec<Event>> {
        let mut stmt = self
            .conn
            .prepare("SELECT body FROM event ORDER BY device, seq")?;
        let bodies = stmt.query_map([], |r| r.get::<_, String>(0))?;
        bodies.map(|b| parse(&b?)).collect()
    }

    /// The emergency photos the log names, with the label of the sitting each belongs to: every
    /// manual-verification request's and count-check photo, whatever happened afterwards.
    pub fn photo_refs(&self) -> Result<Vec<(String, PhotoRef)>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT body FROM event WHERE kind IN {} ORDER BY hlc, id",
            examgate_core::event::EventKind::PHOTO_KINDS_SQL
        ))?;
        let bodies = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut refs = Vec::new();
        for body in bodies {
            let event = parse(&body?)?;
            if let Some(photo) = event.kind.photo() {
                refs.push((event.sitting.clone(), photo.clone()));
            }
        }
        Ok(refs)
    }
}
