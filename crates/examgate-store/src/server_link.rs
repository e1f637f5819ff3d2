//! The site server this device is enrolled with: its addresses, the certificate fingerprint the
//! device pins, the device token and what the device is enrolled as.
//!
//! It lives in the encrypted database rather than a file beside it: the token is what lets a
//! device upload events, so it gets the protection the events have, and a database copied off a
//! broken phone carries its enrollment with it (`examgate sync --db`). Plain strings here: the
//! store does not know the sync crate's types.

use rusqlite::{OptionalExtension, params};

use crate::Store;
use crate::error::Result;

/// What `examgate enroll` (or the app) got from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerLink {
    /// `https://` URLs, in the order to try.
    pub urls: Vec<String>,
    /// The server certificate's SHA-256, 64 hex digits.
    pub fingerprint: String,
    pub token: String,
    pub site: String,
    pub room: Option<String>,
    /// `proctor` or `chief`.
    pub role: String,
    pub staff: String,
    /// RFC 3339.
    pub enrolled_at: String,
}

/// The server the device of `conn` is enrolled with, if any.
pub(crate) fn link(conn: &rusqlite::Connection) -> Result<Option<ServerLink>> {
    let row = conn
        .query_row(
            "SELECT urls, fingerprint, token, site, room, role, staff, enrolled_at
               FROM server_link",
            [],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    ServerLink {
                        urls: Vec::new(),
                        fingerprint: r.get(1)?,
                        token: r.get(2)?,
                        site: r.get(3)?,
                        room: r.get(4)?,
                        role: r.get(5)?,
                        staff: r.get(6)?,
                        enrolled_at: r.get(7)?,
                    },
                ))
            },
        )
        .optional()?;
    Ok(row.map(|(urls, mut link)| {
        link.urls = urls.lines().map(str::to_owned).collect();
        link
    }))
}

impl Store {
    /// The server this device is enrolled with, if any.
    pub fn server_link(&self) -> Result<Option<ServerLink>> {
        link(&self.conn)
    }

    /// Records (replacing any earlier one) the server this device is now enrolled with.
    pub fn set_server_link(&mut self, link: &ServerLink) -> Result<()> {
        let urls = link.urls.join("\n");
        self.conn.execute(
            "INSERT OR REPLACE INTO server_link
                 (singleton, urls, fingerprint, token, site, room, role, staff, enrolled_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                urls,
                link.fingerprint,
                link.token,
                link.site,
                link.room,
                link.role,
                link.staff,
                link.enrolled_at
            ],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enrollment_is_kept_and_a_new_one_replaces_it() {
        let mut store = Store::open_in_memory().unwrap();
        assert_eq!(store.server_link().unwrap(), None);
        let mut link = ServerLink {
            urls: vec!["https://10.0.0.2:8740".into()],
            fingerprint: "ab".repeat(32),
            token: "t1".into(),
            site: "第一考点".into(),
            room: Some("101".into()),
            role: "proctor".into(),
            staff: "P001".into(),
            enrolled_at: "2026-11-29T09:10:00Z".into(),
        };
        store.set_server_link(&link).unwrap();
        assert_eq!(store.server_link().unwrap(), Some(link.clone()));
        link.token = "t2".into();
        link.room = None;
        store.set_server_link(&link).unwrap();
        assert_eq!(store.server_link().unwrap(), Some(link));
    }
}
