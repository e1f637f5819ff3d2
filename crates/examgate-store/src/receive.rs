//! The one way events from elsewhere enter a store: the site server merging a device's push, and a
//! device merging what it pulled from the server, both call [`Store::receive`].
//!
//! A batch is merged in one IMMEDIATE transaction: on a database error nothing of it is kept. Each
//! event is checked, in this order:
//! 1. one claiming *this* store's device id is a duplicate only if it is byte for byte the event
//!    held; anything else is quarantined (`own-device`: a cloned phone, or a forgery), never
//!    inserted, or this device's next act would collide with it;
//! 2. its signature must verify against the key the caller's trust list holds for its device
//!    (`unknown-device`, `bad-signature` otherwise), and the caller's rules must let that device
//!    record it (`not-permitted`: the server takes approvals from chief examiners' devices only).
//!    The signatures are checked before the transaction, on every core, by
//!    `examgate_core::verified::check_all`: [`Store::receive_with`] calls it, and the site server
//!    calls it itself outside the store's lock, then [`Store::receive_checked`];
//! 3. the same id held with the same canonical bytes is a duplicate, a no-op; the same id, or the
//!    same `(device, seq)`, held with other content is quarantined (`changed-content`,
//!    `seq-taken`) and the held event stays as it was. Quarantined events are kept as received in
//!    `event_quarantine` for the office: never merged, never dropped (Atuin drops them; we don't);
//! 4. anything else is new: kept with its signature, and this store's hybrid clock observes it.
//!
//! **Parents not arrived yet.** An event names the status events its device had seen. If one of
//! them has not reached this store (a device pushed before the one it learned from did, a pull
//! batch in another order), folding the event now would leave the unseen parent's own parents as
//! heads, and the fold would report a conflict that the complete log does not have. So a new event
//! joins the log (`event`, which the fold reads) only once all its parents are there; until then
//! it waits in `event_waiting`. We buffer here rather than teach the fold a "waiting" state
//! because the fold then only ever sees a causally closed set, in which any two heads really are
//! concurrent: every conflict it reports is one a person must settle, and every screen, export and
//! test that folds keeps working unchanged. A waiting event is held all the same: it counts for
//! the sender's high-water mark (so it is not re-sent), for duplicate and quarantine checks, and it
//! joins the log in the transaction that brings its last parent. A side effect worth having: an
//! event joins the log after its parents, so this store's arrival order (the pull cursor) is causal.

use chrono::{DateTime, FixedOffset};
use ed25519_dalek::VerifyingKey;
use examgate_core::event::{Event, EventId, Hlc};
use examgate_core::signed::{SignedEvent, canonical_bytes};
use examgate_core::verified::{Checked, check_all};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Store;
use crate::error::{Result, StoreError};
use crate::events::{device_id, insert, parse};
use crate::quarantine::{QuarantineReason, Quarantined, quarantine};

/// What a batch did to the store.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiveReport {
    /// Events of the batch new to this store, now held (merged, or waiting for their parents).
    pub accepted: usize,
    /// Events of the batch this store already held, byte for byte: no-ops.
    pub duplicate: usize,
    /// Events of the batch kept aside, in batch order.
    pub quarantined: Vec<Quarantined>,
    /// Events that joined the folded log in this call, earlier waiting ones included.
    pub merged: usize,
    /// Events this store holds that still wait for a parent, after this call.
    pub waiting: usize,
}

enum Verdict {
    New,
    Duplicate,
    Quarantine(QuarantineReason),
}

/// The body of the event held (merged or waiting) under `id`.
fn held_by_id(conn: &Connection, id: EventId) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT body FROM event WHERE id = ?1
             UNION ALL SELECT body FROM event_waiting WHERE id = ?1",
        )?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?)
}

fn seq_held(conn: &Connection, device: Uuid, seq: u64) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM event WHERE device = ?1 AND seq = ?2
             UNION ALL SELECT 1 FROM event_waiting WHERE device = ?1 AND seq = ?2",
        )?
        .exists(params![device.to_string(), seq as i64])?)
}

/// Duplicate when `held` (a stored body) has the same canonical bytes as `e`, else `otherwise`.
fn same_or(held: &str, e: &Event, otherwise: QuarantineReason) -> Result<Verdict> {
    Ok(if canonical_bytes(&parse(held)?) == canonical_bytes(e) {
        Verdict::Duplicate
    } else {
        Verdict::Quarantine(otherwise)
    })
}

/// The caller's checks: this store's own device, and whether a device may record an event.
struct Rules<'a> {
    own: Uuid,
    permit: &'a dyn Fn(&Event) -> std::result::Result<(), QuarantineReason>,
}

fn classify(conn: &Connection, c: &Checked, rules: &Rules<'_>) -> Result<Verdict> {
    use QuarantineReason as R;
    let e = c.event();
    if e.device == rules.own {
        return match held_by_id(conn, e.id)? {
            Some(held) => same_or(&held, e, R::OwnDevice),
            None => Ok(Verdict::Quarantine(R::OwnDevice)),
        };
    }
    match c {
        Checked::Verified(_) => {}
        Checked::UnknownDevice(_) => return Ok(Verdict::Quarantine(R::UnknownDevice)),
        Checked::BadSignature(_) => return Ok(Verdict::Quarantine(R::BadSignature)),
    }
    if let Err(reason) = (rules.permit)(e) {
        return Ok(Verdict::Quarantine(reason));
    }
    if e.seq == 0 || i64::try_from(e.seq).is_err() || i64::try_from(e.hlc.0).is_err() {
        return Ok(Verdict::Quarantine(R::OutOfRange));
    }
    if let Some(held) = held_by_id(conn, e.id)? {
        return same_or(&held, e, R::ChangedContent);
    }
    if seq_held(conn, e.device, e.seq)? {
        return Ok(Verdict::Quarantine(R::SeqTaken));
    }
    Ok(Verdict::New)
}

fn parents_merged(conn: &Connection, e: &Event) -> Result<bool> {
    let mut stmt = conn.prepare_cached("SELECT 1 FROM event WHERE id = ?1")?;
    for p in &e.parents {
        if !stmt.exists([p.to_string()])? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn merge(conn: &Connection, e: &Event, signature: &str) -> Result<()> {
    insert(conn, e)?;
    conn.prepare_cached("INSERT INTO event_signature (event_id, signature) VALUES (?1, ?2)")?
        .execute(params![e.id.to_string(), signature])?;
    Ok(())
}

pub(crate) fn body_of(e: &Event) -> Result<String> {
    serde_json::to_string(e).map_err(|err| StoreError::CorruptEvent(err.to_string()))
}

fn hold(conn: &Connection, s: &SignedEvent, now: DateTime<FixedOffset>) -> Result<()> {
    conn.execute(
        "INSERT INTO event_waiting (id, device, seq, body, signature, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            s.event.id.to_string(),
            s.event.device.to_string(),
            s.event.seq as i64,
            body_of(&s.event)?,
            s.signature,
            now.to_rfc3339()
        ],
    )?;
    Ok(())
}

/// Moves every waiting event whose parents have all been merged into the log, until none moves.
/// Returns how many moved.
fn release(conn: &Connection) -> Result<usize> {
    let mut moved = 0;
    loop {
        let waiting: Vec<(String, String)> = conn
            .prepare("SELECT body, signature FROM event_waiting ORDER BY rowid")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let before = moved;
        for (body, signature) in waiting {
            let e = parse(&body)?;
            if parents_merged(conn, &e)? {
                conn.execute(
                    "DELETE FROM event_waiting WHERE id = ?1",
                    [e.id.to_string()],
                )?;
                merge(conn, &e, &signature)?;
                moved += 1;
            }
        }
        if moved == before {
            return Ok(moved);
        }
    }
}

/// This store's hybrid clock after seeing `remote`, at device time `now`.
fn observe(conn: &Connection, remote: Hlc, now: DateTime<FixedOffset>) -> Result<()> {
    let last: i64 = conn.query_row("SELECT last_hlc FROM device", [], |r| r.get(0))?;
    let hlc = Hlc(u64::try_from(last).unwrap_or(0)).observe(remote, now.timestamp_millis());
    conn.execute("UPDATE device SET last_hlc = ?1", params![hlc.0 as i64])?;
    Ok(())
}

impl Store {
    /// Merges a batch of signed events from another device or the server (module docs), in one
    /// transaction, at this store's device time `now`. `trust` gives the public key enrolled for
    /// a device id, `None` for a device that is unknown or revoked.
    pub fn receive(
        &mut self,
        batch: &[SignedEvent],
        trust: &dyn Fn(Uuid) -> Option<VerifyingKey>,
        now: DateTime<FixedOffset>,
    ) -> Result<ReceiveReport> {
        self.receive_with(batch, trust, &|_| true, now)
    }

    /// [`Store::receive`] with the receiver's own rules: `permit` is asked about each event whose
    /// signature checks out, and one it refuses is quarantined (`not-permitted`). The site server
    /// refuses an approval from a device not enrolled as a chief examiner's, whatever the event
    /// claims.
    pub fn receive_with(
        &mut self,
        batch: &[SignedEvent],
        trust: &dyn Fn(Uuid) -> Option<VerifyingKey>,
        permit: &dyn Fn(&Event) -> bool,
        now: DateTime<FixedOffset>,
    ) -> Result<ReceiveReport> {
        let checked = check_all(batch.to_vec(), trust);
        let permit = |e: &Event| {
            if permit(e) {
                Ok(())
            } else {
                Err(QuarantineReason::NotPermitted)
            }
        };
        self.receive_checked(&checked, &permit, now)
    }

    /// [`Store::receive_with`] for a batch whose signatures were checked beforehand, outside
    /// this store's lock ([`check_all`]): the site server verifies a push on every core while
    /// the store serves others, then merges here. Only [`check_all`] makes a
    /// [`Checked::Verified`], so nothing unverified can pass for verified. `permit` answers with
    /// the reason an event is kept aside (`not-permitted`, or the site server's clock rules:
    /// `closed-before-end`, `counted-before-due`).
    pub fn receive_checked(
        &mut self,
        batch: &[Checked],
        permit: &dyn Fn(&Event) -> std::result::Result<(), QuarantineReason>,
        now: DateTime<FixedOffset>,
    ) -> Result<ReceiveReport> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let rules = Rules {
            own: device_id(&tx)?,
            permit,
        };
        let mut report = ReceiveReport::default();
        let mut newest: Option<Hlc> = None;
        let mut merged_any = false;
        for c in batch {
            let s = c.signed();
            match classify(&tx, c, &rules)? {
                Verdict::Duplicate => report.duplicate += 1,
                Verdict::Quarantine(reason) => {
                    quarantine(&tx, s, reason, now)?;
                    report.quarantined.push(Quarantined {
                        id: s.event.id,
                        device: s.event.device,
                        seq: s.event.seq,
                        reason,
                    });
                }
                Verdict::New => {
                    if parents_merged(&tx, &s.event)? {
                        merge(&tx, &s.event, &s.signature)?;
                        report.merged += 1;
                        merged_any = true;
                    } else {
                        hold(&tx, s, now)?;
                    }
                    report.accepted += 1;
                    newest = newest.max(Some(s.event.hlc));
                }
            }
        }
        if merged_any {
            report.merged += release(&tx)?;
        }
        if let Some(remote) = newest {
            observe(&tx, remote, now)?;
        }
        report.waiting = waiting_count(&tx)?;
        tx.commit()?;
        Ok(report)
    }

    /// The events held but not yet merged because a parent has not arrived, in arrival order.
    pub fn waiting(&self) -> Result<Vec<Event>> {
        let mut stmt = self
            .conn
            .prepare("SELECT body FROM event_waiting ORDER BY rowid")?;
        let bodies = stmt.query_map([], |r| r.get::<_, String>(0))?;
        bodies.map(|b| parse(&b?)).collect()
    }
}

fn waiting_count(conn: &Connection) -> Result<usize> {
    let n: i64 = conn.query_row("SELECT count(*) FROM event_waiting", [], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(0))
}
