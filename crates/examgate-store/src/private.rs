//! Owner-only files: the database, its `-wal`/`-shm`, and its key file hold ID numbers, photos
//! and PIN hashes, so on unix they are 0600 (folders 0700) whoever creates them, and a file made
//! before this rule is tightened the next time it is opened. Elsewhere the platform's per-user
//! app storage is what protects them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Result, StoreError};

fn fs_error(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Private {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// Sets an existing file to 0600 (a no-op off unix).
pub(crate) fn owner_only(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| fs_error(path, e))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// `path` with `suffix` appended to its file name (`door.db` → `door.db-wal`).
pub(crate) fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// `db`, `db-wal`, `db-shm`: the files SQLite keeps for one database.
pub(crate) fn database_files(db: &Path) -> [PathBuf; 3] {
    [db.to_owned(), sibling(db, "-wal"), sibling(db, "-shm")]
}

/// Makes the database file (empty, 0600) if it does not exist, so SQLite, which gives the
/// `-wal` and `-shm` files the database file's mode, never makes a world-readable one; tightens
/// any of the three that exist.
pub(crate) fn prepare_database_files(db: &Path) -> Result<()> {
    match open_options().open(db) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(fs_error(db, e)),
    }
    tighten_database_files(db)
}

/// An exclusive advisory lock (`flock`, apart from SQLite's own locks) on the existing file at
/// `path`, held until the returned file is dropped: for first-open steps two processes must not
/// interleave.
pub(crate) fn lock(path: &Path) -> Result<std::fs::File> {
    std::fs::File::open(path)
        .and_then(|f| f.lock().map(|()| f))
        .map_err(|e| fs_error(path, e))
}

/// Sets whichever of the database's three files exist to 0600.
pub(crate) fn tighten_database_files(db: &Path) -> Result<()> {
    for file in database_files(db) {
        if file.exists() {
            owner_only(&file)?;
        }
    }
    Ok(())
}

fn open_options() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Writes `bytes` as a new 0600 file at `path`, whole or not at all: a temporary file beside it,
/// fsync, then a hard link that fails if `path` exists (no clobber), then the folder fsync'd.
/// `Ok(false)` when `path` already existed (it is left as it was).
///
/// The temporary name is this call's own (process id and a per-process count): threads of one
/// process writing the same `path` at once must not remove or link each other's half-written file.
pub(crate) fn write_new_file(path: &Path, bytes: &[u8]) -> Result<bool> {
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    let tmp = sibling(path, &format!(".{}.{call}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let written = open_options()
        .open(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()));
    let linked = written.and_then(|()| std::fs::hard_link(&tmp, path));
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            sync_parent(path)?;
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(fs_error(path, e)),
    }
}

/// fsyncs the folder holding `path`, so a new name in it survives a power cut.
pub(crate) fn sync_parent(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| fs_error(dir, e))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}
