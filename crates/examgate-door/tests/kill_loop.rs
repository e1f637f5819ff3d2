//! "Killed while saving a photo, the door loses nothing it acknowledged and keeps no photo
//! unexplained": a child process vouches for candidates one after another (the photo is stamped,
//! signed, written, then the event committed), printing ACK after each, and is SIGKILLed at a
//! random point, many times over the same data folder. After each kill the door opens: every
//! acknowledged candidate is pending with the photo the event names, intact; every photo on disk
//! is named by an event or was moved to the quarantine and reported; no half-written file is left.
#![cfg(unix)]
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use common::{SITTING, camera_jpeg, demo, files_in, open, photos, proctor, sitting_folder, target};
use examgate_core::fold::CandidateState;
use examgate_door::Door;
use examgate_store::Store;
use examgate_testkit::kill::{Pace, Rng, run_and_kill};

const CHILD: &str = "EXAMGATE_KILL_PHOTOS_DATA";
const TEST: &str =
    "photos_saved_before_a_kill_at_any_point_are_kept_and_no_photo_is_left_unexplained";

/// In the child: vouch for every expected candidate of the site, photo and all.
fn child(data: &Path) {
    let door = open(data);
    let proctor = proctor(&door);
    let jpeg = camera_jpeg(800, 600);
    println!();
    println!("READY");
    for student in common::expected(&door) {
        assert_eq!(door.begin_vouch(SITTING, &student, &proctor).unwrap(), None);
        door.take_photo(&target(&proctor, &student), &jpeg).unwrap();
        println!("ACK {student}");
    }
    println!("DONE");
}

/// The photo files the events name (all in the one sitting's folder), from the event log.
fn named(data: &Path) -> BTreeSet<String> {
    let store = Store::open(data.join("door.db")).unwrap();
    let refs = store.photo_refs().unwrap();
    assert!(refs.iter().all(|(sitting, _)| sitting == SITTING));
    refs.into_iter().map(|(_, photo)| photo.file).collect()
}

/// The database is sound and its events are numbered 1, 2, 3… with no gap.
fn assert_sound(data: &Path) {
    let store = Store::open(data.join("door.db")).unwrap();
    assert_eq!(store.integrity_check().unwrap(), vec!["ok".to_string()]);
    let seqs: Vec<u64> = store.all_events().unwrap().iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=seqs.len() as u64).collect::<Vec<_>>());
}

/// The photo the candidate's vouch names is there, with the bytes and signature recorded.
fn assert_intact(door: &Door, student: &str) {
    assert!(
        !door.fallback_photo(SITTING, student).unwrap().is_empty(),
        "the photo of {student}'s vouch is not there intact"
    );
}

#[test]
fn photos_saved_before_a_kill_at_any_point_are_kept_and_no_photo_is_left_unexplained() {
    if let Some(data) = std::env::var_os(CHILD) {
        child(Path::new(&data));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    drop(demo(data));

    let mut rng = Rng::seeded(5);
    let mut pace = Pace::new(Duration::from_millis(100));
    let mut acked = BTreeSet::new();
    let mut reported = BTreeSet::new();
    for _ in 0..25 {
        let acks = rng.upto(3) as usize;
        let run = run_and_kill(
            TEST,
            &[(CHILD, data.as_os_str())],
            acks,
            &mut rng,
            &mut pace,
            Duration::from_secs(30),
        );
        acked.extend(run.acked.iter().cloned());

        // The next start: what the kill left is swept before anything else happens.
        let door = open(data);
        assert_sound(data);
        let info = door.app_info().unwrap();
        let named = named(data);
        for student in &acked {
            assert_eq!(
                door.card(SITTING, student).unwrap().state,
                CandidateState::PendingManualVerification,
                "acknowledged vouch for {student} lost"
            );
        }
        // Checking a photo's hash and signature is slow unoptimised: this run's, and all at the end.
        for student in &run.acked {
            assert_intact(&door, student);
        }
        for file in files_in(&sitting_folder(data)) {
            assert!(
                named.contains(&file)
                    || file
                        .strip_suffix(".sig.json")
                        .is_some_and(|p| named.contains(p)),
                "{file} is in the photo folder but no event names it"
            );
        }
        for name in &named {
            assert!(
                sitting_folder(data).join(name).exists(),
                "{name} is missing"
            );
        }
        // What is reported is in the quarantine (a vouch redone after the kill may have made a
        // photo of the same name since: that one an event names, and it stays).
        for orphan in &info.orphan_photos {
            assert!(photos(data).join("orphaned").join(orphan).is_file());
        }
        reported.extend(info.orphan_photos);
        drop(door);
        if run.finished {
            break;
        }
    }
    assert!(!acked.is_empty(), "no iteration acknowledged anything");
    let door = open(data);
    for student in &acked {
        assert_intact(&door, student);
    }
    eprintln!(
        "photos: {} acknowledged, {} orphaned photos put aside, one photo ≈ {:?}",
        acked.len(),
        reported.len(),
        pace.gap()
    );
}
