//! The site's chief examiner resetting a proctor's PIN with the chief's own PIN, through a real
//! store on a real file: who may, what a wrong PIN costs the chief, and the proctor's next
//! sign-in setting a new PIN.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use chrono::{DateTime, FixedOffset, TimeZone};
use examgate_core::timeline::CHINA_OFFSET;
use examgate_store::{AtRoom, Store, StoreError};

const SITTING: &str = "2023春 第一次";
const SITE: &str = "襄阳电大校本部";
const ROOM: AtRoom<'static> = AtRoom {
    sitting: SITTING,
    site: SITE,
    room: "01",
};
/// On room 01's roster; J2201 is on room 02's; J3101 and Z03 are of another site.
const PROCTOR: &str = "J2101";
const CHIEF: &str = "Z02";
const CHIEF_PIN: &str = "975310";

fn at(h: u32, m: u32) -> DateTime<FixedOffset> {
    CHINA_OFFSET.with_ymd_and_hms(2023, 4, 15, h, m, 0).unwrap()
}

fn demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("door.db")).unwrap();
    examgate_demo::load(&mut store).unwrap();
    store.set_pin(CHIEF, CHIEF_PIN, false, at(7, 0)).unwrap();
    store.set_pin("Z03", CHIEF_PIN, false, at(7, 0)).unwrap();
    (dir, store)
}

fn outcomes(store: &Store) -> Vec<String> {
    store
        .proctor_pin_attempts(PROCTOR)
        .unwrap()
        .into_iter()
        .map(|(_, o)| o)
        .collect()
}

#[test]
fn a_chief_of_the_site_resets_a_locked_proctors_pin_and_the_next_sign_in_sets_a_new_one() {
    let (_d, mut store) = demo();
    // A colleague reached the device first and set the proctor's PIN; the proctor, not knowing
    // it, locks themselves out.
    let room2 = AtRoom { room: "02", ..ROOM };
    store
        .sign_in_proctor_with_pin(room2, PROCTOR, "246802", Some("246802"), at(7, 30))
        .unwrap();
    for _ in 0..5 {
        store
            .sign_in_proctor_with_pin(ROOM, PROCTOR, "111111", None, at(8, 0))
            .unwrap_err();
    }
    store
        .reset_proctor_pin(ROOM, PROCTOR, CHIEF, CHIEF_PIN, at(8, 1))
        .unwrap();
    assert!(!store.proctor_has_pin(PROCTOR).unwrap());
    // The lock went with the PIN: a minute later, the proctor sets a new one, typed twice.
    let err = store
        .sign_in_proctor_with_pin(ROOM, PROCTOR, "135790", None, at(8, 2))
        .unwrap_err();
    assert!(matches!(err, StoreError::PinsDiffer), "{err}");
    store
        .sign_in_proctor_with_pin(ROOM, PROCTOR, "135790", Some("135790"), at(8, 2))
        .unwrap();
    assert!(
        store
            .room_presence(ROOM)
            .unwrap()
            .signed_in
            .contains_key(PROCTOR)
    );
    // The colleague's PIN no longer opens anything; the new one is checked from now on.
    let room3 = AtRoom { room: "03", ..ROOM };
    let err = store
        .sign_in_proctor_with_pin(room3, PROCTOR, "246802", None, at(8, 3))
        .unwrap_err();
    assert!(matches!(err, StoreError::WrongPin { left: 4 }), "{err}");
    assert_eq!(
        outcomes(&store),
        [
            "set",
            "wrong",
            "wrong",
            "wrong",
            "wrong",
            "locked-out",
            "reset",
            "set",
            "wrong"
        ]
    );
    let tries = store.pin_attempts(CHIEF).unwrap();
    assert_eq!(tries.len(), 1);
    assert_eq!(tries[0].purpose, "proctor-reset");
    assert_eq!(tries[0].outcome, "accepted");
    assert_eq!(tries[0].sitting.as_deref(), Some(SITTING));
    assert_eq!(tries[0].candidate, None);
}

#[test]
fn only_a_chief_of_the_proctors_site_with_the_right_pin_resets_it() {
    let (_d, mut store) = demo();
    store
        .sign_in_proctor_with_pin(ROOM, PROCTOR, "246802", Some("246802"), at(7, 30))
        .unwrap();
    // A proctor's credentials: another proctor, or the proctor with their own PIN.
    let err = store
        .reset_proctor_pin(ROOM, PROCTOR, "J2201", "246802", at(8, 0))
        .unwrap_err();
    assert!(matches!(err, StoreError::NotChief(_)), "{err}");
    let err = store
        .reset_proctor_pin(ROOM, PROCTOR, PROCTOR, "246802", at(8, 0))
        .unwrap_err();
    assert!(matches!(err, StoreError::NotChief(_)), "{err}");
    // A chief of another site.
    let err = store
        .reset_proctor_pin(ROOM, PROCTOR, "Z03", CHIEF_PIN, at(8, 0))
        .unwrap_err();
    assert!(matches!(err, StoreError::NotOfSite { .. }), "{err}");
    // A proctor of another site, or a chief in a proctor's place.
    let err = store
        .reset_proctor_pin(ROOM, "J3101", CHIEF, CHIEF_PIN, at(8, 0))
        .unwrap_err();
    assert!(matches!(err, StoreError::NotOfSite { .. }), "{err}");
    let err = store
        .reset_proctor_pin(ROOM, "Z02", CHIEF, CHIEF_PIN, at(8, 0))
        .unwrap_err();
    assert!(matches!(err, StoreError::NotProctor(_)), "{err}");
    // None of those checked a PIN.
    assert!(store.pin_attempts(CHIEF).unwrap().is_empty());
    assert!(store.pin_attempts("Z03").unwrap().is_empty());
    // A wrong chief PIN is refused and counted: the 5th locks the chief out, the right one too.
    for left in (1..=4).rev() {
        let err = store
            .reset_proctor_pin(ROOM, PROCTOR, CHIEF, "000000", at(8, 1))
            .unwrap_err();
        assert!(
            matches!(err, StoreError::WrongPin { left: l } if l == left),
            "{err}"
        );
    }
    let err = store
        .reset_proctor_pin(ROOM, PROCTOR, CHIEF, "000000", at(8, 1))
        .unwrap_err();
    assert!(matches!(err, StoreError::PinLocked { .. }), "{err}");
    let err = store
        .reset_proctor_pin(ROOM, PROCTOR, CHIEF, CHIEF_PIN, at(8, 2))
        .unwrap_err();
    assert!(matches!(err, StoreError::PinLocked { .. }), "{err}");
    // The proctor's PIN stands, and no reset was recorded.
    assert!(store.proctor_has_pin(PROCTOR).unwrap());
    assert_eq!(outcomes(&store), ["set"]);
    let purposes: Vec<String> = store
        .pin_attempts(CHIEF)
        .unwrap()
        .into_iter()
        .map(|t| format!("{}:{}", t.purpose, t.outcome))
        .collect();
    assert_eq!(purposes.len(), 6);
    assert!(purposes.iter().all(|p| p.starts_with("proctor-reset:")));
    assert_eq!(purposes[5], "proctor-reset:refused-locked");
}
