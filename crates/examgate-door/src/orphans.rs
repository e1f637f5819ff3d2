//! Photos no event names, put aside at start and reported (DOMAIN.md step 4: a photo is evidence).
//!
//! A fallback photo is written (photo, then its signature sidecar) before the event that names it
//! is committed. If the app is killed or the battery dies in between, or the event is refused and
//! removing the files fails, a signed photo stays in the sitting's folder that no event names; a
//! kill in the middle of writing leaves a half-written temporary file. At the next start,
//! [`sweep`] moves every such photo, with its sidecar, to `photos/orphaned/<sitting folder>/`
//! (never deleting it: someone may need to see whom it shows), and removes the temporary files,
//! which are not photos yet. [`quarantined`] lists what is in that folder, for the settings screen,
//! until the site office has looked at it and emptied the folder.
//!
//! Only one app uses a data folder at a time, so nothing is being written while the sweep runs.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The folder under `photos/` that orphaned photos are moved to. A sitting label cannot name it
/// (see `folder_name`).
pub(crate) const QUARANTINE: &str = "orphaned";

/// The suffix of a photo's signature sidecar (`<photo>.sig.json`).
const SIDECAR: &str = ".sig.json";

/// What a sweep did: the photos moved to the quarantine (as `<folder>/<file>` under it) and the
/// half-written temporary files removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Sweep {
    pub moved: Vec<String>,
    pub temporary_removed: usize,
}

/// A half-written file the photo store left behind (see `examgate_photo::store`).
fn is_temporary(name: &str) -> bool {
    name.starts_with(".examgate-") && name.ends_with(".tmp")
}

/// The regular files in `dir` (symlinks and folders are never touched), by name.
fn files_in(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    names
}

/// The sub-folders of `dir`, by name.
fn folders_in(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    names
}

/// The quarantine folder for photos of sitting folder `folder` where neither `name` nor its
/// sidecar exists yet: `orphaned/<folder>`, else `orphaned/<folder>-2`, … (file names are kept,
/// so `examgate verify` still matches a photo to the student it was signed for).
fn quarantine_for(root: &Path, folder: &str, name: &str) -> (String, PathBuf) {
    let free = |sub: &str| {
        let dir = root.join(QUARANTINE).join(sub);
        let taken = |n: &str| std::fs::symlink_metadata(dir.join(n)).is_ok();
        (!taken(name) && !taken(&format!("{name}{SIDECAR}"))).then_some(dir)
    };
    let mut n = 1u32;
    loop {
        let sub = if n == 1 {
            folder.to_string()
        } else {
            format!("{folder}-{n}")
        };
        if let Some(dir) = free(&sub) {
            return (sub, dir);
        }
        n += 1;
    }
}

/// Moves the photo `name` of sitting folder `folder` (and its sidecar, if any; or the sidecar
/// alone) to the quarantine. `None` when the move failed: the file stays and the next start tries
/// again.
fn move_aside(root: &Path, folder: &str, name: &str) -> Option<String> {
    let from = root.join(folder);
    let (sub, to) = quarantine_for(root, folder, name);
    // Owner-only, as the photo store makes its folders: photos are personal data.
    examgate_photo::create_private_dir_all(&to).ok()?;
    let sidecar = format!("{name}{SIDECAR}");
    for file in [name, sidecar.as_str()] {
        if std::fs::symlink_metadata(from.join(file)).is_ok() {
            std::fs::rename(from.join(file), to.join(file)).ok()?;
        }
    }
    Some(format!("{sub}/{name}"))
}

/// Whether `root` (the `photos` folder) has a sitting folder to sweep; when it has none, the
/// start-up skips reading the event log.
pub(crate) fn has_sitting_folders(root: &Path) -> bool {
    folders_in(root).iter().any(|f| f != QUARANTINE)
}

/// Sweeps the sitting folders under `root` (the `photos` folder). `named` holds the photos the
/// event log names, as (sitting folder, file name); every other `.jpg` (and a sidecar whose photo
/// is gone) goes to the quarantine, every temporary file is removed.
pub(crate) fn sweep(root: &Path, named: &HashSet<(String, String)>) -> Sweep {
    let mut done = Sweep::default();
    for folder in folders_in(root) {
        if folder == QUARANTINE {
            continue;
        }
        let dir = root.join(&folder);
        let files = files_in(&dir);
        let present: HashSet<&str> = files.iter().map(String::as_str).collect();
        for name in &files {
            if is_temporary(name) {
                if std::fs::remove_file(dir.join(name)).is_ok() {
                    done.temporary_removed += 1;
                }
                continue;
            }
            let photo = match name.strip_suffix(SIDECAR) {
                // A sidecar goes with its photo, or alone when its photo is gone.
                Some(photo) if present.contains(photo) => continue,
                Some(photo) => photo,
                None if name.ends_with(".jpg") => name.as_str(),
                None => continue, // not the photo store's: left alone
            };
            if named.contains(&(folder.clone(), photo.to_string())) {
                continue;
            }
            if let Some(moved) = move_aside(root, &folder, photo) {
                done.moved.push(moved);
            }
        }
    }
    done
}

/// What the quarantine holds under `root` (the `photos` folder), as `<folder>/<file>`: every
/// photo, and a sidecar only when its photo is not beside it.
pub(crate) fn quarantined(root: &Path) -> Vec<String> {
    let base = root.join(QUARANTINE);
    let mut found = Vec::new();
    for folder in folders_in(&base) {
        let files = files_in(&base.join(&folder));
        let present: HashSet<&str> = files.iter().map(String::as_str).collect();
        for name in &files {
            if name
                .strip_suffix(SIDECAR)
                .is_some_and(|photo| present.contains(photo))
            {
                continue;
            }
            found.push(format!("{folder}/{name}"));
        }
    }
    found
}
