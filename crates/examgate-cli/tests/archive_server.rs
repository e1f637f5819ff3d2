//! The photo archive on a real site server's database (`examgate serve` running, devices
//! enrolled and synced through it): `examgate export keys` prints the site's enrolled,
//! non-revoked devices, the archive made there verifies against that list and carries each
//! device's clock offset at its nearest sync, and a room whose devices disagree refuses the
//! export naming the room and the student.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

mod photo_fixture;
mod support;

use std::path::Path;

use examgate_core::door::DoorAct;
use examgate_core::event::RefusalReason;
use examgate_photo::DeviceKey;
use examgate_store::Store;
use photo_fixture::device;
use support::site::{PROCTOR, PROCTOR_2, SITE, SITTING, act, door, room_01, site_server, sync};
use support::*;

const ARCHIVE: &str = "襄阳电大校本部23春第一次学位英语考试应急处理照片.zip";

fn export(db: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    std::fs::create_dir_all(out).unwrap();
    let mut args = vec!["export", "archive", "--db", db.to_str().unwrap()];
    args.extend(["--sitting", SITTING, "--site", SITE, "--out"]);
    args.push(out.to_str().unwrap());
    args.extend_from_slice(extra);
    examgate(&args)
}

fn manifest(zip: &Path) -> Vec<Vec<String>> {
    let script = r#"
import csv, io, json, sys, zipfile
raw = zipfile.ZipFile(sys.argv[1]).read("清单.csv").decode("utf-8-sig")
print(json.dumps(list(csv.reader(io.StringIO(raw, newline=""))), ensure_ascii=False))
"#;
    let out = std::process::Command::new("/usr/bin/python3")
        .args(["-c", script, zip.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn key_of(db: &Path) -> String {
    DeviceKey::load(&db.parent().unwrap().join("device-key.pem"))
        .unwrap()
        .public_key()
        .to_string()
}

#[test]
fn on_a_site_server_the_trust_list_is_its_enrolled_devices_and_the_archive_verifies_with_clock_offsets()
 {
    let dir = tempfile::tempdir().unwrap();
    let server = site_server(dir.path());
    let taker = device(dir.path(), "door", &server, 2, 400);
    let other = door(
        &server,
        dir.path(),
        "other",
        &server.url,
        "proctor",
        PROCTOR_2,
    );
    let gone = door(
        &server,
        dir.path(),
        "gone",
        &server.url,
        "proctor",
        PROCTOR_2,
    );
    let gone_id = Store::open(&gone).unwrap().device_id().unwrap().to_string();
    let revoked = examgate(&[
        "serve",
        "revoke",
        "--data",
        server.data(),
        "--device",
        &gone_id,
    ]);
    assert!(revoked.status.success(), "{}", text(&revoked.stderr));
    let out = taker.sync();
    assert!(out.status.success(), "{}", text(&out.stderr));

    let db = server.data.join("site.db");
    let run = examgate(&["export", "keys", "--db", db.to_str().unwrap()]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let list = text(&run.stdout);
    let keyed: Vec<&str> = list.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(keyed.len(), 2, "{list}");
    for db in [&taker.db, &other] {
        assert!(list.contains(&key_of(db)), "{list}");
    }
    assert!(
        !list.contains(&key_of(&gone)),
        "a revoked device is not trusted: {list}"
    );
    // The same text the server's own `serve keys` prints: one trust list, not two.
    let served = examgate(&["serve", "keys", "--data", server.data()]);
    assert_eq!(text(&served.stdout), list);
    // Restricted to another site: no key.
    let elsewhere = examgate(&[
        "export",
        "keys",
        "--db",
        db.to_str().unwrap(),
        "--site",
        "宜昌电大校本部",
    ]);
    assert!(elsewhere.status.success(), "{}", text(&elsewhere.stderr));
    assert_eq!(
        text(&elsewhere.stdout)
            .lines()
            .filter(|l| !l.starts_with('#'))
            .count(),
        0
    );
    // On the enrolled device itself: its own key, and the site's keys its server sent at sync.
    let run = examgate(&["export", "keys", "--db", taker.db.to_str().unwrap()]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let on_device = text(&run.stdout);
    let keyed: Vec<&str> = on_device.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(keyed.len(), 2, "{on_device}");
    assert!(keyed[0].starts_with(&key_of(&taker.db)), "{on_device}");
    assert!(on_device.contains(&key_of(&other)), "{on_device}");
    assert!(!on_device.contains(&key_of(&gone)), "{on_device}");
    let trust = dir.path().join("keys.txt");
    std::fs::write(&trust, list).unwrap();

    let out = dir.path().join("out");
    let run = export(&db, &out, &[]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert!(
        text(&run.stdout).contains("2 张照片"),
        "{}",
        text(&run.stdout)
    );
    let rows = manifest(&out.join(ARCHIVE));
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][6], "设备时钟偏差");
    for row in &rows[1..] {
        // The offset measured at the device's sync: `+0.001 s ±0.000 s (2023-…)` or the like.
        let offset = &row[6];
        assert!(offset.contains(" s ±") && offset.ends_with(')'), "{row:?}");
        assert_eq!(row[15], "", "{row:?}");
    }

    let run = examgate(&[
        "verify",
        "--archive",
        out.join(ARCHIVE).to_str().unwrap(),
        "--trust",
        trust.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stdout));
}

#[test]
fn a_room_in_conflict_is_refused_naming_the_room_and_the_student() {
    let dir = tempfile::tempdir().unwrap();
    let server = site_server(dir.path());
    let a = door(&server, dir.path(), "a", &server.url, "proctor", PROCTOR);
    let b = door(&server, dir.path(), "b", &server.url, "proctor", PROCTOR_2);
    let student = room_01(&a)[0].clone();
    act(&a, &student, PROCTOR, &DoorAct::Admit);
    let refuse = DoorAct::Refuse {
        reason: RefusalReason::DocumentMismatch,
    };
    act(&b, &student, PROCTOR_2, &refuse);
    for db in [&a, &b] {
        assert!(sync(db).status.success());
    }

    let db = server.data.join("site.db");
    let out = dir.path().join("out");
    let run = export(&db, &out, &[]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stdout));
    let err = text(&run.stderr);
    let named = err
        .lines()
        .find(|l| l.contains(&student))
        .unwrap_or_default();
    assert!(named.contains("考场 01") && named.contains("冲突"), "{err}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);

    let run = export(&db, &out, &["--allow-incomplete"]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let rows = manifest(&out.join(ARCHIVE));
    let row = rows.iter().find(|r| r[0] == student).unwrap();
    assert_eq!(row[2], "01");
    assert_eq!(row[14], "", "no photo");
    assert!(row[15].contains("冲突"), "{row:?}");
    let run = examgate(&["verify", "--archive", out.join(ARCHIVE).to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    assert!(text(&run.stdout).contains(&format!("学号 {student}: ")));
}
