//! The signatures inside the archive: each photo's `<photo>.sig.json`, exactly the bytes the
//! device wrote beside it, goes in as `签名/<entry name>.sig.json`, so the archive's root holds
//! only the `.jpg` files and the manifests the province asks for, and `examgate verify
//! --archive` (or anyone with the trust list) checks every photo without the database.
//!
//! At export the signature is checked against the bytes the event names (their SHA-256, which
//! the copy then confirms), the student the entry is named for, and the site's trust list: a
//! photo that the site's own devices did not sign is not the site's evidence.

use std::io::{self, Read};

use examgate_photo::{PhotoSignature, PublicKey, name_matches_student, signature_over};

use crate::problem::Fault;
use crate::select::Entry;

/// The folder the signatures go in.
pub const SIGNATURES: &str = "签名/";

/// A signature file larger than this is no signature (a real one is under 2 KB).
pub const MAX_SIGNATURE: u64 = 64 * 1024;

/// The entry name of the signature of the photo entry `photo`.
pub fn signature_entry(photo: &str) -> String {
    format!("{SIGNATURES}{photo}.sig.json")
}

/// Reads a signature file, at most [`MAX_SIGNATURE`] bytes; `Err` names what is wrong.
pub fn read_signature(from: &mut dyn Read) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    from.take(MAX_SIGNATURE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_SIGNATURE {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("签名文件超过 {MAX_SIGNATURE} 字节 (the signature file is too large)"),
        ));
    }
    Ok(bytes)
}

/// What is wrong with `entry`'s signature `sidecar` (`None` when there is none), checked against
/// the SHA-256 its event names and `trusted`; `None` when it vouches for the photo.
pub fn check_signature(
    entry: &Entry,
    sidecar: Option<&[u8]>,
    trusted: &[PublicKey],
) -> Option<Fault> {
    let Some(sidecar) = sidecar else {
        return Some(Fault::NoSignature);
    };
    let sig: PhotoSignature = match serde_json::from_slice(sidecar) {
        Ok(sig) => sig,
        Err(e) => {
            return Some(Fault::BadSignature(format!(
                "签名文件损坏 (the signature file is damaged): {e}"
            )));
        }
    };
    let signer = match signature_over(&entry.record.photo.sha256, &sig) {
        Ok(signer) => signer,
        Err(why) => return Some(Fault::BadSignature(why)),
    };
    if !name_matches_student(&entry.name, &sig.metadata.student) {
        return Some(Fault::BadSignature(format!(
            "签名属于另一名考生 (the signature is for another student): {}",
            sig.metadata.student
        )));
    }
    if !trusted.contains(&signer) {
        return Some(Fault::Untrusted {
            signer: signer.to_string(),
        });
    }
    None
}
