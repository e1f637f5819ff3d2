//! The platform's keystore, behind a trait: the database key is kept there instead of in a file
//! where one answers (see [`crate::DbKey::discover`] for the policy). The Linux desktop's is the
//! freedesktop Secret Service ([`SecretService`]); [`MemoryKeystore`] stands in for it in tests
//! and [`NoKeystore`] is the office CLI's and every platform without one.
//!
//! Every call either answers or says "unavailable" ([`Unavailable`]): a keystore that is absent,
//! locked, would need a password prompt, or is too slow counts as not there. Never a prompt, never
//! a hang.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

#[cfg(target_os = "linux")]
pub use crate::secret_service::SecretService;

/// Why the keystore cannot be used now (Chinese first).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unavailable(pub String);

/// A place that keeps a database's 256-bit key, found again by the database's absolute path.
pub trait Keystore: std::fmt::Debug + Send + Sync {
    /// What Settings calls it, e.g. `Secret Service：GNOME 密钥环`.
    fn name(&self) -> String;
    /// The key kept for `database` (an absolute path), `None` if it holds none.
    fn find(&self, database: &str) -> Result<Option<[u8; 32]>, Unavailable>;
    /// Keeps `key` for `database`, unless a key is kept for it already (then that one stays).
    fn store(&self, database: &str, key: &[u8; 32]) -> Result<(), Unavailable>;
}

/// The platform's keystore as the app uses it: the Secret Service on the session bus named by
/// `DBUS_SESSION_BUS_ADDRESS` on Linux (unavailable at once when that is unset), none elsewhere.
pub fn platform() -> Box<dyn Keystore> {
    #[cfg(target_os = "linux")]
    {
        Box::new(SecretService::from_env())
    }
    #[cfg(not(target_os = "linux"))]
    {
        Box::new(NoKeystore)
    }
}

/// No keystore: the office CLI, and platforms without one. Always unavailable.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoKeystore;

impl Keystore for NoKeystore {
    fn name(&self) -> String {
        "无 (none)".to_owned()
    }
    fn find(&self, _: &str) -> Result<Option<[u8; 32]>, Unavailable> {
        Err(Unavailable(
            "本机没有系统密钥库 (no system keystore)".to_owned(),
        ))
    }
    fn store(&self, _: &str, _: &[u8; 32]) -> Result<(), Unavailable> {
        Err(Unavailable(
            "本机没有系统密钥库 (no system keystore)".to_owned(),
        ))
    }
}

impl<T: Keystore + ?Sized> Keystore for &T {
    fn name(&self) -> String {
        (**self).name()
    }
    fn find(&self, database: &str) -> Result<Option<[u8; 32]>, Unavailable> {
        (**self).find(database)
    }
    fn store(&self, database: &str, key: &[u8; 32]) -> Result<(), Unavailable> {
        (**self).store(database, key)
    }
}

impl<T: Keystore + ?Sized> Keystore for Box<T> {
    fn name(&self) -> String {
        (**self).name()
    }
    fn find(&self, database: &str) -> Result<Option<[u8; 32]>, Unavailable> {
        (**self).find(database)
    }
    fn store(&self, database: &str, key: &[u8; 32]) -> Result<(), Unavailable> {
        (**self).store(database, key)
    }
}

/// The office tool's view of a keystore: it finds a key the app kept there (so `examgate --db`
/// opens an app's database on the same desktop), but never keeps a new one in it. A database the
/// office makes is copied between machines (to a server, to a colleague), and a key that lives
/// only in one user's keyring would not travel with it: new databases get the key file.
#[derive(Debug)]
pub struct FindOnly<K: Keystore>(pub K);

impl<K: Keystore> Keystore for FindOnly<K> {
    fn name(&self) -> String {
        self.0.name()
    }
    fn find(&self, database: &str) -> Result<Option<[u8; 32]>, Unavailable> {
        self.0.find(database)
    }
    fn store(&self, _: &str, _: &[u8; 32]) -> Result<(), Unavailable> {
        Err(Unavailable(
            "办公工具的新数据库使用密钥文件 (the office tool keeps new keys in files)".to_owned(),
        ))
    }
}

/// A keystore in memory that can be switched off: for testing the policy.
#[derive(Debug)]
pub struct MemoryKeystore {
    items: Mutex<HashMap<String, [u8; 32]>>,
    available: AtomicBool,
}

impl Default for MemoryKeystore {
    fn default() -> Self {
        MemoryKeystore {
            items: Mutex::new(HashMap::new()),
            available: AtomicBool::new(true),
        }
    }
}

impl MemoryKeystore {
    /// Makes it answer (`true`) or be unavailable (`false`), as a locked or absent keyring.
    pub fn set_available(&self, available: bool) {
        self.available.store(available, Ordering::SeqCst);
    }

    /// How many keys it holds.
    pub fn len(&self) -> usize {
        self.items.lock().map_or(0, |items| items.len())
    }

    /// Whether it holds no key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn check(&self) -> Result<(), Unavailable> {
        if self.available.load(Ordering::SeqCst) {
            Ok(())
        } else {
            Err(Unavailable(
                "密钥库已锁定 (the keystore is locked)".to_owned(),
            ))
        }
    }
}

impl Keystore for MemoryKeystore {
    fn name(&self) -> String {
        "内存 (in memory)".to_owned()
    }
    fn find(&self, database: &str) -> Result<Option<[u8; 32]>, Unavailable> {
        self.check()?;
        let items = self
            .items
            .lock()
            .map_err(|_| Unavailable("poisoned".to_owned()))?;
        Ok(items.get(database).copied())
    }
    fn store(&self, database: &str, key: &[u8; 32]) -> Result<(), Unavailable> {
        self.check()?;
        let mut items = self
            .items
            .lock()
            .map_err(|_| Unavailable("poisoned".to_owned()))?;
        items.entry(database.to_owned()).or_insert(*key);
        Ok(())
    }
}
