//! Tamper evidence: each device signs its photos with its own ed25519 key, and anyone holding
//! the photo, its sidecar and the list of the site's device keys can check it.
//!
//! The signature covers the SHA-256 of the final file's bytes (stamp and EXIF included) and the
//! metadata in a canonical form (`Metadata::signed_bytes`), so neither a pixel nor the seat can
//! change unnoticed. The key lives in a PKCS#8 PEM file (readable with `openssl pkey`), mode
//! 0600, created once and never overwritten: losing it only means new photos carry a new key.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::meta::Metadata;

/// The `format` of every sidecar this version writes (and the first line of the signed bytes).
pub(crate) const SIGNATURE_FORMAT: &str = "examgate-photo-signature-v1";

/// An ed25519 public key: how a device is named in trust lists and verdicts (64 hex digits).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublicKey([u8; 32]);

impl PublicKey {
    fn verifying(&self) -> Option<VerifyingKey> {
        VerifyingKey::from_bytes(&self.0).ok()
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({self})")
    }
}

impl FromStr for PublicKey {
    type Err = String;

    /// 64 hex digits (case-insensitive), the form `Display` writes.
    fn from_str(s: &str) -> Result<Self, String> {
        let mut raw = [0u8; 32];
        hex::decode_to_slice(s.trim(), &mut raw)
            .map_err(|e| format!("不是 64 位十六进制公钥 (not a 64-hex-digit public key): {e}"))?;
        let key = PublicKey(raw);
        key.verifying()
            .map(|_| key)
            .ok_or_else(|| "不是有效的 ed25519 公钥 (not a valid ed25519 public key)".to_owned())
    }
}

/// This device's signing key.
pub struct DeviceKey {
    key: SigningKey,
    path: PathBuf,
}

impl fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceKey")
            .field("path", &self.path)
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

impl DeviceKey {
    /// Loads the key at `path`, or makes one there if the file does not exist (first start).
    ///
    /// An existing file that is not a valid key is an error, never replaced. If two processes
    /// race to create it, both end up with the one that was written first.
    pub fn load_or_create(path: &Path) -> Result<DeviceKey> {
        match std::fs::symlink_metadata(path) {
            Ok(_) => Self::load(path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::create(path),
            Err(e) => Err(Error::io("读取设备密钥 read the device key", path, e)),
        }
    }

    /// Loads an existing key.
    pub fn load(path: &Path) -> Result<DeviceKey> {
        let bad = |reason: String| Error::DeviceKey {
            path: path.to_owned(),
            reason,
        };
        let pem = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
        let key = SigningKey::from_pkcs8_pem(&pem).map_err(|e| {
            bad(format!(
                "不是 ed25519 PKCS#8 PEM 私钥 (not an ed25519 PKCS#8 PEM key): {e}"
            ))
        })?;
        Ok(DeviceKey {
            key,
            path: path.to_owned(),
        })
    }

    fn create(path: &Path) -> Result<DeviceKey> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| Error::DeviceKey {
            path: path.to_owned(),
            reason: format!("no randomness from the system: {e}"),
        })?;
        let key = SigningKey::from_bytes(&seed);
        seed.fill(0);
        let pem = key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| Error::DeviceKey {
                path: path.to_owned(),
                reason: e.to_string(),
            })?;
        match crate::store::write_new(path, pem.as_bytes()) {
            Ok(()) => Ok(DeviceKey {
                key,
                path: path.to_owned(),
            }),
            // Another process made it first: use theirs.
            Err(Error::OutputExists { .. }) => Self::load(path),
            Err(e) => Err(e),
        }
    }

    /// The key's public half, to put in the site's trust list.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.key.verifying_key().to_bytes())
    }
}

/// The sidecar `<photo>.sig.json`, also returned to the caller for the event log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoSignature {
    /// Always `examgate-photo-signature-v1` (the crate's `SIGNATURE_FORMAT`).
    pub format: String,
    /// Always `ed25519`.
    pub algorithm: String,
    /// The signing device's public key, hex.
    pub public_key: String,
    /// The signature over `metadata.signed_bytes(sha256)`, hex (128 digits).
    pub signature: String,
    /// SHA-256 of the photo file's bytes, lower-case hex.
    pub sha256: String,
    /// What the photo says about itself.
    pub metadata: Metadata,
}

impl PhotoSignature {
    /// The sidecar's JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Signs the final photo bytes and their metadata.
pub fn sign(jpeg: &[u8], meta: &Metadata, key: &DeviceKey) -> PhotoSignature {
    let sha256 = sha256_hex(jpeg);
    let signature: Signature = key.key.sign(&meta.signed_bytes(&sha256));
    PhotoSignature {
        format: SIGNATURE_FORMAT.to_owned(),
        algorithm: "ed25519".to_owned(),
        public_key: key.public_key().to_string(),
        signature: hex::encode(signature.to_bytes()),
        sha256,
        metadata: meta.clone(),
    }
}

/// Where a photo's signature lives: `<photo file name>.sig.json` beside it.
pub fn sidecar_path(photo: &Path) -> PathBuf {
    let mut name = photo.file_name().unwrap_or_default().to_os_string();
    name.push(".sig.json");
    photo.with_file_name(name)
}

/// What checking a photo found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The signature holds and the signer is trusted; `listed` is false when no trust list was
    /// given and the sidecar's own key was taken on trust.
    Authentic {
        signer: PublicKey,
        listed: bool,
        metadata: Box<Metadata>,
    },
    /// The photo or its sidecar changed after signing (or the sidecar is damaged).
    Altered { reason: String },
    /// A valid signature, by a key that is not in the trust list.
    UnknownSigner { signer: PublicKey },
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
            Verdict::MissingSignature => "missing-signature",
        }
    }

    pub fn is_authentic(&self) -> bool {
        matches!(self, Verdict::Authentic { .. })
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Authentic {
                signer,
                listed: true,
                ..
            } => write!(f, "Authentic (signed by {signer}) 真实"),
            Verdict::Authentic { signer, .. } => write!(
                f,
                "Authentic (signed by {signer}; no trust list given, key taken from the signature file) 真实"
            ),
            Verdict::Altered { reason } => write!(f, "Altered 已被改动: {reason}"),
            Verdict::UnknownSigner { signer } => {
                write!(f, "Unknown signer 签名设备不在信任列表: {signer}")
            }
            Verdict::MissingSignature => write!(f, "No signature 无签名文件"),
        }
    }
}

fn altered(reason: impl Into<String>) -> Verdict {
    Verdict::Altered {
        reason: reason.into(),
    }
}

/// Checks `jpeg` against its signature. `trusted` empty = trust the signature's own key.
pub(crate) fn verify_bytes(jpeg: &[u8], sig: &PhotoSignature, trusted: &[PublicKey]) -> Verdict {
    if sig.format != SIGNATURE_FORMAT || sig.algorithm != "ed25519" {
        return altered(format!(
            "未知签名格式 {} / {} (unknown signature format)",
            sig.format, sig.algorithm
        ));
    }
    let Ok(signer) = sig.public_key.parse::<PublicKey>() else {
        return altered("签名文件中的公钥无效 (the public key in the signature file is invalid)");
    };
    let mut raw = [0u8; 64];
    if hex::decode_to_slice(&sig.signature, &mut raw).is_err() {
        return altered("签名文件中的签名无效 (the signature in the signature file is malformed)");
    }
    if sig.metadata.validate().is_err() {
        return altered("签名文件中的照片信息无效 (the metadata in the signature file is invalid)");
    }
    let actual = sha256_hex(jpeg);
    if !actual.eq_ignore_ascii_case(&sig.sha256) {
        return altered(format!(
            "照片内容与签名不符 (the photo's bytes are not the ones signed): SHA-256 {actual}, signed {}",
            sig.sha256
        ));
    }
    let Some(verifying) = signer.verifying() else {
        return altered("签名文件中的公钥无效 (the public key in the signature file is invalid)");
    };
    let signature = Signature::from_bytes(&raw);
    if verifying
        .verify_strict(&sig.metadata.signed_bytes(&actual), &signature)
        .is_err()
    {
        return altered(
            "签名不成立：照片信息或签名被改动 (the signature does not hold: the metadata or the signature was changed)",
        );
    }
    if trusted.is_empty() || trusted.contains(&signer) {
        Verdict::Authentic {
            signer,
            listed: !trusted.is_empty(),
            metadata: Box::new(sig.metadata.clone()),
        }
    } else {
        Verdict::UnknownSigner { signer }
    }
}

/// Checks the photo at `photo` against its sidecar (`sidecar_path`).
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
    Ok(match serde_json::from_slice::<PhotoSignature>(&text) {
        Ok(sig) => verify_bytes(jpeg, &sig, trusted),
        Err(e) => altered(format!("签名文件损坏 (the signature file is damaged): {e}")),
    })
}

/// Reads trusted keys from text: one hex key per line (`#` starts a comment), or a sidecar /
/// any JSON with a `public_key` field.
pub fn parse_trusted(text: &str) -> std::result::Result<Vec<PublicKey>, String> {
    if let Ok(sig) = serde_json::from_str::<PhotoSignature>(text) {
        return Ok(vec![sig.public_key.parse()?]);
    }
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(str::parse)
        .collect()
}
