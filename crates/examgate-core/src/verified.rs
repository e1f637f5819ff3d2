//! Signatures checked before a store is locked, and made in bulk: [`check_all`] verifies a batch of signed events
//! against the receiver's trust list, on every core, and answers a [`Checked`] per event. The
//! store merges only `Checked` events ([`Verified`] ones as verified), so the ed25519 work (about
//! 40 µs an event, most of what a push costs the server) runs outside the store's lock, while
//! door acts and other devices' pushes go on.
//!
//! [`Verified`] has no public constructor: only [`check_all`] makes one, after `verify_strict`
//! succeeded with the key the caller's trust list gave for the event's device. So a caller
//! outside this crate cannot hand a store an unchecked event as a checked one; the type is the
//! proof. [`sign_all`] is the other side: a device signing the events it pushes, on every core.
//! Like [`crate::signed`], pure computation: no I/O, no clock.

use ed25519_dalek::{SigningKey, VerifyingKey};
use uuid::Uuid;

use crate::event::Event;
use crate::signed::{SignedEvent, sign};

/// A signed event whose signature verified against its device's trusted key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified(SignedEvent);

impl Verified {
    pub fn signed(&self) -> &SignedEvent {
        &self.0
    }

    pub fn event(&self) -> &Event {
        &self.0.event
    }
}

/// What the signature check said about one event of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checked {
    /// Signed by the key trusted for its device.
    Verified(Verified),
    /// The trust list has no key for its device (not enrolled, or revoked).
    UnknownDevice(SignedEvent),
    /// The signature is malformed or does not match the device's key.
    BadSignature(SignedEvent),
}

impl Checked {
    /// The event as received, whatever the check said.
    pub fn signed(&self) -> &SignedEvent {
        match self {
            Checked::Verified(v) => v.signed(),
            Checked::UnknownDevice(s) | Checked::BadSignature(s) => s,
        }
    }

    pub fn event(&self) -> &Event {
        &self.signed().event
    }
}

/// Below this many events a batch is checked on the calling thread: starting threads costs more
/// than it saves.
const PARALLEL_FROM: usize = 64;

fn check_one(signed: SignedEvent, key: Option<VerifyingKey>) -> Checked {
    match key {
        None => Checked::UnknownDevice(signed),
        Some(key) => match signed.verify(&key) {
            Ok(()) => Checked::Verified(Verified(signed)),
            Err(_) => Checked::BadSignature(signed),
        },
    }
}

/// Checks every event of `batch` against the key `trust` holds for its device, in batch order.
/// The keys are looked up on the calling thread; the signatures are verified on up to
/// `available_parallelism` threads (strict verification, one event at a time: a batch
/// verification would accept signatures `verify_strict` refuses).
pub fn check_all(
    batch: Vec<SignedEvent>,
    trust: &dyn Fn(Uuid) -> Option<VerifyingKey>,
) -> Vec<Checked> {
    let keyed: Vec<(SignedEvent, Option<VerifyingKey>)> = batch
        .into_iter()
        .map(|s| {
            let key = trust(s.event.device);
            (s, key)
        })
        .collect();
    on_every_core(keyed, |(s, k)| check_one(s, k))
}

/// Signs `events` with the device's key, in order, on every core: what a device does to the
/// events it pushes for the first time (about 20 µs each).
pub fn sign_all(key: &SigningKey, events: Vec<Event>) -> Vec<SignedEvent> {
    on_every_core(events, |e| sign(key, e))
}

/// `items.map(f)`, in order, split over up to `available_parallelism` scoped threads when there
/// are enough items to be worth it.
fn on_every_core<T: Send, U: Send>(items: Vec<T>, f: impl Fn(T) -> U + Sync) -> Vec<U> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || items.len() < PARALLEL_FROM {
        return items.into_iter().map(f).collect();
    }
    let per = items.len().div_ceil(threads);
    let mut parts: Vec<Vec<T>> = Vec::new();
    let mut rest = items;
    while rest.len() > per {
        let tail = rest.split_off(per);
        parts.push(rest);
        rest = tail;
    }
    parts.push(rest);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| scope.spawn(move || part.into_iter().map(f).collect::<Vec<U>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(part) => part,
                // Neither verifying nor signing panics; if one ever did, re-raise it here.
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventId, EventKind, Hlc};
    use crate::model::StudentNumber;
    use crate::signed::sign;
    use chrono::{FixedOffset, TimeZone};
    use ed25519_dalek::SigningKey;

    fn event(device: Uuid, seq: u64) -> Event {
        let tz = FixedOffset::east_opt(8 * 3600).unwrap();
        Event {
            id: EventId(Uuid::from_u128(u128::from(seq) + 1000)),
            device,
            seq,
            wall: tz.with_ymd_and_hms(2023, 4, 15, 8, 45, 0).unwrap(),
            hlc: Hlc(seq),
            exam_time: None,
            actor: "J2101".into(),
            sitting: "2023春".into(),
            candidate: Some(StudentNumber::parse("2242200000101").unwrap()),
            parents: vec![],
            kind: EventKind::Admitted,
            chief_proof: None,
        }
    }

    #[test]
    fn every_event_of_a_large_batch_gets_its_own_verdict_in_batch_order() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let key_a = SigningKey::from_bytes(&[1; 32]);
        let other = SigningKey::from_bytes(&[9; 32]);
        let batch: Vec<SignedEvent> = (1..=300u64)
            .map(|seq| match seq % 7 {
                0 => sign(&other, event(a, seq)), // a's id, another key
                3 => sign(&key_a, event(b, seq)), // b is not trusted
                5 => {
                    let mut s = sign(&key_a, event(a, seq));
                    s.signature.truncate(10); // malformed
                    s
                }
                _ => sign(&key_a, event(a, seq)),
            })
            .collect();
        let trusted = key_a.verifying_key();
        let got = check_all(batch.clone(), &|d| (d == a).then_some(trusted));
        assert_eq!(got.len(), batch.len());
        for (seq, (c, s)) in (1..).zip(got.iter().zip(&batch)) {
            assert_eq!(c.signed(), s, "batch order kept");
            let ok = match seq % 7 {
                0 | 5 => matches!(c, Checked::BadSignature(_)),
                3 => matches!(c, Checked::UnknownDevice(_)),
                _ => matches!(c, Checked::Verified(_)),
            };
            assert!(ok, "event {seq}: {c:?}");
        }
    }

    #[test]
    fn events_signed_in_bulk_are_signed_one_by_one_in_order() {
        let a = Uuid::from_u128(1);
        let key = SigningKey::from_bytes(&[1; 32]);
        let events: Vec<Event> = (1..=200).map(|seq| event(a, seq)).collect();
        let one_by_one: Vec<SignedEvent> = events.iter().map(|e| sign(&key, e.clone())).collect();
        assert_eq!(sign_all(&key, events), one_by_one);
    }

    #[test]
    fn a_changed_event_under_a_valid_signature_is_not_verified() {
        let a = Uuid::from_u128(1);
        let key = SigningKey::from_bytes(&[1; 32]);
        let mut s = sign(&key, event(a, 1));
        s.event.actor = "X9999".into();
        let got = check_all(vec![s], &|_| Some(key.verifying_key()));
        assert!(matches!(got[..], [Checked::BadSignature(_)]), "{got:?}");
    }
}
