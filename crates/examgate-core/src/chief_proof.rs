//! A chief examiner's PIN proof on a decision typed at a door device.
//!
//! Offline, the chief examiner approves (or rejects, or settles) at the proctor's door device with
//! their PIN. The device signs the event with its own key, which only says which device wrote it:
//! a proctor's device could have written any actor into it. So the event also carries a proof
//! that the chief's PIN was typed: HMAC-SHA256 keyed by `K = argon2id(PIN, salt)`, where the salt
//! comes with the site's catalogue and `K` is kept by the site server (which made it when the
//! office set the PIN) and made on the device only from the PIN just typed. The server accepts the
//! decision when the proof checks out with the `K` of the event's actor.
//!
//! The MAC is taken over [`PROOF_DOMAIN`] then the event's canonical bytes
//! ([`crate::signed::canonical_bytes`]) with the proof absent, so it binds every field: the
//! candidate, the kind (approve is not reject), the actor, the device, its sequence number and
//! the parents. The domain keeps `K` from ever being usable as a MAC key for anything else.
//! Pure computation: no I/O, no clock, no randomness.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::event::Event;
use crate::signed::canonical_bytes;

/// The key a chief's PIN makes with their salt (argon2id output): the site server keeps it.
pub type ProofKey = [u8; 32];

/// What the MAC is taken over first: the format and its version.
pub const PROOF_DOMAIN: &[u8] = b"examgate-chief-proof-v1\n";

fn mac(key: &ProofKey, event: &Event) -> Option<Hmac<Sha256>> {
    // HMAC takes a key of any length: this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
    let bare = Event {
        chief_proof: None,
        ..event.clone()
    };
    mac.update(PROOF_DOMAIN);
    mac.update(&canonical_bytes(&bare));
    Some(mac)
}

/// The proof for `event` under `key`, lower-case hex (64 digits). Whatever proof `event` carries
/// already is not part of it.
pub fn prove(key: &ProofKey, event: &Event) -> String {
    mac(key, event)
        .map(|m| hex::encode(m.finalize().into_bytes()))
        .unwrap_or_default()
}

/// `event` carrying its proof under `key`.
pub fn with_proof(key: &ProofKey, event: Event) -> Event {
    let proof = prove(key, &event);
    Event {
        chief_proof: Some(proof),
        ..event
    }
}

/// Whether `event` carries a proof that checks out under `key` (compared in constant time).
pub fn verifies(key: &ProofKey, event: &Event) -> bool {
    let Some(proof) = event.chief_proof.as_deref() else {
        return false;
    };
    let mut raw = [0u8; 32];
    if hex::decode_to_slice(proof, &mut raw).is_err() {
        return false;
    }
    mac(key, event).is_some_and(|m| m.verify_slice(&raw).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{EventKind, Outcome};
    use crate::model::StudentNumber;
    use uuid::Uuid;

    /// The pinned fixture of `signed`, as a chief's approval.
    fn approval() -> Event {
        Event {
            actor: "Z02".into(),
            kind: EventKind::ManualVerificationApproved,
            ..crate::signed::tests::event()
        }
    }

    const K: ProofKey = [7; 32];

    #[test]
    fn a_proof_checks_out_with_the_key_that_made_it_only() {
        let e = with_proof(&K, approval());
        assert!(verifies(&K, &e));
        assert!(!verifies(&[8; 32], &e));
        assert!(!verifies(&K, &approval()), "no proof, no pass");
    }

    #[test]
    fn the_proof_is_pinned() {
        // A change to the domain, the canonical bytes or the MAC fails this: every proof made by
        // a device in the field would stop checking out. The value was checked independently:
        // Python's `hmac.new(bytes([7]*32), domain + canonical bytes, sha256)`.
        assert_eq!(
            prove(&K, &approval()),
            "94cc77fe310a11e0ca8bfa31e07baf6f53442056c5fd6b636ec2cc5a11c9b53c"
        );
    }

    #[test]
    fn a_proof_moved_onto_another_event_does_not_check_out() {
        let proof = prove(&K, &approval());
        let moved = |f: &dyn Fn(&mut Event)| {
            let mut e = approval();
            f(&mut e);
            e.chief_proof = Some(proof.clone());
            verifies(&K, &e)
        };
        assert!(moved(&|_| {}), "the event it was made for");
        assert!(!moved(&|e| {
            e.candidate = Some(StudentNumber::parse("2242200000102").unwrap())
        }));
        assert!(!moved(&|e| {
            e.kind = EventKind::ManualVerificationRejected {
                note: String::new(),
            }
        }));
        assert!(!moved(&|e| {
            e.kind = EventKind::ConflictResolved {
                outcome: Outcome::Admitted { manual: true },
            }
        }));
        assert!(!moved(&|e| e.actor = "Z01".into()));
        assert!(!moved(&|e| e.device = Uuid::from_u128(9)));
        assert!(!moved(&|e| e.seq = 8));
        assert!(!moved(&|e| e.parents.clear()));
        assert!(!moved(&|e| e.exam_time = Some(e.wall)));
    }

    #[test]
    fn a_proof_that_is_not_64_hex_digits_does_not_check_out() {
        let mut e = with_proof(&K, approval());
        let good = e.chief_proof.clone().unwrap();
        for bad in [&good[..62], "zz", "", &format!("{good}00")[..]] {
            e.chief_proof = Some(bad.to_owned());
            assert!(!verifies(&K, &e), "{bad}");
        }
    }

    #[test]
    fn proving_ignores_a_proof_already_there() {
        let once = with_proof(&K, approval());
        let twice = with_proof(&K, once.clone());
        assert_eq!(once, twice);
    }
}
