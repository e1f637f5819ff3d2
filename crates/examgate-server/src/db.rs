//! The server's own tables, on a second connection to the store's database file: the store owns
//! its connection (and the sync receive path goes through it), these tables are the server's.
//! Both connections are keyed with the same key file; WAL lets them share the file.

use std::path::Path;

use examgate_store::DbKey;
use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;

/// The server's migrations, applied as `server:<name>` after the store's own. Append only.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "20261129T091000_server_tables",
        include_str!("../migrations/20261129T091000_server_tables.sql"),
    ),
    (
        "20261129T100500_uploads",
        include_str!("../migrations/20261129T100500_uploads.sql"),
    ),
];

/// The connection to the server's tables.
#[derive(Debug)]
pub struct ServerDb {
    pub(crate) conn: Connection,
}

impl ServerDb {
    /// Opens the server's tables in the store database at `path`, which a store of this process
    /// has open with `key` (and so created and migrated).
    pub(crate) fn open(path: &Path, key: &DbKey) -> Result<ServerDb> {
        let mut conn = examgate_store::connect_again(path, key)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // FULL: a token handed out or a code marked used must survive a power cut, or a device
        // would hold a token the server forgot (or a code could be used twice).
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        examgate_store::apply_extension(&mut conn, "server", MIGRATIONS)?;
        Ok(ServerDb { conn })
    }

    /// Opens the server's tables in an existing database, or `None` when it holds none: the
    /// database of a device, not of a site server (`examgate export keys` tells the two apart
    /// this way). Never creates the server's tables in a database that has none.
    pub fn open_existing(path: &Path, key: &DbKey) -> Result<Option<ServerDb>> {
        let mut conn = examgate_store::connect_again(path, key)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        let is_server: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'server_device')",
            [],
            |r| r.get(0),
        )?;
        if !is_server {
            return Ok(None);
        }
        conn.pragma_update(None, "foreign_keys", "ON")?;
        examgate_store::apply_extension(&mut conn, "server", MIGRATIONS)?;
        Ok(Some(ServerDb { conn }))
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM server_setting WHERE key = ?1",
                [key],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO server_setting (key, value) VALUES (?1, ?2)",
            [key, value],
        )?;
        Ok(())
    }
}
