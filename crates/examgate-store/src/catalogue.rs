//! The catalogue a site server hands its devices: for one site, the sittings it has candidates
//! in, the site and its rooms, the candidates of those rooms (with their whole document numbers:
//! the door compares typed IDs against them), the site's staff (with each chief examiner's PIN
//! verifier and proof-key salt when the office set the PIN at the server: never the proof key)
//! and the registration photos by content hash. The server's side (reading it out of a store and numbering it) is in
//! `catalogue_export`, the device's in `catalogue_apply`.
//!
//! **The version** is a per-site counter plus the SHA-256 of the content. The counter lets a
//! device tell newer from older (a hash alone cannot); the hash makes "the same version" mean the
//! same bytes, so a device can refuse a different catalogue under a number it already holds, and
//! check what arrived. The counter moves only when the hash does, however the tables changed (an
//! import from another process included), and is recomputed only when the catalogue generation
//! (bumped in every transaction that writes the catalogue tables) has moved.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::sha256_hex;

/// A site's catalogue as numbered by the server that exported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogue {
    pub version: u64,
    /// SHA-256 (hex) of [`CatalogueContent::canonical_bytes`].
    pub sha256: String,
    pub content: CatalogueContent,
}

/// What a catalogue holds. Lists are in a fixed order, so equal content has equal bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueContent {
    pub site: String,
    /// Empty while the server has no seating list for the site.
    pub address: String,
    pub sittings: Vec<CatalogueSitting>,
    pub rooms: Vec<CatalogueRoom>,
    pub candidates: Vec<CatalogueCandidate>,
    pub staff: Vec<CatalogueStaff>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueSitting {
    pub label: String,
    pub exam: String,
    /// YYYY-MM-DD, exam local date.
    pub date: String,
    /// HH:MM:SS, exam local time.
    pub start: String,
    pub end: String,
    pub paper: String,
    pub utc_offset_seconds: i32,
    pub drill: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueRoom {
    pub number: String,
    pub address: String,
    pub seats: Option<u32>,
}

/// A candidate of one sitting. Holds the whole document number: its `Debug` masks it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueCandidate {
    pub sitting: String,
    pub student_number: String,
    pub name: String,
    /// A `DocumentKind` code (`resident-id`, …).
    pub document_kind: String,
    pub document_number: String,
    pub room: String,
    pub seat: u32,
    /// The 照片 file name the seating list gave.
    pub photo_file: Option<String>,
    pub photo: Option<PhotoRef>,
}

impl std::fmt::Debug for CatalogueCandidate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CatalogueCandidate")
            .field("sitting", &self.sitting)
            .field("student_number", &self.student_number)
            .field("name", &self.name)
            .field("document_kind", &self.document_kind)
            .field(
                "document_number",
                &examgate_core::documents::mask(&self.document_number),
            )
            .field("room", &self.room)
            .field("seat", &self.seat)
            .field("photo", &self.photo)
            .finish()
    }
}

/// A registration photo, fetched separately by its hash.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PhotoRef {
    pub sha256: String,
    pub content_type: String,
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueStaff {
    pub id: String,
    pub name: String,
    /// `proctor` or `chief-examiner`.
    pub role: String,
    /// None for a chief examiner.
    pub room: Option<String>,
    /// A chief examiner's PIN as the office set it at the site server; `None` for a proctor and
    /// for a chief whose PIN is not set there. Left out when `None`, so a catalogue without PINs
    /// hashes as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<ChiefPin>,
}

/// What a device needs of a chief's PIN set at the server: the salt it makes the chief's proof
/// key with from a typed PIN, and the key's verifier it checks that key against
/// ([`crate::pin_hash`]). Never the proof key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChiefPin {
    /// SHA-256 of the proof key with its domain, 64 hex digits.
    pub verifier: String,
    /// 32 hex digits.
    pub salt: String,
}

/// Which catalogue: what a device holds, what a server has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueVersion {
    pub site: String,
    pub version: u64,
    pub sha256: String,
}

impl CatalogueContent {
    /// The bytes the version's hash is taken over: the content as compact JSON.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        // Serializing plain strings, numbers and lists cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }

    pub fn sha256(&self) -> String {
        sha256_hex(&self.canonical_bytes())
    }
}

impl Catalogue {
    /// SHA-256 (hex) of `bytes`: how a registration photo is named.
    pub fn sha256_of(bytes: &[u8]) -> String {
        sha256_hex(bytes)
    }

    pub fn version(&self) -> CatalogueVersion {
        CatalogueVersion {
            site: self.content.site.clone(),
            version: self.version,
            sha256: self.sha256.clone(),
        }
    }
}

/// Marks the catalogue tables changed. Call inside the transaction that changes them.
pub(crate) fn catalogue_changed(conn: &Connection) -> Result<()> {
    conn.execute(
        "UPDATE catalogue_generation SET generation = generation + 1",
        [],
    )?;
    Ok(())
}
