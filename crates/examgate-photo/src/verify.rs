//! Checking a photo: is it the file that was signed, under the name of the student who was
//! signed, by a device the site trusts?
//!
//! A valid signature alone proves nothing: anyone can make a key and sign a photo with it. So a
//! photo is [`Verdict::Authentic`] only when its signer is in a trust list the caller brought;
//! with no list (or a list without that key) the best it can be is
//! [`Verdict::UnknownSigner`]. The trust list is parsed strictly (one 64-hex key a line), so a
//! forger's own signature file handed over as a "trust file" is refused rather than mined for a
//! key. And the signature names the student, but the file name is what the archive files the
//! photo under: a signed photo copied to another student's number is [`Verdict::NameMismatch`].

use std::fmt;
use std::path::Path;

use ed25519_dalek::Signature;

use crate::error::{Error, Result};
use crate::meta::Metadata;
use crate::sign::{PhotoSignature, PublicKey, SIGNATURE_FORMAT, sha256_hex, sidecar_path};

/// What checking a photo found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The signature holds, the file is named for the signed student, and the signer is in the
    /// trust list.
    Authentic {
        signer: PublicKey,
        metadata: Box<Metadata>,
    },
    /// The photo or its sidecar changed after signing (or the sidecar is damaged). `claimed` is
    /// what the sidecar says, when it could be read: not to be believed, only to be named.
    Altered {
        reason: String,
        claimed: Option<Box<Metadata>>,
    },
    /// A valid signature, by a key that is not in the trust list (or no trust list was given).
    UnknownSigner {
        signer: PublicKey,
        metadata: Box<Metadata>,
    },
    /// A valid signature, but the file is not named `<student>.jpg` / `<student>-N.jpg` for the
    /// student who was signed: a photo copied to another student's number.
    NameMismatch {
        file_name: String,
        metadata: Box<Metadata>,
    },
    /// No sidecar beside the photo.
    MissingSignature,
}

impl Verdict {
    /// Stable machine-readable name.
    pub fn code(&self) -> &'static str {
        match self {
            Verdict::Authentic { .. } => "authentic",
            Verdict::Altered { .. } => "altered",
            Verdict::UnknownSigner { .. } => "unknown-signer",
            Verdict::NameMismatch { .. } => "name-mismatch",
            Verdict::MissingSignature => "missing-signature",
        }
    }

    pub fn is_authentic(&self) -> bool {
        matches!(self, Verdict::Authentic { .. })
    }

    /// What the signature says about the photo (for an altered one, what it claims).
    pub fn metadata(&self) -> Option<&Metadata> {
        match self {
            Verdict::Authentic { metadata, .. }
            | Verdict::UnknownSigner { metadata, .. }
            | Verdict::NameMismatch { metadata, .. } => Some(metadata),
            Verdict::Altered { claimed, .. } => claimed.as_deref(),
            Verdict::MissingSignature => None,
        }
    }
}

/// `学号 … 时间 …`: who and when, as signed.
fn signed(meta: &Metadata) -> String {
    format!(
        "学号 (student) {}，拍摄时间 (taken) {}",
        meta.student,
        meta.time_display()
    )
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Authentic { signer, metadata } => write!(
                f,
                "真实 (authentic): {}，签名设备 (signer) {signer}",
                signed(metadata)
            ),
            Verdict::Altered { reason, claimed } => {
                write!(f, "已被改动 (altered): {reason}")?;
                if let Some(meta) = claimed {
                    write!(
                        f,
                        "；签名文件自称 (the signature file claims) {}",
                        signed(meta)
                    )?;
                }
                Ok(())
            }
            Verdict::UnknownSigner { signer, metadata } => write!(
                f,
                "签名有效，但签名设备不受信任 (signature valid, signer not trusted): {}，签名设备 (signer) {signer}",
                signed(metadata)
            ),
            Verdict::NameMismatch {
                file_name,
                metadata,
            } => write!(
                f,
                "文件名与签名的学号不符 (file name does not match the signed student): 文件名 (file) {file_name}，签名为 (signed for) {}",
                signed(metadata)
            ),
            Verdict::MissingSignature => write!(f, "无签名文件 (no signature)"),
        }
    }
}

fn altered(reason: impl Into<String>, claimed: Option<&Metadata>) -> Verdict {
    Verdict::Altered {
        reason: reason.into(),
        claimed: claimed.map(|m| Box::new(m.clone())),
    }
}

/// Whether `file_name` is `<student>.jpg` or `<student>-N.jpg` (N ≥ 2, no leading zero): the
/// names the photo store gives (`store::photo_name`).
pub fn name_matches_student(file_name: &str, student: &str) -> bool {
    let Some(stem) = file_name.strip_suffix(".jpg") else {
        return false;
    };
    let Some(rest) = stem.strip_prefix(student) else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    let Some(n) = rest.strip_prefix('-') else {
        return false;
    };
    !n.is_empty()
        && !n.starts_with('0')
        && n.bytes().all(|b| b.is_ascii_digit())
        && n.parse::<u32>().is_ok_and(|n| n >= 2)
}

/// Checks `jpeg` (the bytes of the file named `file_name`) against its signature and the trust
/// list. An empty `trusted` trusts nobody.
fn verify_bytes(
    jpeg: &[u8],
    file_name: &str,
    sig: &PhotoSignature,
    trusted: &[PublicKey],
) -> Verdict {
    verify_sha256(&sha256_hex(jpeg), file_name, sig, trusted)
}

/// [`verify_beside`] for a photo whose bytes were hashed as they streamed past (a photo read
/// from inside an archive, never held whole): `sha256` is the hex SHA-256 of the file named
/// `file_name`, `sidecar` the bytes of its `.sig.json`. The same checks and verdicts.
pub fn verify_hashed(
    sha256: &str,
    file_name: &str,
    sidecar: &[u8],
    trusted: &[PublicKey],
) -> Verdict {
    match serde_json::from_slice::<PhotoSignature>(sidecar) {
        Ok(sig) => verify_sha256(sha256, file_name, &sig, trusted),
        Err(e) => altered(
            format!("签名文件损坏 (the signature file is damaged): {e}"),
            None,
        ),
    }
}

fn verify_sha256(
    actual: &str,
    file_name: &str,
    sig: &PhotoSignature,
    trusted: &[PublicKey],
) -> Verdict {
    if sig.format != SIGNATURE_FORMAT || sig.algorithm != "ed25519" {
        return altered(
            format!(
                "未知签名格式 {} / {} (unknown signature format)",
                sig.format, sig.algorithm
            ),
            None,
        );
    }
    if sig.metadata.validate().is_err() {
        return altered(
            "签名文件中的照片信息无效 (the metadata in the signature file is invalid)",
            None,
        );
    }
    let claimed = Some(&sig.metadata);
    let Some((signer, verifying)) = sig
        .public_key
        .parse::<PublicKey>()
        .ok()
        .and_then(|k| Some((k, k.verifying()?)))
    else {
        return altered(
            "签名文件中的公钥无效 (the public key in the signature file is invalid)",
            claimed,
        );
    };
    let mut raw = [0u8; 64];
    if hex::decode_to_slice(&sig.signature, &mut raw).is_err() {
        return altered(
            "签名文件中的签名无效 (the signature in the signature file is malformed)",
            claimed,
        );
    }
    let actual = actual.to_ascii_lowercase();
    if !actual.eq_ignore_ascii_case(&sig.sha256) {
        return altered(
            format!(
                "照片内容与签名不符 (the photo's bytes are not the ones signed): SHA-256 {actual}, signed {}",
                sig.sha256
            ),
            claimed,
        );
    }
    if verifying
        .verify_strict(
            &sig.metadata.signed_bytes(&actual),
            &Signature::from_bytes(&raw),
        )
        .is_err()
    {
        return altered(
            "签名不成立：照片信息或签名被改动 (the signature does not hold: the metadata or the signature was changed)",
            claimed,
        );
    }
    let metadata = Box::new(sig.metadata.clone());
    if !name_matches_student(file_name, &sig.metadata.student) {
        return Verdict::NameMismatch {
            file_name: file_name.to_owned(),
            metadata,
        };
    }
    if trusted.contains(&signer) {
        Verdict::Authentic { signer, metadata }
    } else {
        Verdict::UnknownSigner { signer, metadata }
    }
}

/// Whether `sig` is a signature, by the key it names, over a photo whose SHA-256 is `sha256`
/// and over its metadata: what a site server checks when an upload completes, where the file is
/// named by its hash (so [`verify_file`]'s name check does not apply) and the trust list is the
/// one key the uploading device enrolled. Answers the signer, or why the signature fails.
pub fn signature_over(
    sha256: &str,
    sig: &PhotoSignature,
) -> std::result::Result<PublicKey, String> {
    if sig.format != SIGNATURE_FORMAT || sig.algorithm != "ed25519" {
        return Err(format!(
            "未知签名格式 {} / {} (unknown signature format)",
            sig.format, sig.algorithm
        ));
    }
    if sig.metadata.validate().is_err() {
        return Err("签名中的照片信息无效 (the signed metadata is invalid)".into());
    }
    if !sig.sha256.eq_ignore_ascii_case(sha256) {
        return Err(format!(
            "签名针对的是另一张照片 (the signature is for another photo): SHA-256 {}",
            sig.sha256
        ));
    }
    let (signer, verifying) = sig
        .public_key
        .parse::<PublicKey>()
        .ok()
        .and_then(|k| Some((k, k.verifying()?)))
        .ok_or("签名中的公钥无效 (the public key in the signature is invalid)")?;
    let mut raw = [0u8; 64];
    hex::decode_to_slice(&sig.signature, &mut raw)
        .map_err(|_| "签名格式错误 (the signature is malformed)")?;
    verifying
        .verify_strict(
            &sig.metadata.signed_bytes(&sha256.to_ascii_lowercase()),
            &Signature::from_bytes(&raw),
        )
        .map_err(|_| "签名不成立 (the signature does not hold)")?;
    Ok(signer)
}

/// Checks the photo at `photo` against its sidecar (`sidecar_path`) and the trust list; an
/// empty list trusts nobody.
pub fn verify_file(photo: &Path, trusted: &[PublicKey]) -> Result<Verdict> {
    let jpeg = std::fs::read(photo).map_err(|e| Error::io("读取照片 read the photo", photo, e))?;
    verify_beside(&jpeg, photo, trusted)
}

/// Checks `jpeg`, the bytes already read from `photo`, against the sidecar beside `photo`
/// (`sidecar_path`): [`verify_file`] for a caller that holds the bytes. Reads only the sidecar.
pub fn verify_beside(jpeg: &[u8], photo: &Path, trusted: &[PublicKey]) -> Result<Verdict> {
    let side = sidecar_path(photo);
    let text = match std::fs::read(&side) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Verdict::MissingSignature);
        }
        Err(e) => return Err(Error::io("读取签名 read the signature", side, e)),
    };
    let file_name = photo
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(match serde_json::from_slice::<PhotoSignature>(&text) {
        Ok(sig) => verify_bytes(jpeg, &file_name, &sig, trusted),
        Err(e) => altered(
            format!("签名文件损坏 (the signature file is damaged): {e}"),
            None,
        ),
    })
}

/// Reads a trust list: one public key a line, 64 hex digits (each device prints its key with
/// `examgate photo key`), optionally followed by whitespace and a `# comment`; blank lines and
/// lines starting with `#` are skipped. Anything else is refused naming the line: a list that
/// half-parses is not a list to trust.
pub fn parse_trusted(text: &str) -> std::result::Result<Vec<PublicKey>, String> {
    let mut keys = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim_start();
        let bad = |why: &str| {
            format!(
                "第 {} 行不是一个公钥 (line {} is not a key): {why}; 每行一个 64 位十六进制公钥，# 开头为注释 (one 64-hex-digit key a line, # starts a comment)",
                index + 1,
                index + 1
            )
        };
        if !rest.is_empty() && !rest.starts_with('#') {
            return Err(bad("多余的内容 (extra text after the key)"));
        }
        if key.len() != 64 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad("不是 64 位十六进制 (not 64 hex digits)"));
        }
        keys.push(key.parse::<PublicKey>().map_err(|e| bad(&e))?);
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_names_the_store_gives_match_the_signed_student() {
        let student = "2023420100001";
        for good in [
            "2023420100001.jpg",
            "2023420100001-2.jpg",
            "2023420100001-10.jpg",
        ] {
            assert!(name_matches_student(good, student), "{good}");
        }
        for bad in [
            "2023420100001-0.jpg",
            "2023420100001-1.jpg",
            "2023420100001-02.jpg",
            "2023420100001-+2.jpg",
            "2023420100001-.jpg",
            "2023420100001-99999999999.jpg",
            "2023420100001.JPG",
            "2023420100001.jpg.jpg",
            "2023420100001/x.jpg",
            "20234201000012.jpg",
            "2023420100002.jpg",
            "",
        ] {
            assert!(!name_matches_student(bad, student), "{bad}");
        }
    }
}
