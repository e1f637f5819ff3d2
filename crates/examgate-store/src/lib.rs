//! examgate's local store: one SQLite file per device holding the catalog the office imported and
//! the append-only event log of door acts.
//!
//! [`Store`] is the one owner of the connection. Every write that acknowledges something to a
//! person (an event, an import) commits before it returns, with `synchronous = FULL`, so it
//! survives the process being killed or the phone's battery dying a moment later.

mod catalog;
pub mod demo;
mod door;
pub mod error;
mod events;
mod fallback;
mod health;
pub mod import;
mod import_apply;
mod migrate;
pub mod pin;
mod staffing;

use std::path::Path;

use rusqlite::Connection;
use sha2::{Digest, Sha256};

pub use catalog::{RoomInfo, SiteInfo, SittingInfo, StaffInfo};
pub use door::{ActResult, CandidateCard, Tally};
pub use error::{Result, StoreError};
pub use import_apply::{ImportOptions, ImportReport, ImportedFile};
pub use staffing::StaffingWarning;

/// SHA-256 of `bytes` as lower-case hex: migration checksums and the import log.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The local database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
}

/// What a commit must survive before it is acknowledged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Durability {
    /// `synchronous = FULL`: every commit is fsynced, so it survives power loss and an OS crash as
    /// well as the app being killed. The door's default: an admission a proctor saw confirmed must
    /// survive a phone whose battery dies. Costs one fsync per act (see `examgate bench`).
    #[default]
    PowerLoss,
    /// `synchronous = NORMAL`: in WAL mode a commit survives the process being killed but the
    /// last commits may be lost on power loss. For bulk work that can be redone, and to measure
    /// what the fsync costs.
    ProcessCrash,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        Store::open_with(path, Durability::default())
    }

    /// Opens with the given durability.
    pub fn open_with(path: impl AsRef<Path>, durability: Durability) -> Result<Store> {
        Store::init(Connection::open(path)?, durability)
    }

    /// A private in-memory database, for tests.
    pub fn open_in_memory() -> Result<Store> {
        Store::init(Connection::open_in_memory()?, Durability::default())
    }

    fn init(mut conn: Connection, durability: Durability) -> Result<Store> {
        // WAL: readers (the tally) never block the door's writes.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        let sync = match durability {
            Durability::PowerLoss => "FULL",
            Durability::ProcessCrash => "NORMAL",
        };
        conn.pragma_update(None, "synchronous", sync)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate::run(&mut conn)?;
        events::ensure_device(&conn)?;
        Ok(Store { conn })
    }
}
