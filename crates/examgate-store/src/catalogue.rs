//! The catalogue a site server hands its devices: for one site, the sittings it has candidates
//! in, the site and its rooms, the candidates of those rooms (with their whole document numbers:
//! the door compares typed IDs against them), the site's staff and the registration photos by
//! content hash. This module reads it out of a store (the server's side) and numbers it; the
//! device's side is in `catalogue_apply`.
//!
//! **The version** is a per-site counter plus the SHA-256 of the content. The counter lets a
//! device tell newer from older (a hash alone cannot); the hash makes "the same version" mean the
//! same bytes, so a device can refuse a different catalogue under a number it already holds, and
//! check what arrived. The counter moves only when the hash does, however the tables changed (an
//! import from another process included), and is recomputed only when the catalogue generation
//! (bumped in every transaction that writes the catalogue tables) has moved.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::{Store, sha256_hex};

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

fn generation(conn: &Connection) -> Result<i64> {
    Ok(
        conn.query_row("SELECT generation FROM catalogue_generation", [], |r| {
            r.get(0)
        })?,
    )
}

/// Hashes registration photos stored before their hash was kept.
pub(crate) fn fill_photo_hashes(conn: &Connection) -> Result<()> {
    let mut stmt =
        conn.prepare("SELECT rowid, bytes FROM registration_photo WHERE sha256 IS NULL")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))?;
    for row in rows {
        let (rowid, bytes) = row?;
        conn.execute(
            "UPDATE registration_photo SET sha256 = ?1 WHERE rowid = ?2",
            params![sha256_hex(&bytes), rowid],
        )?;
    }
    Ok(())
}

/// The content of `site`'s catalogue, read on `conn`.
pub(crate) fn content(conn: &Connection, site: &str) -> Result<CatalogueContent> {
    let mut out = CatalogueContent {
        site: site.to_owned(),
        address: String::new(),
        sittings: Vec::new(),
        rooms: Vec::new(),
        candidates: Vec::new(),
        staff: Vec::new(),
    };
    let found: Option<(i64, String)> = conn
        .query_row(
            "SELECT id, address FROM site WHERE name = ?1",
            [site],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((site_id, address)) = found else {
        return Ok(out);
    };
    out.address = address;
    let mut stmt = conn.prepare(
        "SELECT s.label, s.exam, s.date, s.start_time, s.end_time, s.paper, s.utc_offset_seconds,
                s.drill
         FROM sitting s WHERE EXISTS (SELECT 1 FROM candidate c JOIN room r ON r.id = c.room_id
                                      WHERE c.sitting_id = s.id AND r.site_id = ?1)
         ORDER BY s.label",
    )?;
    out.sittings = stmt
        .query_map([site_id], |r| {
            Ok(CatalogueSitting {
                label: r.get(0)?,
                exam: r.get(1)?,
                date: r.get(2)?,
                start: r.get(3)?,
                end: r.get(4)?,
                paper: r.get(5)?,
                utc_offset_seconds: r.get(6)?,
                drill: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt =
        conn.prepare("SELECT number, address, seats FROM room WHERE site_id = ?1 ORDER BY number")?;
    out.rooms = stmt
        .query_map([site_id], |r| {
            Ok(CatalogueRoom {
                number: r.get(0)?,
                address: r.get(1)?,
                seats: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare(
        "SELECT s.label, c.student_number, c.name, c.document_kind, c.document_number, r.number,
                c.seat, c.photo, p.sha256, p.content_type, length(p.bytes)
         FROM candidate c JOIN room r ON r.id = c.room_id JOIN sitting s ON s.id = c.sitting_id
         LEFT JOIN registration_photo p
                ON p.sitting_id = c.sitting_id AND p.student_number = c.student_number
         WHERE r.site_id = ?1 ORDER BY s.label, c.student_number",
    )?;
    out.candidates = stmt
        .query_map([site_id], |r| {
            let sha: Option<String> = r.get(8)?;
            Ok(CatalogueCandidate {
                sitting: r.get(0)?,
                student_number: r.get(1)?,
                name: r.get(2)?,
                document_kind: r.get(3)?,
                document_number: r.get(4)?,
                room: r.get(5)?,
                seat: r.get(6)?,
                photo_file: r.get(7)?,
                photo: match sha {
                    Some(sha256) => Some(PhotoRef {
                        sha256,
                        content_type: r.get(9)?,
                        size: r.get(10)?,
                    }),
                    None => None,
                },
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare(
        "SELECT p.id, p.name, p.role, r.number FROM staff p LEFT JOIN room r ON r.id = p.room_id
         WHERE p.site_id = ?1 ORDER BY p.id",
    )?;
    out.staff = stmt
        .query_map([site_id], |r| {
            Ok(CatalogueStaff {
                id: r.get(0)?,
                name: r.get(1)?,
                role: r.get(2)?,
                room: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(out)
}

/// The version of `content` (hashed `sha256`) of `site` at `generation`: the stored one when the
/// hash is the same, else the next number. Records it.
fn number(conn: &Connection, site: &str, sha256: &str, generation: i64) -> Result<u64> {
    let stored: Option<(u64, String)> = conn
        .query_row(
            "SELECT version, sha256 FROM catalogue_version WHERE site = ?1",
            [site],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let version = match stored {
        Some((v, sha)) if sha == sha256 => v,
        Some((v, _)) => v + 1,
        None => 1,
    };
    conn.execute(
        "INSERT INTO catalogue_version (site, version, sha256, generation) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (site) DO UPDATE SET version = ?2, sha256 = ?3, generation = ?4",
        params![site, version, sha256, generation],
    )?;
    Ok(version)
}

impl Store {
    /// `site`'s catalogue, numbered (the server's export).
    pub fn catalogue(&mut self, site: &str) -> Result<Catalogue> {
        // IMMEDIATE: the content read and the number written are one snapshot, even with an
        // import running in another process.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        fill_photo_hashes(&tx)?;
        let content = content(&tx, site)?;
        let sha256 = content.sha256();
        let version = number(&tx, site, &sha256, generation(&tx)?)?;
        tx.commit()?;
        Ok(Catalogue {
            version,
            sha256,
            content,
        })
    }

    /// The version of `site`'s catalogue: one row read while nothing changed since it was last
    /// numbered, else [`Store::catalogue`]'s work without handing the content out.
    pub fn catalogue_version(&mut self, site: &str) -> Result<CatalogueVersion> {
        let current = generation(&self.conn)?;
        let cached: Option<(u64, String)> = self
            .conn
            .query_row(
                "SELECT version, sha256 FROM catalogue_version WHERE site = ?1 AND generation = ?2",
                params![site, current],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (version, sha256) = match cached {
            Some(v) => v,
            None => {
                let c = self.catalogue(site)?;
                (c.version, c.sha256)
            }
        };
        Ok(CatalogueVersion {
            site: site.to_owned(),
            version,
            sha256,
        })
    }

    /// A registration photo of a candidate of `site` with this hash: (content type, bytes).
    /// `None` for a photo of another site, so a device cannot fetch beyond its own.
    pub fn catalogue_photo(&self, site: &str, sha256: &str) -> Result<Option<(String, Vec<u8>)>> {
        fill_photo_hashes(&self.conn)?;
        Ok(self
            .conn
            .query_row(
                "SELECT p.content_type, p.bytes FROM registration_photo p
                 JOIN candidate c ON c.sitting_id = p.sitting_id
                                 AND c.student_number = p.student_number
                 JOIN room r ON r.id = c.room_id JOIN site st ON st.id = r.site_id
                 WHERE p.sha256 = ?1 AND st.name = ?2 LIMIT 1",
                params![sha256, site],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }
}
