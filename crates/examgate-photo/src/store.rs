//! Putting a photo in its folder as `<student number>.jpg`, durably and without ever replacing
//! one that is there.
//!
//! Each file is written to a temporary name in the same folder, fsync'd, then moved into place
//! with a no-clobber rename (`link`/`renameat2(RENAME_NOREPLACE)`), and the folder is fsync'd: a
//! crash leaves either the old state or the whole new file, and two writers can never both win
//! one name. A second photo of the same candidate gets the next free name (`-2`, `-3`, …); a
//! person decides which one the archive takes.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::sign::{PhotoSignature, sidecar_path};

/// Photos kept per candidate before the folder needs a person's attention.
pub(crate) const MAX_PHOTOS_PER_CANDIDATE: u32 = 99;

/// Where a photo was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The photo file.
    pub path: PathBuf,
    /// Its signature sidecar.
    pub sidecar: PathBuf,
    /// 1 for `<student>.jpg`, n for `<student>-n.jpg`.
    pub number: u32,
}

/// The file name of the `number`th photo of `student`.
pub(crate) fn photo_name(student: &str, number: u32) -> String {
    if number <= 1 {
        format!("{student}.jpg")
    } else {
        format!("{student}-{number}.jpg")
    }
}

fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// fsync a folder so a rename into it survives a power cut (a no-op where folders can't be
/// opened, as on Windows).
fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| Error::io("同步文件夹 sync the folder", dir, e))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Creates `dir` and any missing parents, owner-only (0700) on unix: photos show faces and
/// student numbers. An existing folder keeps its mode.
pub fn create_private_dir_all(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Writes `bytes` as a new file at `path` (temp file, fsync, no-clobber rename, fsync folder).
/// The file is readable by its owner only on unix (the temporary file is made 0600).
/// [`Error::OutputExists`] if `path` exists.
pub(crate) fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = parent_of(path);
    create_private_dir_all(dir).map_err(|e| Error::io("创建文件夹 create the folder", dir, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".examgate-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io("创建临时文件 create a temporary file in", dir, e))?;
    tmp.write_all(bytes)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Error::io("写入 write", tmp.path().to_owned(), e))?;
    match tmp.persist_noclobber(path) {
        Ok(_) => sync_dir(dir),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Err(Error::OutputExists {
            path: path.to_owned(),
        }),
        Err(e) => Err(Error::io("保存 save", path, e.error)),
    }
}

/// Writes the photo and then its sidecar at `path` (exactly), refusing to replace either.
/// If the sidecar cannot be written the photo is removed again: nothing half-stored remains.
pub fn write_photo(path: &Path, jpeg: &[u8], signature: &PhotoSignature) -> Result<Stored> {
    let sidecar = sidecar_path(path);
    if exists(&sidecar) {
        return Err(Error::OutputExists { path: sidecar });
    }
    write_new(path, jpeg)?;
    if let Err(e) = write_new(&sidecar, signature.to_json().as_bytes()) {
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    Ok(Stored {
        path: path.to_owned(),
        sidecar,
        number: 1,
    })
}

/// Stores the photo in `folder` as `<student>.jpg`, or `<student>-2.jpg`, … when earlier photos
/// of the same candidate are there; never replaces a file.
pub fn store(folder: &Path, jpeg: &[u8], signature: &PhotoSignature) -> Result<Stored> {
    let student = &signature.metadata.student;
    for number in 1..=MAX_PHOTOS_PER_CANDIDATE {
        let path = folder.join(photo_name(student, number));
        if exists(&path) || exists(&sidecar_path(&path)) {
            continue;
        }
        match write_photo(&path, jpeg, signature) {
            Ok(stored) => return Ok(Stored { number, ..stored }),
            // Someone took this name between the check and the rename: try the next.
            Err(Error::OutputExists { .. }) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(Error::TooManyPhotos {
        student: student.clone(),
        count: MAX_PHOTOS_PER_CANDIDATE,
    })
}
