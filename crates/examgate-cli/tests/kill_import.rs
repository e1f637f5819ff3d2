//! "An import killed at any point is there whole or not at all", with the real `examgate import`:
//! each iteration runs the office tool on a generated list into a new sitting and SIGKILLs it at a
//! random moment of its run (from before the database is opened to after it has committed). After
//! each kill the database opens, SQLite's integrity check passes, every import that reported
//! success is there, and every sitting holds the whole list.
#![cfg(unix)]
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use examgate_demo as demo;
use examgate_store::Store;
use examgate_testkit::kill;

const LIST_SIZE: usize = 300;

/// The import of the list (and the roster, while no list is in) into sitting `label`.
fn import(db: &Path, seating: &Path, roster: &Path, label: &str, with_roster: bool) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_examgate"));
    cmd.arg("import")
        .arg("--db")
        .arg(db)
        .args([
            "--sitting",
            label,
            "--date",
            "2023-04-15",
            "--paper",
            "11908",
        ])
        .arg(seating)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if with_roster {
        cmd.arg(roster);
    }
    cmd
}

/// Every sitting holds the whole list; returns their labels.
fn whole_lists(db: &Path) -> Vec<String> {
    let store = Store::open(db).unwrap();
    assert_eq!(store.integrity_check().unwrap(), vec!["ok".to_string()]);
    let site = demo::SITES[0].0;
    let labels: Vec<String> = store
        .sittings()
        .unwrap()
        .into_iter()
        .map(|s| s.sitting.label)
        .collect();
    for label in &labels {
        let seated: u32 = store
            .rooms(label, site)
            .unwrap()
            .iter()
            .map(|r| r.candidates)
            .sum();
        assert_eq!(seated as usize, LIST_SIZE, "{label} was imported in part");
    }
    let staff = store.staff(site, None).unwrap().len();
    assert_eq!(
        staff == 0,
        labels.is_empty(),
        "the roster came without its list"
    );
    labels
}

#[test]
fn examgate_import_killed_at_any_point_leaves_the_list_whole_or_absent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("office.db");
    let (seating, roster) = demo::large_site(LIST_SIZE);
    let write = |f: &examgate_store::import::SourceFile| -> PathBuf {
        let path = dir.path().join(&f.name);
        std::fs::write(&path, &f.bytes).unwrap();
        path
    };
    let (seating, roster) = (write(&seating), write(&roster));

    // Runs to the end tell how long a run takes here (the fastest of three: the first one also
    // loads the binary); kills are spread over that time.
    let mut acked = Vec::new();
    let mut run = Duration::MAX;
    for n in 0..3 {
        let label = format!("导入 {n:03}");
        let started = Instant::now();
        let status = import(&db, &seating, &roster, &label, n == 0)
            .status()
            .unwrap();
        assert!(status.success());
        run = run.min(started.elapsed());
        acked.push(label);
    }

    let mut rng = kill::Rng::seeded(13);
    let mut killed_mid_run = 0;
    let mut present = Vec::new();
    for n in 3..23 {
        let label = format!("导入 {n:03}");
        let with_roster = whole_lists(&db).is_empty();
        let mut child = import(&db, &seating, &roster, &label, with_roster)
            .spawn()
            .unwrap();
        let limit = u64::try_from(run.as_micros() * 6 / 5).unwrap_or(u64::MAX);
        std::thread::sleep(Duration::from_micros(rng.upto(limit)));
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.success() {
            acked.push(label);
        } else {
            assert_eq!(status.signal(), Some(9), "the import failed: {status}");
            killed_mid_run += 1;
        }
        present = whole_lists(&db);
        for label in &acked {
            assert!(
                present.contains(label),
                "{label} reported success but is gone"
            );
        }
    }
    eprintln!(
        "examgate import: one run ≈ {run:?}; {killed_mid_run} of 20 killed before the end ({} of \
         them after committing), {} finished",
        present.len() - acked.len(),
        acked.len() - 3
    );
}
