//! The PIN hash is costly (argon2id at today's parameters); a hash stored with the old, cheap
//! parameters still lets its chief approve, and is replaced by a current one when they do.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use argon2::password_hash::PasswordHasher;
use chrono::{DateTime, FixedOffset, TimeZone};
use examgate_core::door::DoorAct;
use examgate_core::event::{PhotoRef, PhotoSource};
use examgate_core::fold::CandidateState;
use examgate_core::timeline::CHINA_OFFSET;
use examgate_store::Store;
use examgate_store::pin_hash::{M_COST_KIB, T_COST};

const SITTING: &str = "2023春 第一次";
const SITE: &str = "宜昌电大校本部";
const PIN: &str = "135790";

fn at(h: u32, m: u32) -> DateTime<FixedOffset> {
    CHINA_OFFSET.with_ymd_and_hms(2023, 4, 15, h, m, 0).unwrap()
}

fn stored_hash(db: &std::path::Path, chief: &str) -> String {
    examgate_store::connect(db)
        .unwrap()
        .query_row(
            "SELECT hash FROM chief_pin WHERE staff_id = ?1",
            [chief],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_pin_is_hashed_with_argon2id_at_64_mib_and_3_passes() {
    const { assert!(M_COST_KIB >= 64 * 1024 && T_COST >= 3) };
    let hash = examgate_store::pin_hash::hash(PIN).unwrap();
    assert!(
        hash.starts_with(&format!("$argon2id$v=19$m={M_COST_KIB},t={T_COST},p=1$")),
        "{hash}"
    );
}

#[test]
fn a_hash_with_the_old_cheap_parameters_still_verifies_and_is_rehashed_on_success() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pin.db");
    let mut store = Store::open(&db).unwrap();
    examgate_demo::load(&mut store).unwrap();
    let staff = store.staff(SITE, Some("01")).unwrap();
    let proctor = staff.iter().find(|s| s.room.is_some()).unwrap().id.clone();
    let chief = staff.iter().find(|s| s.room.is_none()).unwrap().id.clone();
    let student = store.room_candidates(SITTING, SITE, "01").unwrap()[0]
        .student_number
        .clone();
    let vouch = DoorAct::Vouch {
        photo: PhotoRef {
            file: "photo.jpg".into(),
            sha256: "ab".repeat(32),
            public_key: "cd".repeat(32),
            signature: "ef".repeat(64),
            source: PhotoSource::Camera,
        },
        face: None,
    };
    store
        .act(SITTING, &student, &proctor, &vouch, at(8, 40))
        .unwrap();
    store.set_pin(&chief, PIN, false, at(8, 0)).unwrap();

    // As the program before this change stored it: the argon2 crate's defaults (19 MiB, t=2).
    let old = argon2::Argon2::default()
        .hash_password(PIN.as_bytes())
        .unwrap()
        .to_string();
    assert!(old.contains("m=19456,t=2,p=1"), "{old}");
    examgate_store::connect(&db)
        .unwrap()
        .execute(
            "UPDATE chief_pin SET hash = ?1 WHERE staff_id = ?2",
            [&old, &chief],
        )
        .unwrap();

    let r = store
        .decide_with_pin(SITTING, &student, &chief, PIN, &DoorAct::Approve, at(8, 45))
        .unwrap();
    assert_eq!(r.state, CandidateState::Admitted { manual: true });
    let now = stored_hash(&db, &chief);
    assert_ne!(now, old);
    assert!(
        now.starts_with(&format!("$argon2id$v=19$m={M_COST_KIB},t={T_COST},p=1$")),
        "{now}"
    );
}
