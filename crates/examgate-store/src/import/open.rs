//! Opening the files an import reads: the lists themselves and the photos their 照片 column names.
//!
//! A list names its photos, and a list may come from anyone; so a photo is only a regular file
//! inside the list's own folder, reached without a symlink, its size taken from the open file's
//! metadata before a byte is read, and the read itself bounded. Nothing here may block: a FIFO or a
//! device is opened non-blocking and refused by its type, never read. What a refusal says about a
//! name outside the folder is the same whatever is there, so an import cannot probe the machine.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

/// Why a file was not read.
#[derive(Debug)]
pub(crate) enum Refused {
    /// An absolute path, `..`, a symlink on the way, or a path that resolves elsewhere.
    Outside,
    Missing,
    /// A folder, FIFO, socket or device.
    NotRegular,
    TooBig {
        size: u64,
    },
    Io(io::Error),
}

/// Opens `path` for reading without following a final symlink (when `nofollow`) and without
/// blocking on a FIFO or a device.
fn open(path: &Path, nofollow: bool) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let flags = libc::O_NONBLOCK | if nofollow { libc::O_NOFOLLOW } else { 0 };
        opts.custom_flags(flags);
    }
    #[cfg(not(unix))]
    let _ = nofollow;
    opts.open(path)
}

/// Reads an open file that its own metadata (fstat, not the path) says is regular and at most
/// `limit` bytes; the read stops one byte past the limit whatever the file does meanwhile.
fn read_open(file: File, limit: u64) -> Result<Vec<u8>, Refused> {
    let meta = file.metadata().map_err(Refused::Io)?;
    if !meta.is_file() {
        return Err(Refused::NotRegular);
    }
    if meta.len() > limit {
        return Err(Refused::TooBig { size: meta.len() });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(Refused::Io)?;
    if bytes.len() as u64 > limit {
        return Err(Refused::TooBig {
            size: bytes.len() as u64,
        });
    }
    Ok(bytes)
}

/// Reads a file the user chose (a list given on the command line or picked in a dialog): a
/// symlink to it is fine, a FIFO, device or folder is not, nor a file over `limit` bytes.
pub(crate) fn read_chosen(path: &Path, limit: u64) -> Result<Vec<u8>, Refused> {
    let file = open(path, false).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => Refused::Missing,
        _ => Refused::Io(e),
    })?;
    read_open(file, limit)
}

/// Reads the file `name` names inside `dir`: a relative path of plain names, no symlink on the
/// way, resolving inside `dir`, a regular file of at most `limit` bytes.
pub(crate) fn read_inside(dir: &Path, name: &str, limit: u64) -> Result<Vec<u8>, Refused> {
    let relative = Path::new(name);
    let plain = |c: Component<'_>| matches!(c, Component::Normal(_) | Component::CurDir);
    if name.is_empty() || !relative.components().all(plain) {
        return Err(Refused::Outside);
    }
    let base = dir.canonicalize().map_err(Refused::Io)?;
    // Each step from the folder down must exist and be a real folder (the last a real file),
    // never a symlink; a name that does not exist inside the folder is only "missing".
    let mut at = PathBuf::from(&base);
    let mut checked = None;
    let steps: Vec<_> = relative.components().filter(|c| plain(*c)).collect();
    for (i, step) in steps.iter().enumerate() {
        at.push(step);
        let meta = match std::fs::symlink_metadata(&at) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(Refused::Missing),
            Err(e) => return Err(Refused::Io(e)),
        };
        if meta.file_type().is_symlink() {
            return Err(Refused::Outside);
        }
        let last = i + 1 == steps.len();
        if !last && !meta.is_dir() {
            return Err(Refused::Missing);
        }
        checked = Some(meta);
    }
    if !at.canonicalize().map_err(Refused::Io)?.starts_with(&base) {
        return Err(Refused::Outside);
    }
    let file = open(&at, true).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => Refused::Missing,
        // O_NOFOLLOW meeting a symlink swapped in since the check above.
        _ if is_symlink_loop(&e) => Refused::Outside,
        _ => Refused::Io(e),
    })?;
    // The file opened must be the one checked: a folder on the way swapped for a symlink since
    // the walk would open another.
    if let (Some(checked), Ok(opened)) = (checked, file.metadata())
        && !same_file(&checked, &opened)
    {
        return Err(Refused::Outside);
    }
    read_open(file, limit)
}

fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (a.dev(), a.ino()) == (b.dev(), b.ino())
    }
    #[cfg(not(unix))]
    {
        a.len() == b.len()
    }
}

fn is_symlink_loop(e: &io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}
