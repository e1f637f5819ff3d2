//! The freedesktop Secret Service (GNOME Keyring, KWallet) on the session bus, as a
//! [`Keystore`]: the Linux desktop's keystore.
//!
//! Each use connects to the bus named by `DBUS_SESSION_BUS_ADDRESS` (unset: unavailable at once,
//! and libdbus is never asked to autolaunch a bus), on a worker thread that must answer within
//! [`SecretService::TIMEOUT`]; each D-Bus call has that timeout too, so a stuck daemon costs the
//! caller at most that long and the worker ends on its own. The service is not D-Bus-activated
//! (only one already running counts), nothing is unlocked and no prompt is ever shown: a locked
//! keyring, or one that asks for a password, counts as unavailable.
//!
//! The secret travels in the protocol's `plain` session: over the user's own session bus, which
//! only this user (or root) can connect to.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use dbus::Path as ObjectPath;
use dbus::arg::{PropMap, RefArg, Variant};
use dbus::blocking::stdintf::org_freedesktop_dbus::Properties;
use dbus::blocking::{Connection, Proxy};
use dbus::channel::Channel;

use crate::keystore::{Keystore, Unavailable};

const DEST: &str = "org.freedesktop.secrets";
const SERVICE_PATH: &str = "/org/freedesktop/secrets";
const SERVICE: &str = "org.freedesktop.Secret.Service";
const COLLECTION: &str = "org.freedesktop.Secret.Collection";
const ITEM: &str = "org.freedesktop.Secret.Item";
/// The libsecret-style schema the items are filed under (Seahorse shows it).
const SCHEMA: &str = "org.examgate.DatabaseKey";

/// The Secret Service on one session bus.
#[derive(Debug, Clone)]
pub struct SecretService {
    address: Option<String>,
    timeout: Duration,
    /// Which daemon answered last (`GNOME 密钥环`, `KWallet`), for Settings.
    provider: Arc<Mutex<Option<String>>>,
}

type Secret = (ObjectPath<'static>, Vec<u8>, Vec<u8>, String);

fn unavailable(what: &str, e: impl std::fmt::Display) -> Unavailable {
    Unavailable(format!("{what}: {e}"))
}

impl SecretService {
    /// How long any one use may take before the keystore counts as unavailable.
    pub const TIMEOUT: Duration = Duration::from_secs(2);

    /// The one on the session bus named by `DBUS_SESSION_BUS_ADDRESS`; with that unset (a
    /// headless test, a bare X server) it is unavailable without touching anything.
    pub fn from_env() -> SecretService {
        let address = std::env::var("DBUS_SESSION_BUS_ADDRESS")
            .ok()
            .filter(|a| !a.trim().is_empty());
        SecretService::on_bus(address, SecretService::TIMEOUT)
    }

    /// The one on the bus at `address` (`None`: no bus), each use bounded by `timeout`.
    pub fn on_bus(address: Option<String>, timeout: Duration) -> SecretService {
        SecretService {
            address,
            timeout,
            provider: Arc::new(Mutex::new(None)),
        }
    }

    /// Runs `job` against the service on a worker thread, giving up after the timeout.
    fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&Session) -> Result<T, Unavailable> + Send + 'static,
    ) -> Result<T, Unavailable> {
        let Some(address) = self.address.clone() else {
            return Err(Unavailable(
                "没有会话总线 (no session bus: DBUS_SESSION_BUS_ADDRESS is unset)".to_owned(),
            ));
        };
        let timeout = self.timeout;
        let provider = Arc::clone(&self.provider);
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("examgate-keystore".to_owned())
            .spawn(move || {
                let result = Session::open(&address, timeout).and_then(|session| {
                    if let Ok(mut p) = provider.lock() {
                        *p = Some(session.provider());
                    }
                    let out = job(&session);
                    session.close();
                    out
                });
                let _ = tx.send(result);
            })
            .map_err(|e| unavailable("无法启动线程 (cannot start a thread)", e))?;
        rx.recv_timeout(timeout).unwrap_or_else(|_| {
            Err(Unavailable(format!(
                "系统密钥库 {} 秒内没有应答 (no answer within {timeout:?})",
                timeout.as_secs_f32()
            )))
        })
    }
}

fn attributes(database: &str) -> HashMap<String, String> {
    HashMap::from([
        ("xdg:schema".to_owned(), SCHEMA.to_owned()),
        ("application".to_owned(), "examgate".to_owned()),
        ("database".to_owned(), database.to_owned()),
    ])
}

/// One connection and one open `plain` session with the service.
struct Session {
    conn: Connection,
    path: ObjectPath<'static>,
    timeout: Duration,
}

impl Session {
    fn open(address: &str, timeout: Duration) -> Result<Session, Unavailable> {
        let mut channel = Channel::open_private(address)
            .map_err(|e| unavailable("连不上会话总线 (cannot connect to the session bus)", e))?;
        channel
            .register()
            .map_err(|e| unavailable("会话总线不应答 (the session bus does not answer)", e))?;
        let conn = Connection::from(channel);
        let bus = conn.with_proxy("org.freedesktop.DBus", "/org/freedesktop/DBus", timeout);
        let (running,): (bool,) = bus
            .method_call("org.freedesktop.DBus", "NameHasOwner", (DEST,))
            .map_err(|e| unavailable("会话总线不应答 (the session bus does not answer)", e))?;
        if !running {
            return Err(Unavailable(
                "会话总线上没有正在运行的 Secret Service (no Secret Service running on the session bus)"
                    .to_owned(),
            ));
        }
        let service = conn.with_proxy(DEST, SERVICE_PATH, timeout);
        let (_, path): (Variant<Box<dyn RefArg>>, ObjectPath<'static>) = service
            .method_call(SERVICE, "OpenSession", ("plain", Variant("")))
            .map_err(|e| unavailable("Secret Service 拒绝会话 (refused a session)", e))?;
        Ok(Session {
            conn,
            path,
            timeout,
        })
    }

    fn proxy<'a>(&'a self, path: ObjectPath<'a>) -> Proxy<'a, &'a Connection> {
        self.conn.with_proxy(DEST, path, self.timeout)
    }

    fn service(&self) -> Proxy<'_, &Connection> {
        self.proxy(ObjectPath::from(SERVICE_PATH))
    }

    /// Which daemon owns the service, from its process name.
    fn provider(&self) -> String {
        let bus = self.conn.with_proxy(
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            self.timeout,
        );
        let pid: Option<(u32,)> = bus
            .method_call(
                "org.freedesktop.DBus",
                "GetConnectionUnixProcessID",
                (DEST,),
            )
            .ok();
        let comm = pid
            .and_then(|(pid,)| std::fs::read_to_string(format!("/proc/{pid}/comm")).ok())
            .unwrap_or_default();
        if comm.starts_with("gnome-keyring") {
            "Secret Service：GNOME 密钥环 (GNOME Keyring)".to_owned()
        } else if comm.contains("kwallet") || comm.contains("ksecret") {
            "Secret Service：KWallet".to_owned()
        } else {
            "Secret Service".to_owned()
        }
    }

    fn find(&self, database: &str) -> Result<Option<[u8; 32]>, Unavailable> {
        let (unlocked, locked): (Vec<ObjectPath<'static>>, Vec<ObjectPath<'static>>) = self
            .service()
            .method_call(SERVICE, "SearchItems", (attributes(database),))
            .map_err(|e| unavailable("无法查找密钥 (cannot search)", e))?;
        let Some(item) = unlocked.into_iter().next() else {
            // A locked keyring may hold the key without showing it: "not there" is only said
            // when every keyring is open.
            return if locked.is_empty() && !self.any_locked()? {
                Ok(None)
            } else {
                Err(Unavailable(
                    "密钥环已锁定 (the keyring is locked)".to_owned(),
                ))
            };
        };
        let ((_, _, value, _),): (Secret,) = self
            .proxy(item)
            .method_call(ITEM, "GetSecret", (self.path.clone(),))
            .map_err(|e| unavailable("无法读出密钥 (cannot read the key)", e))?;
        let mut key = [0u8; 32];
        hex::decode_to_slice(value.trim_ascii(), &mut key).map_err(|_| {
            Unavailable(
                "密钥库里的条目不是 64 位十六进制密钥 (the stored item is not a 64-hex-digit key)"
                    .to_owned(),
            )
        })?;
        Ok(Some(key))
    }

    fn any_locked(&self) -> Result<bool, Unavailable> {
        let fail = |e| unavailable("密钥环不应答 (the keyring does not answer)", e);
        let collections: Vec<ObjectPath<'static>> =
            self.service().get(SERVICE, "Collections").map_err(fail)?;
        for collection in collections {
            let locked: bool = self
                .proxy(collection)
                .get(COLLECTION, "Locked")
                .map_err(fail)?;
            if locked {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn store(&self, database: &str, key: &[u8; 32]) -> Result<(), Unavailable> {
        let (collection,): (ObjectPath<'static>,) = self
            .service()
            .method_call(SERVICE, "ReadAlias", ("default",))
            .map_err(|e| unavailable("找不到默认密钥环 (no default keyring)", e))?;
        if &*collection == "/" {
            return Err(Unavailable(
                "没有默认密钥环 (no default keyring)".to_owned(),
            ));
        }
        // GNOME Keyring's "session" keyring lives in memory: a key there is gone at logout.
        if collection.ends_with("/collection/session") {
            return Err(Unavailable(
                "默认密钥环只保存到注销为止 (the default keyring is the session one, forgotten at logout)"
                    .to_owned(),
            ));
        }
        let collection = self.proxy(collection);
        let locked: bool = collection
            .get(COLLECTION, "Locked")
            .map_err(|e| unavailable("密钥环不应答 (the keyring does not answer)", e))?;
        if locked {
            return Err(Unavailable(
                "密钥环已锁定 (the keyring is locked)".to_owned(),
            ));
        }
        // Another process that stored one first keeps its key (the caller reads it back).
        if self.find(database)?.is_some() {
            return Ok(());
        }
        let mut properties: PropMap = HashMap::new();
        properties.insert(
            format!("{ITEM}.Label"),
            Variant(Box::new(format!(
                "examgate 数据库密钥 (database key): {database}"
            ))),
        );
        properties.insert(
            format!("{ITEM}.Attributes"),
            Variant(Box::new(attributes(database))),
        );
        let secret: Secret = (
            self.path.clone(),
            Vec::new(),
            hex::encode(key).into_bytes(),
            "text/plain".to_owned(),
        );
        let (_, prompt): (ObjectPath<'static>, ObjectPath<'static>) = collection
            .method_call(COLLECTION, "CreateItem", (properties, secret, true))
            .map_err(|e| unavailable("无法存入密钥 (cannot store the key)", e))?;
        if &*prompt != "/" {
            // Never shown: dismissed, and the key goes to a file instead.
            let _: Result<(), _> =
                self.proxy(prompt)
                    .method_call("org.freedesktop.Secret.Prompt", "Dismiss", ());
            return Err(Unavailable(
                "密钥环要求输入密码 (the keyring asks for a password)".to_owned(),
            ));
        }
        Ok(())
    }

    fn close(&self) {
        let _: Result<(), _> = self.proxy(self.path.clone()).method_call(
            "org.freedesktop.Secret.Session",
            "Close",
            (),
        );
    }
}

impl Keystore for SecretService {
    fn name(&self) -> String {
        self.provider
            .lock()
            .ok()
            .and_then(|p| p.clone())
            .unwrap_or_else(|| "Secret Service".to_owned())
    }

    fn find(&self, database: &str) -> Result<Option<[u8; 32]>, Unavailable> {
        let database = database.to_owned();
        self.run(move |session| session.find(&database))
    }

    fn store(&self, database: &str, key: &[u8; 32]) -> Result<(), Unavailable> {
        let database = database.to_owned();
        let key = *key;
        self.run(move |session| session.store(&database, &key))
    }
}
