//! The catalogue between a server's store and a device's, on real database files: exported whole
//! for one site, numbered so a device tells newer from older, applied all or nothing; an older or
//! a different catalogue under the held number, one that does not hash to its version, and one
//! that would drop a candidate with events are refused and change nothing.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use examgate_core::door::DoorAct;
use examgate_core::model::Sitting;
use examgate_store::import::SourceFile;
use examgate_store::{Catalogue, CatalogueRefusal, ImportOptions, Store, StoreError};
use examgate_testkit::resident_id;

const SITTING: &str = "2024春 第一次";
const SITE: &str = "第一考点";
const HEADER: &str = "学号,姓名,证件类型,证件号码,考点,考点地址,考场,考场地址,座位号\n";

fn id(n: u32) -> String {
    resident_id(&format!("42060219900101{n:03}"))
}

/// A seating-list row of `site`, room `room`.
fn row(site: &str, room: &str, n: u32) -> String {
    format!(
        "2242300000{n:03},考生{n},身份证,{},{site},{site}地址,{room},{site}{room}室,{n}\n",
        id(n)
    )
}

fn list(rows: &[String]) -> SourceFile {
    SourceFile {
        name: "座次表.csv".into(),
        bytes: format!("{HEADER}{}", rows.concat()).into_bytes(),
    }
}

fn roster() -> SourceFile {
    SourceFile {
        name: "监考名单.csv".into(),
        bytes: format!(
            "工号,姓名,角色,考点,考场\nP001,王老师,监考,{SITE},101\nC001,李主考,主考,{SITE},\n"
        )
        .into_bytes(),
    }
}

fn options() -> ImportOptions {
    ImportOptions {
        sitting: None,
        create: Some(Sitting {
            exam: "学士学位英语考试".into(),
            label: SITTING.into(),
            date: NaiveDate::from_ymd_opt(2024, 4, 13).unwrap(),
            start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(11, 0, 0).unwrap(),
            paper: "11908".into(),
        }),
        photo_dir: None,
        glyphs: None,
        drill: false,
    }
}

fn at(h: u32, m: u32) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("2024-04-13T{h:02}:{m:02}:00+08:00")).unwrap()
}

/// A server store holding site 第一考点 (rooms 101 and 102, candidates 1–3) and 第二考点 (4).
fn server(dir: &std::path::Path) -> Store {
    let mut s = Store::open(dir.join("site.db")).unwrap();
    let rows = [
        row(SITE, "101", 1),
        row(SITE, "101", 2),
        row(SITE, "102", 3),
        row("第二考点", "201", 4),
    ];
    s.import(&[list(&rows), roster()], &options()).unwrap();
    s
}

fn device(dir: &std::path::Path) -> Store {
    Store::open(dir.join("door.db")).unwrap()
}

/// `c` with its content changed by `f`, numbered `version` and hashed again.
fn edited(c: &Catalogue, version: u64, f: impl FnOnce(&mut Catalogue)) -> Catalogue {
    let mut c = c.clone();
    f(&mut c);
    c.version = version;
    c.sha256 = c.content.sha256();
    c
}

fn refusal(r: Result<impl std::fmt::Debug, StoreError>) -> CatalogueRefusal {
    match r {
        Err(StoreError::Catalogue(r)) => r,
        other => panic!("not refused: {other:?}"),
    }
}

#[test]
fn an_empty_device_gets_its_site_whole_and_can_admit_from_it() {
    let dir = tempfile::tempdir().unwrap();
    let cat = server(dir.path()).catalogue(SITE).unwrap();
    assert_eq!(cat.version, 1);
    assert_eq!(
        cat.content.candidates.len(),
        3,
        "only the site's candidates"
    );
    assert!(
        cat.content
            .candidates
            .iter()
            .all(|c| c.student_number != "2242300000004")
    );
    assert_eq!(cat.content.staff.len(), 2);

    let mut door = device(dir.path());
    let report = door.apply_catalogue(&cat).unwrap();
    assert_eq!((report.added, report.unchanged), (3, false));
    let found = door.search(SITTING, SITE, Some("101"), "0002", 5).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].document_number,
        id(2),
        "the whole number, for the typed-ID check"
    );
    door.act(SITTING, "2242300000002", "P001", &DoorAct::Admit, at(9, 5))
        .unwrap();
    assert_eq!(door.held_catalogue().unwrap(), Some(cat.version()));
    // The device's own export of the site is the same content.
    assert_eq!(door.catalogue(SITE).unwrap().sha256, cat.sha256);
}

#[test]
fn the_version_moves_only_when_the_sites_content_does() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = server(dir.path());
    let v1 = s.catalogue_version(SITE).unwrap();
    assert_eq!(s.catalogue(SITE).unwrap().version(), v1);
    // Another site's import leaves this site's version alone.
    s.import(&[list(&[row("第二考点", "201", 5)])], &options())
        .unwrap();
    assert_eq!(s.catalogue_version(SITE).unwrap(), v1);
    s.import(&[list(&[row(SITE, "102", 6)])], &options())
        .unwrap();
    let v2 = s.catalogue_version(SITE).unwrap();
    assert_eq!(v2.version, 2);
    assert_ne!(v2.sha256, v1.sha256);
}

#[test]
fn the_same_catalogue_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cat = server(dir.path()).catalogue(SITE).unwrap();
    let mut door = device(dir.path());
    door.apply_catalogue(&cat).unwrap();
    let again = door.apply_catalogue(&cat).unwrap();
    assert!(again.unchanged);
    assert_eq!(door.room_candidates(SITTING, SITE, "101").unwrap().len(), 2);
}

#[test]
fn an_older_catalogue_or_another_under_the_held_number_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = server(dir.path());
    let v1 = s.catalogue(SITE).unwrap();
    s.import(&[list(&[row(SITE, "102", 6)])], &options())
        .unwrap();
    let v2 = s.catalogue(SITE).unwrap();
    let mut door = device(dir.path());
    door.apply_catalogue(&v2).unwrap();

    let older = refusal(door.apply_catalogue(&v1));
    assert_eq!(
        older,
        CatalogueRefusal::Older {
            held: 2,
            offered: 1
        }
    );
    assert!(older.to_string().contains("早于"), "{older}");
    let forged = edited(&v1, 2, |_| {});
    assert_eq!(
        refusal(door.apply_catalogue(&forged)),
        CatalogueRefusal::DiffersAtSameVersion { version: 2 }
    );
    assert_eq!(door.room_candidates(SITTING, SITE, "102").unwrap().len(), 2);
    assert_eq!(door.held_catalogue().unwrap(), Some(v2.version()));
}

#[test]
fn a_catalogue_that_does_not_hash_to_its_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut cat = server(dir.path()).catalogue(SITE).unwrap();
    cat.content.candidates[0].seat = 9;
    let mut door = device(dir.path());
    assert!(matches!(
        refusal(door.apply_catalogue(&cat)),
        CatalogueRefusal::Invalid(_)
    ));
    assert_eq!(door.held_catalogue().unwrap(), None);
    assert!(door.sites().unwrap().is_empty());
}

#[test]
fn dropping_a_candidate_with_events_is_refused_naming_them_and_one_without_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let v1 = server(dir.path()).catalogue(SITE).unwrap();
    let mut door = device(dir.path());
    door.apply_catalogue(&v1).unwrap();
    door.act(SITTING, "2242300000001", "P001", &DoorAct::Admit, at(9, 5))
        .unwrap();

    let without_1 = edited(&v1, 2, |c| {
        c.content
            .candidates
            .retain(|x| !x.student_number.ends_with("001"))
    });
    let refused = refusal(door.apply_catalogue(&without_1));
    let message = StoreError::Catalogue(refused.clone()).to_string();
    assert!(
        message.contains("2242300000001") && message.contains("考生1"),
        "{message}"
    );
    assert!(
        !message.contains(&id(1)),
        "no whole ID number in a message: {message}"
    );
    assert_eq!(door.room_candidates(SITTING, SITE, "101").unwrap().len(), 2);
    assert_eq!(door.held_catalogue().unwrap(), Some(v1.version()));

    let without_2 = edited(&v1, 2, |c| {
        c.content
            .candidates
            .retain(|x| !x.student_number.ends_with("002"))
    });
    let report = door.apply_catalogue(&without_2).unwrap();
    assert_eq!(report.removed, 1);
    assert_eq!(door.room_candidates(SITTING, SITE, "101").unwrap().len(), 1);
}

#[test]
fn moving_a_candidate_with_events_is_allowed_and_reported_and_their_record_stays() {
    let dir = tempfile::tempdir().unwrap();
    let v1 = server(dir.path()).catalogue(SITE).unwrap();
    let mut door = device(dir.path());
    door.apply_catalogue(&v1).unwrap();
    door.act(SITTING, "2242300000001", "P001", &DoorAct::Admit, at(9, 5))
        .unwrap();
    let moved = edited(&v1, 2, |c| {
        let x = c
            .content
            .candidates
            .iter_mut()
            .find(|x| x.student_number.ends_with("001"))
            .unwrap();
        x.room = "102".into();
        x.seat = 7;
    });
    let report = door.apply_catalogue(&moved).unwrap();
    assert_eq!(report.moved.len(), 1);
    assert!(report.moved[0].has_events);
    assert_eq!(report.moved[0].to, ("102".to_string(), 7));
    let c = door.candidate(SITTING, "2242300000001").unwrap();
    assert_eq!((c.room.as_str(), c.seat), ("102", 7));
    assert!(
        matches!(
            c.state,
            examgate_core::fold::CandidateState::Admitted { .. }
        ),
        "{:?}",
        c.state
    );
}

#[test]
fn a_chief_dropped_from_the_roster_loses_their_pin_on_the_device() {
    let dir = tempfile::tempdir().unwrap();
    let v1 = server(dir.path()).catalogue(SITE).unwrap();
    let mut door = device(dir.path());
    door.apply_catalogue(&v1).unwrap();
    door.set_pin("C001", "135790", false, at(8, 0)).unwrap();
    let v2 = edited(&v1, 2, |c| c.content.staff.retain(|s| s.id != "C001"));
    let report = door.apply_catalogue(&v2).unwrap();
    assert_eq!(report.pins_removed, vec!["C001".to_string()]);
    assert_eq!(door.staff(SITE, None).unwrap().len(), 1);
}

#[test]
fn the_offices_reimport_never_drops_a_candidate_with_events() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = server(dir.path());
    s.act(SITTING, "2242300000001", "P001", &DoorAct::Admit, at(9, 5))
        .unwrap();
    // Room 101's list again, without candidate 1: refused whole (the import only adds).
    let again = s.import(&[list(&[row(SITE, "101", 2)])], &options());
    assert!(matches!(again, Err(StoreError::Import(_))), "{again:?}");
    assert_eq!(s.room_candidates(SITTING, SITE, "101").unwrap().len(), 2);
    s.candidate(SITTING, "2242300000001").unwrap();
}

#[test]
fn another_sites_catalogue_is_refused_on_a_device_enrolled_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let cat = server(dir.path()).catalogue(SITE).unwrap();
    let mut door = device(dir.path());
    door.set_server_link(&examgate_store::ServerLink {
        urls: vec!["https://127.0.0.1:8740".into()],
        fingerprint: "ab".repeat(32),
        token: "t".into(),
        site: "第二考点".into(),
        room: Some("201".into()),
        role: "proctor".into(),
        staff: "P201".into(),
        enrolled_at: "2026-11-29T09:10:00Z".into(),
    })
    .unwrap();
    assert!(matches!(
        refusal(door.apply_catalogue(&cat)),
        CatalogueRefusal::WrongSite { .. }
    ));
    assert!(door.sites().unwrap().is_empty());
}

#[test]
fn a_catalogue_is_applied_only_with_every_photo_it_names_and_only_the_right_bytes_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let v1 = server(dir.path()).catalogue(SITE).unwrap();
    let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 0xFF, 0xD9];
    let photo = examgate_store::PhotoRef {
        sha256: Catalogue::sha256_of(&jpeg),
        content_type: "image/jpeg".into(),
        size: jpeg.len() as u64,
    };
    let with_photo = edited(&v1, 2, |c| {
        c.content.candidates[0].photo = Some(photo.clone())
    });
    let mut door = device(dir.path());
    assert_eq!(
        door.catalogue_photos_missing(&with_photo).unwrap(),
        vec![photo.clone()]
    );
    assert_eq!(
        refusal(door.apply_catalogue(&with_photo)),
        CatalogueRefusal::PhotosMissing(1)
    );
    assert!(door.sites().unwrap().is_empty());
    // Bytes that are not the photo named are not kept.
    assert!(matches!(
        refusal(door.keep_catalogue_photo(&photo, &jpeg[..8])),
        CatalogueRefusal::Invalid(_)
    ));
    door.keep_catalogue_photo(&photo, &jpeg).unwrap();
    assert!(
        door.catalogue_photos_missing(&with_photo)
            .unwrap()
            .is_empty()
    );
    door.apply_catalogue(&with_photo).unwrap();
    let student = &with_photo.content.candidates[0].student_number;
    let (kind, bytes) = door.registration_photo(SITTING, student).unwrap().unwrap();
    assert_eq!((kind.as_str(), bytes.as_slice()), ("image/jpeg", &jpeg[..]));
}

#[test]
fn an_empty_catalogue_leaves_what_the_device_holds() {
    let dir = tempfile::tempdir().unwrap();
    let mut door = device(dir.path());
    door.import(&[list(&[row(SITE, "101", 1)]), roster()], &options())
        .unwrap();
    // The server has lists for other sites only.
    let mut empty = server(dir.path()).catalogue("没有座次表的考点").unwrap();
    assert!(empty.content.rooms.is_empty());
    empty.content.site = SITE.into();
    empty.sha256 = empty.content.sha256();
    assert!(door.apply_catalogue(&empty).unwrap().unchanged);
    assert_eq!(door.room_candidates(SITTING, SITE, "101").unwrap().len(), 1);
    assert_eq!(door.held_catalogue().unwrap(), None);
}
