//! The append-only event log and this device's identity and clock.
//!
//! An event is acknowledged only once its transaction commits; the device row (last sequence
//! number and hybrid clock) is updated in the same transaction, so sequence numbers stay gap-free
//! and the clock never goes backwards, even across restarts and wall-clock changes.

use chrono::{DateTime, FixedOffset};
use examgate_core::chief_proof::{ProofKey, with_proof};
use examgate_core::event::{Event, EventId, EventKind, Hlc};
use examgate_core::fold::{Folded, fold};
use examgate_core::model::StudentNumber;
use rusqlite::{Connection, params};
use uuid::{NoContext, Timestamp, Uuid};

use crate::error::{Result, StoreError};

pub(crate) fn ensure_device(conn: &Connection) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO device (singleton, id, last_seq, last_hlc) VALUES (1, ?1, 0, 0)",
        [Uuid::now_v7().to_string()],
    )?;
    Ok(())
}

pub(crate) fn device_id(conn: &Connection) -> Result<Uuid> {
    let id: String = conn.query_row("SELECT id FROM device", [], |r| r.get(0))?;
    parse_device_id(&id)
}

fn parse_device_id(id: &str) -> Result<Uuid> {
    Uuid::parse_str(id).map_err(|e| StoreError::CorruptEvent(format!("device id: {e}")))
}

/// What a new event needs besides what the device supplies.
pub(crate) struct NewEvent<'a> {
    pub actor: &'a str,
    pub sitting: &'a str,
    /// `None` for a room act.
    pub candidate: Option<&'a StudentNumber>,
    pub parents: Vec<EventId>,
    pub kind: EventKind,
    /// The device clock: the event's wall time, id and hybrid clock come from it.
    pub now: DateTime<FixedOffset>,
    /// The exam time the act was decided at, when it is not the device clock.
    pub exam_time: Option<DateTime<FixedOffset>>,
    /// A chief's proof key (PIN set at the site server): the event carries the chief's proof.
    pub proof: Option<&'a ProofKey>,
}

/// A UUIDv7 whose timestamp is the device time `now`.
pub(crate) fn uuid_at(now: DateTime<FixedOffset>) -> Uuid {
    Uuid::new_v7(Timestamp::from_unix(
        NoContext,
        u64::try_from(now.timestamp()).unwrap_or(0),
        now.timestamp_subsec_nanos(),
    ))
}

/// Moves this device's hybrid clock past the device time `now` and stores it; returns the reading
/// and the device id. Call inside the transaction that records what the reading stamps.
pub(crate) fn tick(conn: &Connection, now: DateTime<FixedOffset>) -> Result<(Uuid, Hlc)> {
    let (device, last_hlc): (String, i64) =
        conn.query_row("SELECT id, last_hlc FROM device", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let device = parse_device_id(&device)?;
    let hlc = Hlc(u64::try_from(last_hlc).unwrap_or(0)).tick(now.timestamp_millis());
    conn.execute("UPDATE device SET last_hlc = ?1", params![hlc.0 as i64])?;
    Ok((device, hlc))
}

/// Appends an event made on this device. Call inside a transaction; the caller commits.
pub(crate) fn append(conn: &Connection, new: NewEvent<'_>) -> Result<Event> {
    let last_seq: i64 = conn.query_row("SELECT last_seq FROM device", [], |r| r.get(0))?;
    let (device, hlc) = tick(conn, new.now)?;
    let seq = u64::try_from(last_seq).unwrap_or(0) + 1;
    let event = Event {
        id: EventId(uuid_at(new.now)),
        device,
        seq,
        wall: new.now,
        hlc,
        exam_time: new.exam_time,
        actor: new.actor.to_string(),
        sitting: new.sitting.to_string(),
        candidate: new.candidate.cloned(),
        parents: new.parents,
        kind: new.kind,
        chief_proof: None,
    };
    let event = match new.proof {
        Some(key) => with_proof(key, event),
        None => event,
    };
    insert(conn, &event)?;
    conn.execute("UPDATE device SET last_seq = ?1", params![seq as i64])?;
    Ok(event)
}

/// Inserts an event (local or received); a second copy of the same id is ignored.
pub(crate) fn insert(conn: &Connection, e: &Event) -> Result<bool> {
    let body = serde_json::to_string(e).map_err(|err| StoreError::CorruptEvent(err.to_string()))?;
    let n = conn.prepare_cached(
        "INSERT OR IGNORE INTO event (id, device, seq, wall, hlc, actor, sitting, candidate, kind, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?.execute(
        params![
            e.id.to_string(),
            e.device.to_string(),
            e.seq as i64,
            e.wall.to_rfc3339(),
            e.hlc.0 as i64,
            e.actor,
            e.sitting,
            e.student(),
            e.kind.name(),
            body
        ],
    )?;
    if n == 1 {
        // Its place in this store's arrival order: the cursor a pull reads from.
        conn.prepare_cached("INSERT INTO event_arrival (event_id) VALUES (?1)")?
            .execute([e.id.to_string()])?;
    }
    Ok(n == 1)
}

pub(crate) fn parse(body: &str) -> Result<Event> {
    serde_json::from_str(body).map_err(|e| StoreError::CorruptEvent(e.to_string()))
}

/// One candidate's events, oldest first.
pub(crate) fn candidate_events(
    conn: &Connection,
    sitting: &str,
    candidate: &str,
) -> Result<Vec<Event>> {
    let mut stmt = conn.prepare_cached(
        "SELECT body FROM event WHERE sitting = ?1 AND candidate = ?2 ORDER BY hlc, id",
    )?;
    let bodies = stmt.query_map(params![sitting, candidate], |r| r.get::<_, String>(0))?;
    bodies.map(|b| parse(&b?)).collect::<Result<Vec<_>>>()
}

pub(crate) fn folded(conn: &Connection, sitting: &str, candidate: &str) -> Result<Folded> {
    Ok(fold(&candidate_events(conn, sitting, candidate)?))
}

impl crate::Store {
    /// This device's id, made at first start.
    pub fn device_id(&self) -> Result<Uuid> {
        device_id(&self.conn)
    }

    /// The events of one candidate, oldest first (the record behind their state).
    pub fn events_of(&self, sitting: &str, candidate: &str) -> Result<Vec<Event>> {
        candidate_events(&self.conn, sitting, candidate)
    }

    /// Every event of a sitting, in hybrid-clock order (then id): the record an export reads.
    pub fn sitting_events(&self, sitting: &str) -> Result<Vec<Event>> {
        let mut stmt = self
            .conn
            .prepare("SELECT body FROM event WHERE sitting = ?1 ORDER BY hlc, id")?;
        let bodies = stmt.query_map([sitting], |r| r.get::<_, String>(0))?;
        bodies.map(|b| parse(&b?)).collect::<Result<Vec<_>>>()
    }

    /// How many events the log holds.
    pub fn event_count(&self) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM event", [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
