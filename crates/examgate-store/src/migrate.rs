//! Embedded, append-only schema migrations.
//!
//! Each migration is a SQL file named by its timestamp, compiled into the binary and applied once,
//! in its own transaction. Its SHA-256 is recorded; if an applied migration's text later differs
//! (someone edited history) or the database knows a migration this program doesn't (it was written
//! by a newer version), opening fails instead of guessing.
//!
//! Another crate that keeps its own tables in the same database (the site server) applies its
//! list through [`apply_extension`]: same connection, same bookkeeping table, its names recorded
//! as `namespace:name` so each list checks only its own.

use crate::error::{Result, StoreError};
use crate::sha256_hex;
use rusqlite::{Connection, OptionalExtension, params};

/// (name, SQL), in the order they apply. Only ever append to this list.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "20261124T180000_init",
        include_str!("../migrations/20261124T180000_init.sql"),
    ),
    (
        "20261124T190000_chief_pin",
        include_str!("../migrations/20261124T190000_chief_pin.sql"),
    ),
    (
        "20261124T195000_registration_photo",
        include_str!("../migrations/20261124T195000_registration_photo.sql"),
    ),
    (
        "20261129T050000_exam_time_and_pin_attempts",
        include_str!("../migrations/20261129T050000_exam_time_and_pin_attempts.sql"),
    ),
    (
        "20261129T063000_pin_boot_clock",
        include_str!("../migrations/20261129T063000_pin_boot_clock.sql"),
    ),
    (
        "20261129T090000_sync_receive",
        include_str!("../migrations/20261129T090000_sync_receive.sql"),
    ),
    (
        "20261129T091000_server_link",
        include_str!("../migrations/20261129T091000_server_link.sql"),
    ),
    (
        "20261129T100000_sync_cursor",
        include_str!("../migrations/20261129T100000_sync_cursor.sql"),
    ),
    (
        "20261129T100500_photo_upload",
        include_str!("../migrations/20261129T100500_photo_upload.sql"),
    ),
    (
        "20261129T101000_catalogue",
        include_str!("../migrations/20261129T101000_catalogue.sql"),
    ),
    (
        "20261129T113000_chief_pin_at_server",
        include_str!("../migrations/20261129T113000_chief_pin_at_server.sql"),
    ),
    (
        "20261129T130000_event_kind",
        include_str!("../migrations/20261129T130000_event_kind.sql"),
    ),
    (
        "20261129T170000_pin_purposes",
        include_str!("../migrations/20261129T170000_pin_purposes.sql"),
    ),
    (
        "20261129T173000_proctor_pin",
        include_str!("../migrations/20261129T173000_proctor_pin.sql"),
    ),
    (
        "20261129T190000_proctor_pin_reset",
        include_str!("../migrations/20261129T190000_proctor_pin_reset.sql"),
    ),
];

pub(crate) fn run(conn: &mut Connection) -> Result<()> {
    apply(conn, MIGRATIONS)
}

/// Applies `migrations` (a prefix of [`MIGRATIONS`]: tests stop early to build an older database).
fn apply(conn: &mut Connection, migrations: &[(&str, &str)]) -> Result<()> {
    apply_named(conn, None, migrations)
}

/// Applies another crate's embedded, append-only `migrations` to a store database, after the
/// store's own (open it with [`crate::Store`] first), recorded as `namespace:name`.
pub fn apply_extension(
    conn: &mut Connection,
    namespace: &str,
    migrations: &[(&str, &str)],
) -> Result<()> {
    apply_named(conn, Some(namespace), migrations)
}

fn apply_named(
    conn: &mut Connection,
    namespace: Option<&str>,
    migrations: &[(&str, &str)],
) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migration (
             name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )?;
    let known: Vec<String> = {
        let mut stmt = conn.prepare("SELECT name FROM schema_migration ORDER BY name")?;
        stmt.query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?
    };
    // This list's names as recorded; another namespace's are not this list's business.
    let ours = |recorded: &str| match namespace {
        None => (!recorded.contains(':')).then(|| recorded.to_owned()),
        Some(ns) => recorded
            .strip_prefix(ns)
            .and_then(|r| r.strip_prefix(':'))
            .map(str::to_owned),
    };
    if let Some(unknown) = known
        .iter()
        .find(|n| ours(n).is_some_and(|n| !migrations.iter().any(|(m, _)| *m == n)))
    {
        return Err(StoreError::Migration {
            name: unknown.clone(),
            reason: "数据库由更新版本写入 (the database was written by a newer version)".into(),
        });
    }
    for (name, sql) in migrations {
        let name = match namespace {
            None => (*name).to_owned(),
            Some(ns) => format!("{ns}:{name}"),
        };
        let name = name.as_str();
        let sha = sha256_hex(sql.as_bytes());
        let applied: Option<String> = conn
            .query_row(
                "SELECT sha256 FROM schema_migration WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()?;
        match applied {
            Some(s) if s == sha => continue,
            Some(_) => {
                return Err(StoreError::Migration {
                    name: name.to_string(),
                    reason: "已应用的迁移被修改过 (an applied migration was edited)".into(),
                });
            }
            None => {
                let tx = conn.transaction()?;
                tx.execute_batch(sql)?;
                tx.execute(
                    "INSERT INTO schema_migration (name, sha256, applied_at)
                     VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                    params![name, sha],
                )?;
                tx.commit()?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_once_and_reopen_cleanly() {
        let mut c = Connection::open_in_memory().unwrap();
        run(&mut c).unwrap();
        run(&mut c).unwrap();
        let n: i64 = c
            .query_row("SELECT count(*) FROM schema_migration", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, MIGRATIONS.len() as i64);
    }

    #[test]
    fn an_edited_applied_migration_is_refused() {
        let mut c = Connection::open_in_memory().unwrap();
        run(&mut c).unwrap();
        c.execute("UPDATE schema_migration SET sha256 = 'x'", [])
            .unwrap();
        assert!(matches!(run(&mut c), Err(StoreError::Migration { .. })));
    }

    #[test]
    fn a_database_from_a_newer_version_is_refused() {
        let mut c = Connection::open_in_memory().unwrap();
        run(&mut c).unwrap();
        c.execute(
            "INSERT INTO schema_migration VALUES ('29990101T000000_future', 'x', 'now')",
            [],
        )
        .unwrap();
        assert!(matches!(run(&mut c), Err(StoreError::Migration { .. })));
    }

    #[test]
    fn the_demo_loaded_before_drills_existed_becomes_a_drill_and_a_real_sitting_stays_real() {
        let mut c = Connection::open_in_memory().unwrap();
        apply(&mut c, &MIGRATIONS[..3]).unwrap();
        c.execute_batch(
            "INSERT INTO sitting (label, exam, date, start_time, end_time, paper)
               VALUES ('2023春 第一次', 'e', '2023-04-15', '09:00:00', '11:00:00', '11908'),
                      ('2023春 第二次', 'e', '2023-05-20', '09:00:00', '11:00:00', '11908'),
                      ('2024春 第一次', 'e', '2024-04-13', '09:00:00', '11:00:00', '11908'),
                      ('2023春', 'e', '2023-04-22', '09:00:00', '11:00:00', '11908');
             INSERT INTO import_log (file, sha256, kind, rows, sitting)
               VALUES ('demo-座次表.csv', 'x', 'seating', 588, '2023春 第一次、2023春 第二次'),
                      ('座次表.csv', 'y', 'seating', 30, '2024春 第一次'),
                      ('座次表.csv', 'z', 'seating', 30, '2023春');",
        )
        .unwrap();
        run(&mut c).unwrap();
        let drills: Vec<(String, bool)> = c
            .prepare("SELECT label, drill FROM sitting ORDER BY label")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            drills,
            [
                // A real sitting whose label is part of a demo label stays real.
                ("2023春".to_string(), false),
                ("2023春 第一次".to_string(), true),
                ("2023春 第二次".to_string(), true),
                ("2024春 第一次".to_string(), false)
            ]
        );
    }

    #[test]
    fn events_recorded_before_sync_existed_get_arrivals_in_the_order_they_were_recorded() {
        let mut c = Connection::open_in_memory().unwrap();
        apply(&mut c, &MIGRATIONS[..5]).unwrap();
        for id in ["c", "a", "b"] {
            c.execute(
                "INSERT INTO event (id, device, seq, wall, hlc, actor, sitting, candidate, kind, body)
                 VALUES (?1, 'd', (SELECT count(*) + 1 FROM event), 'w', 0, 'p', 's', 'x', 'k', '{}')",
                [id],
            )
            .unwrap();
        }
        run(&mut c).unwrap();
        let order: Vec<(i64, String)> = c
            .prepare("SELECT arrival, event_id FROM event_arrival ORDER BY arrival")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            order,
            [
                (1, "c".to_string()),
                (2, "a".to_string()),
                (3, "b".to_string())
            ]
        );
    }

    #[test]
    fn pin_tries_made_before_the_new_purposes_survive_and_stay_append_only() {
        let mut c = Connection::open_in_memory().unwrap();
        // Found by name: later migrations are appended after it.
        let before = MIGRATIONS
            .iter()
            .position(|m| m.0 == "20261129T170000_pin_purposes")
            .unwrap();
        apply(&mut c, &MIGRATIONS[..before]).unwrap();
        let insert = |c: &Connection, purpose: &str| {
            c.execute(
                "INSERT INTO pin_attempt (chief, at, purpose, outcome) VALUES ('z1', 'w', ?1, 'wrong')",
                [purpose],
            )
        };
        insert(&c, "approve").unwrap();
        assert!(insert(&c, "waive").is_err(), "the old CHECK refuses it");
        run(&mut c).unwrap();
        for purpose in ["resolve", "waive", "substitute"] {
            insert(&c, purpose).unwrap();
        }
        assert!(insert(&c, "anything").is_err());
        let rows: Vec<(i64, String)> = c
            .prepare("SELECT id, purpose FROM pin_attempt ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let purposes: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
        assert_eq!(purposes, ["approve", "resolve", "waive", "substitute"]);
        assert_eq!(rows[0].0, 1, "the old row keeps its id");
        assert!(c.execute("DELETE FROM pin_attempt", []).is_err());
        assert!(
            c.execute("UPDATE pin_attempt SET outcome = 'accepted'", [])
                .is_err()
        );
    }

    #[test]
    fn pin_tries_made_before_the_proctor_reset_survive_and_stay_append_only() {
        let mut c = Connection::open_in_memory().unwrap();
        let before = MIGRATIONS
            .iter()
            .position(|m| m.0 == "20261129T190000_proctor_pin_reset")
            .unwrap();
        apply(&mut c, &MIGRATIONS[..before]).unwrap();
        let chief = |c: &Connection, purpose: &str| {
            c.execute(
                "INSERT INTO pin_attempt (chief, at, purpose, outcome) VALUES ('z1', 'w', ?1, 'wrong')",
                [purpose],
            )
        };
        let proctor = |c: &Connection, outcome: &str| {
            c.execute(
                "INSERT INTO proctor_pin_attempt (staff_id, at, sitting, site, room, outcome)
                 VALUES ('p1', 'w', 's', 'x', 'r', ?1)",
                [outcome],
            )
        };
        chief(&c, "substitute").unwrap();
        proctor(&c, "set").unwrap();
        assert!(
            chief(&c, "proctor-reset").is_err(),
            "the old CHECK refuses it"
        );
        assert!(proctor(&c, "reset").is_err(), "the old CHECK refuses it");
        run(&mut c).unwrap();
        chief(&c, "proctor-reset").unwrap();
        proctor(&c, "reset").unwrap();
        assert!(chief(&c, "anything").is_err());
        assert!(proctor(&c, "anything").is_err());
        for (table, col) in [
            ("pin_attempt", "purpose"),
            ("proctor_pin_attempt", "outcome"),
        ] {
            let rows: Vec<(i64, String)> = c
                .prepare(&format!("SELECT id, {col} FROM {table} ORDER BY id"))
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            assert_eq!(rows.len(), 2, "{table}");
            assert_eq!(rows[0].0, 1, "{table}: the old row keeps its id");
            assert!(c.execute(&format!("DELETE FROM {table}"), []).is_err());
            assert!(
                c.execute(&format!("UPDATE {table} SET at = 'x'"), [])
                    .is_err()
            );
        }
    }

    #[test]
    fn another_crates_migrations_share_the_bookkeeping_without_upsetting_the_store() {
        let ext: &[(&str, &str)] = &[("20261129T091000_t", "CREATE TABLE ext_t (x INTEGER);")];
        let mut c = Connection::open_in_memory().unwrap();
        run(&mut c).unwrap();
        apply_extension(&mut c, "ext", ext).unwrap();
        apply_extension(&mut c, "ext", ext).unwrap();
        // The store reopens the database with the extension's rows in its bookkeeping.
        run(&mut c).unwrap();
        let n: i64 = c
            .query_row(
                "SELECT count(*) FROM schema_migration WHERE name = 'ext:20261129T091000_t'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1);
        // A newer extension migration this program lacks is refused by the extension only.
        c.execute(
            "INSERT INTO schema_migration VALUES ('ext:29990101T000000_future', 'x', 'now')",
            [],
        )
        .unwrap();
        assert!(matches!(
            apply_extension(&mut c, "ext", ext),
            Err(StoreError::Migration { .. })
        ));
        run(&mut c).unwrap();
    }

    #[test]
    fn migration_names_are_unique_and_in_order() {
        let names: Vec<&str> = MIGRATIONS.iter().map(|(n, _)| *n).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(names, sorted);
    }
}
