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
    #[error("存储的事件无法读取 (a stored event cannot be read): {0}")]
    CorruptEvent(String),
    #[error("场次时间无效 (the sitting's times are invalid): {0}")]
    BadSittingTime(String),
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
            StoreError::CorruptEvent(_) => "corrupt-event",
            StoreError::BadSittingTime(_) => "bad-sitting-time",
        }
    }
}
