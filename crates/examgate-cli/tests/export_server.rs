//! The photo archive from a real `examgate serve` (`GET /v1/exports/archive`) and from the chief
//! examiner's screen (`Door::export_archive`): the site's chief examiner's device gets its site's
//! ZIP, whose entries are the photos the rooms uploaded, byte for byte; a proctor's device gets
//! 403 `not_chief` and no bytes; a photo the server lacks refuses the whole archive with 409
//! naming the student, never a partial ZIP; and the screen's download lands whole under the
//! notice's name, with progress, or not at all.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

mod photo_fixture;
mod support;

use std::io::Read;
use std::path::Path;
use std::sync::Mutex;

use examgate_door::{ArchiveProgress, Door};
use examgate_sync::wire::ErrorCode;
use examgate_sync::{ArchiveAnswer, Client};
use photo_fixture::{Device, device};
use support::site::{CHIEF, PROCTOR_2, SITTING};
use support::*;

/// The notice's name of the demo site 2's archive of the first spring sitting of 2023.
const NAME: &str = "襄阳电大校本部23春第一次学位英语考试应急处理照片.zip";

struct Site {
    tmp: tempfile::TempDir,
    server: Served,
    door: Device,
}

/// A site server and a door of room 01 that vouched for two candidates with photos and synced;
/// with `hold_back`, the second photo's file was gone before the sync, so the server has its
/// event and not its bytes.
fn site(hold_back: bool) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let server = site::site_server(dir.path());
    let door = device(dir.path(), "door", &server, 2, 400);
    if hold_back {
        std::fs::rename(&door.photos[1].1, dir.path().join("held-back.jpg")).unwrap();
    }
    let out = door.sync();
    assert_eq!(out.status.success(), !hold_back, "{}", text(&out.stdout));
    Site {
        tmp: dir,
        server,
        door,
    }
}

impl Site {
    /// A device database enrolled (through `examgate enroll`) as `role` of the demo's site 2.
    fn enrolled(&self, name: &str, role: &str, staff: &str) -> std::path::PathBuf {
        site::door(
            &self.server,
            self.tmp.path(),
            name,
            &self.server.url,
            role,
            staff,
        )
    }

    fn client(&self, db: &Path) -> Client {
        self.server.client().with_token(link(db).unwrap().token)
    }

    fn student(&self, i: usize) -> String {
        let path = &self.door.photos[i].1;
        path.file_stem().unwrap().to_string_lossy().into_owned()
    }

    /// What is left in the server's `exports/` folder.
    fn leftovers(&self) -> Vec<String> {
        std::fs::read_dir(self.server.data.join("exports"))
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The whole archive the server sends, or panics on anything else.
fn download(client: &Client) -> Vec<u8> {
    block_on(async {
        let ArchiveAnswer::Ready(mut body) = client.archive_get(SITTING).await.unwrap() else {
            panic!("refused")
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = body.chunk().await.unwrap() {
            bytes.extend(chunk);
        }
        assert_eq!(bytes.len() as u64, body.total);
        bytes
    })
}

/// `(name, bytes)` of every entry, read with the zip crate.
fn entries(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).unwrap();
            (f.name().unwrap().into_owned(), bytes)
        })
        .collect()
}

#[test]
fn the_sites_chief_downloads_a_zip_of_the_sites_photos_and_nothing_stays_on_the_server() {
    let site = site(false);
    let chief = site.client(&site.enrolled("chief", "chief", CHIEF));
    let zip = download(&chief);
    let got = entries(&zip);
    let names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    let mut photos = vec![
        format!("{}.jpg", site.student(0)),
        format!("{}.jpg", site.student(1)),
    ];
    photos.sort();
    let jpgs: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| n.ends_with(".jpg") && !n.contains('/'))
        .collect();
    assert_eq!(jpgs, photos, "{names:?}");
    for p in &photos {
        let sig = format!("签名/{p}.sig.json");
        assert!(
            names.contains(&sig.as_str()),
            "the photo's signature rides along: {names:?}"
        );
    }
    assert!(names.contains(&"清单.csv"), "{names:?}");
    assert!(names.contains(&"清单.xlsx"), "{names:?}");
    for (i, student) in [site.student(0), site.student(1)].iter().enumerate() {
        let bytes = &got
            .iter()
            .find(|(n, _)| *n == format!("{student}.jpg"))
            .unwrap()
            .1;
        assert_eq!(
            bytes,
            &site.door.bytes(i),
            "the door's photo, byte for byte"
        );
    }
    // Read back by an independent tool too.
    let file = site.tmp.path().join("got.zip");
    std::fs::write(&file, &zip).unwrap();
    let out = std::process::Command::new("unzip")
        .arg("-l")
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(text(&out.stdout).contains(&format!("{}.jpg", site.student(0))));
    assert!(site.leftovers().is_empty(), "{:?}", site.leftovers());
}

#[test]
fn a_proctors_device_gets_403_not_chief_and_no_archive() {
    let site = site(false);
    for client in [
        site.door.client(&site.server),
        site.client(&site.enrolled("other", "proctor", PROCTOR_2)),
    ] {
        let got = block_on(client.archive_get(SITTING));
        let (status, code) = refused(got.map(|_| "an answer"));
        assert_eq!((status, code), (403, Some(ErrorCode::NotChief)));
    }
    assert!(site.leftovers().is_empty());
}

#[test]
fn a_photo_the_server_lacks_refuses_the_whole_archive_with_409_naming_the_student() {
    let site = site(true);
    let chief = site.client(&site.enrolled("chief", "chief", CHIEF));
    let answer = block_on(chief.archive_get(SITTING)).unwrap();
    let ArchiveAnswer::Refused(refused) = answer else {
        panic!("an archive was sent: {answer:?}")
    };
    assert_eq!(refused.code, ErrorCode::ArchiveRefused);
    assert_eq!(refused.problems.len(), 1, "{refused:?}");
    let problem = &refused.problems[0];
    assert_eq!(problem.student, site.student(1));
    assert_eq!(problem.fault, examgate_sync::wire::ArchiveFault::Missing);
    assert!(
        problem.message.contains(&site.student(1)),
        "{}",
        problem.message
    );
    assert!(problem.message.contains("缺失"), "{}", problem.message);
    assert!(site.leftovers().is_empty(), "{:?}", site.leftovers());
}

#[test]
fn an_unknown_sitting_is_a_typed_400() {
    let site = site(false);
    let chief = site.client(&site.enrolled("chief", "chief", CHIEF));
    let got = block_on(async {
        chief
            .archive_get("2099春 第九次")
            .await
            .map(|_| "an answer")
    });
    assert_eq!(refused(got), (400, Some(ErrorCode::BadJson)));
}

#[test]
fn the_chief_screen_saves_the_archive_whole_under_the_notices_name_reporting_progress() {
    let site = site(false);
    let door = Door::open(&site.enrolled("chief", "chief", CHIEF)).unwrap();
    assert_eq!(door.archive_file_name(SITTING).unwrap(), NAME);
    let out = site.tmp.path().join("U盘");
    std::fs::create_dir(&out).unwrap();
    let target = out.join(NAME);
    let heard = Mutex::new(Vec::<ArchiveProgress>::new());
    let saved =
        block_on(door.export_archive(SITTING, &target, |p| heard.lock().unwrap().push(p))).unwrap();
    assert_eq!(saved.photos, 2);
    assert_eq!(saved.path, target.display().to_string());
    let bytes = std::fs::read(&target).unwrap();
    assert_eq!(saved.bytes, bytes.len() as u64);
    assert_eq!(
        entries(&bytes).len(),
        6,
        "two photos, their signatures and the manifest as CSV and XLSX"
    );
    let heard = heard.into_inner().unwrap();
    assert_eq!(heard.first().map(|p| p.received), Some(0));
    assert_eq!(
        heard.last().copied(),
        Some(ArchiveProgress {
            received: saved.bytes,
            total: saved.bytes
        })
    );
    assert!(heard.windows(2).all(|w| w[0].received <= w[1].received));
    assert!(
        heard.len() > 2,
        "progress between the ends: {}",
        heard.len()
    );
    // Only the archive: no temporary file left beside it.
    let left: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, [NAME]);
}

#[test]
fn a_refused_archive_reaches_the_screen_typed_with_each_problem_and_writes_nothing() {
    let site = site(true);
    let door = Door::open(&site.enrolled("chief", "chief", CHIEF)).unwrap();
    let out = site.tmp.path().join("U盘");
    std::fs::create_dir(&out).unwrap();
    let target = out.join(NAME);
    let e = block_on(door.export_archive(SITTING, &target, |_| {})).unwrap_err();
    assert_eq!(e.code, examgate_door::ErrorCode::ArchiveRefused);
    assert_eq!(e.details.len(), 1, "{e:?}");
    assert!(e.details[0].contains(&site.student(1)), "{:?}", e.details);
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        0,
        "nothing written"
    );

    // A proctor's device is told it is not the chief examiner's.
    let proctor = Door::open(&site.door.db).unwrap();
    let e = block_on(proctor.export_archive(SITTING, &target, |_| {})).unwrap_err();
    assert_eq!(e.code, examgate_door::ErrorCode::NotChiefExaminer, "{e:?}");
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn a_download_cut_midway_leaves_the_chosen_file_as_it_was_and_no_temporary_file() {
    use examgate_testkit::proxy::{Fault, Proxy};
    let site = site(false);
    let db = site.enrolled("chief", "chief", CHIEF);
    let out = site.tmp.path().join("U盘");
    std::fs::create_dir(&out).unwrap();
    let target = out.join(NAME);
    // The archive's length, from a whole download.
    let whole = {
        let door = Door::open(&db).unwrap();
        block_on(door.export_archive(SITTING, &target, |_| {}))
            .unwrap()
            .bytes
    };
    std::fs::write(&target, b"the chief's earlier copy").unwrap();
    // From now on through a proxy that cuts every answer halfway through the archive.
    let upstream: std::net::SocketAddr = site
        .server
        .url
        .trim_start_matches("https://")
        .parse()
        .unwrap();
    let proxy = Proxy::start(
        upstream,
        Box::new(move |_| Fault::CutToClientAfter(whole / 2)),
    )
    .unwrap();
    {
        let mut store = examgate_store::Store::open(&db).unwrap();
        let mut l = store.server_link().unwrap().unwrap();
        l.urls = vec![format!("https://{}", proxy.addr())];
        store.set_server_link(&l).unwrap();
    }
    let door = Door::open(&db).unwrap();
    let heard = Mutex::new(0u64);
    let e =
        block_on(door.export_archive(SITTING, &target, |p| *heard.lock().unwrap() = p.received))
            .unwrap_err();
    assert_eq!(e.code, examgate_door::ErrorCode::ServerUnreachable, "{e:?}");
    let got = *heard.lock().unwrap();
    assert!(got > 0 && got < whole, "cut midway: {got} of {whole}");
    assert!(proxy.stats().cuts >= 1);
    assert_eq!(std::fs::read(&target).unwrap(), b"the chief's earlier copy");
    let left: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, [NAME], "no temporary file left beside it");
}

/// Not a rule, a measurement (`cargo test -p examgate-cli --test export_server -- --ignored
/// --nocapture`): the archive of room 01's 25 candidates' photos (2000×1500 noise, as a camera's
/// compress) through `GET /v1/exports/archive`
/// against `examgate export archive` on the server's own database (the same writer, no HTTP).
#[test]
#[ignore = "a measurement: run it on its own"]
fn measure_the_archive_over_https_against_the_cli_on_the_servers_database() {
    let dir = tempfile::tempdir().unwrap();
    let server = site::site_server(dir.path());
    let door = device(dir.path(), "door", &server, 25, 2000);
    assert!(door.sync().status.success());
    let db = site::door(&server, dir.path(), "chief", &server.url, "chief", CHIEF);
    let chief = server.client().with_token(link(&db).unwrap().token);
    let started = std::time::Instant::now();
    let bytes = download(&chief).len();
    let http = started.elapsed();
    let out = dir.path().join("cli");
    std::fs::create_dir(&out).unwrap();
    let started = std::time::Instant::now();
    let cli = examgate(&[
        "export",
        "archive",
        "--db",
        server.data.join("site.db").to_str().unwrap(),
        "--sitting",
        SITTING,
        "--site",
        support::site::SITE,
        "--out",
        out.to_str().unwrap(),
    ]);
    let local = started.elapsed();
    assert!(cli.status.success(), "{}", text(&cli.stderr));
    println!(
        "[measure] {} photos, {:.1} MB: GET /v1/exports/archive {:.2} s ({:.0} MB/s), examgate export archive {:.2} s",
        door.photos.len(),
        bytes as f64 / 1e6,
        http.as_secs_f64(),
        bytes as f64 / 1e6 / http.as_secs_f64(),
        local.as_secs_f64()
    );
}
