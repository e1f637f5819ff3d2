//! The catalog the office imported: sittings, sites, rooms and staff, read the way the door and
//! the office need them.

use chrono::{FixedOffset, NaiveDate, NaiveTime};
use examgate_core::model::{Role, Sitting};
use examgate_core::timeline::Timeline;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;
use ts_rs::TS;

use crate::Store;
use crate::error::{Result, StoreError};

/// A sitting with its database id and time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SittingInfo {
    pub id: i64,
    pub sitting: Sitting,
    /// The exam's UTC offset (China: +08:00); the UI gets it as seconds east of UTC.
    #[serde(serialize_with = "offset_seconds")]
    #[ts(type = "number")]
    pub offset: FixedOffset,
    /// A drill (演练, the demo's sittings included): its exam time may be set freely. A real
    /// sitting's exam time follows the device clock unless the chief examiner authorises another.
    pub drill: bool,
}

fn offset_seconds<S: serde::Serializer>(o: &FixedOffset, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i32(o.local_minus_utc())
}

impl SittingInfo {
    pub fn timeline(&self) -> Result<Timeline> {
        Timeline::of(&self.sitting, self.offset)
            .ok_or_else(|| StoreError::BadSittingTime(self.sitting.label.clone()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SiteInfo {
    pub name: String,
    pub address: String,
    pub rooms: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RoomInfo {
    pub site: String,
    pub number: String,
    pub address: String,
    pub seats: Option<u32>,
    /// Candidates of the given sitting seated here.
    pub candidates: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StaffInfo {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub site: String,
    pub room: Option<String>,
}

fn text_err(col: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        col,
        rusqlite::types::Type::Text,
        format!("bad {what}").into(),
    )
}

fn sitting_from_row(r: &Row<'_>) -> rusqlite::Result<SittingInfo> {
    let date: String = r.get(4)?;
    let start: String = r.get(5)?;
    let end: String = r.get(6)?;
    let offset: i32 = r.get(7)?;
    Ok(SittingInfo {
        id: r.get(0)?,
        sitting: Sitting {
            label: r.get(1)?,
            exam: r.get(2)?,
            paper: r.get(3)?,
            date: NaiveDate::parse_from_str(&date, "%Y-%m-%d").map_err(|_| text_err(4, "date"))?,
            start: NaiveTime::parse_from_str(&start, "%H:%M:%S")
                .map_err(|_| text_err(5, "time"))?,
            end: NaiveTime::parse_from_str(&end, "%H:%M:%S").map_err(|_| text_err(6, "time"))?,
        },
        offset: FixedOffset::east_opt(offset).ok_or_else(|| text_err(7, "offset"))?,
        drill: r.get(8)?,
    })
}

const SITTING_COLUMNS: &str =
    "id, label, exam, paper, date, start_time, end_time, utc_offset_seconds, drill";

pub(crate) fn sitting_by_label(conn: &Connection, label: &str) -> Result<Option<SittingInfo>> {
    Ok(conn
        .query_row(
            &format!("SELECT {SITTING_COLUMNS} FROM sitting WHERE label = ?1"),
            [label],
            sitting_from_row,
        )
        .optional()?)
}

/// Adds a sitting, a drill when `drill`.
pub(crate) fn insert_sitting(
    conn: &Connection,
    s: &Sitting,
    offset: FixedOffset,
    drill: bool,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO sitting (label, exam, date, start_time, end_time, paper, utc_offset_seconds, drill)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            s.label,
            s.exam,
            s.date.format("%Y-%m-%d").to_string(),
            s.start.format("%H:%M:%S").to_string(),
            s.end.format("%H:%M:%S").to_string(),
            s.paper,
            offset.local_minus_utc(),
            drill
        ],
    )?;
    let id = conn.last_insert_rowid();
    crate::catalogue::catalogue_changed(conn)?;
    Ok(id)
}

impl Store {
    /// Every sitting, by date.
    pub fn sittings(&self) -> Result<Vec<SittingInfo>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {SITTING_COLUMNS} FROM sitting ORDER BY date, start_time, label"
        ))?;
        let rows = stmt.query_map([], sitting_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The sitting with this label.
    pub fn sitting(&self, label: &str) -> Result<SittingInfo> {
        sitting_by_label(&self.conn, label)?
            .ok_or_else(|| StoreError::UnknownSitting(label.to_string()))
    }

    /// Adds a real sitting; an existing one with the same label is returned unchanged.
    pub fn add_sitting(&mut self, s: &Sitting, offset: FixedOffset) -> Result<SittingInfo> {
        self.add_sitting_as(s, offset, false)
    }

    /// Adds a sitting, a drill (演练) when `drill`; an existing one with the same label is
    /// returned unchanged (a real sitting never becomes a drill afterwards).
    pub fn add_sitting_as(
        &mut self,
        s: &Sitting,
        offset: FixedOffset,
        drill: bool,
    ) -> Result<SittingInfo> {
        if sitting_by_label(&self.conn, &s.label)?.is_none() {
            insert_sitting(&self.conn, s, offset, drill)?;
        }
        self.sitting(&s.label)
    }

    pub fn sites(&self) -> Result<Vec<SiteInfo>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.name, s.address, (SELECT count(*) FROM room r WHERE r.site_id = s.id)
             FROM site s ORDER BY s.name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(SiteInfo {
                name: r.get(0)?,
                address: r.get(1)?,
                rooms: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The rooms of a site, with how many candidates of `sitting` each seats.
    pub fn rooms(&self, sitting: &str, site: &str) -> Result<Vec<RoomInfo>> {
        let s = self.sitting(sitting)?;
        let mut stmt = self.conn.prepare(
            "SELECT st.name, r.number, r.address, r.seats,
                    (SELECT count(*) FROM candidate c WHERE c.room_id = r.id AND c.sitting_id = ?1)
             FROM room r JOIN site st ON st.id = r.site_id
             WHERE st.name = ?2 ORDER BY length(r.number), r.number",
        )?;
        let rows = stmt.query_map(params![s.id, site], |r| {
            Ok(RoomInfo {
                site: r.get(0)?,
                number: r.get(1)?,
                address: r.get(2)?,
                seats: r.get(3)?,
                candidates: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The staff of a site: the proctors of `room` (all the site's proctors when `None`) and the
    /// site's chief examiners.
    pub fn staff(&self, site: &str, room: Option<&str>) -> Result<Vec<StaffInfo>> {
        let mut stmt = self.conn.prepare(&format!(
            "{STAFF_SELECT}
             WHERE st.name = ?1 AND (?2 IS NULL OR r.number = ?2 OR p.role = 'chief-examiner')
             ORDER BY p.role DESC, p.id"
        ))?;
        let rows = stmt.query_map(params![site, room], staff_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// A member of staff with their site and room, as [`staff_from_row`] reads them.
const STAFF_SELECT: &str = "SELECT p.id, p.name, p.role, st.name, r.number
     FROM staff p JOIN site st ON st.id = p.site_id LEFT JOIN room r ON r.id = p.room_id";

pub(crate) fn staff_member(conn: &Connection, id: &str) -> Result<StaffInfo> {
    conn.query_row(
        &format!("{STAFF_SELECT} WHERE p.id = ?1"),
        [id],
        staff_from_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::UnknownStaff(id.to_string()))
}

fn staff_from_row(r: &Row<'_>) -> rusqlite::Result<StaffInfo> {
    let role: String = r.get(2)?;
    Ok(StaffInfo {
        id: r.get(0)?,
        name: r.get(1)?,
        role: Role::parse(&role).ok_or_else(|| text_err(2, "role"))?,
        site: r.get(3)?,
        room: r.get(4)?,
    })
}
