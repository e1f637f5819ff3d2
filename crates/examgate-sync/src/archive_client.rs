//! The client's half of `GET /v1/exports/archive` (see [`crate::wire::ARCHIVE_ROUTE`]): the
//! archive is handed to the caller chunk by chunk ([`ArchiveBody::chunk`]), never held whole in
//! memory, with its total (the answer's `Content-Length`) known before the first byte so the
//! caller can show progress, and checked to be exactly that long. The server makes the whole archive before it answers, so the
//! request's own timeout is long ([`ARCHIVE_TIMEOUT`]), not the client's minute.

use std::time::Duration;

use crate::client::Client;
use crate::error::{Result, SyncError};
use crate::wire::{ARCHIVE_ROUTE, ArchiveRefused, ErrorBody, ErrorCode};

/// The longest an archive's download may take, making it included (a site's few GB on Wi-Fi).
pub const ARCHIVE_TIMEOUT: Duration = Duration::from_secs(2 * 60 * 60);

/// What the server answered.
#[derive(Debug)]
pub enum ArchiveAnswer {
    /// The archive is coming: read it with [`ArchiveBody::chunk`].
    Ready(ArchiveBody),
    /// The archive was refused (409 `archive_refused`): every problem, and no ZIP.
    Refused(ArchiveRefused),
}

/// An archive being received.
#[derive(Debug)]
pub struct ArchiveBody {
    resp: reqwest::Response,
    client: Client,
    /// The archive's length (its `Content-Length`).
    pub total: u64,
    /// The bytes handed out so far.
    pub received: u64,
}

impl ArchiveBody {
    /// The next bytes, or `None` at the end, once exactly [`ArchiveBody::total`] bytes came;
    /// an answer shorter or longer than its length is an error.
    pub async fn chunk(&mut self) -> Result<Option<Vec<u8>>> {
        let next = self
            .resp
            .chunk()
            .await
            .map_err(|e| self.client.transport(e))?;
        match next {
            Some(bytes) if self.received + bytes.len() as u64 <= self.total => {
                self.received += bytes.len() as u64;
                Ok(Some(bytes.to_vec()))
            }
            None if self.received == self.total => Ok(None),
            _ => Err(SyncError::BadResponse(format!(
                "归档长度不符：应为 {} 字节 (the archive is not the {} bytes announced)",
                self.total, self.total
            ))),
        }
    }
}

impl Client {
    /// `GET /v1/exports/archive?sitting=…`: the archive's body to read, or the refusal.
    pub async fn archive_get(&self, sitting: &str) -> Result<ArchiveAnswer> {
        let req = self
            .authed(self.http.get(self.route(ARCHIVE_ROUTE)))
            .query(&[("sitting", sitting)])
            .timeout(ARCHIVE_TIMEOUT);
        let resp = req.send().await.map_err(|e| self.transport(e))?;
        let status = resp.status();
        if !status.is_success() {
            let bytes = resp.bytes().await.map_err(|e| self.transport(e))?;
            if let Ok(refused) = serde_json::from_slice::<ArchiveRefused>(&bytes)
                && refused.code == ErrorCode::ArchiveRefused
            {
                return Ok(ArchiveAnswer::Refused(refused));
            }
            let body = serde_json::from_slice::<ErrorBody>(&bytes).ok();
            return Err(SyncError::Refused {
                status: status.as_u16(),
                code: body.as_ref().map(|b| b.code),
                message: body.map_or_else(|| format!("HTTP {status}"), |b| b.message),
            });
        }
        let total = resp.content_length().ok_or_else(|| {
            SyncError::BadResponse(
                "归档没有 Content-Length (the archive came without its length)".into(),
            )
        })?;
        Ok(ArchiveAnswer::Ready(ArchiveBody {
            resp,
            client: self.clone(),
            total,
            received: 0,
        }))
    }
}
