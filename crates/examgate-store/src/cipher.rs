//! Opening the database encrypted: SQLCipher's key is set before anything else touches the file,
//! a wrong or missing key is a clear error (never a new, empty database in its place), and a
//! database written before encryption existed is encrypted once, in place, on its first open.
//!
//! The plaintext → encrypted step copies everything with `sqlcipher_export` into a new file beside
//! the old one, fsyncs it, and renames it over the old one (then fsyncs the folder): a crash
//! leaves either the old plaintext database, to be encrypted on the next open, or the whole
//! encrypted one. The filesystem may keep the old plaintext blocks until they are reused; the
//! database file itself no longer holds them.

use std::path::Path;

use rusqlite::{Connection, ErrorCode, params};

use crate::dbkey::{DbKey, is_plaintext_db};
use crate::error::{Result, StoreError};
use crate::private;

fn undecryptable(db: &Path, why: impl Into<String>) -> StoreError {
    StoreError::Undecryptable {
        path: db.display().to_string(),
        why: why.into(),
    }
}

/// Opens `db` (made empty and 0600 if absent) with `key` applied and checked.
pub(crate) fn open_keyed(db: &Path, key: &DbKey) -> Result<Connection> {
    private::prepare_database_files(db)?;
    if is_plaintext_db(db) {
        encrypt_in_place(db, key)?;
    }
    let conn = Connection::open(db)?;
    apply_key(&conn, db, key)?;
    Ok(conn)
}

/// `PRAGMA key` first, then proof that it opens the file: SQLCipher only finds out at the first
/// read. A build without SQLCipher would ignore the pragma and write plaintext: refused too.
pub(crate) fn apply_key(conn: &Connection, db: &Path, key: &DbKey) -> Result<()> {
    conn.pragma_update(None, "key", key.sql_value())?;
    let cipher: Option<String> = conn
        .query_row("PRAGMA cipher_version", [], |r| r.get(0))
        .ok();
    if cipher.is_none() {
        return Err(undecryptable(
            db,
            "本程序未带 SQLCipher 加密 (this build has no SQLCipher)",
        ));
    }
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::NotADatabase => {
            Err(undecryptable(
                db,
                "密钥不对或文件已损坏 (wrong key, or the file is damaged)",
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// Replaces the plaintext database at `db` with an encrypted copy of it.
///
/// Under an exclusive lock on the file (`flock`, apart from SQLite's own locks): two first opens
/// at once (the app and the office tool) would otherwise share the copy, one removing it mid-export
/// or putting it back over the other's encrypted file. The one that waited finds it encrypted.
fn encrypt_in_place(db: &Path, key: &DbKey) -> Result<()> {
    let _guard = private::lock(db)?;
    if !is_plaintext_db(db) {
        return Ok(());
    }
    let tmp = private::sibling(db, ".encrypting");
    // A leftover from a crash mid-copy: the plaintext original is still whole, start again.
    for stale in private::database_files(&tmp) {
        let _ = std::fs::remove_file(stale);
    }
    private::prepare_database_files(&tmp)?;
    {
        let plain = Connection::open(db)?;
        // Everything committed into the main file, and no -wal left to pair with the new file.
        plain.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        plain.pragma_update(None, "journal_mode", "DELETE")?;
        let tmp_text = tmp.to_string_lossy();
        plain.execute(
            "ATTACH DATABASE ?1 AS encrypted KEY ?2",
            params![tmp_text, key.sql_value()],
        )?;
        plain.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
        plain.execute_batch("DETACH DATABASE encrypted")?;
    }
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| undecryptable(db, format!("加密副本无法写入 (the encrypted copy): {e}")))?;
    for stale in private::database_files(db).iter().skip(1) {
        let _ = std::fs::remove_file(stale);
    }
    std::fs::rename(&tmp, db)
        .map_err(|e| undecryptable(db, format!("加密副本无法替换原文件 (rename): {e}")))?;
    private::sync_parent(db)?;
    for stale in private::database_files(&tmp).iter().skip(1) {
        let _ = std::fs::remove_file(stale);
    }
    Ok(())
}
