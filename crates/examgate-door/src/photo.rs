//! The fallback photo at the door (DOMAIN.md step 4): the proctor vouches for a candidate whose
//! face recognition failed and photographs them together at the seat; the photo is stamped,
//! signed and stored, and the candidate waits for the chief examiner.
//!
//! Two steps, so nobody is walked to a seat for nothing. [`Door::begin_vouch`], when the proctor
//! taps "vouch", asks the store what a vouch would record: a latecomer (after T+30) is refused and
//! marked absent right there, a candidate already admitted gets that error; otherwise the time is
//! remembered (device time). [`Door::take_photo`] then decides the act *at that time*, with the
//! exam time in force then (a candidate who reached the door at 09:29 is not late because the
//! photo was sent at 09:31; the event itself carries the device time it was recorded at), runs
//! the pipeline (nothing is written unless it succeeds), and records the act; if the act is
//! refused after all (another device decided meanwhile), the stored files are removed again. The
//! photo's stamp carries the moment it was taken. The device key is made at first start beside the database.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, FixedOffset, TimeDelta};
use examgate_core::door::DoorAct;
use examgate_core::event::{EventKind, PhotoRef};
use examgate_photo::{DeviceKey, FontSource, Metadata, Options, StampFont, Verdict};
use examgate_store::import::GlyphCheck;
use examgate_store::{DecisionTime, ListedCandidate, Store};

use crate::orphans::{self, Sweep};
use crate::photo_request::{PhotoBody, PhotoTarget};
use crate::{ActResult, Door, ErrorCode, IpcError, Result};

/// How long a tap on "vouch" holds the time the candidate was at the door: enough to walk to the
/// seat and take the photo, not enough to carry a morning's vouch into the afternoon.
const VOUCH_HOLDS: TimeDelta = TimeDelta::minutes(15);

/// The photo side of the door device: where photos go, the key that signs them, the stamp font,
/// and the vouches begun but not yet photographed.
#[derive(Debug)]
pub(crate) struct PhotoDesk {
    /// Photos go in `<root>/<sitting>/<student>.jpg`.
    root: PathBuf,
    /// Made at first start; an unusable key file is reported when a photo is taken (and in the
    /// settings), so the rest of the door keeps working.
    key: std::result::Result<DeviceKey, IpcError>,
    font_source: Mutex<FontSource>,
    font: Mutex<Option<Arc<StampFont>>>,
    begun: Mutex<HashMap<(String, String), DecisionTime>>,
}

/// These locks guard caches and settings, never a half-done change: a panic elsewhere does not
/// make them unusable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A folder name for a sitting's label ("2023春 第一次"): path separators and control characters
/// become `_`, so a label can never point outside the photo folder, nor into the quarantine.
pub fn folder_name(sitting: &str) -> String {
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
        orphans::QUARANTINE => format!("_{}", orphans::QUARANTINE),
        n => n.to_string(),
    }
}

/// A photo file name as an event names it: a bare name, never a path.
fn bare_file_name(name: &str) -> Option<&str> {
    let ok = !name.is_empty()
        && !matches!(name, "." | "..")
        && !name.contains(['/', '\\'])
        && !name.chars().any(char::is_control);
    ok.then_some(name)
}

impl PhotoDesk {
    /// Photos under `<data>/photos`, the key at `<data>/device-key.pem`.
    pub(crate) fn open(data: &Path) -> PhotoDesk {
        PhotoDesk {
            root: data.join("photos"),
            key: DeviceKey::load_or_create(&data.join("device-key.pem")).map_err(IpcError::from),
            font_source: Mutex::new(FontSource::System),
            font: Mutex::new(None),
            begun: Mutex::new(HashMap::new()),
        }
    }

    /// The device's signing key, or why it is unusable.
    pub(crate) fn key(&self) -> Result<&DeviceKey> {
        self.key.as_ref().map_err(Clone::clone)
    }

    fn folder(&self, sitting: &str) -> PathBuf {
        self.root.join(folder_name(sitting))
    }

    /// Moves the photos no event names to the quarantine and removes half-written files (see
    /// [`crate::orphans`]). Nothing is moved when the event log cannot be read.
    pub(crate) fn sweep(&self, store: &Store) -> Sweep {
        if !orphans::has_sitting_folders(&self.root) {
            return Sweep::default();
        }
        let Ok(refs) = store.photo_refs() else {
            return Sweep::default();
        };
        let named = refs
            .into_iter()
            .map(|(sitting, photo)| (folder_name(&sitting), photo.file))
            .collect();
        orphans::sweep(&self.root, &named)
    }

    /// The photos in the quarantine, as `<sitting folder>/<file>`.
    pub(crate) fn orphans(&self) -> Vec<String> {
        orphans::quarantined(&self.root)
    }

    /// The stamp font covering `text`: the last one when it still does, else a new search.
    fn font_for(&self, text: &str) -> Result<Arc<StampFont>> {
        let mut cached = lock(&self.font);
        if let Some(font) = cached.as_ref().filter(|f| f.check(text).is_ok()) {
            return Ok(Arc::clone(font));
        }
        let source = lock(&self.font_source).clone();
        let font = Arc::new(StampFont::find(&source, text)?);
        *cached = Some(Arc::clone(&font));
        Ok(font)
    }
}

/// The act asked of the store before the photo exists: only its kind matters, its placeholder
/// photo is never recorded (see `begin_vouch`).
fn placeholder() -> DoorAct {
    DoorAct::Vouch {
        photo: PhotoRef::default(),
        face: None,
    }
}

impl Door {
    /// Uses this font file for the stamp instead of searching the system's fonts.
    pub fn set_stamp_font(&self, file: Option<PathBuf>) {
        *lock(&self.photos.font_source) = FontSource::from(file);
        *lock(&self.photos.font) = None;
    }

    /// The stamp font's coverage for the import: the font [`Door::set_stamp_font`] chose (or the
    /// system search), asked the way `font_for` asks it when a photo is stamped.
    pub(crate) fn stamp_glyphs(&self) -> GlyphCheck {
        let source = lock(&self.photos.font_source).clone();
        let cached = lock(&self.photos.font).clone();
        GlyphCheck::new(move |text| {
            if cached.as_ref().is_some_and(|f| f.missing(text).is_empty()) {
                return Ok(Vec::new());
            }
            StampFont::uncovered(&source, text).map_err(|e| e.to_string())
        })
    }

    /// This device's photo-signing public key (hex), for the site's trust list.
    pub fn device_key(&self) -> Result<String> {
        match &self.photos.key {
            Ok(key) => Ok(key.public_key().to_string()),
            Err(e) => Err(e.clone()),
        }
    }

    /// The proctor taps "vouch": `None` when the photo is to be taken now; the recorded result
    /// when the candidate is refused as late instead (no photo then); an error (already
    /// admitted, awaiting approval…) when no vouch is possible.
    pub fn begin_vouch(
        &self,
        sitting: &str,
        student: &str,
        actor: &str,
    ) -> Result<Option<ActResult>> {
        let mut store = self.store()?;
        let now = self.now_for(&store, sitting)?;
        match store.preview(sitting, student, actor, &placeholder(), now)? {
            EventKind::ManualVerificationRequested { .. } => {
                let at = store.decision_time(sitting, now)?;
                lock(&self.photos.begun).insert((sitting.to_string(), student.to_string()), at);
                Ok(None)
            }
            // A latecomer is refused and marked absent whatever the proctor tried; a late
            // refusal carries no photo, so the placeholder is dropped by the store's decision.
            EventKind::RefusedLate => Ok(Some(
                store
                    .act(sitting, student, actor, &placeholder(), now)?
                    .into(),
            )),
            other => Err(IpcError::new(
                ErrorCode::Internal,
                format!("unexpected decision for a vouch: {}", other.name()),
            )),
        }
    }

    /// [`Door::take_photo`] for a photo as the screens send it.
    pub fn take_photo_sent(&self, header: Option<&str>, body: PhotoBody<'_>) -> Result<ActResult> {
        let target = PhotoTarget::from_header(header)?;
        let done = self.take_photo(&target, &body.bytes()?);
        self.kicked(done)
    }

    /// The photo `jpeg` (the camera's bytes) of `target.student` with the proctor at the seat:
    /// stamp, sign and store it, and put the candidate in "pending manual verification".
    pub fn take_photo(&self, target: &PhotoTarget, jpeg: &[u8]) -> Result<ActResult> {
        let (sitting, student, actor) = (&target.sitting, &target.student, &target.actor);
        let key = (sitting.clone(), student.clone());
        let (taken_at, decided_at, listed) = {
            let store = self.store()?;
            let now = self.now_for(&store, sitting)?;
            // Device times both: a set exam time cannot stretch how long a vouch holds.
            let begun = lock(&self.photos.begun)
                .get(&key)
                .copied()
                .filter(|t| t.device() <= now && now - t.device() <= VOUCH_HOLDS);
            match store.preview_decided_at(sitting, student, actor, &placeholder(), now, begun)? {
                EventKind::ManualVerificationRequested { .. } => {}
                _ => {
                    return Err(IpcError::new(
                        ErrorCode::VouchFirst,
                        "请先点“人工核验”：超过开考 30 分钟的考生不能再拍照核验 (tap \"vouch\" first; after T+30 there is no photo)",
                    ));
                }
            }
            // The stamp carries the exam time (a drill's set time, or the device clock).
            (
                store.exam_time(sitting, now)?,
                begun,
                store.candidate(sitting, student)?,
            )
        };
        let stored = self.stamp_and_store(sitting, jpeg, taken_at, &listed)?;
        let act = DoorAct::Vouch {
            photo: stored.photo_ref(target.source),
            face: target.face,
        };
        let recorded = self.store().and_then(|mut store| {
            let now = self.now_for(&store, sitting)?;
            Ok(store
                .act_decided_at(sitting, student, actor, &act, now, decided_at)?
                .into())
        });
        match &recorded {
            Ok(_) => {
                lock(&self.photos.begun).remove(&key);
            }
            Err(_) => {
                // Refused after all: the photo belongs to no event, so it does not stay.
                stored.discard();
            }
        }
        recorded
    }

    /// Stamps `jpeg` with the exam time `taken_at` and the candidate's room and seat, signs it
    /// with this device's key and stores it in the sitting's folder.
    pub(crate) fn stamp_and_store(
        &self,
        sitting: &str,
        jpeg: &[u8],
        taken_at: DateTime<FixedOffset>,
        listed: &ListedCandidate,
    ) -> Result<examgate_photo::StoredPhoto> {
        let signing = self.photos.key.as_ref().map_err(Clone::clone)?;
        let meta = Metadata::new(
            &listed.student_number,
            taken_at,
            &listed.site,
            &listed.room,
            &listed.room_address,
            &listed.seat.to_string(),
        )?;
        let font = self.photos.font_for(&meta.stamp_text())?;
        Ok(examgate_photo::take_photo(
            jpeg,
            &meta,
            &font,
            signing,
            &self.photos.folder(sitting),
            &Options::default(),
        )?)
    }

    /// The bytes of the photo the candidate's manual verification rests on, after checking they
    /// are the ones the event names and that their signature holds; empty when there is none.
    pub fn fallback_photo(&self, sitting: &str, student: &str) -> Result<Vec<u8>> {
        let Some(photo) = self.store()?.fallback_photo(sitting, student)? else {
            return Ok(Vec::new());
        };
        let altered = |why: String| {
            IpcError::new(
                ErrorCode::PhotoAltered,
                format!(
                    "人工核验照片与记录不符，可能已被改动 (the photo is not the one recorded): {why}"
                ),
            )
        };
        let name = bare_file_name(&photo.file)
            .ok_or_else(|| altered(format!("file name {:?}", photo.file)))?;
        let path = self.photos.folder(sitting).join(name);
        let bytes = std::fs::read(&path).map_err(|e| {
            IpcError::new(
                ErrorCode::PhotoMissing,
                format!(
                    "找不到人工核验照片 {} (the photo file is missing): {e}",
                    path.display()
                ),
            )
        })?;
        if examgate_photo::sha256_hex(&bytes) != photo.sha256 {
            return Err(altered(format!(
                "{} changed since it was taken",
                path.display()
            )));
        }
        let signer = photo.public_key.parse().map_err(|e: String| altered(e))?;
        match examgate_photo::verify_beside(&bytes, &path, &[signer])? {
            Verdict::Authentic { .. } => Ok(bytes),
            other => Err(altered(other.to_string())),
        }
    }

    /// Before the chief examiner's approval: the photo exists and is the one signed. A rejection
    /// needs no photo (it may be rejected because the photo is missing).
    pub(crate) fn check_photo_before(
        &self,
        sitting: &str,
        student: &str,
        act: &DoorAct,
    ) -> Result<()> {
        if !matches!(act, DoorAct::Approve) {
            return Ok(());
        }
        // No photo recorded: `fallback_photo` is empty, and there is nothing to check.
        match self.fallback_photo(sitting, student) {
            // Taken on another room's device: the chief's device fetched it from the server and
            // checked its hash when it showed it (`Door::pending_photo`); not shown, not approved.
            Err(e) if e.code == ErrorCode::PhotoMissing => {
                let recorded = self.store()?.fallback_photo(sitting, student)?;
                match recorded {
                    Some(p) if self.chief.was_shown(&p.sha256) => Ok(()),
                    _ => Err(e),
                }
            }
            other => other.map(drop),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{bare_file_name, folder_name};

    #[test]
    fn a_sitting_label_cannot_name_a_folder_outside_the_photo_folder() {
        assert_eq!(folder_name("2023春 第一次"), "2023春 第一次");
        assert_eq!(folder_name("../x"), ".._x");
        assert_eq!(folder_name(".."), "_");
        assert_eq!(folder_name("a\nb"), "a_b");
        assert_eq!(folder_name("orphaned"), "_orphaned");
    }

    #[test]
    fn an_event_cannot_point_the_photo_outside_its_folder() {
        assert_eq!(
            bare_file_name("2023420100001.jpg"),
            Some("2023420100001.jpg")
        );
        for bad in ["", "..", "../x.jpg", "/etc/passwd", "a\\b.jpg"] {
            assert_eq!(bare_file_name(bad), None, "{bad:?}");
        }
    }
}
