//! Rooms short of proctors by the staffing rule, reported once a roster is in for the site.

use examgate_core::staffing::proctors_needed;
use serde::Serialize;
use ts_rs::TS;

use crate::Store;
use crate::error::Result;

/// A room with fewer proctors than the rule asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StaffingWarning {
    pub site: String,
    pub room: String,
    pub seats: u32,
    pub needed: u32,
    pub assigned: u32,
}

impl std::fmt::Display for StaffingWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} 考场：{} 座需监考 {} 人，现有 {} 人 (room {} at {}: {} seats need {} proctors, {} assigned)",
            self.site,
            self.room,
            self.seats,
            self.needed,
            self.assigned,
            self.room,
            self.site,
            self.seats,
            self.needed,
            self.assigned
        )
    }
}

impl Store {
    /// Rooms short of proctors, for sites that have a roster. A room's size is its seat count
    /// when the list gave one, else the most candidates it seats in any sitting.
    pub fn staffing_warnings(&self) -> Result<Vec<StaffingWarning>> {
        let mut stmt = self.conn.prepare(
            "SELECT st.name, r.number,
                    coalesce(r.seats, (SELECT max(n) FROM (SELECT count(*) AS n FROM candidate c
                                        WHERE c.room_id = r.id GROUP BY c.sitting_id)), 0),
                    (SELECT count(*) FROM staff p WHERE p.room_id = r.id AND p.role = 'proctor')
             FROM room r JOIN site st ON st.id = r.site_id
             WHERE EXISTS (SELECT 1 FROM staff p WHERE p.site_id = st.id)
             ORDER BY st.name, length(r.number), r.number",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, u32>(2)?,
                r.get::<_, u32>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (site, room, seats, assigned) = row?;
            let needed = proctors_needed(seats);
            if assigned < needed {
                out.push(StaffingWarning {
                    site,
                    room,
                    seats,
                    needed,
                    assigned,
                });
            }
        }
        Ok(out)
    }
}
