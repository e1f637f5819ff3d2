//! The database key: 256 random bits that SQLCipher encrypts every page with, and where they are
//! kept.
//!
//! The app finds it with [`DbKey::discover`]: a key file already beside the database is used as
//! it is (a key is never moved silently); otherwise the platform's keystore ([`Keystore`]: on a
//! Linux desktop the Secret Service, i.e. GNOME Keyring or KWallet) keeps a new database's key
//! when it answers at once, and a plainly named file beside the database (`examgate.db.key`,
//! readable by its owner only) keeps it when it does not. A key file protects a copied database
//! file or a backup, not a device whose user account is open; the keystore also keeps the key off
//! the disk beside the data. Settings says which ([`KeyLocation::describe`]). The office CLI and
//! [`crate::Store::open`] use the key file only ([`DbKey::for_database`]).
//!
//! A key is created once and never replaced: a missing or wrong key, or a keystore that holds the
//! key but is unavailable now, is an error, never a silently new, empty database.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{Result, StoreError};
use crate::keystore::Keystore;
use crate::private;

/// Where a database key is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyLocation {
    /// A key file (64 hex digits), mode 0600, made because no keystore was available.
    File(PathBuf),
    /// A key file that was already there when the app looked: kept where it is.
    KeptFile(PathBuf),
    /// The platform's keystore, under this name (e.g. `Secret Service：GNOME 密钥环`).
    Keystore(String),
}

impl KeyLocation {
    /// What the Settings screen says about it, Chinese first.
    pub fn describe(&self) -> String {
        match self {
            KeyLocation::File(path) => format!(
                "文件 {}（仅本用户可读；本机没有可用的系统密钥库）(a file readable by this user only; no system keystore available on this machine)",
                path.display()
            ),
            KeyLocation::KeptFile(path) => format!(
                "文件 {}（仅本用户可读；这个数据库的密钥一直在这个文件里，不会被悄悄移走）(a file readable by this user only, where this database's key has always been)",
                path.display()
            ),
            KeyLocation::Keystore(name) => format!(
                "系统密钥库（{name}）；磁盘上没有密钥文件 (the system keystore; no key file on disk)"
            ),
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
                            "找不到密钥文件 {}；若数据库由应用建立，密钥可能在系统密钥库里，本工具只读密钥文件 (its key file is missing; if the app made the database its key may be in the system keystore, which this tool does not read)",
                            path.display()
                        ),
                    });
                }
                Self::create(&path)
            }
            Err(e) => Err(key_error(&path, e.to_string())),
        }
    }

    /// The key for the database at `db`, the app's way (see the module header):
    /// 1. a key file beside it ([`key_file_for`]) → that, as [`KeyLocation::KeptFile`];
    /// 2. an encrypted database without one → its key from `keystore`, or
    ///    [`StoreError::KeystoreUnavailable`] if the keystore does not answer now, or
    ///    [`StoreError::Undecryptable`] if it answers without the key;
    /// 3. a new (or still plaintext) database → the key `keystore` holds for it if any, else a
    ///    new one stored there (never over one stored meanwhile) and read back, with no key
    ///    file; a new key file only if the keystore is unavailable.
    pub fn discover(db: &Path, keystore: &dyn Keystore) -> Result<DbKey> {
        let path = key_file_for(db);
        match std::fs::symlink_metadata(&path) {
            Ok(_) => {
                let mut key = Self::load(&path)?;
                key.location = KeyLocation::KeptFile(path);
                return Ok(key);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(key_error(&path, e.to_string())),
        }
        let name = keystore_name(db);
        let encrypted = has_content(db) && !is_plaintext_db(db);
        let in_keystore = |bytes| DbKey::from_bytes(bytes, KeyLocation::Keystore(keystore.name()));
        match keystore.find(&name) {
            Ok(Some(bytes)) => Ok(in_keystore(bytes)),
            Ok(None) if encrypted => Err(StoreError::Undecryptable {
                path: db.display().to_string(),
                why: format!(
                    "找不到密钥文件 {}，系统密钥库里也没有它的密钥 (its key file is missing and the system keystore holds no key for it)",
                    path.display()
                ),
            }),
            Err(why) if encrypted => Err(StoreError::KeystoreUnavailable {
                path: db.display().to_string(),
                why: why.0,
            }),
            Ok(None) => {
                // A keystore's store need not be atomic (the Secret Service's is a search, then a
                // create that replaces): two first opens at once take turns on the database file,
                // and the second finds the first one's key.
                private::prepare_database_files(db)?;
                let _turn = private::lock(db)?;
                if let Ok(Some(bytes)) = keystore.find(&name) {
                    return Ok(in_keystore(bytes));
                }
                let key = DbKey::random(KeyLocation::File(path.clone()))?;
                // Used only as read back (another process that stored one first wins, as with
                // the key file); the file if it cannot be read back.
                match keystore
                    .store(&name, &key.bytes)
                    .and_then(|()| keystore.find(&name))
                {
                    Ok(Some(back)) => Ok(in_keystore(back)),
                    _ => Self::create(&path),
                }
            }
            Err(_) => Self::create(&path),
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

/// The name a database's key is kept under in a keystore: its absolute path (symbolic links in
/// its folder resolved), so the same file finds the same key however it was reached.
pub fn keystore_name(db: &Path) -> String {
    let resolved = db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .or(Some(Path::new(".")))
        .and_then(|dir| std::fs::canonicalize(dir).ok())
        .zip(db.file_name())
        .map(|(dir, name)| dir.join(name));
    resolved
        .or_else(|| std::path::absolute(db).ok())
        .unwrap_or_else(|| db.to_owned())
        .display()
        .to_string()
}

fn key_error(path: &Path, reason: String) -> StoreError {
    StoreError::DbKey {
        path: path.display().to_string(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Barrier};

    #[test]
    fn threads_making_one_key_file_at_once_all_use_the_key_it_holds() {
        for _ in 0..100 {
            let dir = tempfile::tempdir().unwrap();
            let db = dir.path().join("examgate.db");
            let barrier = Arc::new(Barrier::new(4));
            let keys: Vec<[u8; 32]> = (0..4)
                .map(|_| {
                    let (db, barrier) = (db.clone(), Arc::clone(&barrier));
                    std::thread::spawn(move || {
                        barrier.wait();
                        DbKey::for_database(&db).unwrap().bytes
                    })
                })
                .collect::<Vec<_>>()
                .into_iter()
                .map(|t| t.join().unwrap())
                .collect();
            let on_disk = DbKey::for_database(&db).unwrap().bytes;
            assert!(keys.iter().all(|k| *k == on_disk));
        }
    }
}
