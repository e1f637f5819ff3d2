//! examgate's local store: one SQLite file per device holding the catalog the office imported and
//! the append-only event log of door acts.
//!
//! [`Store`] is the one owner of the connection. Every write that acknowledges something to a
//! person (an event, an import) commits before it returns, with `synchronous = FULL`, so it
//! survives the process being killed or the phone's battery dying a moment later.
//!
//! The file is encrypted with SQLCipher (`cipher`) under a key kept beside it or in the platform's
//! keystore (`dbkey`), and it and its key are readable by their owner only (`private`).

mod catalog;
mod catalogue;
mod catalogue_apply;
mod catalogue_check;
mod catalogue_export;
mod catalogue_write;
mod cipher;
mod closing;
mod dbkey;
mod door;
pub mod error;
mod events;
mod exam_time;
mod fallback;
mod health;
pub mod import;
mod import_apply;
pub mod keystore;
mod migrate;
mod photo_upload;
pub mod pin;
pub mod pin_hash;
mod pin_lock;
mod pin_tries;
mod private;
mod proctor_pin;
mod proctor_pin_reset;
mod quarantine;
mod receive;
mod room_acts;
mod room_steps;
#[cfg(target_os = "linux")]
mod secret_service;
mod server_link;
mod server_pin;
mod staffing;
mod sync_out;
mod sync_state;

use std::path::Path;

use rusqlite::Connection;
use sha2::{Digest, Sha256};

pub use catalog::{RoomInfo, SiteInfo, SittingInfo, StaffInfo};
pub use catalogue::{
    Catalogue, CatalogueCandidate, CatalogueContent, CatalogueRoom, CatalogueSitting,
    CatalogueStaff, CatalogueVersion, ChiefPin, PhotoRef,
};
pub use catalogue_apply::{CatalogueReport, MovedCandidate, is_newer};
pub use catalogue_check::{
    CatalogueRefusal, MAX_CATALOGUE_CANDIDATES, MAX_CATALOGUE_TEXT, MAX_REGISTRATION_PHOTO,
};
pub use dbkey::{DbKey, KeyLocation, key_file_for, keystore_name};
pub use door::{ListedCandidate, Recorded};
pub use error::{Result, StoreError};
pub use exam_time::{ClockChange, DecisionTime, ExamClockState};
pub use import_apply::{ImportOptions, ImportReport, ImportedFile, PreparedImport};
pub use migrate::apply_extension;
pub use pin::PinAttempt;
pub use pin_lock::{BootReading, DeviceTime};
pub use proctor_pin::AtRoom;
pub use quarantine::{QuarantineEntry, QuarantineReason, Quarantined};
pub use receive::ReceiveReport;
pub use server_link::ServerLink;
pub use staffing::StaffingWarning;
pub use sync_state::{SyncState, TrustedDevice};

/// SHA-256 of `bytes` as lower-case hex: migration checksums and the import log.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The local database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    /// Where the database key is kept (`None` in memory).
    key: Option<KeyLocation>,
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

    /// Opens with the given durability, with the key from the key file beside the database
    /// ([`DbKey::for_database`]; made at first open).
    pub fn open_with(path: impl AsRef<Path>, durability: Durability) -> Result<Store> {
        let key = DbKey::for_database(path.as_ref())?;
        Store::open_with_key(path, &key, durability)
    }

    /// Opens as the office tool does: a key file beside the database, or else a key the app
    /// kept in this desktop's keystore; a new database always gets a key file
    /// ([`keystore::FindOnly`]).
    pub fn open_office(path: impl AsRef<Path>) -> Result<Store> {
        let keystore = keystore::FindOnly(keystore::platform());
        Store::open_discovering(path, Durability::default(), &keystore)
    }

    /// Opens with the key found the app's way: a key file already beside the database, else the
    /// platform's `keystore` if it answers, else a new key file ([`DbKey::discover`]).
    pub fn open_discovering(
        path: impl AsRef<Path>,
        durability: Durability,
        keystore: &dyn keystore::Keystore,
    ) -> Result<Store> {
        let key = DbKey::discover(path.as_ref(), keystore)?;
        Store::open_with_key(path, &key, durability)
    }

    /// Opens with a key from elsewhere (the platform's keystore).
    pub fn open_with_key(
        path: impl AsRef<Path>,
        key: &DbKey,
        durability: Durability,
    ) -> Result<Store> {
        let path = path.as_ref();
        let conn = cipher::open_keyed(path, key)?;
        let mut store = Store::init(conn, durability)?;
        private::tighten_database_files(path)?;
        store.key = Some(key.location().clone());
        Ok(store)
    }

    /// A private in-memory database, for tests.
    pub fn open_in_memory() -> Result<Store> {
        Store::init(Connection::open_in_memory()?, Durability::default())
    }

    /// Where the database key is kept, for the Settings screen (`None` in memory).
    pub fn key_location(&self) -> Option<&KeyLocation> {
        self.key.as_ref()
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
        Ok(Store { conn, key: None })
    }
}

/// Another connection to the database at `path`, which a [`Store`] of this process already has
/// open with `key`: for a crate that keeps its own tables in the same database (the site server).
///
/// Unlike [`connect`] it does not look at the file outside SQLite. SQLite's locks are POSIX locks,
/// which belong to the process: closing any other descriptor of the file drops them all, and
/// another process closing its connection could then delete the WAL the open store still writes.
pub fn connect_again(path: impl AsRef<Path>, key: &DbKey) -> Result<Connection> {
    let path = path.as_ref();
    let conn = Connection::open(path)?;
    cipher::apply_key(&conn, path, key)?;
    Ok(conn)
}

/// A bare, keyed connection to the database at `path` (no migrations): for tools and tests that
/// look inside the file. The key comes from the key file beside it, as for [`Store::open`].
pub fn connect(path: impl AsRef<Path>) -> Result<Connection> {
    let path = path.as_ref();
    cipher::open_keyed(path, &DbKey::for_database(path)?)
}
