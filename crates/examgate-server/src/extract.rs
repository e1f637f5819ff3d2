//! The API's extractors, so handlers see only typed, checked input: [`WireJson`] reads a body
//! within the route's limit and names the field that failed to parse (400) or refuses a body
//! over the limit (413); [`Authed`] turns a bearer token into the device it belongs to (401, or
//! 403 once the device is revoked).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use examgate_sync::wire::{BODY_LIMIT, DeviceInfo};
use serde::de::DeserializeOwned;

use crate::api::AppState;
use crate::error::ServerError;

/// A JSON body of type `T`, on a route whose body limit is `LIMIT` (what a 413 names).
#[derive(Debug)]
pub(crate) struct WireJson<T, const LIMIT: usize = BODY_LIMIT>(pub T);

impl<S: Send + Sync, T: DeserializeOwned, const LIMIT: usize> FromRequest<S>
    for WireJson<T, LIMIT>
{
    type Rejection = ServerError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ServerError> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ServerError::TooLarge { limit: LIMIT }
            } else {
                ServerError::BadJson {
                    field: "(body)".into(),
                    reason: e.body_text(),
                }
            }
        })?;
        parse(&bytes).map(WireJson)
    }
}

/// Parses `bytes` as a `T`, naming the path of the field that failed.
pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ServerError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        ServerError::BadJson {
            field: if path == "." { "(body)".into() } else { path },
            reason: e.into_inner().to_string(),
        }
    })?;
    de.end().map_err(|e| ServerError::BadJson {
        field: "(body)".into(),
        reason: e.to_string(),
    })?;
    Ok(value)
}

/// The bearer token of a request, if it carries one.
pub(crate) fn bearer(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// The enrolled, unrevoked device that sent the request.
#[derive(Debug)]
pub(crate) struct Authed(pub DeviceInfo);

impl FromRequestParts<AppState> for Authed {
    type Rejection = ServerError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ServerError> {
        let token = bearer(parts).ok_or(ServerError::Unauthorized)?;
        state
            .db(move |db| db.device_for_token(&token))
            .await
            .map(Authed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use examgate_sync::wire::EnrollRequest;

    #[test]
    fn malformed_json_names_the_field() {
        let body = br#"{"secret":"s","device_id":"not-a-uuid","public_key":"k","name":"n"}"#;
        match parse::<EnrollRequest>(body) {
            Err(ServerError::BadJson { field, .. }) => assert_eq!(field, "device_id"),
            other => panic!("{other:?}"),
        }
        match parse::<EnrollRequest>(br#"{"secret":"s"}"#) {
            Err(ServerError::BadJson { reason, .. }) => assert!(reason.contains("device_id")),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse::<EnrollRequest>(b"{} trailing"),
            Err(ServerError::BadJson { .. })
        ));
    }
}
