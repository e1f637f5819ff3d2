//! The archive writer: a ZIP streamed to a file in constant memory, reproducible byte for byte.
//!
//! The `zip` crate (already in the workspace) does what is needed: stored entries, a fixed
//! timestamp and fixed permissions per entry, ZIP64 per entry (`large_file`) and in the central
//! directory when offsets pass 4 GiB, and a CRC-32 computed as the bytes go through. Each photo is
//! copied through one fixed buffer ([`BUFFER`]) and its SHA-256 computed on the way; a photo that
//! is missing or whose bytes are not the ones its event names is refused (typed, naming the
//! student and the file) or, with `allow_incomplete`, taken out again (`abort_file` rewinds) and
//! listed. Each photo's signature file, when the [`PhotoFiles`] has one, follows its photo as
//! `签名/<entry>.sig.json` ([`crate::trust`]), and is checked against the site's trust list when
//! one is given. Reproducible: entries in the order given, every timestamp the one passed in (the
//! sitting's start, never the wall clock), permissions 0644, no extra field that varies.

use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDateTime, Timelike};
use examgate_core::event::PhotoRef;
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use examgate_photo::PublicKey;

pub use crate::problem::{Fault, Problem};
use crate::select::Entry;
use crate::trust::{check_signature, read_signature, signature_entry};

/// The copy buffer: the only photo bytes held in memory at a time.
pub const BUFFER: usize = 256 * 1024;

/// The largest entry a ZIP without ZIP64 records: above it the entry needs ZIP64 fields.
pub const ZIP32_LIMIT: u64 = 0xFFFF_FFFE;

/// Whether an entry of `len` bytes needs ZIP64.
pub fn needs_zip64(len: u64) -> bool {
    len > ZIP32_LIMIT
}

/// Where photo files are read from: a device's sitting folder, the server's `photos/<sha256>.jpg`.
pub trait PhotoFiles {
    /// The photo's bytes and their length, or `None` when there is no such file.
    fn open(&self, photo: &PhotoRef) -> io::Result<Option<(Box<dyn Read + '_>, u64)>>;

    /// The photo's signature file (`<photo>.sig.json`), or `None` when it has none. Called after
    /// [`PhotoFiles::open`] found the photo; the default has none.
    fn signature(&self, _photo: &PhotoRef) -> io::Result<Option<Box<dyn Read + '_>>> {
        Ok(None)
    }
}

/// Photo files found in the first of some folders that holds one: by the event's file name (a
/// device's `photos/<sitting>/<student>.jpg`) or by hash (the server's `photos/<sha256>.jpg`).
#[derive(Debug, Clone)]
pub struct Folders {
    /// Folders named by file: `<dir>/<photo.file>`.
    pub by_name: Vec<PathBuf>,
    /// Folders named by hash: `<dir>/<sha256>.jpg`.
    pub by_hash: Vec<PathBuf>,
}

/// A name from an event used as a file name: a bare name, never a path.
fn bare(name: &str) -> bool {
    !name.is_empty()
        && !matches!(name, "." | "..")
        && !name.contains(['/', '\\'])
        && !name.chars().any(char::is_control)
}

impl Folders {
    /// Where the photo could be, in the order looked at.
    fn paths(&self, photo: &PhotoRef) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = Vec::new();
        if bare(&photo.file) {
            paths.extend(self.by_name.iter().map(|d| d.join(&photo.file)));
        }
        if photo.sha256.len() == 64 && photo.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            let file = format!("{}.jpg", photo.sha256);
            paths.extend(self.by_hash.iter().map(|d| d.join(&file)));
        }
        paths
    }
}

impl PhotoFiles for Folders {
    /// The sidecar beside the photo [`PhotoFiles::open`] finds: `<dir>/<file>.sig.json`, or the
    /// server's `<dir>/<sha256>.jpg.sig.json`.
    fn signature(&self, photo: &PhotoRef) -> io::Result<Option<Box<dyn Read + '_>>> {
        for path in self.paths(photo) {
            if !path.is_file() {
                continue;
            }
            return match File::open(examgate_photo::sidecar_path(&path)) {
                Ok(f) => Ok(Some(Box::new(f))),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            };
        }
        Ok(None)
    }

    fn open(&self, photo: &PhotoRef) -> io::Result<Option<(Box<dyn Read + '_>, u64)>> {
        for path in self.paths(photo) {
            match File::open(&path) {
                Ok(f) => {
                    let len = f.metadata()?.len();
                    return Ok(Some((Box::new(f), len)));
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(None)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("照片有问题，未生成归档 (refused; --allow-incomplete exports anyway): {}", list(.0))]
    Refused(Vec<Problem>),
    #[error("写入归档失败 (cannot write the archive): {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("写入归档失败 (cannot write the archive): {0}")]
    Io(#[from] io::Error),
    #[error("时间 {0} 不能写入 ZIP（1980–2107）(timestamp out of the ZIP range)")]
    Timestamp(NaiveDateTime),
    #[error("无法生成 XLSX 清单 (cannot make the XLSX manifest): {0}")]
    Xlsx(String),
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("；")
}

/// How to write.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Every entry's modification time (the sitting's start).
    pub timestamp: NaiveDateTime,
    /// Write a photo that is missing or altered as a problem instead of refusing.
    pub allow_incomplete: bool,
    /// ZIP64 fields on every entry, whatever its size (tests the ZIP64 path without 4 GiB).
    pub force_zip64: bool,
}

/// What went into an archive.
#[derive(Debug, Clone, Default)]
pub struct Written {
    /// The entries written, photos then the manifest.
    pub photos: Vec<String>,
    pub problems: Vec<Problem>,
}

fn zip_time(t: NaiveDateTime) -> Result<DateTime, ArchiveError> {
    let part = |v: u32| u8::try_from(v).map_err(|_| ArchiveError::Timestamp(t));
    let year = u16::try_from(t.year()).map_err(|_| ArchiveError::Timestamp(t))?;
    DateTime::from_date_and_time(
        year,
        part(t.month())?,
        part(t.day())?,
        part(t.hour())?,
        part(t.minute())?,
        part(t.second())?,
    )
    .map_err(|_| ArchiveError::Timestamp(t))
}

/// Copies `from` into the open entry through the fixed buffer; the hex SHA-256 of what it read.
fn stream<W: Write + Seek>(zip: &mut ZipWriter<W>, from: &mut dyn Read) -> io::Result<String> {
    let mut buf = vec![0u8; BUFFER];
    let mut hash = Sha256::new();
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let chunk = buf.get(..n).unwrap_or_default();
        hash.update(chunk);
        zip.write_all(chunk)?;
    }
    Ok(hex::encode(hash.finalize()))
}

/// What an archive is checked against beyond the bytes, and what it carries beyond the photos.
#[derive(Debug, Clone, Copy, Default)]
pub struct Checks<'a> {
    /// The site's trust list: every photo's signature must hold and be by one of these keys.
    /// `None` checks no signature (what [`write_archive`] always did).
    pub trusted: Option<&'a [PublicKey]>,
    /// Problems known before writing (a room's conflicts, from the plan): they refuse the
    /// archive as a photo's problems do.
    pub known: &'a [Problem],
}

/// The manifests to write once the problems are known: `(entry name, bytes)` each.
pub type Manifests = Vec<(String, Vec<u8>)>;

/// Writes the archive of `entries` into `out`, then the manifest `manifest` (made once the
/// problems are known) as `清单.csv`. Returns the writer at the archive's end.
pub fn write_archive<W: Write + Seek>(
    out: W,
    entries: &[Entry],
    files: &dyn PhotoFiles,
    options: Options,
    manifest: impl FnOnce(&[Problem]) -> Vec<u8>,
) -> Result<(W, Written), ArchiveError> {
    write_checked(out, entries, files, options, Checks::default(), |p| {
        Ok(vec![(crate::MANIFEST.to_string(), manifest(p))])
    })
}

/// [`write_archive`] with `checks`, and any number of manifests. Every problem found (and every
/// known one) refuses the archive unless `options.allow_incomplete`.
pub fn write_checked<W: Write + Seek>(
    out: W,
    entries: &[Entry],
    files: &dyn PhotoFiles,
    options: Options,
    checks: Checks<'_>,
    manifests: impl FnOnce(&[Problem]) -> Result<Manifests, ArchiveError>,
) -> Result<(W, Written), ArchiveError> {
    let time = zip_time(options.timestamp)?;
    let base = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(time)
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(out);
    let mut written = Written {
        problems: checks.known.to_vec(),
        ..Written::default()
    };
    for entry in entries {
        let photo = &entry.record.photo;
        let problem = |fault| Problem {
            student: entry.record.student().to_string(),
            file: photo.file.clone(),
            sha256: photo.sha256.clone(),
            fault,
        };
        let (mut reader, len) = match files.open(photo) {
            Ok(Some(found)) => found,
            Ok(None) => {
                written.problems.push(problem(Fault::Missing));
                continue;
            }
            Err(e) => {
                written
                    .problems
                    .push(problem(Fault::Unreadable(e.to_string())));
                continue;
            }
        };
        let sidecar = match files.signature(photo) {
            Ok(Some(mut r)) => Some(read_signature(&mut r)),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        };
        let trust_fault = match (&sidecar, checks.trusted) {
            (_, None) => None,
            (Some(Err(e)), Some(_)) => Some(Fault::BadSignature(format!(
                "无法读取签名文件 (cannot read the signature file): {e}"
            ))),
            (Some(Ok(bytes)), Some(keys)) => check_signature(entry, Some(bytes), keys),
            (None, Some(keys)) => check_signature(entry, None, keys),
        };
        let large = options.force_zip64 || needs_zip64(len);
        zip.start_file(entry.name.as_str(), base.large_file(large))?;
        let fault = match stream(&mut zip, &mut reader) {
            Ok(found) if found == photo.sha256 => None,
            Ok(found) => Some(Fault::Altered { found }),
            Err(e) => Some(Fault::Unreadable(e.to_string())),
        };
        if let Some(fault) = fault {
            zip.abort_file()?;
            written.problems.push(problem(fault));
            continue;
        }
        written.photos.push(entry.name.clone());
        if let Some(fault) = trust_fault {
            written.problems.push(problem(fault));
        }
        if let Some(Ok(bytes)) = sidecar {
            zip.start_file(
                signature_entry(&entry.name),
                base.large_file(options.force_zip64),
            )?;
            zip.write_all(&bytes)?;
        }
    }
    if !options.allow_incomplete && !written.problems.is_empty() {
        return Err(ArchiveError::Refused(written.problems));
    }
    for (name, bytes) in manifests(&written.problems)? {
        zip.start_file(name, base.large_file(options.force_zip64))?;
        zip.write_all(&bytes)?;
    }
    let mut out = zip.finish()?;
    out.flush()?;
    Ok((out, written))
}

/// [`write_archive`] into `dir/name`, atomically: written to a temporary file in `dir`, cut to
/// its end (an aborted last photo leaves nothing behind), synced and renamed into place. A failure
/// leaves no file named `name`, nor a temporary one.
pub fn write_archive_file(
    dir: &Path,
    name: &str,
    entries: &[Entry],
    files: &dyn PhotoFiles,
    options: Options,
    manifest: impl FnOnce(&[Problem]) -> Vec<u8>,
) -> Result<(PathBuf, Written), ArchiveError> {
    write_checked_file(dir, name, entries, files, options, Checks::default(), |p| {
        Ok(vec![(crate::MANIFEST.to_string(), manifest(p))])
    })
}

/// [`write_checked`] into `dir/name`, atomically, as [`write_archive_file`].
pub fn write_checked_file(
    dir: &Path,
    name: &str,
    entries: &[Entry],
    files: &dyn PhotoFiles,
    options: Options,
    checks: Checks<'_>,
    manifests: impl FnOnce(&[Problem]) -> Result<Manifests, ArchiveError>,
) -> Result<(PathBuf, Written), ArchiveError> {
    let final_path = dir.join(name);
    let tmp = tempfile::Builder::new()
        .prefix(".examgate-archive-")
        .suffix(".part")
        .tempfile_in(dir)?;
    let written = {
        let (mut out, written) = write_checked(
            io::BufWriter::with_capacity(BUFFER, tmp.as_file()),
            entries,
            files,
            options,
            checks,
            manifests,
        )?;
        let end = out.stream_position()?;
        out.flush()?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.set_len(end)?;
        file.sync_all()?;
        written
    };
    tmp.persist(&final_path).map_err(|e| e.error)?;
    Ok((final_path, written))
}
