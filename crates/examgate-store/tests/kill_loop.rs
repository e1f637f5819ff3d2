//! "Nothing acknowledged is lost and nothing is half written, wherever the process is killed":
//! a child process records door acts (or imports lists) one after another, printing ACK after
//! each commit, and is SIGKILLed at a random point, many times over the same database. After each
//! kill the database opens, SQLite's integrity check passes, every acknowledged act is there, the
//! events' sequence numbers have no gap, and every import is there whole or not at all.
#![cfg(unix)]
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use chrono::TimeZone;
use examgate_core::door::DoorAct;
use examgate_core::fold::CandidateState;
use examgate_core::model::Sitting;
use examgate_core::timeline::CHINA_OFFSET;
use examgate_demo as demo;
use examgate_store::{ImportOptions, Store};
use examgate_testkit::kill::{Pace, Rng, run_and_kill};

const SITTING: &str = "2023春 第一次";
const ACTS_CHILD: &str = "EXAMGATE_KILL_ACTS_DB";
const IMPORTS_CHILD: &str = "EXAMGATE_KILL_IMPORTS_DB";
/// Candidates in each imported list: big enough that an import takes a while, so kills land
/// inside it (parsing, inserting, committing) as well as between imports.
const LIST_SIZE: usize = 300;
/// Each iteration, child start to kill, is bounded by this.
const LIMIT: Duration = Duration::from_secs(30);

/// Every candidate of `sitting` still expected, across all sites and rooms.
fn expected(store: &Store, sitting: &str) -> Vec<String> {
    let mut out = Vec::new();
    for site in store.sites().unwrap() {
        for room in store.rooms(sitting, &site.name).unwrap() {
            let listed = store
                .room_candidates(sitting, &site.name, &room.number)
                .unwrap();
            out.extend(
                listed
                    .into_iter()
                    .filter(|c| c.state == CandidateState::Expected)
                    .map(|c| c.student_number),
            );
        }
    }
    out
}

/// In the child: admit every expected candidate, one committed act at a time.
fn acts_child(db: &str) {
    let mut store = Store::open(db).unwrap();
    let site = store.sites().unwrap()[0].name.clone();
    let proctor = store
        .staff(&site, None)
        .unwrap()
        .into_iter()
        .find(|s| s.room.is_some())
        .unwrap()
        .id;
    let now = CHINA_OFFSET
        .with_ymd_and_hms(2023, 4, 15, 8, 40, 0)
        .unwrap();
    println!();
    println!("READY");
    for student in expected(&store, SITTING) {
        store
            .act(SITTING, &student, &proctor, &DoorAct::Admit, now)
            .unwrap();
        println!("ACK {student}");
    }
    println!("DONE");
}

/// After a kill: the database is sound and its events are numbered 1, 2, 3… per device.
fn assert_sound(store: &Store) {
    assert_eq!(store.integrity_check().unwrap(), vec!["ok".to_string()]);
    let mut seqs: BTreeMap<_, Vec<u64>> = BTreeMap::new();
    for e in store.all_events().unwrap() {
        seqs.entry(e.device).or_default().push(e.seq);
    }
    for (device, seqs) in seqs {
        let want: Vec<u64> = (1..=seqs.len() as u64).collect();
        assert_eq!(seqs, want, "sequence numbers of device {device} have a gap");
    }
}

#[test]
fn door_acts_acknowledged_before_a_kill_at_any_point_are_all_kept() {
    if let Ok(db) = std::env::var(ACTS_CHILD) {
        acts_child(&db);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("acts.db");
    demo::load(&mut Store::open(&db).unwrap()).unwrap();

    let mut rng = Rng::seeded(9);
    let mut pace = Pace::new(Duration::from_millis(5));
    let mut acked = BTreeSet::new();
    for _ in 0..30 {
        let acks = rng.upto(6) as usize;
        let run = run_and_kill(
            "door_acts_acknowledged_before_a_kill_at_any_point_are_all_kept",
            &[(ACTS_CHILD, db.as_os_str())],
            acks,
            &mut rng,
            &mut pace,
            LIMIT,
        );
        acked.extend(run.acked);

        let store = Store::open(&db).unwrap();
        assert_sound(&store);
        for student in &acked {
            assert_eq!(
                store.candidate(SITTING, student).unwrap().state,
                CandidateState::Admitted { manual: false },
                "acknowledged admission of {student} lost"
            );
        }
        // One admission per admitted candidate: no act recorded twice, none half recorded.
        let events = store.all_events().unwrap();
        let admitted: BTreeSet<_> = events.iter().map(|e| e.student()).collect();
        assert_eq!(admitted.len(), events.len());
        assert!(events.len() >= acked.len());
        if run.finished {
            break;
        }
    }
    assert!(!acked.is_empty(), "no iteration acknowledged anything");
    eprintln!(
        "acts: {} acknowledged, {} recorded, one act ≈ {:?}",
        acked.len(),
        Store::open(&db).unwrap().event_count().unwrap(),
        pace.gap()
    );
}

/// The `n`th sitting the import child creates.
fn import_sitting(n: usize) -> Sitting {
    Sitting {
        label: format!("导入 {n:03}"),
        ..demo::sittings()[0].clone()
    }
}

/// In the child: import the generated seating list into new sittings, one all-or-nothing import
/// after another; the first import brings the roster too (its staff can be imported only once).
fn imports_child(db: &str) {
    let mut store = Store::open(db).unwrap();
    let (seating, roster) = demo::large_site(LIST_SIZE);
    let first = store.sittings().unwrap().len();
    println!();
    println!("READY");
    for n in first..first + 50 {
        let sitting = import_sitting(n);
        let opts = ImportOptions {
            sitting: Some(sitting.label.clone()),
            create: Some(sitting.clone()),
            ..Default::default()
        };
        let files = if n == 0 {
            vec![seating.clone(), roster.clone()]
        } else {
            vec![seating.clone()]
        };
        store.import(&files, &opts).unwrap();
        println!("ACK {}", sitting.label);
    }
    println!("DONE");
}

/// Every sitting in the database holds the whole list, and the roster is there whole once any
/// list is.
fn assert_no_half_import(store: &Store, roster_size: usize) -> BTreeSet<String> {
    let site = demo::SITES[0].0;
    let sittings: BTreeSet<String> = store
        .sittings()
        .unwrap()
        .into_iter()
        .map(|s| s.sitting.label)
        .collect();
    for label in &sittings {
        let seated: u32 = store
            .rooms(label, site)
            .unwrap()
            .iter()
            .map(|r| r.candidates)
            .sum();
        assert_eq!(seated as usize, LIST_SIZE, "{label} was imported in part");
    }
    let staff = if sittings.is_empty() { 0 } else { roster_size };
    assert_eq!(store.staff(site, None).unwrap().len(), staff);
    sittings
}

#[test]
fn an_import_killed_at_any_point_is_there_whole_or_not_at_all() {
    if let Ok(db) = std::env::var(IMPORTS_CHILD) {
        imports_child(&db);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db: &Path = &dir.path().join("imports.db");
    Store::open(db).unwrap();
    let roster_size = LIST_SIZE.div_ceil(30) * 2;

    let mut rng = Rng::seeded(11);
    let mut pace = Pace::new(Duration::from_millis(100));
    let mut acked = BTreeSet::new();
    let mut present = BTreeSet::new();
    for _ in 0..20 {
        let acks = rng.upto(2) as usize;
        let run = run_and_kill(
            "an_import_killed_at_any_point_is_there_whole_or_not_at_all",
            &[(IMPORTS_CHILD, db.as_os_str())],
            acks,
            &mut rng,
            &mut pace,
            LIMIT,
        );
        acked.extend(run.acked);

        let store = Store::open(db).unwrap();
        assert_sound(&store);
        present = assert_no_half_import(&store, roster_size);
        let lost: Vec<_> = acked.difference(&present).collect();
        assert!(lost.is_empty(), "acknowledged imports lost: {lost:?}");
    }
    assert!(!acked.is_empty(), "no iteration acknowledged anything");
    eprintln!(
        "imports: {} acknowledged, {} in the database, one import ≈ {:?}",
        acked.len(),
        present.len(),
        pace.gap()
    );
}
