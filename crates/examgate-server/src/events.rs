//! Event sync's routes: a device's status, its push of its own signed events, and its pull of the
//! site's other events (a long poll when asked to wait).
//!
//! A push goes through the store's one receive path with the server's rules: the signing key must
//! be the calling device's enrolled key (an event of another device is kept aside as
//! `unknown-device`), the candidate must be seated at the device's site in that sitting, and only
//! a device enrolled as a chief examiner of the site may approve or reject a manual verification,
//! approve a substitute proctor, settle a conflict or waive an item of a room's closing, whatever the event claims, unless the event carries the proof that its
//! actor, a chief examiner of the site, typed their PIN (`chief_pins`; else `not-permitted`). Whatever is kept aside is
//! listed in a 409 and stays in the store's quarantine for the office; the rest of the batch is
//! kept as usual. A real sitting's room closed, or counted, too early by the server's clock is
//! kept aside too (`timing`).

use std::collections::HashMap;
use std::time::Duration;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use ed25519_dalek::VerifyingKey;
use examgate_core::chief_proof::{self, ProofKey};
use examgate_core::event::{Event, EventKind};
use examgate_core::verified::{Checked, check_all};
use examgate_sync::wire::{
    DeviceInfo, ErrorBody, ErrorCode, MAX_BATCH, MAX_WAIT_SECONDS, PullQuery, PullResponse,
    PushRefused, PushRequest, PushResponse, QuarantinedEvent, Role, SiteKey, StatusResponse,
};
use rusqlite::params;
use uuid::Uuid;

use crate::api::AppState;
use crate::chief_pins::proof_keys;
use crate::db::ServerDb;
use crate::error::{Result, ServerError};
use crate::extract::{Authed, WireJson};
use crate::timing::TimedRules;
use examgate_store::QuarantineReason;

impl ServerDb {
    /// The enrolled key of `device` (the caller is authenticated, so it is enrolled).
    pub(crate) fn device_key(&self, device: Uuid) -> Result<VerifyingKey> {
        let hex_key: String = self.conn.query_row(
            "SELECT public_key FROM server_device WHERE device_id = ?1",
            [device.to_string()],
            |r| r.get(0),
        )?;
        parse_key(&hex_key)
            .ok_or_else(|| ServerError::Internal(format!("enrolled key of {device} unreadable")))
    }

    /// The keys of every device enrolled at `site`, revoked ones included (flagged): what a
    /// device checks the site's events against.
    pub fn site_keys(&self, site: &str) -> Result<Vec<SiteKey>> {
        let mut stmt = self.conn.prepare(
            "SELECT device_id, public_key, role, room, revoked_at IS NOT NULL FROM server_device
              WHERE site = ?1 ORDER BY enrolled_at, device_id",
        )?;
        let rows = stmt.query_map(params![site], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, bool>(4)?,
            ))
        })?;
        let mut keys = Vec::new();
        for row in rows {
            let (id, public_key, role, room, revoked) = row?;
            keys.push(SiteKey {
                device_id: Uuid::parse_str(&id)
                    .map_err(|e| ServerError::Internal(e.to_string()))?,
                public_key,
                role: role.parse::<Role>().map_err(ServerError::Internal)?,
                room,
                revoked,
            });
        }
        Ok(keys)
    }
}

fn parse_key(hex_key: &str) -> Option<VerifyingKey> {
    let mut raw = [0u8; 32];
    hex::decode_to_slice(hex_key, &mut raw).ok()?;
    VerifyingKey::from_bytes(&raw).ok()
}

/// What an event is about, as the server looks up where it belongs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Subject {
    /// (sitting, student number)
    Candidate(String, String),
    /// (sitting, site, room): a room act.
    Room(String, String, String),
    /// A candidate's act with no candidate, or a room act naming one: kept aside.
    Malformed,
}

fn subject(e: &Event) -> Subject {
    if !e.well_formed() {
        return Subject::Malformed;
    }
    match e.kind.room() {
        Some((site, room)) => Subject::Room(e.sitting.clone(), site.into(), room.into()),
        None => Subject::Candidate(e.sitting.clone(), e.student().into()),
    }
}

/// The acts only a chief examiner's device may record.
fn chiefs_only(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::ManualVerificationApproved
            | EventKind::ManualVerificationRejected { .. }
            | EventKind::ConflictResolved { .. }
            | EventKind::PostExamChecked
            | EventKind::ClosingWaived { .. }
            | EventKind::SubstituteApproved { .. }
    )
}

/// Whether `device` may record `e`, given the site the server's catalogue seats its candidate at
/// and the proof key of its actor when they are a chief examiner of the site with a PIN set here
/// (a decision typed at a door with the chief's PIN carries a proof made with it).
fn permitted(
    device: &DeviceInfo,
    seated_at: Option<&str>,
    e: &Event,
    actor_key: Option<&ProofKey>,
) -> bool {
    let room_ok = match (e.kind.room(), &device.room) {
        // A door device records room acts for its own room only.
        (Some((_, room)), Some(own)) => room == own,
        _ => true,
    };
    seated_at == Some(device.site.as_str())
        && room_ok
        && (device.role == Role::Chief
            || !chiefs_only(&e.kind)
            || actor_key.is_some_and(|k| chief_proof::verifies(k, e)))
}

/// This device's mark and where the server's arrival order ends.
#[utoipa::path(get, path = "/v1/status", security(("device_token" = [])),
    responses(
        (status = 200, body = StatusResponse),
        (status = 401, body = ErrorBody, description = "unauthorized"),
        (status = 403, body = ErrorBody, description = "device_revoked")))]
pub(crate) async fn status(
    State(state): State<AppState>,
    Authed(device): Authed,
) -> Result<Json<StatusResponse>> {
    let id = device.device_id;
    let (high_water, cursor_end) = state
        .store(move |s| Ok((s.high_water(id)?, s.arrival_end()?)))
        .await?;
    Ok(Json(StatusResponse {
        device_id: id,
        high_water,
        cursor_end,
        max_batch: MAX_BATCH as u32,
    }))
}

/// Push a batch of this device's own events, in seq order. A repeat is a no-op; an event kept
/// aside is listed in a 409 (the rest of the batch is kept).
#[utoipa::path(post, path = "/v1/events", request_body = PushRequest, security(("device_token" = [])),
    responses(
        (status = 200, body = PushResponse),
        (status = 400, body = ErrorBody, description = "bad_json, batch_out_of_order"),
        (status = 401, body = ErrorBody, description = "unauthorized"),
        (status = 403, body = ErrorBody, description = "device_revoked"),
        (status = 409, body = PushRefused, description = "events_quarantined"),
        (status = 413, body = ErrorBody, description = "too_large")))]
pub(crate) async fn push(
    State(state): State<AppState>,
    Authed(device): Authed,
    WireJson(req): WireJson<PushRequest, { examgate_sync::wire::EVENTS_BODY_LIMIT }>,
) -> Result<Response> {
    let events = req.events;
    if events.len() > MAX_BATCH {
        return Err(ServerError::TooManyEvents { max: MAX_BATCH });
    }
    if events.windows(2).any(|w| w[0].event.seq >= w[1].event.seq) {
        return Err(ServerError::BatchOutOfOrder);
    }
    let id = device.device_id;
    let key = state.db(move |db| db.device_key(id)).await?;
    // The signatures first, on every core and outside the store's lock: the lock then covers
    // only the SQLite work (see `examgate_core::verified`).
    let trust = move |d: Uuid| (d == id).then_some(key);
    let clock = state.clock().clone();
    let events = tokio::task::spawn_blocking(move || check_all(events, &trust))
        .await
        .map_err(|e| ServerError::Internal(e.to_string()))?;
    let (report, high_water) = state
        .store(move |s| {
            let mut seated: HashMap<Subject, Option<String>> = HashMap::new();
            for e in events.iter().map(Checked::event) {
                if let std::collections::hash_map::Entry::Vacant(slot) = seated.entry(subject(e)) {
                    let site = match slot.key() {
                        Subject::Candidate(sitting, student) => {
                            s.candidate_site(sitting, student)?
                        }
                        Subject::Room(sitting, site, room) => {
                            s.room_of_site(sitting, site, room)?.then(|| site.clone())
                        }
                        Subject::Malformed => None,
                    };
                    slot.insert(site);
                }
            }
            let keys = proof_keys(s, &device.site, events.iter().map(Checked::event))?;
            let timed = TimedRules::for_batch(s, &clock, events.iter().map(Checked::event))?;
            let permit = |e: &Event| {
                let seated_at = seated.get(&subject(e)).and_then(|s| s.as_deref());
                if !permitted(&device, seated_at, e, keys.get(&e.actor)) {
                    return Err(QuarantineReason::NotPermitted);
                }
                timed.check(e)
            };
            let now = Utc::now().fixed_offset();
            let report = s.receive_checked(&events, &permit, now)?;
            Ok((report, s.high_water(id)?))
        })
        .await?;
    if report.merged > 0 {
        state.arrived();
    }
    let (accepted, duplicate) = (report.accepted as u32, report.duplicate as u32);
    if report.quarantined.is_empty() {
        return Ok(Json(PushResponse {
            high_water,
            accepted,
            duplicate,
        })
        .into_response());
    }
    let quarantined: Vec<QuarantinedEvent> = report
        .quarantined
        .iter()
        .map(|q| QuarantinedEvent {
            id: q.id.0,
            seq: q.seq,
            reason: q.reason.code().to_owned(),
            message: q.reason.to_string(),
        })
        .collect();
    let body = PushRefused {
        code: ErrorCode::EventsQuarantined,
        message: format!(
            "{} 条事件未被接收，已留存待考点办公室处理 ({} events were kept aside for the site office, not merged)",
            quarantined.len(),
            quarantined.len()
        ),
        high_water,
        accepted,
        duplicate,
        quarantined,
    };
    Ok((StatusCode::CONFLICT, Json(body)).into_response())
}

/// The site's other events after `cursor`, with the keys that check them; with `wait`, held until
/// one arrives (at most [`MAX_WAIT_SECONDS`]).
#[utoipa::path(get, path = "/v1/events", params(PullQuery), security(("device_token" = [])),
    responses(
        (status = 200, body = PullResponse),
        (status = 400, body = ErrorBody, description = "bad_json"),
        (status = 401, body = ErrorBody, description = "unauthorized"),
        (status = 403, body = ErrorBody, description = "device_revoked")))]
pub(crate) async fn pull(
    State(state): State<AppState>,
    Authed(device): Authed,
    query: std::result::Result<Query<PullQuery>, QueryRejection>,
) -> Result<Json<PullResponse>> {
    let Query(q) = query.map_err(|e| ServerError::BadArgument(e.body_text()))?;
    let wait = Duration::from_secs(q.wait.unwrap_or(0).min(MAX_WAIT_SECONDS).into());
    let deadline = tokio::time::Instant::now() + wait;
    let mut arrivals = state.arrivals();
    let (id, site) = (device.device_id, device.site.clone());
    let (events, next_cursor) = loop {
        // Marked seen before reading, so an arrival after the read wakes the wait below.
        arrivals.borrow_and_update();
        let site = site.clone();
        let page = state
            .store(move |s| Ok(s.site_events_after(q.cursor, &site, Some(id), MAX_BATCH)?))
            .await?;
        if !page.0.is_empty() || wait.is_zero() {
            break page;
        }
        match tokio::time::timeout_at(deadline, arrivals.changed()).await {
            Ok(Ok(())) => continue,
            _ => break page,
        }
    };
    let keys = state.db(move |db| db.site_keys(&site)).await?;
    Ok(Json(PullResponse {
        more: events.len() == MAX_BATCH,
        events,
        next_cursor,
        keys,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proctor() -> DeviceInfo {
        DeviceInfo {
            device_id: Uuid::now_v7(),
            name: "door".into(),
            site: "甲考点".into(),
            room: Some("01".into()),
            role: Role::Proctor,
            staff: "J1".into(),
        }
    }

    /// An event of `kind` sent by `device`, naming the chief examiner Z01 as its actor.
    fn event(device: &DeviceInfo, kind: EventKind) -> Event {
        Event {
            id: examgate_core::event::EventId(Uuid::now_v7()),
            device: device.device_id,
            seq: 1,
            wall: Utc::now().fixed_offset(),
            hlc: examgate_core::event::Hlc(1),
            exam_time: None,
            actor: "Z01".into(),
            sitting: "s".into(),
            candidate: Some(examgate_core::model::StudentNumber::parse("2242100000001").unwrap()),
            parents: vec![],
            kind,
            chief_proof: None,
        }
    }

    #[test]
    fn only_a_chief_examiners_device_of_the_candidates_site_may_decide() {
        let proctor = proctor();
        let chief = DeviceInfo {
            role: Role::Chief,
            room: None,
            ..proctor.clone()
        };
        let approve = event(&proctor, EventKind::ManualVerificationApproved);
        let admit = event(&proctor, EventKind::Admitted);
        assert!(!permitted(&proctor, Some("甲考点"), &approve, None));
        assert!(permitted(&chief, Some("甲考点"), &approve, None));
        assert!(permitted(&proctor, Some("甲考点"), &admit, None));
        assert!(!permitted(&proctor, Some("乙考点"), &admit, None));
        assert!(!permitted(&chief, None, &approve, None));
    }

    #[test]
    fn only_a_chief_examiners_device_may_mark_an_entry_photo_checked_after_the_exam() {
        let proctor = proctor();
        let chief = DeviceInfo {
            role: Role::Chief,
            room: None,
            ..proctor.clone()
        };
        let checked = event(&proctor, EventKind::PostExamChecked);
        assert!(!permitted(&proctor, Some("甲考点"), &checked, None));
        assert!(permitted(&chief, Some("甲考点"), &checked, None));
        assert!(!permitted(&chief, Some("乙考点"), &checked, None));
    }

    #[test]
    fn a_proctors_device_may_send_a_decision_its_actors_pin_proof_checks_out_for() {
        let proctor = proctor();
        let k: ProofKey = [5; 32];
        let approve = event(&proctor, EventKind::ManualVerificationApproved);
        let proven = chief_proof::with_proof(&k, approve.clone());
        assert!(permitted(&proctor, Some("甲考点"), &proven, Some(&k)));
        assert!(!permitted(
            &proctor,
            Some("甲考点"),
            &proven,
            Some(&[6; 32])
        ));
        assert!(!permitted(&proctor, Some("甲考点"), &proven, None));
        assert!(!permitted(&proctor, Some("乙考点"), &proven, Some(&k)));
        assert!(!permitted(&proctor, Some("甲考点"), &approve, Some(&k)));
    }

    #[test]
    fn a_door_devices_closing_waiver_needs_its_chiefs_pin_proof() {
        let proctor = proctor();
        let k: ProofKey = [5; 32];
        let mut waiver = event(
            &proctor,
            EventKind::ClosingWaived {
                site: "甲考点".into(),
                room: "01".into(),
                item: examgate_core::closing::ClosingItem::CountCheckNotDone,
                reason: "平台故障，无法核对".into(),
            },
        );
        waiver.candidate = None;
        assert!(!permitted(&proctor, Some("甲考点"), &waiver, Some(&k)));
        let proven = chief_proof::with_proof(&k, waiver.clone());
        assert!(permitted(&proctor, Some("甲考点"), &proven, Some(&k)));
        assert!(!permitted(
            &proctor,
            Some("甲考点"),
            &proven,
            Some(&[6; 32])
        ));
        let mut other_room = proven.clone();
        if let EventKind::ClosingWaived { room, .. } = &mut other_room.kind {
            *room = "02".into();
        }
        assert!(!permitted(&proctor, Some("甲考点"), &other_room, Some(&k)));
    }

    #[test]
    fn a_substitutes_approval_needs_a_chiefs_device_or_the_chiefs_pin_proof() {
        let proctor = proctor();
        let chief = DeviceInfo {
            role: Role::Chief,
            room: None,
            ..proctor.clone()
        };
        let mut approve = event(
            &proctor,
            EventKind::SubstituteApproved {
                site: "甲考点".into(),
                room: "01".into(),
                proctor: "J9".into(),
            },
        );
        approve.candidate = None;
        assert_eq!(
            subject(&approve),
            Subject::Room("s".into(), "甲考点".into(), "01".into())
        );
        assert!(!permitted(&proctor, Some("甲考点"), &approve, None));
        assert!(permitted(&chief, Some("甲考点"), &approve, None));
        let k: ProofKey = [5; 32];
        let proven = chief_proof::with_proof(&k, approve.clone());
        assert!(permitted(&proctor, Some("甲考点"), &proven, Some(&k)));
        assert!(!permitted(
            &proctor,
            Some("甲考点"),
            &proven,
            Some(&[6; 32])
        ));
        let mut elsewhere = proven.clone();
        elsewhere.kind = EventKind::SubstituteApproved {
            site: "甲考点".into(),
            room: "02".into(),
            proctor: "J9".into(),
        };
        let elsewhere = chief_proof::with_proof(&k, elsewhere);
        assert!(
            !permitted(&proctor, Some("甲考点"), &elsewhere, Some(&k)),
            "a door device's room acts are for its own room"
        );
        let tick = |room: &str| {
            let mut e = event(
                &proctor,
                EventKind::TimelineStepTicked {
                    site: "甲考点".into(),
                    room: room.into(),
                    step: examgate_core::timeline_steps::TimelineStep::Notice,
                },
            );
            e.candidate = None;
            e
        };
        assert!(permitted(&proctor, Some("甲考点"), &tick("01"), None));
        assert!(!permitted(&proctor, Some("甲考点"), &tick("02"), None));
    }

    #[test]
    fn a_door_device_records_room_acts_for_its_own_room_only_and_a_room_act_names_no_candidate() {
        let proctor = proctor();
        let count = |room: &str| {
            let mut e = event(
                &proctor,
                EventKind::CountChecked {
                    site: "甲考点".into(),
                    room: room.into(),
                    platform_count: 27,
                    real_count: 28,
                },
            );
            e.candidate = None;
            e
        };
        let own = count("01");
        assert_eq!(
            subject(&own),
            Subject::Room("s".into(), "甲考点".into(), "01".into())
        );
        assert!(permitted(&proctor, Some("甲考点"), &own, None));
        assert!(!permitted(&proctor, Some("甲考点"), &count("02"), None));
        assert!(
            !permitted(&proctor, None, &own, None),
            "a room the catalogue lacks"
        );
        let chief = DeviceInfo {
            role: Role::Chief,
            room: None,
            ..proctor.clone()
        };
        assert!(permitted(&chief, Some("甲考点"), &count("02"), None));
        let mut naming = own.clone();
        naming.candidate = event(&proctor, EventKind::Admitted).candidate;
        assert_eq!(subject(&naming), Subject::Malformed);
        let mut admit = event(&proctor, EventKind::Admitted);
        admit.candidate = None;
        assert_eq!(subject(&admit), Subject::Malformed);
    }
}
