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

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

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

/// Whether `stored` was made with other than today's algorithm and parameters.
pub(crate) fn needs_rehash(stored: &str) -> bool {
    let Ok(h) = PasswordHash::new(stored) else {
        return true;
    };
    let current = Params::try_from(&h)
        .is_ok_and(|p| p.m_cost() == M_COST_KIB && p.t_cost() == T_COST && p.p_cost() == P_COST);
    !(current && h.algorithm.as_str() == "argon2id")
}
