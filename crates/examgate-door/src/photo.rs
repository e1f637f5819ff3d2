//! The fallback photo at the door (DOMAIN.md step 4): the proctor vouches for a candidate whose
//! face recognition failed and photographs them together at the seat; the photo is stamped,
//! signed and stored, and the candidate waits for the chief examiner.
//!
//! Order matters for "nothing half-done": ask the store what a vouch would record (a candidate
//! already admitted, or a latecomer, is answered before the photo is touched), run the pipeline
//! (nothing is written unless it succeeds), then record the act; if the act is refused after all
//! (another device decided meanwhile), the stored files are removed again. The device key is
//! made at first start beside the database; the font is found once and reused.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use examgate_core::door::DoorAct;
use examgate_core::event::{EventKind, PhotoRef};
use examgate_photo::{DeviceKey, FontSource, Metadata, Options, StampFont};
use examgate_store::ActResult;
use serde::Deserialize;
use ts_rs::TS;

use crate::{Door, IpcError, Result, poisoned};

/// The IPC header naming the [`PhotoTarget`] of a photo sent as raw bytes: JSON, percent-encoded
/// (header values are ASCII; sitting labels are Chinese).
pub const PHOTO_TARGET_HEADER: &str = "x-examgate-photo-target";

/// Which candidate a photo is of, and who took it: sent with the photo's raw bytes (as a header,
/// since the body is the JPEG itself).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct PhotoTarget {
    pub sitting: String,
    pub student: String,
    /// The proctor's staff number.
    pub actor: String,
}

impl PhotoTarget {
    /// Reads the [`PHOTO_TARGET_HEADER`] value: percent-encoded JSON.
    pub fn from_header(value: Option<&str>) -> Result<PhotoTarget> {
        let bad = |why: String| {
            IpcError::new(
                "bad-photo-request",
                format!(
                    "照片请求缺少考生信息 (the photo request does not say whose photo it is): {why}"
                ),
            )
        };
        let value = value.ok_or_else(|| bad(format!("no {PHOTO_TARGET_HEADER} header")))?;
        let json = percent_encoding::percent_decode_str(value)
            .decode_utf8()
            .map_err(|e| bad(e.to_string()))?;
        serde_json::from_str(&json).map_err(|e| bad(e.to_string()))
    }
}

/// The photo side of the door device: where photos go, the key that signs them, the stamp font.
#[derive(Debug)]
pub(crate) struct PhotoDesk {
    /// Photos go in `<root>/<sitting>/<student>.jpg`.
    root: PathBuf,
    /// Made at first start; an unusable key file is reported when a photo is taken, so the rest
    /// of the door keeps working.
    key: std::result::Result<DeviceKey, IpcError>,
    font_source: Mutex<FontSource>,
    font: Mutex<Option<StampFont>>,
}

impl From<examgate_photo::Error> for IpcError {
    fn from(e: examgate_photo::Error) -> IpcError {
        IpcError::new(e.code(), e.to_string())
    }
}

/// A folder name for a sitting's label ("2023春 第一次"): path separators and control characters
/// become `_`, so a label can never point outside the photo folder.
fn folder_name(sitting: &str) -> String {
    let name: String = sitting
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':') {
                '_'
            } else {
                c
            }
        })
        .collect();
    match name.trim() {
        "" | "." | ".." => "_".to_string(),
        n => n.to_string(),
    }
}

impl PhotoDesk {
    /// Photos under `<data>/photos`, the key at `<data>/device-key.pem`.
    pub(crate) fn open(data: &Path) -> PhotoDesk {
        let key_path = data.join("device-key.pem");
        PhotoDesk {
            root: data.join("photos"),
            key: DeviceKey::load_or_create(&key_path).map_err(IpcError::from),
            font_source: Mutex::new(FontSource::System),
            font: Mutex::new(None),
        }
    }

    fn folder(&self, sitting: &str) -> PathBuf {
        self.root.join(folder_name(sitting))
    }

    /// Loads the stamp font covering `text`, reusing the last one when it still does.
    fn with_font<T>(&self, text: &str, f: impl FnOnce(&StampFont) -> T) -> Result<T> {
        let mut cached = self.font.lock().map_err(poisoned)?;
        if cached.as_ref().is_none_or(|font| font.check(text).is_err()) {
            let source = self.font_source.lock().map_err(poisoned)?.clone();
            *cached = Some(StampFont::find(&source, text)?);
        }
        match cached.as_ref() {
            Some(font) => Ok(f(font)),
            None => Err(IpcError::new("internal", "font cache is empty")),
        }
    }
}

fn photo_ref(stored: &examgate_photo::StoredPhoto) -> PhotoRef {
    PhotoRef {
        file: stored
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        sha256: stored.sha256.clone(),
        public_key: stored.signature.public_key.clone(),
        signature: stored.signature.signature.clone(),
    }
}

impl Door {
    /// Uses this font file for the stamp instead of searching the system's fonts.
    pub fn set_stamp_font(&self, file: Option<PathBuf>) -> Result<()> {
        *self.photos.font_source.lock().map_err(poisoned)? =
            file.map_or(FontSource::System, FontSource::File);
        *self.photos.font.lock().map_err(poisoned)? = None;
        Ok(())
    }

    /// This device's photo-signing public key (hex), for the site's trust list.
    pub fn device_key(&self) -> Result<String> {
        match &self.photos.key {
            Ok(key) => Ok(key.public_key().to_string()),
            Err(e) => Err(e.clone()),
        }
    }

    /// The proctor vouches for `target.student` with the photo `jpeg` (the camera's bytes):
    /// stamp, sign and store it, and put the candidate in "pending manual verification".
    pub fn take_photo(&self, target: &PhotoTarget, jpeg: &[u8]) -> Result<ActResult> {
        let PhotoTarget {
            sitting,
            student,
            actor,
        } = target;
        // What a vouch would record now: never the photo's fault when it cannot be taken.
        let placeholder = DoorAct::Vouch {
            photo: PhotoRef::default(),
        };
        let (now, card) = {
            let mut store = self.store()?;
            let now = self.now_for(&store, sitting)?;
            match store.preview(sitting, student, actor, &placeholder, now)? {
                EventKind::ManualVerificationRequested { .. } => {}
                // A latecomer is refused and marked absent whatever the proctor tried; the
                // placeholder photo is not recorded (a late refusal carries none).
                _ => return Ok(store.act(sitting, student, actor, &placeholder, now)?),
            }
            (now, store.card(sitting, student)?)
        };
        let key = self.photos.key.as_ref().map_err(Clone::clone)?;
        let meta = Metadata::new(
            student,
            now,
            &card.site,
            &card.room,
            &card.room_address,
            &card.seat.to_string(),
        )?;
        let folder = self.photos.folder(sitting);
        let stored = self.photos.with_font(&meta.stamp_text(), |font| {
            examgate_photo::take_photo(jpeg, &meta, font, key, &folder, &Options::default())
        })??;
        let act = DoorAct::Vouch {
            photo: photo_ref(&stored),
        };
        let recorded = self
            .store()
            .and_then(|mut store| Ok(store.act(sitting, student, actor, &act, now)?));
        if recorded.is_err() {
            // Refused after all: the photo belongs to no event, so it does not stay.
            let _ = std::fs::remove_file(&stored.sidecar);
            let _ = std::fs::remove_file(&stored.path);
        }
        recorded
    }

    /// [`Door::take_photo`] for a photo as the screens send it: the target in its header's text
    /// (see [`PhotoTarget::from_header`]), the photo as the raw body.
    pub fn take_photo_sent(&self, header: Option<&str>, jpeg: &[u8]) -> Result<ActResult> {
        self.take_photo(&PhotoTarget::from_header(header)?, jpeg)
    }

    /// The bytes of the photo the candidate's manual verification rests on, after checking they
    /// are the ones signed; empty when there is none.
    pub fn fallback_photo(&self, sitting: &str, student: &str) -> Result<Vec<u8>> {
        let Some(photo) = self.store()?.fallback_photo(sitting, student)? else {
            return Ok(Vec::new());
        };
        let path = self.photos.folder(sitting).join(&photo.file);
        let bytes = std::fs::read(&path).map_err(|e| {
            IpcError::new(
                "photo-missing",
                format!(
                    "找不到照片 {} (the photo file is missing): {e}",
                    path.display()
                ),
            )
        })?;
        if examgate_photo::sha256_hex(&bytes) != photo.sha256 {
            return Err(IpcError::new(
                "photo-altered",
                format!(
                    "照片 {} 与记录不符，已被改动 (the photo file is not the one recorded: it was altered)",
                    path.display()
                ),
            ));
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::folder_name;

    #[test]
    fn the_photo_target_header_is_percent_encoded_json() {
        let header = "%7B%22sitting%22%3A%222023%E6%98%A5%20%E7%AC%AC%E4%B8%80%E6%AC%A1%22%2C%22student%22%3A%222023420100001%22%2C%22actor%22%3A%22J0101%22%7D";
        let t = super::PhotoTarget::from_header(Some(header)).unwrap();
        assert_eq!(t.sitting, "2023春 第一次");
        assert_eq!(t.student, "2023420100001");
        let missing = super::PhotoTarget::from_header(None).unwrap_err();
        assert_eq!(missing.code, "bad-photo-request");
        let garbled = super::PhotoTarget::from_header(Some("%7Bnot json")).unwrap_err();
        assert_eq!(garbled.code, "bad-photo-request");
    }

    #[test]
    fn a_sitting_label_cannot_name_a_folder_outside_the_photo_folder() {
        assert_eq!(folder_name("2023春 第一次"), "2023春 第一次");
        assert_eq!(folder_name("../x"), ".._x");
        assert_eq!(folder_name(".."), "_");
        assert_eq!(folder_name("a\nb"), "a_b");
    }
}
