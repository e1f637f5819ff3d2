//! The server's side of the catalogue: reads a site's catalogue out of the store and numbers it
//! (see `catalogue` for what the version is), answers "which version?" from one row while the
//! catalogue generation has not moved, and hands out a registration photo only to its own site.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::catalogue::{
    Catalogue, CatalogueCandidate, CatalogueContent, CatalogueRoom, CatalogueSitting,
    CatalogueStaff, CatalogueVersion, ChiefPin, PhotoRef,
};
use crate::error::Result;
use crate::{Store, sha256_hex};

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
    // A chief's PIN set at the server: its verifier and salt (never `proof_key`).
    let mut stmt = conn.prepare(
        "SELECT p.id, p.name, p.role, r.number, k.hash, k.proof_salt
         FROM staff p LEFT JOIN room r ON r.id = p.room_id
         LEFT JOIN chief_pin k ON k.staff_id = p.id AND k.proof_salt IS NOT NULL
                              AND p.role = 'chief-examiner'
         WHERE p.site_id = ?1 ORDER BY p.id",
    )?;
    out.staff = stmt
        .query_map([site_id], |r| {
            let verifier: Option<String> = r.get(4)?;
            let salt: Option<String> = r.get(5)?;
            Ok(CatalogueStaff {
                id: r.get(0)?,
                name: r.get(1)?,
                role: r.get(2)?,
                room: r.get(3)?,
                pin: verifier
                    .zip(salt)
                    .map(|(verifier, salt)| ChiefPin { verifier, salt }),
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
