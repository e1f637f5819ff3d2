//! The server's one error type, which is also the HTTP boundary: each variant has an
//! [`ErrorCode`] (the status follows from it) and answers `{code, message}`, the message in
//! Chinese first with English in parentheses. Internal failures are logged in full and answered
//! without their details.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use examgate_sync::wire::{ErrorBody, ErrorCode};

pub type Result<T, E = ServerError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("请求内容无法读取，字段 {field}：{reason} (malformed JSON at {field}: {reason})")]
    BadJson { field: String, reason: String },
    #[error("请求内容过大，上限 {limit} 字节 (the body is larger than {limit} bytes)")]
    TooLarge { limit: usize },
    #[error(
        "缺少或无效的设备令牌，请重新注册本设备 (no or unknown device token: enroll this device again)"
    )]
    Unauthorized,
    #[error("本设备已被吊销，请联系考点办公室 (this device was revoked: ask the site office)")]
    DeviceRevoked,
    #[error(
        "注册码无效，请向考点办公室索取新的注册码 (unknown enrollment code: ask the office for a new one)"
    )]
    EnrollCodeUnknown,
    #[error(
        "注册码已被使用，请向考点办公室索取新的注册码 (this enrollment code was already used: ask for a new one)"
    )]
    EnrollCodeUsed,
    #[error(
        "注册码已于 {expired_at} 过期，请向考点办公室索取新的注册码 (this enrollment code expired: ask for a new one)"
    )]
    EnrollCodeExpired { expired_at: String },
    #[error("{0}")]
    DeviceConflict(String),
    #[error(
        "注册签名与设备公钥不符，未做任何改动 (the enrollment signature does not match the device key; nothing changed)"
    )]
    KeyProofInvalid,
    #[error("时间样本无效 (bad clock sample): {0}")]
    BadClockSample(String),
    #[error("没有这个接口 (no such route)")]
    NotFound,
    #[error(
        "本设备没有申报这张照片的上传，请先 POST /v1/photos (no upload of this photo declared by this device)"
    )]
    PhotoNotDeclared,
    #[error("服务器没有这张照片 (the server does not hold this photo)")]
    PhotoNotHeld,
    #[error(
        "只有上传照片的设备和考生所在考点的主考可以下载照片 (only the device that uploaded a photo and the chief examiner of its candidate's site may download it)"
    )]
    PhotoNotYours,
    #[error(
        "上传位置不符：服务器已有 {held} 字节，请求从 {got} 开始 (Upload-Offset {got} is not the server's {held})"
    )]
    UploadOffsetMismatch { held: u64, got: u64 },
    #[error(
        "照片内容与申报的 SHA-256 不符，已全部丢弃，请重新上传 (the bytes do not have the declared SHA-256 {expected}: nothing was kept)"
    )]
    PhotoHashMismatch { expected: String },
    #[error("照片签名无效，已全部丢弃 (the photo's signature was refused; nothing was kept): {0}")]
    PhotoSignatureInvalid(String),
    #[error(
        "只有本考点的主考设备可以导出应急处理照片归档 (only the site's chief examiner's device may export its photo archive)"
    )]
    NotChief,
    #[error(
        "服务器正在生成另一份归档，请稍后重试 (another archive is being made: try again shortly)"
    )]
    ExportBusy,
    #[error("该接口不接受此方法 (this route does not take this method)")]
    MethodNotAllowed,
    #[error("一批最多 {max} 条事件 (a batch carries at most {max} events)")]
    TooManyEvents { max: usize },
    #[error("一批事件须按序号递增排列 (a batch's events must be in increasing seq order)")]
    BatchOutOfOrder,
    #[error("参数无效 (bad argument): {0}")]
    BadArgument(String),
    #[error("{0}")]
    Store(#[from] examgate_store::StoreError),
    #[error("数据库错误 (database error): {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("证书或 TLS 错误 (certificate or TLS error): {0}")]
    Tls(String),
    #[error("文件 {path} 无法读写 (cannot read or write): {reason}")]
    Io { path: String, reason: String },
    #[error("服务器内部错误 (internal error): {0}")]
    Internal(String),
}

impl ServerError {
    pub fn io(path: &std::path::Path, e: std::io::Error) -> ServerError {
        ServerError::Io {
            path: path.display().to_string(),
            reason: e.to_string(),
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            ServerError::BadJson { .. } | ServerError::BadArgument(_) => ErrorCode::BadJson,
            ServerError::TooLarge { .. } | ServerError::TooManyEvents { .. } => ErrorCode::TooLarge,
            ServerError::BatchOutOfOrder => ErrorCode::BatchOutOfOrder,
            ServerError::Unauthorized => ErrorCode::Unauthorized,
            ServerError::DeviceRevoked => ErrorCode::DeviceRevoked,
            ServerError::EnrollCodeUnknown => ErrorCode::EnrollCodeUnknown,
            ServerError::EnrollCodeUsed => ErrorCode::EnrollCodeUsed,
            ServerError::EnrollCodeExpired { .. } => ErrorCode::EnrollCodeExpired,
            ServerError::DeviceConflict(_) => ErrorCode::DeviceConflict,
            ServerError::KeyProofInvalid => ErrorCode::KeyProofInvalid,
            ServerError::BadClockSample(_) => ErrorCode::BadClockSample,
            ServerError::NotFound | ServerError::PhotoNotHeld => ErrorCode::NotFound,
            ServerError::PhotoNotDeclared => ErrorCode::PhotoNotDeclared,
            ServerError::PhotoNotYours => ErrorCode::PhotoNotYours,
            ServerError::UploadOffsetMismatch { .. } => ErrorCode::UploadOffsetMismatch,
            ServerError::PhotoHashMismatch { .. } => ErrorCode::PhotoHashMismatch,
            ServerError::PhotoSignatureInvalid(_) => ErrorCode::PhotoSignatureInvalid,
            ServerError::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            ServerError::NotChief => ErrorCode::NotChief,
            ServerError::ExportBusy => ErrorCode::ExportBusy,
            ServerError::Store(_)
            | ServerError::Sqlite(_)
            | ServerError::Tls(_)
            | ServerError::Io { .. }
            | ServerError::Internal(_) => ErrorCode::Internal,
        }
    }

    fn body(&self) -> ErrorBody {
        let code = self.code();
        let message = if code == ErrorCode::Internal {
            eprintln!("examgate serve: {self}");
            "服务器内部错误，未做任何改动，请稍后重试 (internal error: nothing changed, try again later)"
                .to_owned()
        } else {
            self.to_string()
        };
        ErrorBody { code, message }
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let held = match &self {
            ServerError::UploadOffsetMismatch { held, .. } => Some(*held),
            _ => None,
        };
        let self_code = self.code();
        let body = self.body();
        let status =
            StatusCode::from_u16(body.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            // RFC 6750: a 401 names the scheme it wants.
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        if matches!(self_code, ErrorCode::ExportBusy) {
            // One archive at a time: it takes seconds to minutes, so ask again shortly.
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("10"),
            );
        }
        if let Some(held) = held {
            // tus: a refused offset names the server's, so the device resumes without a HEAD.
            response.headers_mut().insert(
                examgate_sync::photo_wire::UPLOAD_OFFSET,
                axum::http::HeaderValue::from(held),
            );
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_answers_the_status_its_code_names() {
        let cases = [
            (ServerError::Unauthorized, 401),
            (ServerError::DeviceRevoked, 403),
            (ServerError::TooLarge { limit: 1 }, 413),
            (ServerError::EnrollCodeUsed, 409),
            (
                ServerError::BadJson {
                    field: "device_id".into(),
                    reason: "x".into(),
                },
                400,
            ),
            (ServerError::Internal("secret detail".into()), 500),
        ];
        for (err, status) in cases {
            let body = err.body();
            assert_eq!(body.code.status(), status, "{err:?}");
            assert!(!body.message.contains("secret detail"));
            assert!(
                body.message.contains('('),
                "Chinese, then English: {}",
                body.message
            );
        }
    }
}
