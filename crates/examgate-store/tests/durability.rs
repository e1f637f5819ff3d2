//! "Nothing acknowledged is ever lost, even if the process is killed a moment later": a child
//! process records an admission, says so, and is SIGKILLed; the admission must be in the file.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use chrono::TimeZone;
use examgate_core::door::DoorAct;
use examgate_core::fold::CandidateState;
use examgate_core::timeline::CHINA_OFFSET;
use examgate_store::Store;

const SITTING: &str = "2023春 第一次";
const CHILD_ENV: &str = "EXAMGATE_DURABILITY_CHILD_DB";

/// In the child: admit one candidate, print ACK with their number, then wait to be killed.
fn child(db: &str) {
    let mut store = Store::open(db).unwrap();
    let site = "宜昌电大校本部";
    let room = store.room_candidates(SITTING, site, "01").unwrap();
    let student = room[0].student_number.clone();
    let proctor = store
        .staff(site, Some("01"))
        .unwrap()
        .into_iter()
        .find(|s| s.room.is_some())
        .unwrap()
        .id;
    let now = CHINA_OFFSET
        .with_ymd_and_hms(2023, 4, 15, 8, 40, 0)
        .unwrap();
    store
        .act(SITTING, &student, &proctor, &DoorAct::Admit, now)
        .unwrap();
    println!("ACK {student}");
    // Block until killed; reading stdin never returns because the parent keeps it open.
    let _ = std::io::stdin().read_line(&mut String::new());
}

#[test]
fn an_acknowledged_admission_survives_the_process_being_killed() {
    if let Ok(db) = std::env::var(CHILD_ENV) {
        child(&db);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kill.db");
    examgate_demo::load(&mut Store::open(&db).unwrap()).unwrap();

    let mut proc = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "an_acknowledged_admission_survives_the_process_being_killed",
            "--nocapture",
        ])
        .env(CHILD_ENV, &db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(proc.stdout.take().unwrap()).lines();
    let student = loop {
        let line = lines.next().expect("child ended without ACK").unwrap();
        if let Some(s) = line.strip_prefix("ACK ") {
            break s.to_string();
        }
    };
    proc.kill().unwrap(); // SIGKILL: no destructors, no clean close of the database
    proc.wait().unwrap();

    let store = Store::open(&db).unwrap();
    assert_eq!(
        store.candidate(SITTING, &student).unwrap().state,
        CandidateState::Admitted { manual: false }
    );
}
