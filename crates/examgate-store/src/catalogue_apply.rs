//! The device's side of the catalogue: applies what its server sent, all or nothing, in one
//! transaction. Refused (typed, nothing changed): a catalogue older than the one held, a different
//! one under the number held, another site's, one that does not hash to its version, one whose
//! photos have not all arrived, and one that would drop a candidate who already has events (each
//! named). Moving a candidate with events to another room or seat is allowed and reported: the
//! office moved them, and their record goes with their student number. The same version again
//! changes nothing, and so does an empty one (the server has no seating list for the site yet).
//!
//! The catalogue replaces what the device holds for its site only: other sites' rows (a demo
//! loaded before enrollment) are left alone.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use examgate_core::model::Role;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;

use crate::catalogue::{Catalogue, CatalogueVersion, PhotoRef, catalogue_changed};
use crate::catalogue_check::{CatalogueRefusal, MAX_REGISTRATION_PHOTO, check};
use crate::door::reversed;
use crate::error::Result;
use crate::{Store, sha256_hex};

/// What applying a catalogue did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogueReport {
    pub site: String,
    pub version: u64,
    /// The same version was held already: nothing was written.
    pub unchanged: bool,
    pub candidates: usize,
    pub added: usize,
    pub removed: usize,
    /// Candidates now in another room or seat (those with events included: their record stays).
    pub moved: Vec<MovedCandidate>,
    pub staff: usize,
    /// Chief examiners whose PIN on this device was removed: no longer on the roster, or no PIN
    /// in the catalogue (one set at the server withdrawn, or one set on this enrolled device).
    pub pins_removed: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MovedCandidate {
    pub sitting: String,
    pub student_number: String,
    pub from: (String, u32),
    pub to: (String, u32),
    pub has_events: bool,
}

type Key = (String, String);

/// The site's candidates now: (sitting, student) → (name, room, seat).
fn held_candidates(conn: &Connection, site: &str) -> Result<HashMap<Key, (String, String, u32)>> {
    let mut stmt = conn.prepare(
        "SELECT s.label, c.student_number, c.name, r.number, c.seat
         FROM candidate c JOIN room r ON r.id = c.room_id JOIN site st ON st.id = r.site_id
         JOIN sitting s ON s.id = c.sitting_id WHERE st.name = ?1",
    )?;
    let rows = stmt.query_map([site], |r| {
        Ok(((r.get(0)?, r.get(1)?), (r.get(2)?, r.get(3)?, r.get(4)?)))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether the candidate has events, folded or still waiting for their parents.
fn has_events(conn: &Connection, (sitting, student): &Key) -> Result<bool> {
    let n: i64 = conn.query_row(
        "SELECT (SELECT count(*) FROM event WHERE sitting = ?1 AND candidate = ?2)
              + (SELECT count(*) FROM event_waiting
                 WHERE json_extract(body, '$.sitting') = ?1
                   AND json_extract(body, '$.candidate') = ?2)",
        params![sitting, student],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

fn held(conn: &Connection) -> Result<Option<CatalogueVersion>> {
    Ok(conn
        .query_row(
            "SELECT site, version, sha256 FROM catalogue_held",
            [],
            |r| {
                Ok(CatalogueVersion {
                    site: r.get(0)?,
                    version: r.get(1)?,
                    sha256: r.get(2)?,
                })
            },
        )
        .optional()?)
}

/// Whether `offered` is news to a device holding `held`: `Ok(false)` for the one held,
/// `Ok(true)` for a newer one or another site's, refused for an older or a different one.
pub fn is_newer(
    held: Option<&CatalogueVersion>,
    offered: &CatalogueVersion,
) -> std::result::Result<bool, CatalogueRefusal> {
    let Some(held) = held.filter(|h| h.site == offered.site) else {
        return Ok(true);
    };
    if offered.version < held.version {
        return Err(CatalogueRefusal::Older {
            held: held.version,
            offered: offered.version,
        });
    }
    if offered.version == held.version {
        if offered.sha256 != held.sha256 {
            return Err(CatalogueRefusal::DiffersAtSameVersion {
                version: held.version,
            });
        }
        return Ok(false);
    }
    Ok(true)
}

impl Store {
    /// The catalogue this device holds, if any.
    pub fn held_catalogue(&self) -> Result<Option<CatalogueVersion>> {
        held(&self.conn)
    }

    /// The registration photos `catalogue` names that this device has neither in its seating
    /// lists nor among photos downloaded for it.
    pub fn catalogue_photos_missing(&self, catalogue: &Catalogue) -> Result<Vec<PhotoRef>> {
        crate::catalogue_export::fill_photo_hashes(&self.conn)?;
        let mut seen = HashSet::new();
        let mut missing = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM registration_photo WHERE sha256 = ?1)
                 OR EXISTS (SELECT 1 FROM catalogue_photo_inbox WHERE sha256 = ?1)",
        )?;
        for p in catalogue
            .content
            .candidates
            .iter()
            .filter_map(|c| c.photo.as_ref())
        {
            if seen.insert(&p.sha256) && !stmt.query_row([&p.sha256], |r| r.get::<_, bool>(0))? {
                missing.push(p.clone());
            }
        }
        Ok(missing)
    }

    /// Keeps a downloaded registration photo until the catalogue naming it is applied. Refused
    /// when the bytes are not what `photo` names (hash, type, size).
    pub fn keep_catalogue_photo(&mut self, photo: &PhotoRef, bytes: &[u8]) -> Result<()> {
        let kind = if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            "image/jpeg"
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            "image/png"
        } else {
            ""
        };
        if sha256_hex(bytes) != photo.sha256
            || kind != photo.content_type
            || bytes.len() as u64 > MAX_REGISTRATION_PHOTO
        {
            return Err(CatalogueRefusal::Invalid(format!(
                "照片 {} 与名册不符 (the photo does not match the catalogue)",
                photo.sha256
            ))
            .into());
        }
        self.conn.execute(
            "INSERT OR IGNORE INTO catalogue_photo_inbox (sha256, content_type, bytes)
             VALUES (?1, ?2, ?3)",
            params![photo.sha256, kind, bytes],
        )?;
        Ok(())
    }

    /// Applies `catalogue` (see the module's header), all or nothing.
    pub fn apply_catalogue(&mut self, catalogue: &Catalogue) -> Result<CatalogueReport> {
        // The one held again is answered before its content is checked (nothing of it is used).
        if is_newer(held(&self.conn)?.as_ref(), &catalogue.version())? {
            check(catalogue)?;
        }
        let k = &catalogue.content;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(link) = crate::server_link::link(&tx)?
            && link.site != k.site
        {
            return Err(CatalogueRefusal::WrongSite {
                enrolled: link.site,
                offered: k.site.clone(),
            }
            .into());
        }
        let mut report = CatalogueReport {
            site: k.site.clone(),
            version: catalogue.version,
            unchanged: false,
            candidates: k.candidates.len(),
            added: 0,
            removed: 0,
            moved: Vec::new(),
            staff: k.staff.len(),
            pins_removed: Vec::new(),
        };
        // A server with no seating list for the site yet has nothing to offer: what the device
        // holds (a list imported on it before enrollment) stays until the server has one.
        if !is_newer(held(&tx)?.as_ref(), &catalogue.version())? || k.rooms.is_empty() {
            report.unchanged = true;
            return Ok(report);
        }
        let before = held_candidates(&tx, &k.site)?;
        let after: HashMap<Key, (&str, u32)> = k
            .candidates
            .iter()
            .map(|c| {
                (
                    (c.sitting.clone(), c.student_number.clone()),
                    (c.room.as_str(), c.seat),
                )
            })
            .collect();
        let mut dropped = Vec::new();
        for (key, (name, room, seat)) in &before {
            match after.get(key) {
                None if has_events(&tx, key)? => dropped.push(format!(
                    "{} {} {name}（{room} 考场 {seat} 号）",
                    key.0, key.1
                )),
                None => report.removed += 1,
                Some(&(to_room, to_seat)) if (to_room, to_seat) != (room.as_str(), *seat) => {
                    report.moved.push(MovedCandidate {
                        sitting: key.0.clone(),
                        student_number: key.1.clone(),
                        from: (room.clone(), *seat),
                        to: (to_room.to_owned(), to_seat),
                        has_events: has_events(&tx, key)?,
                    })
                }
                Some(_) => {}
            }
        }
        if !dropped.is_empty() {
            dropped.sort();
            return Err(CatalogueRefusal::DropsCandidatesWithEvents(dropped).into());
        }
        report
            .moved
            .sort_by(|a, b| (&a.sitting, &a.student_number).cmp(&(&b.sitting, &b.student_number)));
        report.added = after
            .keys()
            .filter(|key| !before.contains_key(*key))
            .count();
        stage_photos(&tx, catalogue)?;
        crate::catalogue_write::write(&tx, catalogue, &mut report.pins_removed)?;
        tx.execute(
            "INSERT INTO catalogue_held (singleton, site, version, sha256, applied_at)
             VALUES (1, ?1, ?2, ?3, ?4)
             ON CONFLICT (singleton) DO UPDATE SET site = ?1, version = ?2, sha256 = ?3,
                 applied_at = ?4",
            params![
                k.site,
                catalogue.version,
                catalogue.sha256,
                Utc::now().to_rfc3339()
            ],
        )?;
        catalogue_changed(&tx)?;
        tx.commit()?;
        Ok(report)
    }
}

/// Puts every photo the catalogue names into the inbox (from the inbox, or a seating list's
/// photo with the same hash), or refuses when one has not arrived.
fn stage_photos(conn: &Connection, catalogue: &Catalogue) -> Result<()> {
    crate::catalogue_export::fill_photo_hashes(conn)?;
    let mut missing = HashSet::new();
    for p in catalogue
        .content
        .candidates
        .iter()
        .filter_map(|c| c.photo.as_ref())
    {
        conn.execute(
            "INSERT OR IGNORE INTO catalogue_photo_inbox (sha256, content_type, bytes)
             SELECT sha256, content_type, bytes FROM registration_photo WHERE sha256 = ?1 LIMIT 1",
            [&p.sha256],
        )?;
        let there: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM catalogue_photo_inbox WHERE sha256 = ?1)",
            [&p.sha256],
            |r| r.get(0),
        )?;
        if !there {
            missing.insert(p.sha256.clone());
        }
    }
    if !missing.is_empty() {
        return Err(CatalogueRefusal::PhotosMissing(missing.len()).into());
    }
    Ok(())
}

/// A role as the staff table keeps it (the check already refused an unknown one).
pub(crate) fn role_code(role: &str) -> &'static str {
    Role::parse(role).unwrap_or(Role::Proctor).code()
}

/// A reversed number, for the candidate row's suffix-search columns.
pub(crate) fn rev(s: &str) -> String {
    reversed(s)
}
