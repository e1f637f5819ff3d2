//! The client's photo-upload requests (see [`crate::photo_wire`]): one call per HTTP exchange,
//! so the upload loop in [`crate::photos`] decides what to retry.

use crate::client::Client;
use crate::error::{Result, SyncError};
use crate::photo_wire::{
    CHUNK_CONTENT_TYPE, PhotoDeclare, PhotoStatus, UPLOAD_COMPLETE, UPLOAD_LENGTH, UPLOAD_OFFSET,
};
use crate::wire::ErrorCode;

fn header_u64(resp: &reqwest::Response, name: &str) -> Option<u64> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

impl Client {
    /// `HEAD /v1/photos/{sha256}`: where this device's upload stands; `None` when the server
    /// neither holds the photo nor has an upload of it declared by this device.
    pub async fn photo_head(&self, sha256: &str) -> Result<Option<PhotoStatus>> {
        let req = self.authed(self.http.head(self.route(&format!("/photos/{sha256}"))));
        let resp = req.send().await.map_err(|e| self.transport(e))?;
        let status = resp.status().as_u16();
        if status == 404 {
            return Ok(None);
        }
        if !resp.status().is_success() {
            // A HEAD answer has no body: the status alone names the refusal.
            let code = match status {
                401 => Some(ErrorCode::Unauthorized),
                403 => Some(ErrorCode::DeviceRevoked),
                _ => None,
            };
            return Err(SyncError::Refused {
                status,
                code,
                message: format!("HEAD /v1/photos: HTTP {status}"),
            });
        }
        let (Some(offset), Some(length)) = (
            header_u64(&resp, UPLOAD_OFFSET),
            header_u64(&resp, UPLOAD_LENGTH),
        ) else {
            return Err(SyncError::BadResponse(
                "HEAD /v1/photos without Upload-Offset/Upload-Length".into(),
            ));
        };
        let complete = resp
            .headers()
            .get(UPLOAD_COMPLETE)
            .is_some_and(|v| v.as_bytes() == b"true");
        Ok(Some(PhotoStatus {
            sha256: sha256.to_owned(),
            offset,
            length,
            complete,
        }))
    }

    /// `POST /v1/photos`: declares an upload (or learns the server holds the photo already).
    pub async fn photo_declare(&self, declare: &PhotoDeclare) -> Result<PhotoStatus> {
        let req = self.authed(self.http.post(self.route("/photos")).json(declare));
        self.send(req).await
    }

    /// `PATCH /v1/photos/{sha256}`: appends `chunk` at `offset`.
    pub async fn photo_patch(
        &self,
        sha256: &str,
        offset: u64,
        chunk: Vec<u8>,
    ) -> Result<PhotoStatus> {
        let req = self
            .authed(self.http.patch(self.route(&format!("/photos/{sha256}"))))
            .header(UPLOAD_OFFSET, offset)
            .header(reqwest::header::CONTENT_TYPE, CHUNK_CONTENT_TYPE)
            .body(chunk);
        self.send(req).await
    }

    /// `GET /v1/photos/{sha256}`: the bytes of a photo the server holds whole.
    pub async fn photo_get(&self, sha256: &str) -> Result<Vec<u8>> {
        let req = self.authed(self.http.get(self.route(&format!("/photos/{sha256}"))));
        let resp = req.send().await.map_err(|e| self.transport(e))?;
        let status = resp.status();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| SyncError::BadResponse(e.to_string()))?;
        if status.is_success() {
            return Ok(bytes.to_vec());
        }
        let body = serde_json::from_slice::<crate::wire::ErrorBody>(&bytes).ok();
        Err(SyncError::Refused {
            status: status.as_u16(),
            code: body.as_ref().map(|b| b.code),
            message: body.map_or_else(|| format!("HTTP {status}"), |b| b.message),
        })
    }
}
