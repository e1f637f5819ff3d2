//! The door device's service: the one store and the exam clock, with the operations the app's
//! screens call. It is the app minus the window: the Tauri shell's commands are one line each into
//! this crate, and everything here is tested without a display.
//!
//! Time: every act, id, hybrid clock reading and PIN lock-out runs on the device clock, which the
//! door is given ([`DeviceClock`]: the system clock in the app, a set one in tests); the PIN
//! lock-out also reads the device's boot clock, which no setting moves. Nothing sleeps. Only the
//! rules read a sitting's exam time, which the store derives from the device clock and the
//! sitting's recorded exam-time changes (a drill's, or one the chief authorised).

mod bindings;
mod chief;
mod closing;
mod error;
mod export;
mod orphans;
mod photo;
mod photo_request;
mod post_check;
mod private;
mod proctors;
mod qr;
mod room;
mod room_view;
mod server;
mod sync;
mod view;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, FixedOffset, Utc};
use examgate_core::clock::ClockView;
use examgate_core::door::DoorAct;
use examgate_core::search::DocumentMatch;
use examgate_store::import::SourceFile;
use examgate_store::{
    BootReading, DeviceTime, ImportOptions, ImportReport, PreparedImport, RoomInfo, SiteInfo,
    SittingInfo, StaffInfo, Store,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use bindings::typescript;
pub use chief::{PendingApproval, RoomCounts, SiteOverview};
pub use closing::{ClosingLine, ClosingView};
pub use error::{ErrorCode, IpcError, Result};
pub use export::{ArchiveProgress, ArchiveSaved};
/// Where a device keeps a sitting's photos (`photos/<folder>/`): `examgate export archive` reads them.
pub use photo::folder_name as photo_folder_name;
pub use photo_request::{PHOTO_TARGET_HEADER, PhotoBody, PhotoTarget};
pub use post_check::{PhotoToCheck, PostExamChecks};
pub use proctors::{
    ProctorSignIn, RoomProctors, RoomTimeline, RosterProctor, StepState, StepView,
    SubstituteProctor,
};
pub use room_view::{CountCheckDone, CountCheckRow, CountCheckView, ViolationView};
pub use server::{ClockReading, EnrollView, ServerView};
pub use sync::{
    CLOCK_WARNING_MS, SyncSchedule, SyncState, SyncView, UploadProgress, sync_state_of,
};
pub use view::{ActResult, CandidateCard, Tally};

/// How many cards a search returns at most: a door screen shows a handful.
const SEARCH_LIMIT: usize = 20;

/// What the settings screen shows about this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppInfo {
    pub db_path: String,
    pub device_id: String,
    pub version: String,
    /// The photo-signing public key, or why the key file is unusable.
    pub signing_key: SigningKey,
    /// Where the database's encryption key is kept, said plainly (Chinese first).
    pub db_key: String,
    /// Photos no event names (the app stopped between saving a photo and recording it), moved
    /// at start to `photos/orphaned/`, as `<sitting folder>/<file>` there; empty when none.
    pub orphan_photos: Vec<String>,
}

/// The device's photo-signing key as the settings screen shows it: a typed shape, not a Rust
/// `Result` (which would cross as `{Ok}`/`{Err}` with an untyped error).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum SigningKey {
    /// The public key, hex.
    Ready { public_key: String },
    /// The key file cannot be used: photos are refused until the office fixes it.
    Unusable { error: IpcError },
}

type BootSource = Arc<dyn Fn() -> Option<BootReading> + Send + Sync>;

/// Where the door reads the device's own time: its wall clock, and its boot clock (time since
/// boot, which no setting moves; the PIN lock-out runs on it). The system's in the app; tests
/// set both by hand.
#[derive(Clone)]
pub struct DeviceClock {
    wall: Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>,
    boot: BootSource,
}

impl DeviceClock {
    /// The system clock, and the system's boot clock where it has one (Linux, Android).
    pub fn system() -> DeviceClock {
        DeviceClock {
            wall: Arc::new(Utc::now),
            boot: Arc::new(BootReading::system),
        }
    }

    /// A wall clock that reads whatever `read` returns (tests move it by hand), with no boot
    /// clock: the PIN lock-out runs on the wall clock alone until [`DeviceClock::with_boot`].
    pub fn from_fn(read: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> DeviceClock {
        DeviceClock {
            wall: Arc::new(read),
            boot: Arc::new(|| None),
        }
    }

    /// This clock with its boot clock read from `read` (tests move it by hand).
    pub fn with_boot(
        self,
        read: impl Fn() -> Option<BootReading> + Send + Sync + 'static,
    ) -> DeviceClock {
        DeviceClock {
            boot: Arc::new(read),
            ..self
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.wall)()
    }

    /// The boot clock now, if the device has one.
    pub fn boot(&self) -> Option<BootReading> {
        (self.boot)()
    }
}

impl std::fmt::Debug for DeviceClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DeviceClock({}, {:?})", self.now(), self.boot())
    }
}

/// The chief examiner's authority for setting a real sitting's exam time.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct ClockAuthority {
    pub chief: String,
    pub pin: String,
}

/// The door service. Shared by the shell's commands; each call locks the store for its duration.
#[derive(Debug)]
pub struct Door {
    store: Mutex<Store>,
    device_clock: DeviceClock,
    db_path: PathBuf,
    photos: photo::PhotoDesk,
    sync: sync::SyncDesk,
    chief: chief::ChiefDesk,
}

pub(crate) fn poisoned<T>(_: T) -> IpcError {
    IpcError::new(
        ErrorCode::Internal,
        "内部错误，请重启应用 (internal error: restart the app)",
    )
}

impl Door {
    /// Opens the database at `path` (creating it and its folder, owner-only, if needed) on the
    /// system clock. Fallback photos go in `photos/` beside it, signed with `device-key.pem` there
    /// (made at first start); all of them readable by this user only. Photos that no event names
    /// are moved to `photos/orphaned/` (see [`AppInfo::orphan_photos`]).
    pub fn open(path: &Path) -> Result<Door> {
        Door::open_with_clock(path, DeviceClock::system())
    }

    /// The app's way: [`Door::open`], with a new database's key kept in the platform keystore
    /// (the desktop's Secret Service) when one answers within 2 s, else in a key file; a key file
    /// already beside the database is used as it is (`DbKey::discover`).
    pub fn open_app(path: &Path) -> Result<Door> {
        let keystore = examgate_store::keystore::platform();
        Door::open_with_keystore(path, DeviceClock::system(), &*keystore)
    }

    /// [`Door::open`] reading the device time from `device_clock`.
    pub fn open_with_clock(path: &Path, device_clock: DeviceClock) -> Result<Door> {
        Door::open_with_keystore(path, device_clock, &examgate_store::keystore::NoKeystore)
    }

    /// [`Door::open_with_clock`] finding the database key in `keystore` where it answers.
    pub fn open_with_keystore(
        path: &Path,
        device_clock: DeviceClock,
        keystore: &dyn examgate_store::keystore::Keystore,
    ) -> Result<Door> {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        private::data_folder(dir)?;
        private::tighten_photos(&dir.join("photos"))?;
        let store = Store::open_discovering(path, Default::default(), keystore)?;
        let photos = photo::PhotoDesk::open(dir);
        let swept = photos.sweep(&store);
        if !swept.moved.is_empty() || swept.temporary_removed > 0 {
            eprintln!(
                "examgate: 有 {} 张照片没有对应的记录，已移至 photos/{}/；删除 {} 个未写完的临时文件 (photos no event names moved aside; half-written files removed): {}",
                swept.moved.len(),
                orphans::QUARANTINE,
                swept.temporary_removed,
                swept.moved.join(", ")
            );
        }
        Ok(Door {
            store: Mutex::new(store),
            device_clock,
            db_path: path.to_path_buf(),
            photos,
            sync: sync::SyncDesk::default(),
            chief: chief::ChiefDesk::default(),
        })
    }

    pub(crate) fn store(&self) -> Result<MutexGuard<'_, Store>> {
        self.store.lock().map_err(poisoned)
    }

    /// The device time now, in `offset`.
    fn now(&self, offset: FixedOffset) -> DateTime<FixedOffset> {
        self.device_clock.now().with_timezone(&offset)
    }

    /// The device time now, in the sitting's offset.
    pub(crate) fn now_for(&self, store: &Store, sitting: &str) -> Result<DateTime<FixedOffset>> {
        Ok(self.now(store.sitting(sitting)?.offset))
    }

    /// The device time now with its boot clock, for a PIN try about `sitting`.
    pub(crate) fn pin_time_for(&self, store: &Store, sitting: &str) -> Result<DeviceTime> {
        Ok(DeviceTime {
            wall: self.now_for(store, sitting)?,
            boot: self.device_clock.boot(),
        })
    }

    pub fn app_info(&self) -> Result<AppInfo> {
        let (device_id, db_key) = {
            let store = self.store()?;
            let db_key = store.key_location().map_or_else(
                || "内存数据库，无密钥 (in memory, no key)".to_owned(),
                |k| k.describe(),
            );
            (store.device_id()?.to_string(), db_key)
        };
        Ok(AppInfo {
            db_path: self.db_path.display().to_string(),
            device_id,
            version: env!("CARGO_PKG_VERSION").to_string(),
            signing_key: match self.device_key() {
                Ok(public_key) => SigningKey::Ready { public_key },
                Err(error) => SigningKey::Unusable { error },
            },
            db_key,
            orphan_photos: self.photos.orphans(),
        })
    }

    pub fn load_demo(&self) -> Result<ImportReport> {
        Ok(examgate_demo::load(&mut *self.store()?)?)
    }

    /// Imports the files at `paths` (seating lists and rosters), all or nothing. The files are
    /// read and parsed before the store is locked, so the door's other screens keep answering;
    /// only the photos the lists name are read inside the transaction (each bounded, none
    /// blocking), so that a list of thousands never holds all its photos in memory at once.
    pub fn import_files(&self, paths: &[String], sitting: Option<String>) -> Result<ImportReport> {
        let mut files = Vec::with_capacity(paths.len());
        for p in paths {
            files.push(SourceFile::read(Path::new(p)).map_err(|e| {
                IpcError::new(
                    ErrorCode::UnreadableFile,
                    format!("无法读取文件 {p} (cannot read the file): {e}"),
                )
            })?);
        }
        let opts = ImportOptions {
            sitting,
            create: None,
            drill: false,
            photo_dir: ImportOptions::photo_dir_of(paths),
            glyphs: Some(self.stamp_glyphs()),
        };
        let prepared = PreparedImport::parse(&files, &opts)?;
        Ok(self.store()?.import_prepared(prepared, &opts)?)
    }

    pub fn sittings(&self) -> Result<Vec<SittingInfo>> {
        Ok(self.store()?.sittings()?)
    }

    pub fn sites(&self) -> Result<Vec<SiteInfo>> {
        Ok(self.store()?.sites()?)
    }

    pub fn rooms(&self, sitting: &str, site: &str) -> Result<Vec<RoomInfo>> {
        Ok(self.store()?.rooms(sitting, site)?)
    }

    pub fn staff(&self, site: &str, room: Option<&str>) -> Result<Vec<StaffInfo>> {
        Ok(self.store()?.staff(site, room)?)
    }

    /// The clock as the door shows it for `sitting`: the exam time, whether it was set, whether
    /// the sitting is a drill and who authorised a set time on a real one.
    pub fn clock(&self, sitting: &str) -> Result<ClockView> {
        let store = self.store()?;
        let info = store.sitting(sitting)?;
        let state = store.exam_clock(sitting)?;
        let now = state.clock.now(self.device_clock.now(), info.offset);
        Ok(ClockView {
            drill: state.drill,
            set_by: state.set_by,
            ..ClockView::of(info.timeline()?, now, state.clock.is_set())
        })
    }

    /// Sets `sitting`'s exam time (RFC 3339, e.g. `2023-04-15T09:31:00+08:00`), or follows the
    /// device clock again with `None`. A drill takes any time; a real sitting only with the chief
    /// examiner's `authority` (code `exam-time-needs-chief` without it). Recorded in the store.
    pub fn set_clock(
        &self,
        sitting: &str,
        exam_time: Option<&str>,
        authority: Option<&ClockAuthority>,
    ) -> Result<()> {
        let at = match exam_time {
            None => None,
            Some(t) => Some(DateTime::parse_from_rfc3339(t).map_err(|_| {
                IpcError::new(
                    ErrorCode::BadTime,
                    format!(
                        "时间格式应为 2023-04-15T09:31:00+08:00，收到“{t}” (time must be RFC 3339)"
                    ),
                )
            })?),
        };
        let mut store = self.store()?;
        let now = self.pin_time_for(&store, sitting)?;
        let by = authority.map(|a| (a.chief.as_str(), a.pin.as_str()));
        let done = store.set_exam_time(sitting, at, by, now);
        drop(store);
        self.kicked(done.map_err(IpcError::from))
    }

    pub fn search(
        &self,
        sitting: &str,
        site: &str,
        room: &str,
        text: &str,
    ) -> Result<Vec<CandidateCard>> {
        let found = self
            .store()?
            .search(sitting, site, Some(room), text, SEARCH_LIMIT)?;
        Ok(found.into_iter().map(CandidateCard::from).collect())
    }

    pub fn card(&self, sitting: &str, student: &str) -> Result<CandidateCard> {
        Ok(self.store()?.candidate(sitting, student)?.into())
    }

    /// The registration photo's bytes (JPEG or PNG), empty when the list had none.
    pub fn registration_photo(&self, sitting: &str, student: &str) -> Result<Vec<u8>> {
        Ok(self
            .store()?
            .registration_photo(sitting, student)?
            .map(|(_, bytes)| bytes)
            .unwrap_or_default())
    }

    pub fn check_document(
        &self,
        sitting: &str,
        student: &str,
        typed: &str,
    ) -> Result<DocumentMatch> {
        Ok(self.store()?.check_document(sitting, student, typed)?)
    }

    /// Records a door act at the device time, decided at the sitting's exam time. A vouch comes
    /// only with its photo ([`Door::take_photo`]): the screens cannot send one on its own.
    pub fn act(
        &self,
        sitting: &str,
        student: &str,
        actor: &str,
        act: &DoorAct,
    ) -> Result<ActResult> {
        if matches!(act, DoorAct::Vouch { .. }) {
            return Err(IpcError::new(
                ErrorCode::PhotoNeeded,
                "人工核验须先拍摄考生与监考员在座位的合照 (vouching needs the photo of candidate and proctor at the seat)",
            ));
        }
        if matches!(act, DoorAct::Resolve { .. }) {
            return Err(IpcError::new(
                ErrorCode::NotChiefExaminer,
                "裁定冲突须由主考输入口令 (settling a conflict needs the chief examiner's PIN)",
            ));
        }
        let mut store = self.store()?;
        let now = self.now_for(&store, sitting)?;
        let done = store.act(sitting, student, actor, act, now);
        drop(store);
        self.kicked(done.map(ActResult::from).map_err(IpcError::from))
    }

    pub fn note_wrong_room(
        &self,
        sitting: &str,
        student: &str,
        actor: &str,
        at_room: &str,
    ) -> Result<()> {
        let mut store = self.store()?;
        let now = self.now_for(&store, sitting)?;
        let done = store.note_wrong_room(sitting, student, actor, at_room, now);
        drop(store);
        self.kicked(done.map_err(IpcError::from))
    }

    /// Whether the chief examiner `chief` has a PIN on this device.
    pub fn has_pin(&self, chief: &str) -> Result<bool> {
        Ok(self.store()?.has_pin(chief)?)
    }

    /// Sets a chief examiner's PIN at first use on a standalone device (the site office does
    /// this); replacing one is the office tool's job (`examgate pin set --replace`). Refused on a
    /// device enrolled with a site server: the office sets it there (`examgate serve chief-pin`).
    pub fn set_pin(&self, chief: &str, pin: &str) -> Result<()> {
        let mut store = self.store()?;
        let now = self.now(examgate_core::timeline::CHINA_OFFSET);
        Ok(store.set_pin(chief, pin, false, now)?)
    }

    /// The chief examiner approves or rejects a pending manual verification with their PIN.
    pub fn decide_with_pin(
        &self,
        sitting: &str,
        student: &str,
        chief: &str,
        pin: &str,
        act: &DoorAct,
    ) -> Result<ActResult> {
        self.check_photo_before(sitting, student, act)?;
        let mut store = self.store()?;
        let now = self.pin_time_for(&store, sitting)?;
        let done = store.decide_with_pin(sitting, student, chief, pin, act, now);
        drop(store);
        self.kicked(done.map(ActResult::from).map_err(IpcError::from))
    }

    pub fn tally(&self, sitting: &str, site: &str, room: &str) -> Result<Tally> {
        Ok(Tally::of(
            self.store()?.room_candidates(sitting, site, room)?,
        ))
    }

    pub fn mark_remaining_absent(
        &self,
        sitting: &str,
        site: &str,
        room: &str,
        actor: &str,
    ) -> Result<u32> {
        let mut store = self.store()?;
        let now = self.now_for(&store, sitting)?;
        let done = store.mark_remaining_absent(sitting, site, room, actor, now);
        drop(store);
        self.kicked(done.map_err(IpcError::from))
    }
}
