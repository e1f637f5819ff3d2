//! Signed events: who wrote an event can be checked by anyone holding the site's device keys.
//!
//! A device signs each of its events with its ed25519 key (the one that signs its photos) over the
//! event's *canonical bytes*, so the server, the other devices and every export can tell an event
//! the device wrote from one changed on the way or made up elsewhere, and two copies of "the same"
//! event can be compared byte for byte (a repeat is a no-op; different content is a conflict of
//! identity that is quarantined, never merged).
//!
//! The canonical bytes are `examgate-event-v1\n` followed by the event as compact JSON
//! (`serde_json`). That is stable because:
//! - `serde_json` writes a struct's fields in declaration order, with no whitespace, strings with
//!   the minimal escapes and non-ASCII as raw UTF-8; `Event` holds no maps and no floats, so
//!   there is no key order or number formatting to vary;
//! - the optional `exam_time` and `chief_proof` are left out when absent (`skip_serializing_if`),
//!   so an event written before the field existed has the bytes it was signed with;
//! - reading an event and writing it again gives the same bytes (tested below), so a receiver can
//!   recompute them from the JSON it got;
//! - `event_bytes_are_pinned` fixes the exact bytes of one event: a refactor that renames, reorders
//!   or re-types a field, or a dependency that formats a time differently, fails it. Such a
//!   change must come with a new prefix (`-v2`) and code that still checks `-v1` signatures.
//!
//! The prefix separates these signatures from every other thing the key signs (photos sign
//! `examgate-photo-signature-v1` bytes), so a signature can never be replayed as the other kind.
//! Pure computation: no I/O, no clock, no randomness (ed25519 signatures are deterministic).

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::event::Event;

/// The first bytes of every event's canonical form: the format and its version.
pub const EVENT_DOMAIN: &[u8] = b"examgate-event-v1\n";

/// The bytes a device signs for `event`: [`EVENT_DOMAIN`] then the event as compact JSON.
pub fn canonical_bytes(event: &Event) -> Vec<u8> {
    let mut out = EVENT_DOMAIN.to_vec();
    // Writing a plain struct of strings, integers and enums into a Vec cannot fail.
    if serde_json::to_writer(&mut out, event).is_err() {
        out.truncate(EVENT_DOMAIN.len());
    }
    out
}

/// SHA-256 of the event's canonical bytes, lower-case hex: its content's fingerprint.
pub fn event_sha256(event: &Event) -> String {
    hex::encode(Sha256::digest(canonical_bytes(event)))
}

/// An event with its device's signature, as it travels between devices and the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedEvent {
    pub event: Event,
    /// The ed25519 signature over [`canonical_bytes`] by the key of `event.device`, hex (128 digits).
    pub signature: String,
}

/// Why a signed event does not check out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("事件签名格式错误，应为 128 位十六进制 (an event signature is 128 hex digits)")]
    Malformed,
    #[error("事件签名与设备密钥不符 (the event's signature does not match its device's key)")]
    Mismatch,
}

/// Signs `event` with the device's key.
pub fn sign(key: &SigningKey, event: Event) -> SignedEvent {
    let signature: Signature = key.sign(&canonical_bytes(&event));
    SignedEvent {
        event,
        signature: hex::encode(signature.to_bytes()),
    }
}

impl SignedEvent {
    /// Checks the signature against `key` (the key the trust list holds for `event.device`).
    /// Strict verification: a malleated copy of a valid signature is refused.
    pub fn verify(&self, key: &VerifyingKey) -> Result<(), SignatureError> {
        let mut raw = [0u8; 64];
        hex::decode_to_slice(&self.signature, &mut raw).map_err(|_| SignatureError::Malformed)?;
        key.verify_strict(&canonical_bytes(&self.event), &Signature::from_bytes(&raw))
            .map_err(|_| SignatureError::Mismatch)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::event::{EventId, EventKind, Hlc, RefusalReason};
    use crate::model::StudentNumber;
    use chrono::{FixedOffset, TimeZone};
    use uuid::Uuid;

    /// One event with every field set, its bytes pinned below; other modules' tests build theirs
    /// from it.
    pub(crate) fn event() -> Event {
        let tz = FixedOffset::east_opt(8 * 3600).unwrap();
        Event {
            id: EventId(Uuid::from_u128(0x0189_0000_0000_7000_8000_0000_0000_0001)),
            device: Uuid::from_u128(0x0189_0000_0000_7000_8000_0000_0000_0002),
            seq: 7,
            wall: tz.with_ymd_and_hms(2023, 4, 15, 8, 45, 0).unwrap(),
            hlc: Hlc(110_330_000_000_000_000),
            exam_time: None,
            actor: "J2101".into(),
            sitting: "2023春 第一次".into(),
            candidate: Some(StudentNumber::parse("2242200000101").unwrap()),
            parents: vec![EventId(Uuid::from_u128(3))],
            kind: EventKind::Refused {
                reason: RefusalReason::Other {
                    note: "证件\"过期\"".into(),
                },
            },
            chief_proof: None,
        }
    }

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    #[test]
    fn event_bytes_are_pinned() {
        let bytes = canonical_bytes(&event());
        let expected = concat!(
            "examgate-event-v1\n",
            r#"{"id":"01890000-0000-7000-8000-000000000001","#,
            r#""device":"01890000-0000-7000-8000-000000000002","seq":7,"#,
            r#""wall":"2023-04-15T08:45:00+08:00","hlc":110330000000000000,"#,
            r#""actor":"J2101","sitting":"2023春 第一次","candidate":"2242200000101","#,
            r#""parents":["00000000-0000-0000-0000-000000000003"],"#,
            r#""kind":{"type":"refused","reason":{"reason":"other","note":"证件\"过期\""}}}"#,
        );
        assert_eq!(String::from_utf8(bytes).unwrap(), expected);
    }

    #[test]
    fn event_bytes_with_a_chief_proof_are_pinned() {
        let mut e = event();
        e.kind = EventKind::ManualVerificationApproved;
        e.chief_proof = Some("0f".repeat(32));
        let expected = concat!(
            "examgate-event-v1\n",
            r#"{"id":"01890000-0000-7000-8000-000000000001","#,
            r#""device":"01890000-0000-7000-8000-000000000002","seq":7,"#,
            r#""wall":"2023-04-15T08:45:00+08:00","hlc":110330000000000000,"#,
            r#""actor":"J2101","sitting":"2023春 第一次","candidate":"2242200000101","#,
            r#""parents":["00000000-0000-0000-0000-000000000003"],"#,
            r#""kind":{"type":"manual-verification-approved"},"#,
            r#""chief_proof":"0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f"}"#,
        );
        assert_eq!(String::from_utf8(canonical_bytes(&e)).unwrap(), expected);
        let back: Event = serde_json::from_str(&expected["examgate-event-v1\n".len()..]).unwrap();
        assert_eq!(back, e);
    }

    #[test]
    fn a_set_exam_time_is_part_of_the_signed_bytes() {
        let mut e = event();
        let plain = canonical_bytes(&e);
        e.exam_time = Some(e.wall);
        let with = String::from_utf8(canonical_bytes(&e)).unwrap();
        assert!(with.contains(
            r#""hlc":110330000000000000,"exam_time":"2023-04-15T08:45:00+08:00","actor""#
        ));
        assert_ne!(plain, with.into_bytes());
    }

    #[test]
    fn an_event_read_back_from_json_has_the_bytes_it_was_signed_with() {
        let mut e = event();
        e.wall += chrono::Duration::nanoseconds(123_456_789);
        e.exam_time = Some(e.wall - chrono::Duration::hours(3));
        let back: Event = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
        assert_eq!(canonical_bytes(&back), canonical_bytes(&e));
    }

    #[test]
    fn the_fingerprint_is_the_sha256_of_the_canonical_bytes() {
        let h = event_sha256(&event());
        assert_eq!(h, hex::encode(Sha256::digest(canonical_bytes(&event()))));
        let mut other = event();
        other.seq = 8;
        assert_ne!(event_sha256(&other), h);
    }

    #[test]
    fn a_signed_event_verifies_with_its_devices_key_only() {
        let signed = sign(&key(1), event());
        assert_eq!(signed.verify(&key(1).verifying_key()), Ok(()));
        assert_eq!(
            signed.verify(&key(2).verifying_key()),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_changed_field_breaks_the_signature() {
        let mut signed = sign(&key(1), event());
        signed.event.kind = EventKind::Admitted;
        assert_eq!(
            signed.verify(&key(1).verifying_key()),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_signature_that_is_not_128_hex_digits_is_malformed() {
        let mut signed = sign(&key(1), event());
        signed.signature.pop();
        assert_eq!(
            signed.verify(&key(1).verifying_key()),
            Err(SignatureError::Malformed)
        );
        signed.signature = "zz".repeat(64);
        assert_eq!(
            signed.verify(&key(1).verifying_key()),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn signing_is_deterministic_and_travels_as_json() {
        let a = sign(&key(1), event());
        assert_eq!(a, sign(&key(1), event()));
        let back: SignedEvent = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        assert_eq!(back.verify(&key(1).verifying_key()), Ok(()));
    }
}
