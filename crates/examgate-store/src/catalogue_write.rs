//! Writes a checked catalogue into the catalogue tables, inside the apply's transaction: the
//! sittings and the site upserted, the site's rooms, candidates, staff (with the chiefs' PINs set
//! at the server) and registration photos replaced by the catalogue's. The caller has already refused what must not happen (dropping a
//! candidate with events) and staged every photo in the inbox.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension, params};

use crate::catalogue::Catalogue;
use crate::catalogue_apply::{rev, role_code};
use crate::error::Result;

fn sittings(conn: &Connection, c: &Catalogue) -> Result<HashMap<String, i64>> {
    let mut ids = HashMap::new();
    for s in &c.content.sittings {
        conn.execute(
            "INSERT INTO sitting (label, exam, date, start_time, end_time, paper,
                                  utc_offset_seconds, drill)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (label) DO UPDATE SET exam = ?2, date = ?3, start_time = ?4,
                 end_time = ?5, paper = ?6, utc_offset_seconds = ?7, drill = ?8",
            params![
                s.label,
                s.exam,
                s.date,
                s.start,
                s.end,
                s.paper,
                s.utc_offset_seconds,
                s.drill
            ],
        )?;
        let id: i64 =
            conn.query_row("SELECT id FROM sitting WHERE label = ?1", [&s.label], |r| {
                r.get(0)
            })?;
        ids.insert(s.label.clone(), id);
    }
    Ok(ids)
}

/// The site's id, and its rooms' ids by number (rooms upserted).
fn site_and_rooms(conn: &Connection, c: &Catalogue) -> Result<Option<(i64, HashMap<String, i64>)>> {
    let k = &c.content;
    let existing: Option<i64> = conn
        .query_row("SELECT id FROM site WHERE name = ?1", [&k.site], |r| {
            r.get(0)
        })
        .optional()?;
    if existing.is_none() && k.rooms.is_empty() {
        // The server has no seating list for the site yet: nothing to hold.
        return Ok(None);
    }
    conn.execute(
        "INSERT INTO site (name, address) VALUES (?1, ?2)
         ON CONFLICT (name) DO UPDATE SET address = ?2",
        params![k.site, k.address],
    )?;
    let site_id: i64 = conn.query_row("SELECT id FROM site WHERE name = ?1", [&k.site], |r| {
        r.get(0)
    })?;
    let mut rooms = HashMap::new();
    for r in &k.rooms {
        conn.execute(
            "INSERT INTO room (site_id, number, address, seats) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (site_id, number) DO UPDATE SET address = ?3, seats = ?4",
            params![site_id, r.number, r.address, r.seats],
        )?;
        let id: i64 = conn.query_row(
            "SELECT id FROM room WHERE site_id = ?1 AND number = ?2",
            params![site_id, r.number],
            |row| row.get(0),
        )?;
        rooms.insert(r.number.clone(), id);
    }
    Ok(Some((site_id, rooms)))
}

/// Writes `c`; the chief examiners whose PIN was removed with them go to `pins_removed`.
pub(crate) fn write(
    conn: &Connection,
    c: &Catalogue,
    pins_removed: &mut Vec<String>,
) -> Result<()> {
    let k = &c.content;
    let sitting_ids = sittings(conn, c)?;
    let Some((site_id, rooms)) = site_and_rooms(conn, c)? else {
        return Ok(());
    };
    // The site's candidates and their photos, replaced whole (the drop check has run).
    conn.execute(
        "DELETE FROM registration_photo WHERE EXISTS (
             SELECT 1 FROM candidate c JOIN room r ON r.id = c.room_id
             WHERE r.site_id = ?1 AND c.sitting_id = registration_photo.sitting_id
               AND c.student_number = registration_photo.student_number)",
        [site_id],
    )?;
    conn.execute(
        "DELETE FROM candidate WHERE room_id IN (SELECT id FROM room WHERE site_id = ?1)",
        [site_id],
    )?;
    let mut insert = conn.prepare_cached(
        "INSERT OR REPLACE INTO candidate (sitting_id, student_number, name, document_kind,
             document_number, room_id, seat, photo, ticket_rev, document_rev)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut photo = conn.prepare_cached(
        "INSERT OR REPLACE INTO registration_photo
             (sitting_id, student_number, content_type, bytes, sha256)
         SELECT ?1, ?2, content_type, bytes, sha256 FROM catalogue_photo_inbox WHERE sha256 = ?3",
    )?;
    for x in &k.candidates {
        // The check made sure both are listed.
        let (Some(sitting), Some(room)) = (sitting_ids.get(&x.sitting), rooms.get(&x.room)) else {
            continue;
        };
        insert.execute(params![
            sitting,
            x.student_number,
            x.name,
            x.document_kind,
            x.document_number,
            room,
            x.seat,
            x.photo_file,
            rev(&x.student_number),
            rev(&x.document_number),
        ])?;
        if let Some(p) = &x.photo {
            photo.execute(params![sitting, x.student_number, p.sha256])?;
        }
    }
    conn.execute("DELETE FROM catalogue_photo_inbox", [])?;
    // Staff: upserted; those of the site no longer listed leave, with any PIN on this device.
    let listed: HashSet<&str> = k.staff.iter().map(|s| s.id.as_str()).collect();
    for s in &k.staff {
        let room = s.room.as_ref().and_then(|r| rooms.get(r));
        conn.execute(
            "INSERT INTO staff (id, name, role, site_id, room_id) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET name = ?2, role = ?3, site_id = ?4, room_id = ?5",
            params![s.id, s.name, role_code(&s.role), site_id, room],
        )?;
    }
    // The chiefs' PINs set at the server come with them (and replace ones set on the device).
    crate::server_pin::install(conn, &k.staff, pins_removed)?;
    let gone: Vec<String> = {
        let mut stmt = conn.prepare("SELECT id FROM staff WHERE site_id = ?1")?;
        let ids = stmt.query_map([site_id], |r| r.get::<_, String>(0))?;
        ids.collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .filter(|id| !listed.contains(id.as_str()))
            .collect()
    };
    for id in gone {
        if conn.execute("DELETE FROM chief_pin WHERE staff_id = ?1", [&id])? > 0 {
            pins_removed.push(id.clone());
        }
        conn.execute("DELETE FROM staff WHERE id = ?1", [&id])?;
    }
    // Rooms no longer listed (nothing refers to them now).
    let keep: HashSet<i64> = rooms.values().copied().collect();
    let mut stmt = conn.prepare("SELECT id FROM room WHERE site_id = ?1")?;
    let all = stmt.query_map([site_id], |r| r.get::<_, i64>(0))?;
    for id in all.collect::<rusqlite::Result<Vec<_>>>()? {
        if !keep.contains(&id) {
            conn.execute("DELETE FROM room WHERE id = ?1", [id])?;
        }
    }
    Ok(())
}
