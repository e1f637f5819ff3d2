//! The client's one error type: every way a sync request can fail, each saying what to do next.

use crate::code::Fingerprint;
use crate::wire::ErrorCode;

pub type Result<T, E = SyncError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(
        "拒绝使用不加密的地址 {0}：只能用 https:// (refused a plain-HTTP address: only https:// is used)"
    )]
    InsecureUrl(String),
    #[error("服务器地址无效 (not a server address): {0}")]
    BadUrl(String),
    #[error("注册码无效 (not an enrollment code): {0}")]
    BadCode(String),
    #[error(
        "服务器证书与注册码中的指纹不符，未发送任何数据；请向考点办公室核对 (the server's certificate does not match the code's fingerprint; nothing was sent): 应为 (expected) {expected}，实为 (got) {got}"
    )]
    WrongCertificate {
        expected: Fingerprint,
        got: Fingerprint,
    },
    #[error("无法连接服务器 {url} (cannot reach the server): {reason}")]
    Unreachable { url: String, reason: String },
    #[error("服务器拒绝 (the server refused, HTTP {status}): {message}")]
    Refused {
        status: u16,
        /// The server's code when it answered in the API's error format.
        code: Option<ErrorCode>,
        message: String,
    },
    #[error("服务器的回答无法读取 (the server's answer cannot be read): {0}")]
    BadResponse(String),
    #[error("TLS 设置失败 (TLS setup failed): {0}")]
    Tls(String),
    #[error(
        "本设备尚未注册到考点服务器，请先注册 (this device is not enrolled with a site server: enroll it first)"
    )]
    NotEnrolled,
    #[error("{0}")]
    Store(#[from] examgate_store::StoreError),
    #[error("本机数据库不可用 (the local database is unavailable): {0}")]
    StoreLock(String),
}

impl SyncError {
    /// The server's error code, when the server refused with one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            SyncError::Refused { code, .. } => *code,
            _ => None,
        }
    }
}

/// The device's store, locked for one local step (never across a network call).
pub(crate) fn lock(
    store: &std::sync::Mutex<examgate_store::Store>,
) -> Result<std::sync::MutexGuard<'_, examgate_store::Store>> {
    store
        .lock()
        .map_err(|_| SyncError::StoreLock("lock poisoned".into()))
}
