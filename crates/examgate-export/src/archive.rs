//! The archive writer: a ZIP streamed to a file in constant memory, reproducible byte for byte.
//!
//! The `zip` crate (already in the workspace) does what is needed: stored entries, a fixed
//! timestamp and fixed permissions per entry, ZIP64 per entry (`large_file`) and in the central
//! directory when offsets pass 4 GiB, and a CRC-32 computed as the bytes go through. Each photo is
//! copied through one fixed buffer ([`BUFFER`]) and its SHA-256 computed on the way; a photo that
//! is missing or whose bytes are not the ones its event names is refused (typed, naming the
//! student and the file) or, with `allow_incomplete`, taken out again (`abort_file` rewinds) and
//! listed. Reproducible: entries in the order given, every timestamp the one passed in (the
//! sitting's start, never the wall clock), permissions 0644, no extra field that varies.

use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDateTime, Timelike};
use examgate_core::event::PhotoRef;
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::select::Entry;

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

impl PhotoFiles for Folders {
    fn open(&self, photo: &PhotoRef) -> io::Result<Option<(Box<dyn Read + '_>, u64)>> {
        let mut paths: Vec<PathBuf> = Vec::new();
        if bare(&photo.file) {
            paths.extend(self.by_name.iter().map(|d| d.join(&photo.file)));
        }
        if photo.sha256.len() == 64 && photo.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            let file = format!("{}.jpg", photo.sha256);
            paths.extend(self.by_hash.iter().map(|d| d.join(&file)));
        }
        for path in paths {
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

/// What is wrong with one photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    Missing,
    /// The bytes' SHA-256 is not the one the event names.
    Altered {
        found: String,
    },
    Unreadable(String),
}

/// A photo the archive could not hold as its event names it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("学号 {student} 的照片 {file}：{}", match fault {
    Fault::Missing => "文件缺失 (missing)".to_string(),
    Fault::Altered { .. } => "内容与记录不符，已被改动 (altered: SHA-256 differs)".to_string(),
    Fault::Unreadable(e) => format!("无法读取 (unreadable): {e}"),
})]
pub struct Problem {
    pub student: String,
    pub file: String,
    /// The SHA-256 the event names.
    pub sha256: String,
    pub fault: Fault,
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

/// Writes the archive of `entries` into `out`, then the manifest `manifest` (made once the
/// problems are known) as `清单.csv`. Returns the writer at the archive's end.
pub fn write_archive<W: Write + Seek>(
    out: W,
    entries: &[Entry],
    files: &dyn PhotoFiles,
    options: Options,
    manifest: impl FnOnce(&[Problem]) -> Vec<u8>,
) -> Result<(W, Written), ArchiveError> {
    let time = zip_time(options.timestamp)?;
    let base = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(time)
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(out);
    let mut written = Written::default();
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
        let large = options.force_zip64 || needs_zip64(len);
        zip.start_file(entry.name.as_str(), base.large_file(large))?;
        let fault = match stream(&mut zip, &mut reader) {
            Ok(found) if found == photo.sha256 => None,
            Ok(found) => Some(Fault::Altered { found }),
            Err(e) => Some(Fault::Unreadable(e.to_string())),
        };
        match fault {
            None => written.photos.push(entry.name.clone()),
            Some(fault) => {
                zip.abort_file()?;
                written.problems.push(problem(fault));
            }
        }
    }
    if !options.allow_incomplete && !written.problems.is_empty() {
        return Err(ArchiveError::Refused(written.problems));
    }
    let bytes = manifest(&written.problems);
    zip.start_file(crate::MANIFEST, base.large_file(options.force_zip64))?;
    zip.write_all(&bytes)?;
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
    let final_path = dir.join(name);
    let tmp = tempfile::Builder::new()
        .prefix(".examgate-archive-")
        .suffix(".part")
        .tempfile_in(dir)?;
    let written = {
        let (mut out, written) = write_archive(
            io::BufWriter::with_capacity(BUFFER, tmp.as_file()),
            entries,
            files,
            options,
            manifest,
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
