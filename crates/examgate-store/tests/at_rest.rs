//! A lost phone or a copied file: the database on disk is encrypted (no ID number, no SQLite
//! header in it), only its owner can read it or its key, a wrong or missing key is a clear error
//! that leaves the file alone, and a database written before encryption is encrypted on open.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use std::path::{Path, PathBuf};

use examgate_store::keystore::{FindOnly, Keystore, MemoryKeystore, NoKeystore};
use examgate_store::{
    DbKey, Durability, KeyLocation, Store, StoreError, key_file_for, keystore_name,
};

const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";

fn demo_db(dir: &Path) -> PathBuf {
    let db = dir.join("door.db");
    examgate_demo::load(&mut Store::open(&db).unwrap()).unwrap();
    db
}

/// An ID number the demo stored, read back through a keyed connection.
fn an_id_number(db: &Path) -> String {
    examgate_store::connect(db)
        .unwrap()
        .query_row(
            "SELECT document_number FROM candidate WHERE length(document_number) = 18 LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The database and whichever of its -wal/-shm exist, concatenated.
fn bytes_on_disk(db: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let mut name = db.as_os_str().to_os_string();
        name.push(suffix);
        if let Ok(b) = std::fs::read(PathBuf::from(name)) {
            all.extend(b);
        }
    }
    all
}

#[test]
fn the_database_on_disk_holds_no_id_number_and_no_sqlite_header() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let id = an_id_number(&db);
    assert_eq!(id.len(), 18, "{id}");
    // While open (WAL in use) and after closing.
    let open = Store::open(&db).unwrap();
    let live = bytes_on_disk(&db);
    assert!(!contains(&live, id.as_bytes()));
    assert!(!contains(&live, SQLITE_MAGIC));
    drop(open);
    let closed = std::fs::read(&db).unwrap();
    assert!(!closed.starts_with(SQLITE_MAGIC));
    assert!(!contains(&closed, id.as_bytes()));
    assert!(!contains(&closed, "襄阳电大校本部".as_bytes()));
}

#[test]
fn the_key_is_kept_in_a_plainly_named_file_beside_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("examgate.db");
    let store = Store::open(&db).unwrap();
    let key_file = dir.path().join("examgate.db.key");
    assert_eq!(key_file_for(&db), key_file);
    assert_eq!(
        store.key_location(),
        Some(&KeyLocation::File(key_file.clone()))
    );
    let text = std::fs::read_to_string(&key_file).unwrap();
    assert_eq!(text.trim_end().len(), 64);
    let described = store.key_location().unwrap().describe();
    assert!(described.starts_with("文件 "), "{described}");
    assert!(described.contains("examgate.db.key"), "{described}");
}

#[test]
fn opening_with_a_wrong_key_fails_clearly_and_leaves_the_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let before = std::fs::read(&db).unwrap();
    std::fs::write(key_file_for(&db), format!("{}\n", "ab".repeat(32))).unwrap();

    let err = Store::open(&db).unwrap_err();
    assert!(matches!(err, StoreError::Undecryptable { .. }), "{err}");
    assert_eq!(err.code(), "db-undecryptable");
    assert!(err.to_string().starts_with("数据库无法解密"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn a_missing_key_file_is_an_error_and_never_a_new_empty_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let before = std::fs::read(&db).unwrap();
    std::fs::remove_file(key_file_for(&db)).unwrap();

    let err = Store::open(&db).unwrap_err();
    assert_eq!(err.code(), "db-undecryptable", "{err}");
    assert!(err.to_string().contains("数据库无法解密"), "{err}");
    assert!(!key_file_for(&db).exists(), "a new key was made");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn a_plaintext_database_from_before_encryption_is_encrypted_on_open_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let encrypted = demo_db(dir.path());
    let id = an_id_number(&encrypted);
    let candidates = |db: &Path| -> i64 {
        examgate_store::connect(db)
            .unwrap()
            .query_row("SELECT count(*) FROM candidate", [], |r| r.get(0))
            .unwrap()
    };
    let expected = candidates(&encrypted);

    // What the program wrote before this change: the same schema and rows, in plain SQLite.
    let old = dir.path().join("old").join("examgate.db");
    std::fs::create_dir(old.parent().unwrap()).unwrap();
    let conn = examgate_store::connect(&encrypted).unwrap();
    conn.execute(
        "ATTACH DATABASE ?1 AS plaintext KEY ''",
        [old.to_str().unwrap()],
    )
    .unwrap();
    conn.query_row("SELECT sqlcipher_export('plaintext')", [], |_| Ok(()))
        .unwrap();
    conn.execute_batch("DETACH DATABASE plaintext").unwrap();
    drop(conn);
    let plain = std::fs::read(&old).unwrap();
    assert!(plain.starts_with(SQLITE_MAGIC));
    assert!(contains(&plain, id.as_bytes()));

    let store = Store::open(&old).unwrap();
    assert!(!store.sittings().unwrap().is_empty());
    drop(store);
    let now = std::fs::read(&old).unwrap();
    assert!(!now.starts_with(SQLITE_MAGIC));
    assert!(!contains(&now, id.as_bytes()));
    assert_eq!(candidates(&old), expected);
    let left: Vec<String> = std::fs::read_dir(old.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("encrypting"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn two_first_opens_of_a_plaintext_database_at_once_encrypt_it_once_and_keep_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let encrypted = demo_db(dir.path());
    let candidates = |conn: &rusqlite::Connection| -> i64 {
        conn.query_row("SELECT count(*) FROM candidate", [], |r| r.get(0))
            .unwrap()
    };
    let expected = candidates(&examgate_store::connect(&encrypted).unwrap());
    let template = dir.path().join("plaintext.db");
    let conn = examgate_store::connect(&encrypted).unwrap();
    conn.execute(
        "ATTACH DATABASE ?1 AS plaintext KEY ''",
        [template.to_str().unwrap()],
    )
    .unwrap();
    conn.query_row("SELECT sqlcipher_export('plaintext')", [], |_| Ok(()))
        .unwrap();
    conn.execute_batch("DETACH DATABASE plaintext").unwrap();
    drop(conn);

    for round in 0..20 {
        let old = dir.path().join(format!("round{round}")).join("examgate.db");
        std::fs::create_dir(old.parent().unwrap()).unwrap();
        std::fs::copy(&template, &old).unwrap();
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        let opens: Vec<_> = (0..2)
            .map(|_| {
                let (old, barrier) = (old.clone(), std::sync::Arc::clone(&barrier));
                std::thread::spawn(move || {
                    barrier.wait();
                    examgate_store::connect(&old).map(|conn| candidates(&conn))
                })
            })
            .collect();
        for open in opens {
            assert_eq!(open.join().unwrap().unwrap(), expected, "round {round}");
        }
        assert_eq!(
            candidates(&examgate_store::connect(&old).unwrap()),
            expected
        );
    }
}

#[cfg(unix)]
#[test]
fn the_database_its_wal_and_shm_and_its_key_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("door.db");
    let mut store = Store::open(&db).unwrap();
    examgate_demo::load(&mut store).unwrap();
    let mode = |p: PathBuf| std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
    let with = |suffix: &str| {
        let mut name = db.as_os_str().to_os_string();
        name.push(suffix);
        PathBuf::from(name)
    };
    assert_eq!(mode(db.clone()), 0o600);
    assert_eq!(mode(with("-wal")), 0o600);
    assert_eq!(mode(with("-shm")), 0o600);
    assert_eq!(mode(key_file_for(&db)), 0o600);
    drop(store);

    // A file made world-readable before this rule is tightened on the next open.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    drop(Store::open(&db).unwrap());
    assert_eq!(mode(db), 0o600);
}

// The app's way to the key (DbKey::discover), against a keystore in memory that can be locked.

fn open_discovering(db: &Path, keystore: &dyn Keystore) -> Result<Store, StoreError> {
    Store::open_discovering(db, Durability::default(), keystore)
}

#[test]
fn a_new_database_keeps_its_key_in_the_keystore_and_writes_no_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("examgate.db");
    let keystore = MemoryKeystore::default();
    let mut store = open_discovering(&db, &keystore).unwrap();
    examgate_demo::load(&mut store).unwrap();
    assert!(matches!(
        store.key_location(),
        Some(KeyLocation::Keystore(_))
    ));
    let described = store.key_location().unwrap().describe();
    assert!(described.starts_with("系统密钥库（"), "{described}");
    assert!(!key_file_for(&db).exists());
    assert_eq!(keystore.len(), 1);
    assert!(keystore.find(&keystore_name(&db)).unwrap().is_some());
    drop(store);

    // Reopened: the same key, from the keystore; without it the file is unreadable.
    let store = open_discovering(&db, &keystore).unwrap();
    assert!(!store.sittings().unwrap().is_empty());
    drop(store);
    let err = Store::open(&db).unwrap_err();
    assert_eq!(err.code(), "db-undecryptable", "{err}");
    assert!(!key_file_for(&db).exists(), "a key file was made");
}

#[test]
fn a_key_file_already_beside_the_database_is_used_and_never_moved_to_the_keystore() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let key_file = key_file_for(&db);
    let before = std::fs::read(&key_file).unwrap();
    let keystore = MemoryKeystore::default();

    let store = open_discovering(&db, &keystore).unwrap();
    assert!(!store.sittings().unwrap().is_empty());
    assert_eq!(
        store.key_location(),
        Some(&KeyLocation::KeptFile(key_file.clone()))
    );
    let described = store.key_location().unwrap().describe();
    assert!(described.starts_with("文件 "), "{described}");
    assert!(described.contains("仅本用户可读"), "{described}");
    assert!(keystore.is_empty(), "the key was copied to the keystore");
    assert_eq!(std::fs::read(&key_file).unwrap(), before);
}

#[test]
fn without_a_keystore_a_new_database_gets_an_owner_only_key_file() {
    let dir = tempfile::tempdir().unwrap();
    for (name, keystore) in [
        ("none.db", &NoKeystore as &dyn Keystore),
        ("locked.db", &{
            let locked = MemoryKeystore::default();
            locked.set_available(false);
            locked
        }),
    ] {
        let db = dir.path().join(name);
        let store = open_discovering(&db, keystore).unwrap();
        let key_file = key_file_for(&db);
        assert_eq!(
            store.key_location(),
            Some(&KeyLocation::File(key_file.clone()))
        );
        let described = store.key_location().unwrap().describe();
        assert!(described.starts_with("文件 "), "{described}");
        assert!(
            described.contains("本机没有可用的系统密钥库"),
            "{described}"
        );
        assert_eq!(
            std::fs::read_to_string(&key_file).unwrap().trim_end().len(),
            64
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        drop(store);
        // The CLI's way (the file only) opens it too.
        drop(Store::open(&db).unwrap());
    }
}

#[test]
fn a_database_whose_key_is_in_a_keystore_unavailable_now_is_a_typed_error_and_never_a_new_database()
{
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("examgate.db");
    let keystore = MemoryKeystore::default();
    examgate_demo::load(&mut open_discovering(&db, &keystore).unwrap()).unwrap();
    let before = std::fs::read(&db).unwrap();

    keystore.set_available(false);
    let err = open_discovering(&db, &keystore).unwrap_err();
    assert_eq!(err.code(), "db-keystore-unavailable", "{err}");
    assert!(err.to_string().contains("系统密钥库现在不可用"), "{err}");
    assert!(err.to_string().contains("密钥库已锁定"), "{err}");
    assert!(!key_file_for(&db).exists(), "a new key file was made");
    assert_eq!(std::fs::read(&db).unwrap(), before);

    // Unlocked again: the same data.
    keystore.set_available(true);
    assert!(
        !open_discovering(&db, &keystore)
            .unwrap()
            .sittings()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_keystore_that_answers_without_the_key_leaves_the_database_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("examgate.db");
    examgate_demo::load(&mut open_discovering(&db, &MemoryKeystore::default()).unwrap()).unwrap();
    let before = std::fs::read(&db).unwrap();

    let err = open_discovering(&db, &MemoryKeystore::default()).unwrap_err();
    assert_eq!(err.code(), "db-undecryptable", "{err}");
    assert!(
        err.to_string().contains("系统密钥库里也没有它的密钥"),
        "{err}"
    );
    assert!(!key_file_for(&db).exists());
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn the_keystore_names_a_database_by_its_absolute_path() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("examgate.db");
    let name = keystore_name(&db);
    assert!(Path::new(&name).is_absolute(), "{name}");
    assert!(name.ends_with("examgate.db"), "{name}");
    let key = DbKey::discover(&db, &MemoryKeystore::default()).unwrap();
    assert!(matches!(key.location(), KeyLocation::Keystore(_)));
}

/// A keystore seen by a second process that looked just before the first one stored its key.
#[derive(Debug)]
struct LookedTooEarly<'a> {
    keystore: &'a MemoryKeystore,
    looked: std::sync::atomic::AtomicBool,
}

impl Keystore for LookedTooEarly<'_> {
    fn name(&self) -> String {
        self.keystore.name()
    }
    fn find(
        &self,
        database: &str,
    ) -> Result<Option<[u8; 32]>, examgate_store::keystore::Unavailable> {
        if self.looked.swap(true, std::sync::atomic::Ordering::SeqCst) {
            self.keystore.find(database)
        } else {
            Ok(None)
        }
    }
    fn store(
        &self,
        database: &str,
        key: &[u8; 32],
    ) -> Result<(), examgate_store::keystore::Unavailable> {
        self.keystore.store(database, key)
    }
}

#[test]
fn two_first_opens_at_once_end_with_one_key_in_the_keystore() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("examgate.db");
    let keystore = MemoryKeystore::default();
    let first = DbKey::discover(&db, &keystore).unwrap();
    let second = DbKey::discover(
        &db,
        &LookedTooEarly {
            keystore: &keystore,
            looked: std::sync::atomic::AtomicBool::new(false),
        },
    )
    .unwrap();
    assert_eq!(keystore.len(), 1);

    let mut store = Store::open_with_key(&db, &first, Durability::default()).unwrap();
    examgate_demo::load(&mut store).unwrap();
    drop(store);
    let store = Store::open_with_key(&db, &second, Durability::default()).unwrap();
    assert!(!store.sittings().unwrap().is_empty());
    assert!(!key_file_for(&db).exists());
}

/// A keystore whose `store` is not atomic, as the Secret Service's is not (a search, then a
/// create that replaces an item with the same attributes): the last one stored wins.
#[derive(Debug, Default)]
struct LastStoreWins(std::sync::Mutex<std::collections::HashMap<String, [u8; 32]>>);

impl Keystore for LastStoreWins {
    fn name(&self) -> String {
        "last store wins".to_owned()
    }
    fn find(
        &self,
        database: &str,
    ) -> Result<Option<[u8; 32]>, examgate_store::keystore::Unavailable> {
        Ok(self.0.lock().unwrap().get(database).copied())
    }
    fn store(
        &self,
        database: &str,
        key: &[u8; 32],
    ) -> Result<(), examgate_store::keystore::Unavailable> {
        if self.find(database)?.is_none() {
            std::thread::sleep(std::time::Duration::from_millis(2));
            self.0.lock().unwrap().insert(database.to_owned(), *key);
        }
        Ok(())
    }
}

#[test]
fn two_first_opens_at_once_agree_on_the_key_even_when_the_keystore_store_is_not_atomic() {
    for round in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("examgate.db");
        let keystore = std::sync::Arc::new(LastStoreWins::default());
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        let opens: Vec<_> = (0..2)
            .map(|_| {
                let (db, keystore, barrier) = (
                    db.clone(),
                    std::sync::Arc::clone(&keystore),
                    std::sync::Arc::clone(&barrier),
                );
                std::thread::spawn(move || {
                    barrier.wait();
                    DbKey::discover(&db, &*keystore).unwrap()
                })
            })
            .collect();
        let keys: Vec<DbKey> = opens.into_iter().map(|t| t.join().unwrap()).collect();
        let mut store = Store::open_with_key(&db, &keys[0], Durability::default()).unwrap();
        examgate_demo::load(&mut store).unwrap();
        drop(store);
        let store = Store::open_with_key(&db, &keys[1], Durability::default())
            .unwrap_or_else(|e| panic!("round {round}: {e}"));
        assert!(!store.sittings().unwrap().is_empty());
    }
}

// The office tool's way (FindOnly): it opens what the app keeps in the keystore, and makes files.

#[test]
fn the_office_tool_opens_a_database_whose_key_the_app_kept_in_the_keystore() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("examgate.db");
    let keystore = MemoryKeystore::default();
    examgate_demo::load(&mut open_discovering(&db, &keystore).unwrap()).unwrap();
    assert!(!key_file_for(&db).exists());

    let office = FindOnly(&keystore);
    let store = open_discovering(&db, &office).unwrap();
    assert!(!store.sittings().unwrap().is_empty());
    assert!(
        !key_file_for(&db).exists(),
        "the office tool wrote a key file"
    );
}

#[test]
fn the_office_tool_keeps_a_new_databases_key_in_a_file_never_in_the_keystore() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let keystore = MemoryKeystore::default();
    let store = open_discovering(&db, &FindOnly(&keystore)).unwrap();
    assert!(matches!(store.key_location(), Some(KeyLocation::File(_))));
    assert!(key_file_for(&db).exists());
    assert!(
        keystore.is_empty(),
        "the office tool kept a key in the keystore"
    );
}
