//! Chief examiners' PINs at the site server: the office sets them here (`examgate serve
//! chief-pin`), the catalogue carries each one's verifier and proof-key salt to the site's
//! devices, and the proof key stays here, to check the proof an approval typed at a door carries.
//!
//! Without it the server could take a decision only from a chief's own device: trusting an
//! event's `actor` would let anyone with a rooted proctor's phone approve. With it, a proctor's
//! device may send an approval, rejection or resolution its chief typed offline with the PIN, and
//! the server accepts it only when the proof checks out with the key of the event's actor, a
//! chief examiner of the device's site (`examgate_core::chief_proof`, `events::permitted`).

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};
use examgate_core::chief_proof::ProofKey;
use examgate_core::event::Event;
use examgate_store::Store;

use crate::error::Result;
use crate::serve::Server;

impl Server {
    /// Sets (or replaces) chief examiner `staff`'s PIN; the site's devices get it with their
    /// next catalogue. Refused for anyone who is not a chief examiner, and for a weak PIN.
    pub fn set_chief_pin(
        &mut self,
        staff: &str,
        pin: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<()> {
        Ok(self.store().set_pin_at_server(staff, pin, now)?)
    }
}

/// The proof keys of the actors of `events` that carry a chief's proof, for those who are chief
/// examiners of `site` with a PIN set here; the others are left out (their proofs cannot pass).
pub(crate) fn proof_keys<'a>(
    store: &Store,
    site: &str,
    events: impl Iterator<Item = &'a Event>,
) -> Result<HashMap<String, ProofKey>> {
    let mut keys = HashMap::new();
    let mut asked = std::collections::HashSet::new();
    for e in events.filter(|e| e.chief_proof.is_some()) {
        if asked.insert(e.actor.as_str())
            && let Some(key) = store.chief_proof_key(site, &e.actor)?
        {
            keys.insert(e.actor.clone(), key);
        }
    }
    Ok(keys)
}
