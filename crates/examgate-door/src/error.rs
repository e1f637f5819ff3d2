//! The one error the screens see: `{code, message, details}`. `code` is what the UI switches on
//! (never the message); `message` is for people, bilingual, saying what to do next; `details`
//! carries one line per import error.

use examgate_store::StoreError;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IpcError {
    pub code: String,
    pub message: String,
    pub details: Vec<String>,
}

pub type Result<T, E = IpcError> = std::result::Result<T, E>;

impl IpcError {
    pub fn new(code: &str, message: impl Into<String>) -> IpcError {
        IpcError {
            code: code.to_string(),
            message: message.into(),
            details: Vec::new(),
        }
    }
}

impl From<StoreError> for IpcError {
    fn from(e: StoreError) -> IpcError {
        let details = match &e {
            StoreError::Import(errors) => errors.iter().map(ToString::to_string).collect(),
            _ => Vec::new(),
        };
        IpcError {
            code: e.code().to_string(),
            message: e.to_string(),
            details,
        }
    }
}

impl std::fmt::Display for IpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for IpcError {}
