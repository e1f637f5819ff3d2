//! What sync reads out of a store: how far each device's events are held without a gap, this
//! device's own events to push, and everything that arrived after a cursor for a pull.
//!
//! The high-water mark is the largest `n` with seqs `1..=n` of a device all held (merged or
//! waiting for a parent: a waiting event is held and must not be sent again). It is computed from
//! the `(device, seq)` indexes alone, no event body is read.
//!
//! The pull cursor is `event_arrival.arrival`: a number given to each event as it joins this
//! store's log, never reused or changed (AUTOINCREMENT, immutable rows; not `event`'s rowid,
//! which VACUUM may renumber). Since an event joins the log only after its parents (`receive`),
//! reading in cursor order never yields a child before its parent.
//!
//! Signatures: a received event keeps the signature it came with. This device's own events are
//! signed by [`Store::own_signed_after`], which records each signature the first time it makes
//! it, so an event keeps that signature even if the device key is later replaced; until then an
//! own event has none, and a pull that reaches it fails ([`StoreError::UnsignedEvent`]) rather
//! than skip it. (The server records no events of its own; a device is not pulled from.)

use ed25519_dalek::SigningKey;
use examgate_core::event::Event;
use examgate_core::signed::SignedEvent;
use examgate_core::verified::sign_all;
use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use crate::Store;
use crate::error::{Result, StoreError};
use crate::events::{device_id, parse};

/// The seqs held of one device: the merged log and the events waiting for a parent. Distinct
/// (`receive` keeps `(device, seq)` unique across both), so in seq order the `k`-th is `k` exactly
/// as long as there has been no gap.
const HELD_SEQS: &str = "SELECT device, seq FROM event WHERE seq >= 1
     UNION ALL SELECT device, seq FROM event_waiting WHERE seq >= 1";

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Store {
    /// The largest `n` such that seqs `1..=n` of `device` are all held (0 when seq 1 is not).
    pub fn high_water(&self, device: Uuid) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM (
                 SELECT seq, row_number() OVER (ORDER BY seq) AS k FROM (
                     SELECT seq FROM event WHERE device = ?1 AND seq >= 1
                     UNION ALL SELECT seq FROM event_waiting WHERE device = ?1 AND seq >= 1))
             WHERE seq = k",
            [device.to_string()],
            |r| r.get(0),
        )?;
        Ok(count(n))
    }

    /// [`Store::high_water`] of every device this store holds events of, by device id.
    pub fn high_waters(&self) -> Result<Vec<(Uuid, u64)>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT device, sum(seq = k) FROM (
                 SELECT device, seq, row_number() OVER (PARTITION BY device ORDER BY seq) AS k
                 FROM ({HELD_SEQS}))
             GROUP BY device ORDER BY device"
        ))?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        rows.map(|row| {
            let (device, n) = row?;
            let id = Uuid::parse_str(&device)
                .map_err(|e| StoreError::CorruptEvent(format!("device id: {e}")))?;
            Ok((id, count(n)))
        })
        .collect()
    }

    /// This device's own events with a seq after `seq`, in seq order, at most `limit`: what a
    /// push sends (the caller signs them, or see [`Store::own_signed_after`]).
    pub fn own_events_after(&self, seq: u64, limit: usize) -> Result<Vec<Event>> {
        let own = device_id(&self.conn)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT body FROM event WHERE device = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let bodies = stmt.query_map(
            params![
                own.to_string(),
                i64::try_from(seq).unwrap_or(i64::MAX),
                i64::try_from(limit).unwrap_or(i64::MAX)
            ],
            |r| r.get::<_, String>(0),
        )?;
        bodies.map(|b| parse(&b?)).collect()
    }

    /// [`Store::own_events_after`], signed with `key`: an event signed before keeps its recorded
    /// signature; one signed now has its signature recorded, so this store can serve it in a pull.
    pub fn own_signed_after(
        &mut self,
        seq: u64,
        limit: usize,
        key: &SigningKey,
    ) -> Result<Vec<SignedEvent>> {
        let events = self.own_events_after(seq, limit)?;
        let tx = self.conn.transaction()?;
        let mut held = Vec::with_capacity(events.len());
        for event in &events {
            held.push(
                tx.prepare_cached("SELECT signature FROM event_signature WHERE event_id = ?1")?
                    .query_row([event.id.to_string()], |r| r.get::<_, String>(0))
                    .optional()?,
            );
        }
        // Those not signed yet, signed on every core (about 20 µs each), then recorded.
        let (signed, unsigned): (Vec<_>, Vec<_>) =
            events.into_iter().zip(held).partition(|(_, h)| h.is_some());
        let fresh = sign_all(key, unsigned.into_iter().map(|(e, _)| e).collect());
        for s in &fresh {
            tx.prepare_cached("INSERT INTO event_signature (event_id, signature) VALUES (?1, ?2)")?
                .execute(params![s.event.id.to_string(), s.signature])?;
        }
        tx.commit()?;
        let mut out: Vec<SignedEvent> = signed
            .into_iter()
            .filter_map(|(event, h)| h.map(|signature| SignedEvent { event, signature }))
            .chain(fresh)
            .collect();
        out.sort_by_key(|s| s.event.seq);
        Ok(out)
    }

    /// The events that joined this store's log after `cursor` (0: from the start), in that order,
    /// with their signatures, at most `limit`; only those of `sitting` and not recorded by
    /// `exclude_device` when given. Returns them and the cursor to continue from: past the last
    /// returned event, or past everything read when fewer than `limit` matched.
    pub fn events_after(
        &self,
        cursor: u64,
        sitting: Option<&str>,
        exclude_device: Option<Uuid>,
        limit: usize,
    ) -> Result<(Vec<SignedEvent>, u64)> {
        self.events_after_in(cursor, sitting, None, exclude_device, limit)
    }

    /// [`Store::events_after`], restricted to the events of candidates seated at `site` (by this
    /// store's catalogue) when given: what the site server sends a device of that site.
    pub fn site_events_after(
        &self,
        cursor: u64,
        site: &str,
        exclude_device: Option<Uuid>,
        limit: usize,
    ) -> Result<(Vec<SignedEvent>, u64)> {
        self.events_after_in(cursor, None, Some(site), exclude_device, limit)
    }

    /// The end of this store's arrival order: a pull from here has nothing to read yet.
    pub fn arrival_end(&self) -> Result<u64> {
        let end: i64 = self.conn.query_row(
            "SELECT coalesce(max(arrival), 0) FROM event_arrival",
            [],
            |r| r.get(0),
        )?;
        Ok(count(end))
    }

    /// The site `student` is seated at in `sitting`, by this store's catalogue (`None` when the
    /// catalogue does not list them): the server checks every event it receives against it.
    pub fn candidate_site(&self, sitting: &str, student: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT st.name FROM candidate c JOIN sitting si ON si.id = c.sitting_id
                 JOIN room r ON r.id = c.room_id JOIN site st ON st.id = r.site_id
                 WHERE si.label = ?1 AND c.student_number = ?2",
            )?
            .query_row([sitting, student], |r| r.get(0))
            .optional()?)
    }

    /// Whether `room` is a room of `site` in `sitting` by this store's catalogue: the server checks
    /// a room act (a count check, a proctor signing in) against it.
    pub fn room_of_site(&self, sitting: &str, site: &str, room: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT 1 FROM candidate c JOIN sitting si ON si.id = c.sitting_id
                 JOIN room r ON r.id = c.room_id JOIN site st ON st.id = r.site_id
                 WHERE si.label = ?1 AND st.name = ?2 AND r.number = ?3 LIMIT 1",
            )?
            .query_row([sitting, site, room], |_| Ok(()))
            .optional()?
            .is_some())
    }

    fn events_after_in(
        &self,
        cursor: u64,
        sitting: Option<&str>,
        site: Option<&str>,
        exclude_device: Option<Uuid>,
        limit: usize,
    ) -> Result<(Vec<SignedEvent>, u64)> {
        if limit == 0 {
            return Ok((Vec::new(), cursor));
        }
        // One read transaction: the rows and the end of the log are read from the same snapshot.
        let tx = self.conn.unchecked_transaction()?;
        let from = i64::try_from(cursor).unwrap_or(i64::MAX);
        let end: i64 = tx.query_row(
            "SELECT coalesce(max(arrival), 0) FROM event_arrival",
            [],
            |r| r.get(0),
        )?;
        let mut stmt = tx.prepare_cached(
            "SELECT a.arrival, e.seq, e.body, s.signature FROM event_arrival a
             JOIN event e ON e.id = a.event_id
             LEFT JOIN event_signature s ON s.event_id = a.event_id
             WHERE a.arrival > ?1 AND (?2 IS NULL OR e.sitting = ?2)
               AND (?3 IS NULL OR e.device <> ?3)
               AND (?5 IS NULL OR EXISTS (
                   SELECT 1 FROM sitting si
                   JOIN candidate c ON c.sitting_id = si.id AND c.student_number = e.candidate
                   JOIN room r ON r.id = c.room_id
                   JOIN site st ON st.id = r.site_id
                   WHERE si.label = e.sitting AND st.name = ?5)
                 OR (e.candidate = '' AND json_extract(e.body, '$.kind.site') = ?5))
             ORDER BY a.arrival LIMIT ?4",
        )?;
        let rows = stmt.query_map(
            params![
                from,
                sitting,
                exclude_device.map(|d| d.to_string()),
                i64::try_from(limit).unwrap_or(i64::MAX),
                site
            ],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            },
        )?;
        let mut out = Vec::new();
        let mut last = from;
        for row in rows {
            let (arrival, seq, body, signature) = row?;
            let signature = signature.ok_or(StoreError::UnsignedEvent { seq: count(seq) })?;
            out.push(SignedEvent {
                event: parse(&body)?,
                signature,
            });
            last = arrival;
        }
        let next = if out.len() < limit {
            end.max(from)
        } else {
            last
        };
        Ok((out, count(next)))
    }
}
