//! The database key: 256 random bits that SQLCipher encrypts every page with, and where they are
//! kept.
//!
//! Where the platform has a keystore (Android Keystore, iOS Keychain) the app shell should hold
//! the key there and open the store with [`crate::Store::open_with_key`]. On a desktop there is
//! no keystore that works without a session daemon, so [`DbKey::for_database`] keeps the key in a
//! plainly named file beside the database (`examgate.db.key`), readable by its owner only: it
//! protects a copied database file or a backup, not a device whose user account is open. Settings
//! says which of the two it is ([`KeyLocation::describe`]).
//!
//! A key file is created once and never replaced: a missing or wrong key is an error, never a
//! silently new, empty database.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{Result, StoreError};
use crate::private;

/// Where a database key is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyLocation {
    /// A key file (64 hex digits), mode 0600.
    File(PathBuf),
    /// The platform's keystore, under this name.
    Keystore(String),
}

impl KeyLocation {
    /// What the Settings screen says about it, Chinese first.
    pub fn describe(&self) -> String {
        match self {
            KeyLocation::File(path) => format!(
                "文件 {}（仅本用户可读；本平台无系统密钥库）(a file readable by this user only; no system keystore on this platform)",
                path.display()
            ),
            KeyLocation::Keystore(name) => {
                format!("系统密钥库 {name} (the platform keystore)")
            }
        }
    }
}

/// A 256-bit SQLCipher key and where it came from. Its bytes are never printed.
#[derive(Clone)]
pub struct DbKey {
    bytes: [u8; 32],
    location: KeyLocation,
}

impl fmt::Debug for DbKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DbKey")
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

impl Drop for DbKey {
    fn drop(&mut self) {
        self.bytes.fill(0);
    }
}

/// The key file's name for the database at `db`: `<db file name>.key` beside it.
pub fn key_file_for(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".key");
    db.with_file_name(name)
}

/// Whether the file at `db` is an unencrypted SQLite database (its header is in clear text).
pub(crate) fn is_plaintext_db(db: &Path) -> bool {
    use std::io::Read;
    let mut header = [0u8; 16];
    std::fs::File::open(db)
        .and_then(|mut f| f.read_exact(&mut header))
        .is_ok_and(|()| &header == b"SQLite format 3\0")
}

fn has_content(db: &Path) -> bool {
    std::fs::metadata(db).is_ok_and(|m| m.len() > 0)
}

impl DbKey {
    /// A key held somewhere else (the platform keystore).
    pub fn from_bytes(bytes: [u8; 32], location: KeyLocation) -> DbKey {
        DbKey { bytes, location }
    }

    /// A fresh random key (not stored anywhere yet).
    pub fn random(location: KeyLocation) -> Result<DbKey> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| StoreError::DbKey {
            path: String::new(),
            reason: format!("系统无随机数 (no randomness from the system): {e}"),
        })?;
        Ok(DbKey { bytes, location })
    }

    /// The key for the database at `db`, from its key file ([`key_file_for`]). Made (and the
    /// file written, 0600) when neither the file nor an encrypted database exists yet; an
    /// encrypted database without its key file is an error.
    pub fn for_database(db: &Path) -> Result<DbKey> {
        let path = key_file_for(db);
        match std::fs::symlink_metadata(&path) {
            Ok(_) => Self::load(&path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if has_content(db) && !is_plaintext_db(db) {
                    return Err(StoreError::Undecryptable {
                        path: db.display().to_string(),
                        why: format!(
                            "找不到密钥文件 {} (its key file is missing)",
                            path.display()
                        ),
                    });
                }
                Self::create(&path)
            }
            Err(e) => Err(key_error(&path, e.to_string())),
        }
    }

    fn load(path: &Path) -> Result<DbKey> {
        private::owner_only(path)?;
        let text = std::fs::read_to_string(path).map_err(|e| key_error(path, e.to_string()))?;
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text.trim_end_matches(['\n', '\r']), &mut bytes).map_err(|_| {
            key_error(
                path,
                "不是 64 位十六进制密钥 (not a 64-hex-digit key)".to_owned(),
            )
        })?;
        Ok(DbKey {
            bytes,
            location: KeyLocation::File(path.to_owned()),
        })
    }

    fn create(path: &Path) -> Result<DbKey> {
        let key = DbKey::random(KeyLocation::File(path.to_owned()))?;
        let text = format!("{}\n", hex::encode(key.bytes));
        if private::write_new_file(path, text.as_bytes())? {
            Ok(key)
        } else {
            // Another process made it first: use theirs.
            Self::load(path)
        }
    }

    /// Where the key is kept.
    pub fn location(&self) -> &KeyLocation {
        &self.location
    }

    /// `"x'…'"`: SQLCipher's raw-key form (no passphrase derivation: the key is random already).
    pub(crate) fn sql_value(&self) -> String {
        format!("x'{}'", hex::encode(self.bytes))
    }
}

fn key_error(path: &Path, reason: String) -> StoreError {
    StoreError::DbKey {
        path: path.display().to_string(),
        reason,
    }
}
