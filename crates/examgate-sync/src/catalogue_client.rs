//! The catalogue's requests: the catalogue itself (nothing but a 304 when the version held is
//! still the server's), its version alone, and one registration photo. Every answer is read
//! within a limit, so a server cannot make the device allocate without bound.

use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_NONE_MATCH};

use crate::client::Client;
use crate::error::{Result, SyncError};
use crate::wire::{CATALOGUE_RESPONSE_LIMIT, Catalogue, CatalogueVersion, ErrorBody};

/// The largest registration photo a device reads (the import takes at most 2 MB).
const PHOTO_LIMIT: usize = 2 * 1024 * 1024;

/// An answer's body, at most `limit` bytes, or the server's refusal.
async fn read(client: &Client, req: reqwest::RequestBuilder, limit: usize) -> Result<Answer> {
    let mut resp = req.send().await.map_err(|e| client.transport_error(e))?;
    let status = resp.status();
    let etag = resp
        .headers()
        .get(ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| SyncError::BadResponse(e.to_string()))?
    {
        if body.len() + chunk.len() > limit {
            return Err(SyncError::BadResponse(format!(
                "回答超过 {limit} 字节 (the answer is larger than {limit} bytes)"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        return Ok(Answer { status, etag, body });
    }
    let error = serde_json::from_slice::<ErrorBody>(&body).ok();
    Err(SyncError::Refused {
        status: status.as_u16(),
        code: error.as_ref().map(|b| b.code),
        message: error.map_or_else(
            || String::from_utf8_lossy(&body).into_owned(),
            |b| b.message,
        ),
    })
}

#[derive(Debug)]
struct Answer {
    status: StatusCode,
    etag: Option<String>,
    body: Vec<u8>,
}

fn json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| SyncError::BadResponse(e.to_string()))
}

impl Client {
    /// The catalogue of this device's site; `None` (a bodiless 304) when `held` is still the
    /// server's version.
    pub async fn catalogue(&self, held: Option<&CatalogueVersion>) -> Result<Option<Catalogue>> {
        let mut req = self.authed_get("/catalogue");
        if let Some(h) = held {
            req = req.header(IF_NONE_MATCH, h.etag());
        }
        let answer = read(self, req, CATALOGUE_RESPONSE_LIMIT).await?;
        if answer.status == StatusCode::NOT_MODIFIED {
            return Ok(None);
        }
        let catalogue: Catalogue = json(&answer.body)?;
        let etag = CatalogueVersion {
            site: catalogue.site.clone(),
            version: catalogue.version,
            sha256: catalogue.sha256.clone(),
        }
        .etag();
        if answer.etag.is_some_and(|e| e != etag) {
            return Err(SyncError::BadResponse(
                "ETag 与名册版本不符 (the ETag does not match the catalogue)".into(),
            ));
        }
        Ok(Some(catalogue))
    }

    /// The version of this device's site's catalogue on the server (a few dozen bytes).
    pub async fn catalogue_version(&self) -> Result<CatalogueVersion> {
        json(
            &read(self, self.authed_get("/catalogue/version"), 64 * 1024)
                .await?
                .body,
        )
    }

    /// One registration photo of this device's site, by its SHA-256.
    pub async fn catalogue_photo(&self, sha256: &str) -> Result<Vec<u8>> {
        let path = format!("/catalogue/photos/{sha256}");
        Ok(read(self, self.authed_get(&path), PHOTO_LIMIT).await?.body)
    }
}
