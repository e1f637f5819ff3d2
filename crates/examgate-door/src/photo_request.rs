//! A photo as the screens send it: the JPEG as the raw IPC body, and whose photo it is in a
//! header (the body is taken). Parsed here, not in the shell, so the shell's command stays one
//! line and the parsing is tested without a window.

use examgate_core::event::{FaceFailure, PhotoSource};
use serde::Deserialize;
use ts_rs::TS;

use crate::{ErrorCode, IpcError, Result};

/// The IPC header naming the [`PhotoTarget`] of a photo sent as raw bytes: JSON, percent-encoded
/// (header values are ASCII; sitting labels are Chinese).
pub const PHOTO_TARGET_HEADER: &str = "x-examgate-photo-target";

/// Which candidate a photo is of, who took it and how.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
pub struct PhotoTarget {
    pub sitting: String,
    pub student: String,
    /// The proctor's staff number.
    pub actor: String,
    pub source: PhotoSource,
    /// A vouch's: why face recognition failed, as the proctor stated it.
    #[serde(default)]
    #[ts(optional)]
    pub face: Option<FaceFailure>,
    /// A count-check photo's: the room the screen is at (the candidate must be seated there).
    #[serde(default)]
    #[ts(optional)]
    pub site: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub room: Option<String>,
}

/// The body of a photo request. Raw bytes normally; a JSON array of numbers when the webview fell
/// back from its custom-protocol IPC to `postMessage`, which cannot carry bytes.
#[derive(Debug, Clone, Copy)]
pub enum PhotoBody<'a> {
    Raw(&'a [u8]),
    Json(&'a serde_json::Value),
}

fn bad(why: impl std::fmt::Display) -> IpcError {
    IpcError::new(
        ErrorCode::BadPhotoRequest,
        format!("照片请求无法读取 (the photo request cannot be read): {why}"),
    )
}

impl PhotoTarget {
    /// Reads the [`PHOTO_TARGET_HEADER`] value: percent-encoded JSON.
    pub fn from_header(value: Option<&str>) -> Result<PhotoTarget> {
        let value = value.ok_or_else(|| bad(format!("no {PHOTO_TARGET_HEADER} header")))?;
        let json = percent_encoding::percent_decode_str(value)
            .decode_utf8()
            .map_err(bad)?;
        serde_json::from_str(&json).map_err(bad)
    }
}

impl PhotoBody<'_> {
    /// The photo's bytes.
    pub fn bytes(self) -> Result<Vec<u8>> {
        match self {
            PhotoBody::Raw(bytes) => Ok(bytes.to_vec()),
            PhotoBody::Json(serde_json::Value::Array(items)) => items
                .iter()
                .map(|v| {
                    v.as_u64()
                        .and_then(|n| u8::try_from(n).ok())
                        .ok_or_else(|| bad("the body is not a list of bytes"))
                })
                .collect(),
            PhotoBody::Json(_) => Err(bad("the body is not the photo's bytes")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_photo_target_header_is_percent_encoded_json() {
        let header = "%7B%22sitting%22%3A%222023%E6%98%A5%20%E7%AC%AC%E4%B8%80%E6%AC%A1%22%2C%22student%22%3A%222023420100001%22%2C%22actor%22%3A%22J0101%22%2C%22source%22%3A%22file%22%7D";
        let t = PhotoTarget::from_header(Some(header)).unwrap();
        assert_eq!(t.sitting, "2023春 第一次");
        assert_eq!(t.student, "2023420100001");
        assert_eq!(t.source, PhotoSource::File);
        let missing = PhotoTarget::from_header(None).unwrap_err();
        assert_eq!(missing.code, "bad-photo-request");
        let garbled = PhotoTarget::from_header(Some("%7Bnot json")).unwrap_err();
        assert_eq!(garbled.code, "bad-photo-request");
    }

    #[test]
    fn a_body_sent_through_the_json_fallback_is_still_the_photo() {
        let json = serde_json::json!([255, 216, 255, 0]);
        assert_eq!(
            PhotoBody::Json(&json).bytes().unwrap(),
            vec![255, 216, 255, 0]
        );
        assert_eq!(PhotoBody::Raw(&[1, 2]).bytes().unwrap(), vec![1, 2]);
        let not_bytes = serde_json::json!([256]);
        assert_eq!(
            PhotoBody::Json(&not_bytes).bytes().unwrap_err().code,
            "bad-photo-request"
        );
        let object = serde_json::json!({"photo": 1});
        assert!(PhotoBody::Json(&object).bytes().is_err());
    }
}
