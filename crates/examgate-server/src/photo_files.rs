//! The photo folder `DIR/photos/`: complete photos as `<sha256>.jpg` with their signature sidecar
//! `<sha256>.jpg.sig.json`, named by content so two devices can never collide, and unfinished
//! uploads as `partial/<sha256>-<device>.part`, one per uploading device, so one device's half
//! upload never mixes with another's.
//!
//! The SHA-256 of an upload is computed as its chunks arrive (kept in memory, per upload), so
//! completing a photo does not read it back; after a server restart the file is hashed once.
//!
//! A photo becomes complete by rename (sidecar first, then the photo), so a reader never sees a
//! photo without its signature or half a photo.
//!
//! **Durability: one fsync of the photo, at the end, not one per chunk.** What the server
//! acknowledges durably is a *complete* photo: before the answer that completes an upload, the
//! partial file is fsynced (its data), the sidecar is written and fsynced, both are renamed, the
//! folder is fsynced (the names), and the database row is committed (fsynced). A chunk's answer
//! in between only says how far the upload got; it is a hint for resuming, not a promise:
//! - a killed server process loses nothing: the chunk is in the kernel's page cache, and the file
//!   has it when the server is back;
//! - a power cut or an OS crash may lose the last chunks written since the last fsync. The
//!   partial file then ends earlier (or, on a file system that extends a file before its data
//!   reaches the disk, with a damaged tail), and `HEAD` reports the bytes actually in the file,
//!   so the device resumes from there; a damaged tail fails the SHA-256 check at the end, the
//!   upload is refused (nothing of it kept) and the device's next sync sends the photo again,
//!   which it still holds because it stays pending until the complete answer.
//!
//! So fsyncing every chunk bought nothing an acknowledged photo needs, and cost one disk flush
//! per 512 KiB (about half of the upload's time in `examgate bench sync`).

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::{Result, ServerError};

/// Each unfinished upload's running hash, by (photo, device), with the offset it covers.
type Running = HashMap<(String, Uuid), (u64, Sha256)>;

/// The photo folder of a server.
#[derive(Debug, Clone)]
pub(crate) struct PhotoDir {
    root: PathBuf,
    hashing: Arc<Mutex<Running>>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ServerError + '_ {
    move |e| ServerError::io(path, e)
}

impl PhotoDir {
    /// `DIR/photos`, made (owner-only) if missing.
    pub(crate) fn open(data: &Path) -> Result<PhotoDir> {
        let root = data.join("photos");
        crate::serve::private_dir(&root.join("partial"))?;
        crate::serve::private_dir(&root)?;
        Ok(PhotoDir {
            root,
            hashing: Arc::default(),
        })
    }

    pub(crate) fn photo(&self, sha256: &str) -> PathBuf {
        self.root.join(format!("{sha256}.jpg"))
    }

    pub(crate) fn sidecar(&self, sha256: &str) -> PathBuf {
        self.root.join(format!("{sha256}.jpg.sig.json"))
    }

    fn partial(&self, sha256: &str, device: Uuid) -> PathBuf {
        self.root
            .join("partial")
            .join(format!("{sha256}-{device}.part"))
    }

    /// The length of the complete photo, if the server holds it.
    pub(crate) fn held(&self, sha256: &str) -> Option<u64> {
        std::fs::metadata(self.photo(sha256)).ok().map(|m| m.len())
    }

    /// How many bytes of `device`'s upload the server holds.
    pub(crate) fn partial_len(&self, sha256: &str, device: Uuid) -> u64 {
        std::fs::metadata(self.partial(sha256, device)).map_or(0, |m| m.len())
    }

    /// Appends `chunk` at `offset`, which must be the bytes held so far; written to the file
    /// but not fsynced (module docs: [`PhotoDir::promote`] makes the whole photo durable).
    /// Answers the new offset.
    pub(crate) fn append(
        &self,
        sha256: &str,
        device: Uuid,
        offset: u64,
        chunk: &[u8],
    ) -> Result<u64> {
        let path = self.partial(sha256, device);
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(io(&path))?;
        let held = file.metadata().map_err(io(&path))?.len();
        if held != offset {
            return Err(ServerError::UploadOffsetMismatch { held, got: offset });
        }
        file.write_all(chunk).map_err(io(&path))?;
        let now = held + chunk.len() as u64;
        let mut hashing = self.hashing.lock().unwrap_or_else(PoisonError::into_inner);
        let key = (sha256.to_owned(), device);
        match hashing.remove(&key) {
            Some((at, mut h)) if at == held => {
                h.update(chunk);
                hashing.insert(key, (now, h));
            }
            _ if held == 0 => {
                hashing.insert(key, (now, Sha256::new_with_prefix(chunk)));
            }
            // Started before a restart: hashed from the file at the end.
            _ => {}
        }
        Ok(now)
    }

    /// SHA-256 (lower-case hex) of `device`'s upload as held.
    pub(crate) fn partial_sha256(&self, sha256: &str, device: Uuid) -> Result<String> {
        let path = self.partial(sha256, device);
        let running = self
            .hashing
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&(sha256.to_owned(), device));
        let len = std::fs::metadata(&path).map_err(io(&path))?.len();
        if let Some((_, h)) = running.filter(|(at, _)| *at == len) {
            return Ok(hex::encode(h.finalize()));
        }
        let mut file = File::open(&path).map_err(io(&path))?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = file.read(&mut buf).map_err(io(&path))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        Ok(hex::encode(hasher.finalize()))
    }

    /// Removes `device`'s unfinished upload (nothing of a refused upload stays).
    pub(crate) fn remove_partial(&self, sha256: &str, device: Uuid) {
        self.hashing
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&(sha256.to_owned(), device));
        let _ = std::fs::remove_file(self.partial(sha256, device));
    }

    /// Makes `device`'s finished, checked upload the photo, durably: the photo's data fsynced,
    /// the sidecar written and fsynced, then the sidecar and the photo each renamed into place,
    /// then the folder fsynced. When another device's upload of the same bytes got there first,
    /// that one stays.
    pub(crate) fn promote(&self, sha256: &str, device: Uuid, sidecar: &str) -> Result<()> {
        let partial = self.partial(sha256, device);
        let photo = self.photo(sha256);
        if photo.exists() {
            self.remove_partial(sha256, device);
            return Ok(());
        }
        // Opened for writing: Windows flushes only a handle with write access.
        OpenOptions::new()
            .write(true)
            .open(&partial)
            .and_then(|f| f.sync_data())
            .map_err(io(&partial))?;
        let side = self.sidecar(sha256);
        let tmp = self.root.join(format!(".{sha256}.sig.tmp"));
        {
            let mut f = File::create(&tmp).map_err(io(&tmp))?;
            f.write_all(sidecar.as_bytes()).map_err(io(&tmp))?;
            f.sync_all().map_err(io(&tmp))?;
        }
        std::fs::rename(&tmp, &side).map_err(io(&side))?;
        std::fs::rename(&partial, &photo).map_err(io(&photo))?;
        File::open(&self.root)
            .and_then(|d| d.sync_all())
            .map_err(io(&self.root))
    }

    /// The bytes of a complete photo.
    pub(crate) fn read(&self, sha256: &str) -> Result<Vec<u8>> {
        let path = self.photo(sha256);
        std::fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => ServerError::PhotoNotHeld,
            _ => ServerError::io(&path, e),
        })
    }
}
