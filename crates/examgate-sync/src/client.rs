//! The device's HTTPS client for the site server: one base URL, the pinned certificate, and the
//! device token once enrolled. Every request goes through [`Client::send`], which turns a refused
//! handshake into [`SyncError::WrongCertificate`] and an error answer into [`SyncError::Refused`]
//! with the server's code.

use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::clock::{ClockOffset, ClockSample};
use crate::code::{Fingerprint, check_https};
use crate::error::{Result, SyncError};
use crate::pin::{Mismatch, pinned_config};
use crate::wire::{
    DeviceInfo, EnrollRequest, EnrollResponse, ErrorBody, ErrorCode, PREFIX, PullResponse,
    PushRefused, PushRequest, PushResponse, QuarantinedEvent, StatusResponse, TimeResponse,
};
use examgate_core::signed::SignedEvent;

/// What a push did: the server's mark after it, and the events it kept aside (a 409).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushOutcome {
    pub high_water: u64,
    pub accepted: u32,
    pub duplicate: u32,
    pub quarantined: Vec<QuarantinedEvent>,
}

/// A client of one site server.
#[derive(Debug, Clone)]
pub struct Client {
    pub(crate) http: reqwest::Client,
    base: String,
    pinned: Fingerprint,
    mismatch: Mismatch,
    token: Option<String>,
}

impl Client {
    /// A client of the server at `url` (`https://host:port`; anything else is refused before any
    /// connection is made) whose certificate must have the fingerprint `pinned`.
    pub fn new(url: &str, pinned: Fingerprint) -> Result<Client> {
        check_https(url)?;
        let mismatch = Mismatch::default();
        let http = reqwest::Client::builder()
            .use_preconfigured_tls(pinned_config(pinned, mismatch.clone())?)
            .https_only(true)
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| SyncError::Tls(e.to_string()))?;
        Ok(Client {
            http,
            base: url.trim_end_matches('/').to_owned(),
            pinned,
            mismatch,
            token: None,
        })
    }

    /// The same client, sending `token` as its bearer token.
    pub fn with_token(mut self, token: impl Into<String>) -> Client {
        self.token = Some(token.into());
        self
    }

    pub fn url(&self) -> &str {
        &self.base
    }

    /// Enrolls this device with the code's secret.
    pub async fn enroll(&self, request: &EnrollRequest) -> Result<EnrollResponse> {
        let req = self.http.post(self.route("/enroll")).json(request);
        self.send(req).await
    }

    /// What the server knows this device as (needs the token).
    pub async fn whoami(&self) -> Result<DeviceInfo> {
        self.send(self.authed(self.http.get(self.route("/whoami"))))
            .await
    }

    /// One NTP exchange, then reports the four timestamps so the server records this device's
    /// offset; `now_us` is the device clock (microseconds since the Unix epoch).
    pub async fn measure_clock(&self, now_us: impl Fn() -> i64) -> Result<ClockOffset> {
        let t1_us = now_us();
        let time: TimeResponse = self
            .send(self.authed(self.http.get(self.route("/time"))))
            .await?;
        let t4_us = now_us();
        let sample = ClockSample {
            t1_us,
            t2_us: time.t2_us,
            t3_us: time.t3_us,
            t4_us,
        };
        let req = self.authed(self.http.post(self.route("/clock")).json(&sample));
        self.send(req).await
    }

    /// The server's view of this device's sync: its high-water mark and the pull cursor's end.
    pub async fn status(&self) -> Result<StatusResponse> {
        self.send(self.authed(self.http.get(self.route("/status"))))
            .await
    }

    /// Pushes a batch of this device's own signed events. A 409 whose events were kept aside is
    /// an answer, not a failure: the rest of the batch was kept, and [`PushRefused`] says which.
    pub async fn push(&self, events: &[SignedEvent]) -> Result<PushOutcome> {
        let body = PushRequest {
            events: events.to_vec(),
        };
        let req = self.authed(self.http.post(self.route("/events")).json(&body));
        match self.send::<PushResponse>(req).await {
            Ok(ok) => Ok(PushOutcome {
                high_water: ok.high_water,
                accepted: ok.accepted,
                duplicate: ok.duplicate,
                quarantined: Vec::new(),
            }),
            Err(SyncError::Refused {
                code: Some(ErrorCode::EventsQuarantined),
                message,
                ..
            }) => {
                let refused: PushRefused = serde_json::from_str(&message)
                    .map_err(|e| SyncError::BadResponse(e.to_string()))?;
                Ok(PushOutcome {
                    high_water: refused.high_water,
                    accepted: refused.accepted,
                    duplicate: refused.duplicate,
                    quarantined: refused.quarantined,
                })
            }
            Err(e) => Err(e),
        }
    }

    /// The site's other events after `cursor`; with `wait`, the server holds the request up to
    /// that many seconds until one arrives.
    pub async fn pull(&self, cursor: u64, wait: Option<u32>) -> Result<PullResponse> {
        let mut url = format!("{}?cursor={cursor}", self.route("/events"));
        if let Some(w) = wait {
            url.push_str(&format!("&wait={w}"));
        }
        self.send(self.authed(self.http.get(url))).await
    }

    /// A raw POST of `body` to `path` (under `/v1`), answering the status and the error body if
    /// any: for tools and tests that probe the server's refusals.
    pub async fn post_raw(&self, path: &str, body: Vec<u8>) -> Result<(u16, Option<ErrorBody>)> {
        let req = self
            .authed(self.http.post(self.route(path)))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        let resp = req.send().await.map_err(|e| self.transport(e))?;
        let status = resp.status().as_u16();
        let body = resp.json::<ErrorBody>().await.ok();
        Ok((status, body))
    }

    pub(crate) fn route(&self, path: &str) -> String {
        format!("{}{PREFIX}{path}", self.base)
    }

    pub(crate) fn authed(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.token {
            Some(token) => req.bearer_auth(token),
            None => req,
        }
    }

    pub(crate) async fn send<T: DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<T> {
        let resp = req.send().await.map_err(|e| self.transport(e))?;
        let status = resp.status();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| SyncError::BadResponse(e.to_string()))?;
        if status.is_success() {
            return serde_json::from_slice(&bytes)
                .map_err(|e| SyncError::BadResponse(e.to_string()));
        }
        let body = serde_json::from_slice::<ErrorBody>(&bytes).ok();
        if body.as_ref().map(|b| b.code) == Some(ErrorCode::EventsQuarantined) {
            // The whole answer, for `push` to read the list from.
            return Err(SyncError::Refused {
                status: status.as_u16(),
                code: Some(ErrorCode::EventsQuarantined),
                message: String::from_utf8_lossy(&bytes).into_owned(),
            });
        }
        Err(SyncError::Refused {
            status: status.as_u16(),
            code: body.as_ref().map(|b| b.code),
            message: body.map_or_else(
                || String::from_utf8_lossy(&bytes).into_owned(),
                |b| b.message,
            ),
        })
    }

    pub(crate) fn transport(&self, e: reqwest::Error) -> SyncError {
        if let Ok(mut seen) = self.mismatch.lock()
            && let Some(got) = seen.take()
        {
            return SyncError::WrongCertificate {
                expected: self.pinned,
                got,
            };
        }
        let mut reason = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            reason = format!("{reason}: {s}");
            source = s.source();
        }
        SyncError::Unreachable {
            url: self.base.clone(),
            reason,
        }
    }
}

/// What the catalogue's requests (`catalogue_client.rs`) need of the client.
impl Client {
    /// An authenticated GET of `path` (under `/v1`).
    pub(crate) fn authed_get(&self, path: &str) -> reqwest::RequestBuilder {
        self.authed(self.http.get(self.route(path)))
    }

    /// A failed request as the other methods report it.
    pub(crate) fn transport_error(&self, e: reqwest::Error) -> SyncError {
        self.transport(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_http_address_is_refused_before_any_connection() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let got = Client::new(&url, Fingerprint([0; 32]));
        assert!(matches!(got, Err(SyncError::InsecureUrl(_))), "{got:?}");
        // Nobody knocked.
        assert!(listener.accept().is_err());
    }
}
