//! The store's one error type. Each variant has a stable `code()` the UI and the CLI switch on;
//! the message says what to do next.

use examgate_core::door::DoorError;

use crate::import::ImportError;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据库错误 (database error): {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(
        "数据库迁移 {name} 与本程序不符：{reason} (migration {name} does not match this program: {reason})"
    )]
    Migration { name: String, reason: String },
    #[error("导入失败，数据库未改动；共 {} 处错误 (import refused, nothing changed; {} errors)", .0.len(), .0.len())]
    Import(Vec<ImportError>),
    #[error("{0}")]
    Door(#[from] DoorError),
    #[error("找不到场次“{0}” (no sitting named '{0}')")]
    UnknownSitting(String),
    #[error("考生 {0} 不在该场次的座次表中 (candidate {0} is not on this sitting's seating list)")]
    UnknownCandidate(String),
    #[error("工号 {0} 不在人员名单中 (staff number {0} is not on the roster)")]
    UnknownStaff(String),
    #[error("考点 {site} 没有考场 {room} (no room '{room}' at site '{site}')")]
    UnknownRoom { site: String, room: String },
    #[error("考生 {student} 没有编号为 {id} 的违规记录 (no such violation to edit)")]
    UnknownViolation { student: String, id: String },
    #[error("存储的事件无法读取 (a stored event cannot be read): {0}")]
    CorruptEvent(String),
    #[error("只有主考可以设置口令或审批 ({0} is not a chief examiner)")]
    NotChief(String),
    #[error("口令须为至少 6 位数字 (a PIN is at least 6 digits)")]
    WeakPin,
    #[error(
        "主考 {0} 在本设备已设置口令；如需重设请由考点办公室操作 (this chief's PIN is already set on this device)"
    )]
    PinAlreadySet(String),
    #[error(
        "主考口令须在考点服务器设置（examgate serve chief-pin），本设备已连接考点服务器 (the chief's PIN is set at the site server: this device is enrolled with one)"
    )]
    PinSetAtServer(String),
    #[error(
        "主考 {0} 尚未在本设备设置口令，请考点办公室先设置 (no PIN set for this chief on this device yet)"
    )]
    NoPin(String),
    #[error("口令错误，还可再试 {left} 次 (wrong PIN: {left} tries left)")]
    WrongPin { left: u32 },
    #[error(
        "口令错误次数过多，已锁定，请 {seconds} 秒后再试 (too many wrong PINs: locked, try again in {seconds} s)"
    )]
    PinLocked { seconds: i64 },
    #[error("口令处理失败 (PIN error): {0}")]
    Pin(String),
    #[error("场次时间无效 (the sitting's times are invalid): {0}")]
    BadSittingTime(String),
    #[error(
        "数据库无法解密：{why}。未创建新数据库，请找回原密钥文件 (the database {path} cannot be decrypted; no new database was made: restore its key file)"
    )]
    Undecryptable { path: String, why: String },
    #[error(
        "数据库旁没有密钥文件，它的密钥应在系统密钥库里，但系统密钥库现在不可用：{why}。未创建新数据库，请登录桌面并解锁密钥环后重试 (the database {path} has no key file beside it, so its key should be in the system keystore, which is not available now; no new database was made: log in to the desktop, unlock the keyring and try again)"
    )]
    KeystoreUnavailable { path: String, why: String },
    #[error("数据库密钥文件 {path} 无法使用 (the database key file cannot be used): {reason}")]
    DbKey { path: String, reason: String },
    #[error(
        "文件 {path} 无法创建或设为仅本用户可读 (cannot create it or make it owner-only): {reason}"
    )]
    Private { path: String, reason: String },
    #[error(
        "“{0}”是正式考试，考试时间跟随本机时钟；如须调整，须主考输入口令授权 (a real sitting's exam time follows the device clock: changing it needs the chief examiner's PIN)"
    )]
    ExamTimeNeedsChief(String),
    #[error(
        "本机第 {seq} 条事件尚未签名，不能供其他设备拉取；请先上传 (this device's event {seq} has not been signed yet: push it first)"
    )]
    UnsignedEvent { seq: u64 },
    #[error("{0}")]
    Catalogue(#[from] crate::catalogue_check::CatalogueRefusal),
    #[error("开考 30 分钟后才能清点人数 (the count check is done after 30 minutes past the start)")]
    TooEarlyForCountCheck,
    #[error("{0}")]
    BadCount(#[from] examgate_core::count_check::CountInputError),
    #[error("考生 {student} 不在考场 {room} (the candidate is not in this room)")]
    NotInRoom { student: String, room: String },
    #[error("{0}")]
    ViolationForm(#[from] examgate_core::violation_form::ViolationFormError),
    #[error("工号 {staff} 不是考点 {site} 的人员 (staff number {staff} is not of site {site})")]
    NotOfSite { staff: String, site: String },
    #[error("工号 {0} 不是监考教师，不能作为监考签到 ({0} is not a proctor)")]
    NotProctor(String),
    #[error("{0} 已在本考场签到 ({0} has already signed in at this room)")]
    AlreadySignedIn(String),
    #[error("两次输入的口令不一致，请重新设置 (the two PINs differ: set it again)")]
    PinsDiffer,
    #[error(
        "{0} 不是在本考场签到、待批准的替补监考 ({0} is not a substitute proctor waiting for approval at this room)"
    )]
    NoSubstitute(String),
    #[error("该环节尚未到时间，不能提前勾选 (this step's time has not come yet)")]
    StepNotDue,
    #[error(
        "工号 {staff} 不在考场 {room} 的监考名单上、未在此签到，也不是主考，不能记录本考场的环节 (staff number {staff} is neither on room {room}'s roster, nor signed in there, nor the chief examiner)"
    )]
    NotAtRoom { staff: String, room: String },
}

impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::Sqlite(_) => "database",
            StoreError::Migration { .. } => "migration",
            StoreError::Import(_) => "import",
            StoreError::Door(e) => e.code(),
            StoreError::UnknownSitting(_) => "unknown-sitting",
            StoreError::UnknownCandidate(_) => "unknown-candidate",
            StoreError::UnknownStaff(_) => "unknown-staff",
            StoreError::UnknownRoom { .. } => "unknown-room",
            StoreError::UnknownViolation { .. } => "unknown-violation",
            StoreError::TooEarlyForCountCheck => "too-early-for-count-check",
            StoreError::BadCount(_) => "bad-count",
            StoreError::NotInRoom { .. } => "not-in-room",
            StoreError::ViolationForm(_) => "bad-violation",
            StoreError::CorruptEvent(_) => "corrupt-event",
            StoreError::BadSittingTime(_) => "bad-sitting-time",
            StoreError::NotChief(_) => "not-chief-examiner",
            StoreError::WeakPin => "weak-pin",
            StoreError::PinAlreadySet(_) => "pin-already-set",
            StoreError::PinSetAtServer(_) => "pin-set-at-server",
            StoreError::NoPin(_) => "no-pin",
            StoreError::WrongPin { .. } => "wrong-pin",
            StoreError::PinLocked { .. } => "pin-locked",
            StoreError::Pin(_) => "pin",
            StoreError::Undecryptable { .. } => "db-undecryptable",
            StoreError::DbKey { .. } => "db-key",
            StoreError::KeystoreUnavailable { .. } => "db-keystore-unavailable",
            StoreError::Private { .. } => "private-file",
            StoreError::ExamTimeNeedsChief(_) => "exam-time-needs-chief",
            StoreError::UnsignedEvent { .. } => "event-unsigned",
            StoreError::Catalogue(r) => r.code(),
            StoreError::NotOfSite { .. } => "not-of-site",
            StoreError::NotProctor(_) => "not-proctor",
            StoreError::AlreadySignedIn(_) => "already-signed-in",
            StoreError::PinsDiffer => "pins-differ",
            StoreError::NoSubstitute(_) => "no-substitute",
            StoreError::StepNotDue => "step-not-due",
            StoreError::NotAtRoom { .. } => "not-of-room",
        }
    }
}
