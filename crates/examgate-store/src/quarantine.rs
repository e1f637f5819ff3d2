//! Events a store refused to merge, kept as they were received for the office: an unknown or
//! revoked device, a signature that does not check, an act the site's rules do not permit from
//! that device, or an id or `(device, seq)` already held with other content (the server answers
//! 409). Never merged, never dropped; the table is append-only.

use chrono::{DateTime, FixedOffset};
use examgate_core::event::EventId;
use examgate_core::signed::{SignedEvent, event_sha256};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Store;
use crate::error::{Result, StoreError};
use crate::events::parse;
use crate::receive::body_of;

/// Why a received event was kept aside instead of merged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuarantineReason {
    /// The trust list has no key for its device (not enrolled, or revoked).
    UnknownDevice,
    /// The signature is malformed or does not match the device's key.
    BadSignature,
    /// The receiver's rules do not let this device record this act (an approval from a device
    /// not enrolled as a chief examiner's).
    NotPermitted,
    /// This store holds an event with the same id and other content.
    ChangedContent,
    /// This store holds another event with the same `(device, seq)`.
    SeqTaken,
    /// It claims this store's own device id but is not an event this device recorded.
    OwnDevice,
    /// Its seq is 0 (they start at 1), or its seq or clock reading does not fit the store's
    /// signed 64-bit columns.
    OutOfRange,
    /// A real sitting's room closed while, by the site server's clock, the sitting had not ended
    /// yet (a door whose clock was set forward); a retry of it later stays refused.
    ClosedBeforeEnd,
    /// A real sitting's 30-minute count check made while, by the site server's clock, it was not
    /// due yet (before T+30); a retry of it later stays refused.
    CountedBeforeDue,
}

impl QuarantineReason {
    /// The stable name stored in the `reason` column.
    pub fn code(self) -> &'static str {
        match self {
            QuarantineReason::UnknownDevice => "unknown-device",
            QuarantineReason::BadSignature => "bad-signature",
            QuarantineReason::NotPermitted => "not-permitted",
            QuarantineReason::ChangedContent => "changed-content",
            QuarantineReason::SeqTaken => "seq-taken",
            QuarantineReason::OwnDevice => "own-device",
            QuarantineReason::OutOfRange => "out-of-range",
            QuarantineReason::ClosedBeforeEnd => "closed-before-end",
            QuarantineReason::CountedBeforeDue => "counted-before-due",
        }
    }

    fn parse(code: &str) -> Option<QuarantineReason> {
        use QuarantineReason as R;
        [
            R::UnknownDevice,
            R::BadSignature,
            R::NotPermitted,
            R::ChangedContent,
            R::SeqTaken,
            R::OwnDevice,
            R::OutOfRange,
            R::ClosedBeforeEnd,
            R::CountedBeforeDue,
        ]
        .into_iter()
        .find(|r| r.code() == code)
    }
}

impl std::fmt::Display for QuarantineReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            QuarantineReason::UnknownDevice => {
                "设备未登记或已吊销 (the device is not enrolled or was revoked)"
            }
            QuarantineReason::BadSignature => "事件签名无效 (the event's signature does not check)",
            QuarantineReason::NotPermitted => {
                "该设备无权记录此类事件 (this device may not record this act)"
            }
            QuarantineReason::ChangedContent => {
                "同一事件编号已有不同内容 (an event with this id and other content is held)"
            }
            QuarantineReason::SeqTaken => {
                "该设备的这一序号已有另一事件 (another event holds this device's sequence number)"
            }
            QuarantineReason::OwnDevice => {
                "事件冒用本机设备编号 (the event claims this device's id: a cloned device?)"
            }
            QuarantineReason::OutOfRange => {
                "事件序号或时钟值超出范围 (the event's seq or clock reading is out of range)"
            }
            QuarantineReason::ClosedBeforeEnd => {
                "按考点服务器时钟，考试尚未结束，考场不能提前结束；请检查本机时钟 (by the site server's clock the sitting had not ended: the room cannot be closed early; check this device's clock)"
            }
            QuarantineReason::CountedBeforeDue => {
                "按考点服务器时钟，开考未满 30 分钟，不能进行人数核对；请检查本机时钟 (by the site server's clock the count check was not due yet (T+30); check this device's clock)"
            }
        })
    }
}

/// One event of a batch that was quarantined, as the server reports it back (409).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quarantined {
    pub id: EventId,
    pub device: Uuid,
    pub seq: u64,
    pub reason: QuarantineReason,
}

/// A quarantined event as the office sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuarantineEntry {
    pub received: SignedEvent,
    /// SHA-256 of the received event's canonical bytes, hex.
    pub sha256: String,
    pub reason: QuarantineReason,
    /// This store's device time when it arrived.
    pub received_at: DateTime<FixedOffset>,
}

/// Keeps `s` aside for the office. A retry of the very same refused event is not recorded twice.
pub(crate) fn quarantine(
    conn: &Connection,
    s: &SignedEvent,
    reason: QuarantineReason,
    now: DateTime<FixedOffset>,
) -> Result<()> {
    let e = &s.event;
    conn.execute(
        "INSERT INTO event_quarantine
             (event_id, device, seq, sha256, body, signature, reason, received_at)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8
         WHERE NOT EXISTS (SELECT 1 FROM event_quarantine
                           WHERE event_id = ?1 AND sha256 = ?4 AND signature = ?6 AND reason = ?7)",
        params![
            e.id.to_string(),
            e.device.to_string(),
            e.seq as i64,
            event_sha256(e),
            body_of(e)?,
            s.signature,
            reason.code(),
            now.to_rfc3339()
        ],
    )?;
    Ok(())
}

impl Store {
    /// Which of `ids` this store already kept aside for `reason`: a refusal that must hold when
    /// the same event is sent again (the site server's clock rules).
    pub fn kept_aside_for(
        &self,
        ids: &[EventId],
        reason: QuarantineReason,
    ) -> Result<std::collections::HashSet<EventId>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT 1 FROM event_quarantine WHERE event_id = ?1 AND reason = ?2 LIMIT 1",
        )?;
        let mut found = std::collections::HashSet::new();
        for id in ids {
            if stmt.exists(params![id.to_string(), reason.code()])? {
                found.insert(*id);
            }
        }
        Ok(found)
    }

    /// Every event refused by [`Store::receive`], oldest first: for the office.
    pub fn quarantined(&self) -> Result<Vec<QuarantineEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT body, signature, sha256, reason, received_at FROM event_quarantine ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        let corrupt = |what: &str| StoreError::CorruptEvent(format!("quarantine: {what}"));
        rows.map(|row| {
            let (body, signature, sha256, reason, at) = row?;
            Ok(QuarantineEntry {
                received: SignedEvent {
                    event: parse(&body)?,
                    signature,
                },
                sha256,
                reason: QuarantineReason::parse(&reason).ok_or_else(|| corrupt(&reason))?,
                received_at: DateTime::parse_from_rfc3339(&at).map_err(|_| corrupt(&at))?,
            })
        })
        .collect()
    }
}
