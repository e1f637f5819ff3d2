//! What the catalogue tests share: a server holding two sites' seating lists (with registration
//! photos generated here) and roster, codes for a room of either site, and the device's view.

use std::path::{Path, PathBuf};

use chrono::DateTime;
use examgate_store::Store;
use examgate_sync::Client;
use examgate_sync::wire::CatalogueVersion;
use examgate_testkit::resident_id;

use super::*;

pub const SITTING: &str = "2024春 第一次";
pub const SITE: &str = "第一考点";
pub const OTHER: &str = "第二考点";

pub fn student(n: u32) -> String {
    format!("2242300000{n:03}")
}

pub fn id(n: u32) -> String {
    resident_id(&format!("42060219900101{n:03}"))
}

/// A small JPEG-shaped file, different for each `n` (the import checks the magic bytes).
pub fn jpeg(n: u32) -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0];
    b.extend((0..2000u32).map(|i| (i.wrapping_mul(n + 7) % 251) as u8));
    b.extend([0xFF, 0xD9]);
    b
}

/// Writes a seating list of `(site, room, n)` rows with a photo each, and a roster, into a
/// fresh folder; returns the files to import.
pub fn lists(dir: &Path, name: &str, rows: &[(&str, &str, u32)], roster: bool) -> Vec<PathBuf> {
    let folder = dir.join(name);
    std::fs::create_dir_all(&folder).unwrap();
    let mut csv =
        String::from("学号,姓名,证件类型,证件号码,考点,考点地址,考场,考场地址,座位号,照片\n");
    for (site, room, n) in rows {
        let photo = format!("{}.jpg", student(*n));
        std::fs::write(folder.join(&photo), jpeg(*n)).unwrap();
        csv.push_str(&format!(
            "{},考生{n},身份证,{},{site},{site}地址,{room},{site}{room}室,{n},{photo}\n",
            student(*n),
            id(*n)
        ));
    }
    let list = folder.join("座次表.csv");
    std::fs::write(&list, csv).unwrap();
    let mut files = vec![list];
    if roster {
        let r = folder.join("监考名单.csv");
        std::fs::write(
            &r,
            format!("工号,姓名,角色,考点,考场\nP001,王老师,监考,{SITE},101\nC001,李主考,主考,{SITE},\nP201,赵老师,监考,{OTHER},201\n"),
        )
        .unwrap();
        files.push(r);
    }
    files
}

pub fn import(server: &Served, files: &[PathBuf]) {
    let db = server.data.join("site.db");
    let mut args = vec!["import", "--db", db.to_str().unwrap()];
    args.extend([
        "--sitting",
        SITTING,
        "--date",
        "2024-04-13",
        "--paper",
        "11908",
    ]);
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    let out = examgate(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// A server holding site 第一考点 (room 101: 1, 2; room 102: 3) and 第二考点 (room 201: 4).
pub fn site_server(dir: &Path) -> Served {
    let server = serve(dir);
    let rows = [
        (SITE, "101", 1),
        (SITE, "101", 2),
        (SITE, "102", 3),
        (OTHER, "201", 4),
    ];
    import(&server, &lists(dir, "lists", &rows, true));
    server
}

/// A one-time code for `site`/`room`, as `examgate serve enroll` prints it.
pub fn code_for(server: &Served, site: &str, room: &str, staff: &str) -> String {
    let args = [
        "serve",
        "enroll",
        "--data",
        server.data(),
        "--site",
        site,
        "--room",
        room,
        "--role",
        "proctor",
        "--staff",
        staff,
        "--url",
        &server.url,
    ];
    let out = examgate(&args);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .find(|l| l.starts_with("EG1:"))
        .unwrap()
        .to_owned()
}

pub fn refresh(db: &Path) -> std::process::Output {
    examgate(&["catalogue", "--db", db.to_str().unwrap()])
}

pub fn held(db: &Path) -> CatalogueVersion {
    Store::open(db)
        .unwrap()
        .held_catalogue()
        .unwrap()
        .unwrap()
        .into()
}

pub fn at_905() -> DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339("2024-04-13T09:05:00+08:00").unwrap()
}

pub fn client(server: &Served, db: &Path) -> Client {
    let token = link(db).unwrap().token;
    Client::new(&server.url, server.fingerprint)
        .unwrap()
        .with_token(token)
}
