//! Enrolled devices: who a token belongs to, revocation, the clock offsets measured, and the
//! site's trust list (the enrolled public keys, in the form `examgate verify --trust` reads).

use chrono::{DateTime, Utc};
use examgate_sync::clock::ClockOffset;
use examgate_sync::wire::{DeviceInfo, Role};
use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use crate::db::ServerDb;
use crate::error::{Result, ServerError};
use crate::{sha256_hex, stamp};

/// A device as the office's list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRow {
    pub info: DeviceInfo,
    pub public_key: String,
    pub enrolled_at: String,
    pub revoked_at: Option<String>,
    pub last_clock: Option<LastClock>,
}

/// The latest clock measurement of a device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastClock {
    pub measured_at: String,
    pub offset: ClockOffset,
}

const DEVICE_COLUMNS: &str = "device_id, name, site, room, role, staff";

fn device_info(r: &rusqlite::Row<'_>) -> rusqlite::Result<DeviceInfo> {
    let id: String = r.get(0)?;
    let role: String = r.get(4)?;
    let bad = |e: String| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
    };
    Ok(DeviceInfo {
        device_id: Uuid::parse_str(&id).map_err(|e| bad(e.to_string()))?,
        name: r.get(1)?,
        site: r.get(2)?,
        room: r.get(3)?,
        role: role.parse::<Role>().map_err(bad)?,
        staff: r.get(5)?,
    })
}

/// `text` with every control character (a line break included) made a space: a comment must not
/// end its line, or the next could be read as a trusted key.
pub(crate) fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

impl ServerDb {
    /// The device a bearer token belongs to: unknown → 401, revoked → 403.
    pub fn device_for_token(&self, token: &str) -> Result<DeviceInfo> {
        let row = self
            .conn
            .query_row(
                &format!(
                    "SELECT {DEVICE_COLUMNS}, revoked_at FROM server_device WHERE token_sha256 = ?1"
                ),
                [sha256_hex(token.as_bytes())],
                |r| Ok((device_info(r)?, r.get::<_, Option<String>>(6)?)),
            )
            .optional()?;
        match row {
            None => Err(ServerError::Unauthorized),
            Some((_, Some(_))) => Err(ServerError::DeviceRevoked),
            Some((info, None)) => Ok(info),
        }
    }

    /// Revokes a device from now on; `false` if there is no such device (or it was already).
    pub fn revoke(&self, device: Uuid, now: DateTime<Utc>) -> Result<bool> {
        let n = self.conn.execute(
            "UPDATE server_device SET revoked_at = ?1 WHERE device_id = ?2 AND revoked_at IS NULL",
            params![stamp(now), device.to_string()],
        )?;
        Ok(n == 1)
    }

    /// Records a clock measurement of `device` at server time `now`.
    pub fn record_clock(
        &self,
        device: Uuid,
        offset: ClockOffset,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT INTO server_clock (device_id, measured_at, device_ahead_us, error_us)
             VALUES (?1, ?2, ?3, ?4)",
            params![
                device.to_string(),
                stamp(now),
                offset.device_ahead_us,
                offset.error_us
            ],
        )?;
        Ok(())
    }

    /// [`ServerDb::clock_history`] as the archive's manifest reads it (设备时钟偏差).
    pub fn clock_samples(&self) -> Result<Vec<examgate_export::ClockSample>> {
        Ok(self
            .clock_history()?
            .into_iter()
            .map(|(device, at, o)| examgate_export::ClockSample {
                device,
                at,
                device_ahead_us: o.device_ahead_us,
                error_us: o.error_us,
            })
            .collect())
    }

    /// Every clock measurement of every device, by device then time: what the photo archive's
    /// manifest picks each photo's nearest measurement from.
    pub fn clock_history(&self) -> Result<Vec<(Uuid, DateTime<Utc>, ClockOffset)>> {
        let mut stmt = self.conn.prepare(
            "SELECT device_id, measured_at, device_ahead_us, error_us FROM server_clock
              ORDER BY device_id, measured_at",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, at, device_ahead_us, error_us) = row?;
            // A row that does not parse names no device or no time: it cannot be anyone's nearest.
            let (Ok(id), Ok(at)) = (Uuid::parse_str(&id), DateTime::parse_from_rfc3339(&at)) else {
                continue;
            };
            let offset = ClockOffset {
                device_ahead_us,
                error_us,
            };
            out.push((id, at.with_timezone(&Utc), offset));
        }
        Ok(out)
    }

    /// Every enrolled device, revoked ones included, in enrollment order.
    pub fn devices(&self) -> Result<Vec<DeviceRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT d.device_id, name, site, room, role, staff, public_key, enrolled_at, revoked_at,
                    c.measured_at, c.device_ahead_us, c.error_us
               FROM server_device d
               LEFT JOIN server_clock c ON c.rowid = (
                   SELECT rowid FROM server_clock WHERE device_id = d.device_id
                    ORDER BY measured_at DESC LIMIT 1)
              ORDER BY enrolled_at, d.device_id",
        )?;
        let rows = stmt.query_map([], |r| {
            let measured_at: Option<String> = r.get(9)?;
            Ok(DeviceRow {
                info: device_info(r)?,
                public_key: r.get(6)?,
                enrolled_at: r.get(7)?,
                revoked_at: r.get(8)?,
                last_clock: match measured_at {
                    Some(measured_at) => Some(LastClock {
                        measured_at,
                        offset: ClockOffset {
                            device_ahead_us: r.get(10)?,
                            error_us: r.get(11)?,
                        },
                    }),
                    None => None,
                },
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The site's trust list: one enrolled key a line with a `#` comment naming the device, as
    /// `examgate verify --trust` reads it. Revoked devices are left out unless asked for: their
    /// earlier photos were signed while trusted, but whoever holds the device now is not.
    pub fn trust_list(&self, include_revoked: bool) -> Result<String> {
        self.site_trust_list(None, include_revoked)
    }

    /// [`ServerDb::trust_list`] of one site's devices only (every site's with `None`): what
    /// `examgate export keys --site` prints and what that site's archive is checked against.
    pub fn site_trust_list(&self, site: Option<&str>, include_revoked: bool) -> Result<String> {
        let mut out = String::from("# examgate 考点设备公钥 (the site's device keys)\n");
        for d in self.devices()? {
            if d.revoked_at.is_some() && !include_revoked {
                continue;
            }
            if site.is_some_and(|s| s != d.info.site) {
                continue;
            }
            let revoked = if d.revoked_at.is_some() {
                " 已吊销 (revoked)"
            } else {
                ""
            };
            let comment = format!(
                "{} {} {} {} {} {}{revoked}",
                d.info.device_id,
                d.info.site,
                d.info.room.as_deref().unwrap_or("-"),
                d.info.role.as_str(),
                d.info.staff,
                d.info.name,
            );
            out.push_str(&format!("{}  # {}\n", d.public_key, one_line(&comment)));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comment_cannot_start_a_line_of_the_trust_list() {
        let line = one_line(
            "第一考点\nabababababababababababababababababababababababababababababababab\r\u{1b}[2J",
        );
        assert!(!line.contains(['\n', '\r', '\u{1b}']), "{line}");
    }
}
