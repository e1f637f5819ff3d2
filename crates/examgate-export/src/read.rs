//! Checking an archive without the database (`examgate verify --archive`): every photo against
//! its signature under `签名/` and a trust list, and the photos against the manifest `清单.csv`
//! (every row has its photo with the SHA-256 it names, every photo has its row).
//!
//! The archive is read as an attacker could have made it. Nothing is ever written: the entries
//! are streamed through a hash in one fixed buffer, so memory stays constant whatever the sizes.
//! Refused whole, with a message saying why: a file that is no ZIP (or not a regular file), more
//! than [`MAX_ENTRIES`] entries, two entries of one name (`unzip` would show one and we would
//! check the other), a name that could make a path outside the folder it is unpacked in
//! (absolute, `..`, `\`, a drive letter, a control character), a missing or unreadable
//! manifest. Named per entry, as a failed line: a photo or signature larger than its limit (a
//! bomb-like entry is never inflated past it), a CRC or header that does not hold, an entry that
//! has no place in an archive (anything but root `.jpg` files, `签名/*.sig.json` and the
//! manifests).

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use examgate_photo::{PublicKey, Verdict, verify_hashed};
use sha2::{Digest, Sha256};
use zip::ZipArchive;
use zip::read::ZipReadOptions;

use crate::archive::BUFFER;
use crate::trust::{MAX_SIGNATURE, SIGNATURES};
use crate::{MANIFEST, MANIFEST_XLSX};

/// More entries than this is no site's archive (a site has a few thousand candidates).
pub const MAX_ENTRIES: usize = 200_000;
/// A photo larger than this is not read (the door's photos are a few MB).
pub const MAX_PHOTO: u64 = 256 * 1024 * 1024;
/// A manifest larger than this is not read.
pub const MAX_MANIFEST: u64 = 32 * 1024 * 1024;

/// Why an archive cannot be checked at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("无法读取 (cannot read) {0}")]
    Io(#[from] io::Error),
    #[error("不是普通文件 (not a regular file)")]
    NotAFile,
    #[error("不是 ZIP 文件，或已损坏 (not a ZIP file, or damaged): {0}")]
    NotZip(String),
    #[error("条目超过 {MAX_ENTRIES} 个 (too many entries): {0}")]
    TooManyEntries(usize),
    #[error(
        "归档中有同名的条目，无法确定检查的是哪一个 (two entries share one name: which one is checked is ambiguous)"
    )]
    DuplicateNames,
    #[error(
        "条目名 {0:?} 可能解压到归档目录之外 (an entry name could unpack outside the folder: absolute, .., \\, drive or control character)"
    )]
    UnsafeName(String),
    #[error("归档中没有清单 {MANIFEST} (the archive holds no manifest)")]
    NoManifest,
    #[error("清单 {MANIFEST} 无法读取 (the manifest cannot be read): {0}")]
    BadManifest(String),
}

/// One line of the verdict: an entry (or a manifest row) and whether it passes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The entry's name, or the manifest row's file (its student when it names none).
    pub name: String,
    pub ok: bool,
    pub text: String,
}

impl Finding {
    fn fail(name: impl Into<String>, text: impl Into<String>) -> Finding {
        Finding {
            name: name.into(),
            ok: false,
            text: text.into(),
        }
    }
}

/// A name that stays inside the folder it is unpacked in, on Unix and Windows alike.
fn safe_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('/')
        && !name.contains('\\')
        && !name.chars().any(char::is_control)
        && !name.split('/').any(|part| part == ".." || part == ".")
        && !name.split('/').next().is_some_and(|p| p.contains(':'))
}

/// One manifest row, the columns the check needs.
struct ManifestRow {
    student: String,
    sha256: String,
    file: String,
    problem: String,
}

fn manifest_rows(bytes: &[u8]) -> Result<Vec<ManifestRow>, ReadError> {
    let bad = |e: String| ReadError::BadManifest(e);
    let text = std::str::from_utf8(bytes).map_err(|e| bad(format!("不是 UTF-8: {e}")))?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| bad(e.to_string()))?.clone();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| bad(format!("缺少列 (no column) {name}")))
    };
    let (student, sha, file, problem) = (
        column("学号")?,
        column("SHA-256")?,
        column("文件")?,
        column("问题")?,
    );
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| bad(e.to_string()))?;
        let cell = |i: usize| record.get(i).unwrap_or_default().to_string();
        rows.push(ManifestRow {
            student: cell(student),
            sha256: cell(sha),
            file: cell(file),
            problem: cell(problem),
        });
    }
    Ok(rows)
}

/// Reads at most `limit` bytes of `from`; `None` when there are more.
fn read_bounded(from: &mut dyn Read, limit: u64) -> io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    from.take(limit + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// Hashes at most `limit` bytes of `from` through the fixed buffer; `None` when there are more.
fn hash_bounded(from: &mut dyn Read, limit: u64) -> io::Result<Option<String>> {
    let mut buf = vec![0u8; BUFFER];
    let mut hash = Sha256::new();
    let mut total: u64 = 0;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        total += n as u64;
        if total > limit {
            return Ok(None);
        }
        hash.update(buf.get(..n).unwrap_or_default());
    }
    Ok(Some(hex::encode(hash.finalize())))
}

struct Archive {
    zip: ZipArchive<BufReader<File>>,
}

impl Archive {
    /// Entry `index`'s bytes through `f`, the local header checked against the central one and
    /// the CRC at the end.
    fn with_entry<T>(
        &mut self,
        index: usize,
        f: impl FnOnce(&mut dyn Read) -> io::Result<T>,
    ) -> Result<T, String> {
        let options = ZipReadOptions::new().enforce_header_consistency(true);
        let mut entry = self
            .zip
            .by_index_with_options(index, options)
            .map_err(|e| e.to_string())?;
        f(&mut entry).map_err(|e| e.to_string())
    }
}

/// Checks the archive at `path` against `trusted`: one [`Finding`] per photo (in the archive's
/// order), then one per other entry or manifest row that fails.
pub fn verify_archive(path: &Path, trusted: &[PublicKey]) -> Result<Vec<Finding>, ReadError> {
    if !std::fs::metadata(path)?.is_file() {
        return Err(ReadError::NotAFile);
    }
    let file = File::open(path)?;
    let zip = ZipArchive::new(BufReader::with_capacity(64 * 1024, file))
        .map_err(|e| ReadError::NotZip(e.to_string()))?;
    if zip.len() > MAX_ENTRIES {
        return Err(ReadError::TooManyEntries(zip.len()));
    }
    if zip.has_duplicate_names() {
        return Err(ReadError::DuplicateNames);
    }
    let mut archive = Archive { zip };
    // name → (index, declared size)
    let mut photos: Vec<(String, usize, u64)> = Vec::new();
    let mut signatures: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    let mut manifest: Option<(usize, u64)> = None;
    let mut findings = Vec::new();
    for index in 0..archive.zip.len() {
        let entry = archive
            .zip
            .by_index_raw(index)
            .map_err(|e| ReadError::NotZip(e.to_string()))?;
        let name = entry
            .name()
            .map_err(|e| ReadError::NotZip(e.to_string()))?
            .into_owned();
        let size = entry.size();
        drop(entry);
        if !safe_name(&name) {
            return Err(ReadError::UnsafeName(name));
        }
        if name == MANIFEST {
            manifest = Some((index, size));
        } else if name == MANIFEST_XLSX || name == SIGNATURES {
        } else if let Some(photo) = name
            .strip_prefix(SIGNATURES)
            .and_then(|n| n.strip_suffix(".sig.json"))
            .filter(|n| !n.contains('/') && n.ends_with(".jpg"))
        {
            signatures.insert(photo.to_string(), (index, size));
        } else if !name.contains('/') && name.ends_with(".jpg") {
            photos.push((name, index, size));
        } else {
            findings.push(Finding::fail(
                name,
                "不应出现在照片归档中的条目 (an entry a photo archive does not hold)",
            ));
        }
    }
    let (index, size) = manifest.ok_or(ReadError::NoManifest)?;
    if size > MAX_MANIFEST {
        return Err(ReadError::BadManifest(format!(
            "{size} 字节，超过 {MAX_MANIFEST} (too large)"
        )));
    }
    let bytes = archive
        .with_entry(index, |r| read_bounded(r, MAX_MANIFEST))
        .map_err(ReadError::BadManifest)?
        .ok_or_else(|| ReadError::BadManifest(format!("超过 {MAX_MANIFEST} 字节 (too large)")))?;
    let rows = manifest_rows(&bytes)?;

    let mut lines = Vec::new();
    let mut seen = BTreeSet::new();
    for (name, index, size) in &photos {
        seen.insert(name.clone());
        lines.push(check_photo(
            &mut archive,
            name,
            *index,
            *size,
            signatures.get(name).copied(),
            &rows,
            trusted,
        ));
    }
    for name in signatures.keys().filter(|n| !seen.contains(*n)) {
        lines.push(Finding::fail(
            format!("{SIGNATURES}{name}.sig.json"),
            "归档中没有这份签名对应的照片 (no photo in the archive for this signature)",
        ));
    }
    for row in &rows {
        let recorded = if row.problem.is_empty() {
            String::new()
        } else {
            format!(
                "；清单记录的问题 (problem recorded in the manifest): {}",
                row.problem
            )
        };
        if row.file.is_empty() {
            lines.push(Finding::fail(
                format!("学号 {}", row.student),
                format!("清单中没有照片的一行 (a manifest row with no photo){recorded}"),
            ));
        } else if !seen.contains(&row.file) {
            lines.push(Finding::fail(
                row.file.clone(),
                format!(
                    "清单列出，但归档中没有这张照片 (listed in the manifest, not in the archive){recorded}"
                ),
            ));
        }
    }
    lines.extend(findings);
    Ok(lines)
}

fn check_photo(
    archive: &mut Archive,
    name: &str,
    index: usize,
    size: u64,
    signature: Option<(usize, u64)>,
    rows: &[ManifestRow],
    trusted: &[PublicKey],
) -> Finding {
    if size > MAX_PHOTO {
        return Finding::fail(
            name,
            format!("条目过大，未读取 (entry too large, not read): {size} 字节，上限 {MAX_PHOTO}"),
        );
    }
    let sha256 = match archive.with_entry(index, |r| hash_bounded(r, MAX_PHOTO)) {
        Ok(Some(sha)) => sha,
        Ok(None) => {
            return Finding::fail(
                name,
                format!("条目解压后超过 {MAX_PHOTO} 字节，未读完 (entry inflates past the limit)"),
            );
        }
        Err(e) => return Finding::fail(name, format!("无法读取 (unreadable): {e}")),
    };
    let verdict = match signature {
        None => Verdict::MissingSignature,
        Some((_, size)) if size > MAX_SIGNATURE => {
            return Finding::fail(
                name,
                format!("签名文件过大 (the signature file is too large): {size} 字节"),
            );
        }
        Some((index, _)) => match archive.with_entry(index, |r| read_bounded(r, MAX_SIGNATURE)) {
            Ok(Some(bytes)) => verify_hashed(&sha256, name, &bytes, trusted),
            Ok(None) => {
                return Finding::fail(
                    name,
                    "签名文件过大 (the signature file is too large)".to_string(),
                );
            }
            Err(e) => {
                return Finding::fail(
                    name,
                    format!("签名文件无法读取 (unreadable signature): {e}"),
                );
            }
        },
    };
    let mut ok = verdict.is_authentic();
    let mut text = verdict.to_string();
    match rows.iter().find(|r| r.file == name) {
        None => {
            ok = false;
            text.push_str("；不在清单中 (not in the manifest)");
        }
        Some(row) => {
            if !row.sha256.eq_ignore_ascii_case(&sha256) {
                ok = false;
                text.push_str(&format!(
                    "；与清单记录的 SHA-256 不符 (not the SHA-256 the manifest names): {}",
                    row.sha256
                ));
            }
            if !row.problem.is_empty() {
                ok = false;
                text.push_str(&format!(
                    "；清单记录的问题 (problem recorded in the manifest): {}",
                    row.problem
                ));
            }
        }
    }
    Finding {
        name: name.to_string(),
        ok,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::safe_name;

    #[test]
    fn only_names_that_stay_inside_the_unpacking_folder_are_safe() {
        for good in [
            "2242200000101.jpg",
            "签名/2242200000101.jpg.sig.json",
            "清单.csv",
            "签名/",
            "a..b.jpg",
        ] {
            assert!(safe_name(good), "{good}");
        }
        for bad in [
            "",
            "../evil.jpg",
            "签名/../../evil.jpg",
            "/etc/passwd",
            "..\\evil.jpg",
            "C:evil.jpg",
            "c:/evil.jpg",
            "./x.jpg",
            "x\u{0}.jpg",
            "x\n.jpg",
        ] {
            assert!(!safe_name(bad), "{bad:?}");
        }
    }
}
