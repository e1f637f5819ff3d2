//! Proctors signing in at the room with their staff number and PIN, substitutes approved by the
//! chief examiner's PIN, and the room's timeline ticks, through a real store on a real file.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use chrono::{DateTime, Duration, FixedOffset, TimeZone};
use examgate_core::timeline::CHINA_OFFSET;
use examgate_core::timeline_steps::TimelineStep;
use examgate_store::{AtRoom, Store, StoreError};

const SITTING: &str = "2023春 第一次";
const SITE: &str = "襄阳电大校本部";
const ROOM: AtRoom<'static> = AtRoom {
    sitting: SITTING,
    site: SITE,
    room: "01",
};
/// On room 01's roster; J2201 is on room 02's; J3101 and Z03 are of another site.
const ON_ROSTER: &str = "J2101";
const OTHER_ROOM: &str = "J2201";
const CHIEF: &str = "Z02";

fn at(h: u32, m: u32) -> DateTime<FixedOffset> {
    CHINA_OFFSET.with_ymd_and_hms(2023, 4, 15, h, m, 0).unwrap()
}

fn demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("door.db")).unwrap();
    examgate_demo::load(&mut store).unwrap();
    (dir, store)
}

fn sign_in(store: &mut Store, who: &str, pin: &str, again: Option<&str>) -> Result<(), StoreError> {
    store
        .sign_in_proctor_with_pin(ROOM, who, pin, again, at(8, 5))
        .map(|_| ())
}

#[test]
fn a_proctor_sets_their_pin_typed_twice_at_the_first_sign_in_and_it_is_checked_after() {
    let (_d, mut store) = demo();
    let err = sign_in(&mut store, ON_ROSTER, "135790", Some("135791")).unwrap_err();
    assert!(matches!(err, StoreError::PinsDiffer), "{err}");
    let err = sign_in(&mut store, ON_ROSTER, "1357", Some("1357")).unwrap_err();
    assert!(matches!(err, StoreError::WeakPin), "{err}");
    assert!(!store.proctor_has_pin(ON_ROSTER).unwrap());
    assert!(store.room_presence(ROOM).unwrap().signed_in.is_empty());

    sign_in(&mut store, ON_ROSTER, "135790", Some("135790")).unwrap();
    assert!(store.proctor_has_pin(ON_ROSTER).unwrap());
    let here = store.room_presence(ROOM).unwrap();
    assert!(!here.signed_in[ON_ROSTER].substitute);

    let err = sign_in(&mut store, ON_ROSTER, "135790", None).unwrap_err();
    assert!(matches!(err, StoreError::AlreadySignedIn(_)), "{err}");
    // At the next room the PIN set here is checked, not set again.
    let room2 = AtRoom { room: "02", ..ROOM };
    let err = store
        .sign_in_proctor_with_pin(room2, ON_ROSTER, "000000", Some("000000"), at(8, 6))
        .unwrap_err();
    assert!(matches!(err, StoreError::WrongPin { left: 4 }), "{err}");
    let e = store
        .sign_in_proctor_with_pin(room2, ON_ROSTER, "135790", None, at(8, 7))
        .unwrap();
    assert!(
        serde_json::to_string(&e)
            .unwrap()
            .contains(r#""substitute":true"#)
    );
    let outcomes: Vec<String> = store
        .proctor_pin_attempts(ON_ROSTER)
        .unwrap()
        .into_iter()
        .map(|(_, o)| o)
        .collect();
    assert_eq!(outcomes, ["set", "wrong", "accepted"]);
}

#[test]
fn a_colleague_guessing_a_proctors_pin_is_locked_out_after_five_tries_even_with_the_right_one() {
    let (_d, mut store) = demo();
    store
        .sign_in_proctor_with_pin(
            AtRoom { room: "02", ..ROOM },
            ON_ROSTER,
            "246802",
            Some("246802"),
            at(8, 0),
        )
        .unwrap();
    for left in (1..=4).rev() {
        let err = sign_in(&mut store, ON_ROSTER, "111111", None).unwrap_err();
        assert!(
            matches!(err, StoreError::WrongPin { left: l } if l == left),
            "{err}"
        );
    }
    let err = sign_in(&mut store, ON_ROSTER, "111111", None).unwrap_err();
    assert!(
        matches!(err, StoreError::PinLocked { seconds: 300 }),
        "{err}"
    );
    let err = sign_in(&mut store, ON_ROSTER, "246802", None).unwrap_err();
    assert!(matches!(err, StoreError::PinLocked { .. }), "{err}");
    assert!(store.room_presence(ROOM).unwrap().signed_in.is_empty());
    let later = at(8, 5) + Duration::minutes(6);
    store
        .sign_in_proctor_with_pin(ROOM, ON_ROSTER, "246802", None, later)
        .unwrap();
    let outcomes: Vec<String> = store
        .proctor_pin_attempts(ON_ROSTER)
        .unwrap()
        .into_iter()
        .map(|(_, o)| o)
        .collect();
    assert_eq!(
        outcomes,
        [
            "set",
            "wrong",
            "wrong",
            "wrong",
            "wrong",
            "locked-out",
            "refused-locked",
            "accepted"
        ]
    );
}

#[test]
fn only_a_proctor_of_the_rooms_site_signs_in_there() {
    let (_d, mut store) = demo();
    let err = sign_in(&mut store, "J3101", "135790", Some("135790")).unwrap_err();
    assert!(matches!(err, StoreError::NotOfSite { .. }), "{err}");
    let err = sign_in(&mut store, CHIEF, "135790", Some("135790")).unwrap_err();
    assert!(matches!(err, StoreError::NotProctor(_)), "{err}");
    let err = sign_in(&mut store, "NOBODY", "135790", Some("135790")).unwrap_err();
    assert!(matches!(err, StoreError::UnknownStaff(_)), "{err}");
    let err = store
        .sign_in_proctor_with_pin(
            AtRoom { room: "99", ..ROOM },
            ON_ROSTER,
            "135790",
            Some("135790"),
            at(8, 5),
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::UnknownRoom { .. }), "{err}");
    assert!(
        !store.proctor_has_pin("J3101").unwrap(),
        "no PIN set by a refused sign-in"
    );
}

#[test]
fn a_substitute_is_approved_only_by_a_chief_of_the_site_with_the_chiefs_pin() {
    let (_d, mut store) = demo();
    store.set_pin(CHIEF, "975310", false, at(7, 0)).unwrap();
    store.set_pin("Z03", "975310", false, at(7, 0)).unwrap();
    sign_in(&mut store, ON_ROSTER, "135790", Some("135790")).unwrap();
    sign_in(&mut store, OTHER_ROOM, "246802", Some("246802")).unwrap();
    assert!(store.room_presence(ROOM).unwrap().signed_in[OTHER_ROOM].substitute);

    let approve = |store: &mut Store, proctor: &str, chief: &str, pin: &str| {
        store.approve_substitute(ROOM, proctor, chief, pin, at(8, 10))
    };
    // A proctor's own credentials approve nothing.
    let err = approve(&mut store, OTHER_ROOM, ON_ROSTER, "135790").unwrap_err();
    assert!(matches!(err, StoreError::NotChief(_)), "{err}");
    let err = approve(&mut store, OTHER_ROOM, "Z03", "975310").unwrap_err();
    assert!(matches!(err, StoreError::NotOfSite { .. }), "{err}");
    let err = approve(&mut store, OTHER_ROOM, CHIEF, "000000").unwrap_err();
    assert!(matches!(err, StoreError::WrongPin { left: 4 }), "{err}");
    let err = approve(&mut store, ON_ROSTER, CHIEF, "975310").unwrap_err();
    assert!(
        matches!(err, StoreError::NoSubstitute(_)),
        "on the roster: nothing to approve"
    );
    assert_eq!(
        store.room_presence(ROOM).unwrap().signed_in[OTHER_ROOM].approved_by,
        None
    );

    approve(&mut store, OTHER_ROOM, CHIEF, "975310").unwrap();
    let here = store.room_presence(ROOM).unwrap();
    assert_eq!(
        here.signed_in[OTHER_ROOM].approved_by.as_deref(),
        Some(CHIEF)
    );
    let err = approve(&mut store, OTHER_ROOM, CHIEF, "975310").unwrap_err();
    assert!(matches!(err, StoreError::NoSubstitute(_)), "approved once");
    let purposes: Vec<(String, String)> = store
        .pin_attempts(CHIEF)
        .unwrap()
        .into_iter()
        .map(|a| (a.purpose, a.outcome))
        .collect();
    assert_eq!(
        purposes,
        [
            ("substitute".to_string(), "wrong".to_string()),
            ("substitute".to_string(), "accepted".to_string())
        ]
    );
}

#[test]
fn a_chiefs_pin_try_approving_a_substitute_is_recorded_with_its_sitting_and_no_candidate() {
    let (_d, mut store) = demo();
    store.set_pin(CHIEF, "975310", false, at(7, 0)).unwrap();
    sign_in(&mut store, OTHER_ROOM, "246802", Some("246802")).unwrap();
    let wrong = store.approve_substitute(ROOM, OTHER_ROOM, CHIEF, "000000", at(8, 10));
    assert!(matches!(wrong, Err(StoreError::WrongPin { .. })));
    store
        .approve_substitute(ROOM, OTHER_ROOM, CHIEF, "975310", at(8, 11))
        .unwrap();
    let tries: Vec<(Option<String>, Option<String>, String)> = store
        .pin_attempts(CHIEF)
        .unwrap()
        .into_iter()
        .map(|a| (a.sitting, a.candidate, a.outcome))
        .collect();
    let sitting = Some(SITTING.to_string());
    assert_eq!(
        tries,
        [
            (sitting.clone(), None, "wrong".to_string()),
            (sitting, None, "accepted".to_string())
        ]
    );
}

#[test]
fn a_step_is_ticked_once_its_time_has_come_by_staff_of_the_site_at_a_room_of_the_site() {
    let (_d, mut store) = demo();
    let err = store
        .tick_step(ROOM, ON_ROSTER, TimelineStep::Notice, at(8, 29))
        .unwrap_err();
    assert!(matches!(err, StoreError::StepNotDue), "{err}");
    store
        .tick_step(ROOM, ON_ROSTER, TimelineStep::Notice, at(8, 30))
        .unwrap();
    let err = store
        .tick_step(ROOM, "J3101", TimelineStep::Start, at(9, 0))
        .unwrap_err();
    assert!(matches!(err, StoreError::NotOfSite { .. }), "{err}");
    let err = store
        .tick_step(
            AtRoom {
                site: "宜昌电大校本部",
                ..ROOM
            },
            ON_ROSTER,
            TimelineStep::Start,
            at(9, 0),
        )
        .unwrap_err();
    assert!(
        matches!(err, StoreError::NotOfSite { .. }),
        "another site's room: {err}"
    );
    let ticked = store.room_presence(ROOM).unwrap().ticked;
    assert_eq!(
        ticked.keys().copied().collect::<Vec<_>>(),
        [TimelineStep::Notice]
    );
    assert_eq!(ticked[&TimelineStep::Notice].by, ON_ROSTER);
    let other = AtRoom { room: "02", ..ROOM };
    assert!(store.room_presence(other).unwrap().ticked.is_empty());
}

#[test]
fn a_step_is_ticked_only_by_a_proctor_of_the_room_one_signed_in_there_or_the_chief() {
    let (_d, mut store) = demo();
    // J2201 is of the site but on room 02's roster and not signed in at room 01.
    let err = store
        .tick_step(ROOM, OTHER_ROOM, TimelineStep::Notice, at(8, 30))
        .unwrap_err();
    assert!(matches!(err, StoreError::NotAtRoom { .. }), "{err}");
    assert!(store.room_presence(ROOM).unwrap().ticked.is_empty());
    store
        .tick_step(ROOM, CHIEF, TimelineStep::Notice, at(8, 30))
        .unwrap();
    store
        .tick_step(ROOM, ON_ROSTER, TimelineStep::StaffInRoom, at(8, 30))
        .unwrap();
    // Signed in at room 01 as a substitute, J2201 may tick there.
    sign_in(&mut store, OTHER_ROOM, "246802", Some("246802")).unwrap();
    store
        .tick_step(ROOM, OTHER_ROOM, TimelineStep::Start, at(9, 0))
        .unwrap();
}
