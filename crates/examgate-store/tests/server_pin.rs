//! Chief examiners' PINs set at the site server, on real database files: the server's store keeps
//! the verifier, the salt and the proof key; the catalogue carries the first two (never the key)
//! and a device applying it installs them as the chief's PIN; an approval typed with that PIN at
//! the device carries a proof the server's key checks; an enrolled device sets no PIN itself.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use examgate_core::chief_proof::{self, ProofKey};
use examgate_core::door::DoorAct;
use examgate_core::event::{Event, PhotoRef};
use examgate_core::fold::CandidateState;
use examgate_core::model::Sitting;
use examgate_store::import::SourceFile;
use examgate_store::{Catalogue, ImportOptions, ServerLink, Store, StoreError};
use examgate_testkit::resident_id;

const SITTING: &str = "2024春 第一次";
const SITE: &str = "第一考点";
const CHIEF: &str = "C001";
const PROCTOR: &str = "P001";
const PIN: &str = "246810";
const STUDENT: &str = "2242300000001";

fn at(h: u32, m: u32) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("2024-04-13T{h:02}:{m:02}:00+08:00")).unwrap()
}

/// A server store holding 第一考点, room 101, candidates 1 and 2, proctor P001 and chief C001.
fn server(dir: &std::path::Path) -> Store {
    let mut s = Store::open(dir.join("site.db")).unwrap();
    let rows: String = (1..=2)
        .map(|n| {
            format!(
                "2242300000{n:03},考生{n},身份证,{},{SITE},{SITE}地址,101,{SITE}101室,{n}\n",
                resident_id(&format!("42060219900101{n:03}"))
            )
        })
        .collect();
    let list = SourceFile {
        name: "座次表.csv".into(),
        bytes: format!("学号,姓名,证件类型,证件号码,考点,考点地址,考场,考场地址,座位号\n{rows}")
            .into_bytes(),
    };
    let roster = SourceFile {
        name: "监考名单.csv".into(),
        bytes: format!(
            "工号,姓名,角色,考点,考场\n{PROCTOR},王老师,监考,{SITE},101\n{CHIEF},李主考,主考,{SITE},\n"
        )
        .into_bytes(),
    };
    let options = ImportOptions {
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
    };
    s.import(&[list, roster], &options).unwrap();
    s
}

fn enroll(device: &mut Store) {
    device
        .set_server_link(&ServerLink {
            urls: vec!["https://127.0.0.1:8740".into()],
            fingerprint: "ab".repeat(32),
            token: "t".into(),
            site: SITE.into(),
            room: Some("101".into()),
            role: "proctor".into(),
            staff: PROCTOR.into(),
            enrolled_at: "2026-11-29T09:10:00Z".into(),
        })
        .unwrap();
}

/// An enrolled door device holding the server's current catalogue.
fn door(dir: &std::path::Path, server: &mut Store) -> Store {
    let mut d = Store::open(dir.join("door.db")).unwrap();
    enroll(&mut d);
    d.apply_catalogue(&server.catalogue(SITE).unwrap()).unwrap();
    d
}

fn vouch(d: &mut Store, student: &str) {
    let photo = PhotoRef {
        file: "photo.jpg".into(),
        sha256: "ab".repeat(32),
        ..PhotoRef::default()
    };
    d.act(
        SITTING,
        student,
        PROCTOR,
        &DoorAct::Vouch { photo, face: None },
        at(8, 40),
    )
    .unwrap();
}

fn key(server: &Store) -> ProofKey {
    server.chief_proof_key(SITE, CHIEF).unwrap().unwrap()
}

fn approve(d: &mut Store, student: &str, pin: &str) -> Result<Event, StoreError> {
    d.decide_with_pin(SITTING, student, CHIEF, pin, &DoorAct::Approve, at(8, 45))
        .map(|r| r.event)
}

#[test]
fn a_pin_set_at_the_server_travels_as_verifier_and_salt_never_as_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = server(dir.path());
    let before = s.catalogue(SITE).unwrap();
    assert!(before.content.staff.iter().all(|p| p.pin.is_none()));
    s.set_pin_at_server(CHIEF, PIN, at(8, 0)).unwrap();
    let after = s.catalogue(SITE).unwrap();
    assert_eq!(
        after.version,
        before.version + 1,
        "a new PIN is a new catalogue"
    );
    let chief = after.content.staff.iter().find(|p| p.id == CHIEF).unwrap();
    let pin = chief.pin.as_ref().unwrap();
    assert_eq!(pin.salt.len(), 32);
    let json = String::from_utf8(after.content.canonical_bytes()).unwrap();
    assert!(
        !json.contains(&hex::encode(key(&s))),
        "the key never leaves"
    );
    assert!(!json.contains(PIN));
    let proctor = after
        .content
        .staff
        .iter()
        .find(|p| p.id == PROCTOR)
        .unwrap();
    assert_eq!(proctor.pin, None);
    assert_eq!(
        key(&s),
        examgate_store::pin_hash::proof_key(PIN, &pin.salt).unwrap(),
        "the key is argon2id(PIN, salt)"
    );
    assert_eq!(
        pin.verifier,
        examgate_store::pin_hash::proof_verifier(&key(&s))
    );
    assert_ne!(pin.verifier, hex::encode(key(&s)));
    assert_eq!(
        s.chief_proof_key("第二考点", CHIEF).unwrap(),
        None,
        "a chief of this site only"
    );
    // `examgate pin set --replace` run on the server's database would withdraw it: refused.
    let got = s.set_pin(CHIEF, "135790", true, at(8, 0));
    assert!(matches!(got, Err(StoreError::PinSetAtServer(_))), "{got:?}");
    assert_eq!(
        s.catalogue(SITE).unwrap().version,
        after.version,
        "nothing changed"
    );
}

#[test]
fn the_server_sets_a_pin_for_a_chief_examiner_only_and_a_strong_one_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = server(dir.path());
    assert!(matches!(
        s.set_pin_at_server(PROCTOR, PIN, at(8, 0)),
        Err(StoreError::NotChief(_))
    ));
    assert!(matches!(
        s.set_pin_at_server("Z999", PIN, at(8, 0)),
        Err(StoreError::UnknownStaff(_))
    ));
    for weak in ["12345", "12345a", ""] {
        assert!(matches!(
            s.set_pin_at_server(CHIEF, weak, at(8, 0)),
            Err(StoreError::WeakPin)
        ));
    }
    assert_eq!(s.chief_proof_key(SITE, CHIEF).unwrap(), None);
    assert_eq!(s.chief_proof_key(SITE, PROCTOR).unwrap(), None);
}

#[test]
fn an_approval_typed_at_the_door_with_the_servers_pin_carries_a_proof_the_servers_key_checks() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = server(dir.path());
    s.set_pin_at_server(CHIEF, PIN, at(8, 0)).unwrap();
    let mut d = door(dir.path(), &mut s);
    assert!(d.has_pin(CHIEF).unwrap());
    vouch(&mut d, STUDENT);
    let wrong = approve(&mut d, STUDENT, "135790");
    assert!(
        matches!(wrong, Err(StoreError::WrongPin { left: 4 })),
        "{wrong:?}"
    );
    let e = approve(&mut d, STUDENT, PIN).unwrap();
    assert!(e.chief_proof.is_some());
    assert!(chief_proof::verifies(&key(&s), &e));
    assert_eq!(
        d.candidate(SITTING, STUDENT).unwrap().state,
        CandidateState::Admitted { manual: true }
    );
    // The stored verifier is the catalogue's, kept as it is after a right PIN (no rehash).
    vouch(&mut d, "2242300000002");
    let again = approve(&mut d, "2242300000002", PIN).unwrap();
    assert!(chief_proof::verifies(&key(&s), &again));
    // A proof made with a key from another PIN does not pass the server's key.
    let salt = s.catalogue(SITE).unwrap().content.staff[0]
        .pin
        .clone()
        .unwrap()
        .salt;
    let forged_key = examgate_store::pin_hash::proof_key("135790", &salt).unwrap();
    let forged = chief_proof::with_proof(&forged_key, e.clone());
    assert!(!chief_proof::verifies(&key(&s), &forged));
}

#[test]
fn a_proctors_act_carries_no_proof() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = server(dir.path());
    s.set_pin_at_server(CHIEF, PIN, at(8, 0)).unwrap();
    let mut d = door(dir.path(), &mut s);
    let e = d
        .act(SITTING, STUDENT, PROCTOR, &DoorAct::Admit, at(8, 40))
        .unwrap()
        .event;
    assert_eq!(e.chief_proof, None);
}

#[test]
fn an_enrolled_device_refuses_to_set_a_pin_and_a_standalone_one_still_does() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = server(dir.path());
    let mut d = door(dir.path(), &mut s);
    let got = d.set_pin(CHIEF, PIN, false, at(8, 0));
    assert!(matches!(got, Err(StoreError::PinSetAtServer(_))), "{got:?}");
    assert_eq!(got.unwrap_err().code(), "pin-set-at-server");
    assert!(!d.has_pin(CHIEF).unwrap());

    let mut alone = Store::open(dir.path().join("alone.db")).unwrap();
    alone.apply_catalogue(&s.catalogue(SITE).unwrap()).unwrap();
    alone.set_pin(CHIEF, PIN, false, at(8, 0)).unwrap();
    vouch(&mut alone, STUDENT);
    let e = approve(&mut alone, STUDENT, PIN).unwrap();
    assert_eq!(
        e.chief_proof, None,
        "a PIN set on the device proves nothing"
    );
}

#[test]
fn the_servers_pin_replaces_one_set_on_the_device_before_it_enrolled() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = server(dir.path());
    let mut d = Store::open(dir.path().join("door.db")).unwrap();
    d.apply_catalogue(&s.catalogue(SITE).unwrap()).unwrap();
    d.set_pin(CHIEF, "135790", false, at(8, 0)).unwrap();
    enroll(&mut d);
    vouch(&mut d, STUDENT);

    // The server has no PIN for the chief yet: the device's own goes (it could prove nothing).
    let v2 = bumped(&s.catalogue(SITE).unwrap());
    let report = d.apply_catalogue(&v2).unwrap();
    assert_eq!(report.pins_removed, vec![CHIEF.to_string()]);
    assert!(matches!(
        approve(&mut d, STUDENT, "135790"),
        Err(StoreError::NoPin(_))
    ));

    s.set_pin_at_server(CHIEF, PIN, at(8, 0)).unwrap();
    let mut v3 = s.catalogue(SITE).unwrap();
    v3.version = v2.version + 1;
    d.apply_catalogue(&v3).unwrap();
    assert!(matches!(
        approve(&mut d, STUDENT, "135790"),
        Err(StoreError::WrongPin { .. })
    ));
    let e = approve(&mut d, STUDENT, PIN).unwrap();
    assert!(chief_proof::verifies(&key(&s), &e));
}

/// `c` numbered one higher with its site address changed: any other change to the catalogue.
fn bumped(c: &Catalogue) -> Catalogue {
    let mut c = c.clone();
    c.content.address.push('乙');
    c.version += 1;
    c.sha256 = c.content.sha256();
    c
}

#[test]
fn the_same_pin_again_keeps_the_wrong_try_count_and_a_reset_one_clears_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = server(dir.path());
    s.set_pin_at_server(CHIEF, PIN, at(8, 0)).unwrap();
    let mut d = door(dir.path(), &mut s);
    vouch(&mut d, STUDENT);
    for left in [4, 3] {
        let got = approve(&mut d, STUDENT, "135790");
        assert!(
            matches!(got, Err(StoreError::WrongPin { left: l }) if l == left),
            "{got:?}"
        );
    }
    let v2 = bumped(&s.catalogue(SITE).unwrap());
    d.apply_catalogue(&v2).unwrap();
    let got = approve(&mut d, STUDENT, "135790");
    assert!(
        matches!(got, Err(StoreError::WrongPin { left: 2 })),
        "{got:?}"
    );

    // The office resets the PIN: the server's next catalogue carries another verifier.
    s.set_pin_at_server(CHIEF, "975310", at(8, 30)).unwrap();
    let mut v3 = s.catalogue(SITE).unwrap();
    v3.version = v2.version + 1;
    d.apply_catalogue(&v3).unwrap();
    let got = approve(&mut d, STUDENT, PIN);
    assert!(
        matches!(got, Err(StoreError::WrongPin { left: 4 })),
        "{got:?}"
    );
    let e = approve(&mut d, STUDENT, "975310").unwrap();
    assert!(chief_proof::verifies(&key(&s), &e));
}

#[test]
fn a_catalogue_giving_a_proctor_a_pin_or_a_malformed_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = server(dir.path());
    s.set_pin_at_server(CHIEF, PIN, at(8, 0)).unwrap();
    let good = s.catalogue(SITE).unwrap();
    let pin = good.content.staff[0].pin.clone().unwrap();
    let edits: [&dyn Fn(&mut Catalogue); 3] = [
        &|c| c.content.staff[1].pin = Some(pin.clone()),
        &|c| c.content.staff[0].pin.as_mut().unwrap().salt = "zz".repeat(16),
        &|c| c.content.staff[0].pin.as_mut().unwrap().verifier = "$argon2id$v=19$m=65536".into(),
    ];
    for (i, edit) in edits.iter().enumerate() {
        let mut d = Store::open(dir.path().join(format!("d{i}.db"))).unwrap();
        let mut c = good.clone();
        edit(&mut c);
        c.sha256 = c.content.sha256();
        let got = d.apply_catalogue(&c);
        assert!(matches!(got, Err(StoreError::Catalogue(_))), "{got:?}");
        assert!(!d.has_pin(CHIEF).unwrap());
    }
    let mut d = Store::open(dir.path().join("good.db")).unwrap();
    d.apply_catalogue(&good).unwrap();
    assert!(
        d.has_pin(CHIEF).unwrap(),
        "the catalogue unedited is applied"
    );
}
