//! How a chief examiner's PIN is hashed: argon2id, costly enough that a stolen database does not
//! give the PIN away by trying them all.
//!
//! A PIN is 6 digits: 10^6 guesses. At the argon2 crate's defaults (19 MiB, 2 passes, ≈ 18 ms on
//! this project's 2-core test machine) that is about 5 core-hours. At 64 MiB × 3 passes one hash
//! takes ≈ 125 ms there (`examgate pin bench`; 4 passes measured 140–170 ms, too close to half a
//! second on a phone ≈ 3× slower), so trying every 6-digit PIN takes about 35 hours of one core,
//! while a phone still checks a typed PIN in about 0.4 s. The parameters live in each stored
//! hash (PHC string), so a hash made with older ones still verifies, and is replaced with a
//! current one at the next successful check ([`needs_rehash`]).
//!
//! A PIN set at the site server is kept differently: as the chief's *proof key*
//! `K = argon2id(PIN, salt)` ([`proof_key`], the same parameters, a random salt the catalogue
//! carries), which the server keeps, and its verifier `SHA-256(domain ‖ K)` ([`proof_verifier`]),
//! which the catalogue carries to the devices. A door device checks a typed PIN by making `K` and
//! comparing its verifier, and then proves the approval with that same `K`
//! (`examgate_core::chief_proof`): one argon2 run per try instead of two (a PHC check, then the
//! key), with the same cost per guess for whoever steals the verifier and salt. The parameters
//! are fixed here, not carried with the salt: the server and every device must make the same key,
//! so changing them needs a new salt format.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

use examgate_core::chief_proof::ProofKey;
use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};

/// Memory per hash, KiB (64 MiB: affordable on a phone, costly for a GPU farm).
pub const M_COST_KIB: u32 = 64 * 1024;
/// Passes over the memory (see the module header for the measurement).
pub const T_COST: u32 = 3;
/// Lanes: one, so the cost per guess is what one core pays.
pub const P_COST: u32 = 1;

fn hasher() -> Result<Argon2<'static>> {
    let params = Params::new(M_COST_KIB, T_COST, P_COST, None)
        .map_err(|e| StoreError::Pin(format!("{e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// A PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) for `pin`, with a fresh salt.
pub fn hash(pin: &str) -> Result<String> {
    hasher()?
        .hash_password(pin.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Pin(format!("{e}")))
}

/// Bytes of a proof-key salt (the catalogue carries it as 32 hex digits).
pub const PROOF_SALT_BYTES: usize = 16;

/// A fresh random proof-key salt, hex.
pub(crate) fn new_proof_salt() -> Result<String> {
    let mut salt = [0u8; PROOF_SALT_BYTES];
    getrandom::fill(&mut salt).map_err(|e| StoreError::Pin(format!("{e}")))?;
    Ok(hex::encode(salt))
}

/// Whether `salt` is a proof-key salt as [`new_proof_salt`] makes them.
pub(crate) fn is_proof_salt(salt: &str) -> bool {
    salt.len() == 2 * PROOF_SALT_BYTES
        && salt.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The chief's proof key: argon2id(`pin`, `salt`) at this module's parameters, 32 bytes.
pub fn proof_key(pin: &str, salt: &str) -> Result<ProofKey> {
    if !is_proof_salt(salt) {
        return Err(StoreError::Pin("proof salt is not 32 hex digits".into()));
    }
    let raw = hex::decode(salt).map_err(|e| StoreError::Pin(format!("{e}")))?;
    let mut key = [0u8; 32];
    hasher()?
        .hash_password_into(pin.as_bytes(), &raw, &mut key)
        .map_err(|e| StoreError::Pin(format!("{e}")))?;
    Ok(key)
}

/// Whether `pin` is the one `stored` was made from, whatever parameters made it.
pub(crate) fn matches(pin: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| {
            Argon2::default()
                .verify_password(pin.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// What separates a proof key's verifier from any other hash of the key.
const VERIFIER_DOMAIN: &[u8] = b"examgate-chief-pin-verifier-v1\n";

/// The verifier of a chief's proof key: SHA-256(domain ‖ `key`), lower-case hex. The device
/// holds it; a typed PIN is right when the key it makes has this verifier.
pub fn proof_verifier(key: &ProofKey) -> String {
    let mut h = Sha256::new();
    h.update(VERIFIER_DOMAIN);
    h.update(key);
    hex::encode(h.finalize())
}

/// Whether `verifier` is a proof key's verifier as [`proof_verifier`] writes them.
pub(crate) fn is_proof_verifier(verifier: &str) -> bool {
    verifier.len() == 64
        && verifier
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Whether `stored` was made with other than today's algorithm and parameters.
pub(crate) fn needs_rehash(stored: &str) -> bool {
    let Ok(h) = PasswordHash::new(stored) else {
        return true;
    };
    let current = Params::try_from(&h)
        .is_ok_and(|p| p.m_cost() == M_COST_KIB && p.t_cost() == T_COST && p.p_cost() == P_COST);
    !(current && h.algorithm.as_str() == "argon2id")
}
