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
    pub(crate) fn verifying(&self) -> Option<VerifyingKey> {
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

    /// Where the key file is: the door keeps its photos beside it (`photos/`), which is how a
    /// sync finds the photos to upload.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The key's public half, to put in the site's trust list.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.key.verifying_key().to_bytes())
    }

    /// The ed25519 key itself: the same key signs this device's events for sync
    /// (`examgate_core::signed::sign`).
    pub fn signing_key(&self) -> &SigningKey {
        &self.key
    }

    /// Signs `message` for a purpose other than a photo (enrollment's proof that the device holds
    /// this key). The caller's message starts with its own format line, as the photo's signed
    /// bytes start with theirs, so a signature made for one purpose is never valid for another.
    pub fn sign_bytes(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message).to_bytes()
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
