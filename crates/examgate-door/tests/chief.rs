//! The chief examiner's screen below the window, against a real site server (in this process, on
//! loopback, over TLS, the demo catalogue in its database): a door device of room 01 and the
//! chief's device, enrolled with real codes. The chief's device has no demo loaded: its site comes
//! from the server. It sees every room counted, the vouch with who and when, the photo fetched
//! from the server (never written to its disk), 照片上传中 while the server lacks it, conflicts
//! between devices; it approves with the PIN the office set at the server; and the door's
//! background sync announces the decision on its `store_changes` watch. Waits are bounded;
//! nothing sleeps.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use common::site::{CHIEF, PIN, Site};
use common::{EXAM_TIME, SITE, SITTING, camera_jpeg, target};
use examgate_core::door::DoorAct;
use examgate_core::fold::CandidateState;
use examgate_door::{Door, ErrorCode, SyncSchedule};
use examgate_sync::wire::Role;

/// Two proctors of the demo site's room 01.
const PROCTORS: [&str; 2] = ["J2101", "J2102"];
const BOUND: Duration = Duration::from_secs(30);

/// A site server with a code for each of `PROCTORS` (room 01) and for `CHIEF`.
fn site() -> Site {
    common::site::site(&[
        (PROCTORS[0], PROCTORS[0], Role::Proctor, Some("01")),
        (PROCTORS[1], PROCTORS[1], Role::Proctor, Some("01")),
        (CHIEF, CHIEF, Role::Chief, None),
    ])
}

/// What these tests do with the site.
trait ChiefSite {
    fn data(&self, name: &str) -> PathBuf;
    fn door(&self, name: &str, proctor: &str) -> Door;
    fn chief(&self) -> Door;
    fn sync(&self, door: &Door);
}

impl ChiefSite for Site {
    fn data(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    /// A door device of room 01 (the demo loaded at the exam time), enrolled for `proctor`.
    fn door(&self, name: &str, proctor: &str) -> Door {
        let door = common::demo_at(&self.data(name).join("examgate.db"));
        let code = &self.codes[proctor];
        self.runtime.block_on(door.enroll(code, None)).unwrap();
        self.runtime.block_on(door.sync_now()).unwrap();
        door
    }

    /// The chief examiner's device: nothing loaded, its site's catalogue from the server.
    fn chief(&self) -> Door {
        let chief = Door::open(&self.data("chief").join("examgate.db")).unwrap();
        let code = &self.codes[CHIEF];
        self.runtime.block_on(chief.enroll(code, None)).unwrap();
        self.runtime.block_on(chief.sync_now()).unwrap();
        chief
    }

    fn sync(&self, door: &Door) {
        self.runtime.block_on(door.sync_now()).unwrap();
    }
}

fn room_01(door: &Door) -> Vec<String> {
    door.tally(SITTING, SITE, "01")
        .unwrap()
        .expected
        .iter()
        .map(|c| c.student_number.clone())
        .collect()
}

fn vouch(door: &Door, proctor: &str, student: &str) {
    let done = door
        .take_photo(&target(proctor, student), &camera_jpeg(800, 600))
        .unwrap();
    assert_eq!(done.state, CandidateState::PendingManualVerification);
}

fn photo_of(data: &Path, student: &str) -> PathBuf {
    data.join("photos")
        .join(SITTING)
        .join(format!("{student}.jpg"))
}

/// Every file under `dir` whose name ends in `.jpg`.
fn jpegs_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "jpg") {
                found.push(path);
            }
        }
    }
    found
}

#[test]
fn the_chiefs_overview_counts_every_room_and_lists_the_vouch_with_who_and_when() {
    let site = site();
    let door = site.door("door", PROCTORS[0]);
    let students = room_01(&door);
    door.act(SITTING, &students[0], PROCTORS[0], &DoorAct::Admit)
        .unwrap();
    // Seat 3 is vouched for before seat 2: the older vouch is listed first.
    vouch(&door, PROCTORS[0], &students[2]);
    vouch(&door, PROCTORS[0], &students[1]);
    site.sync(&door);

    let chief = site.chief();
    let overview = chief.site_overview(SITTING).unwrap();
    assert_eq!(overview.site, SITE);
    let rooms: Vec<_> = overview.rooms.iter().map(|r| r.room.as_str()).collect();
    let listed: Vec<_> = door.rooms(SITTING, SITE).unwrap();
    assert_eq!(
        rooms,
        listed.iter().map(|r| r.number.as_str()).collect::<Vec<_>>()
    );
    let r01 = &overview.rooms[0];
    assert_eq!((r01.admitted, r01.pending), (1, 2));
    assert_eq!(r01.expected as usize, students.len() - 3);
    assert!(
        overview.rooms[1..]
            .iter()
            .all(|r| r.admitted + r.pending == 0)
    );

    let order: Vec<_> = overview
        .pending
        .iter()
        .map(|p| p.card.student_number.as_str())
        .collect();
    assert_eq!(order, vec![students[2].as_str(), students[1].as_str()]);
    let waiting = &overview.pending[0];
    assert_eq!((waiting.card.room.as_str(), waiting.card.seat), ("01", 3));
    assert_eq!(waiting.vouched_by, PROCTORS[0]);
    assert!(waiting.vouched_by_name.is_some());
    // At the exam time the vouch was decided at, as its photo is stamped (the drill's set time
    // here, hours away from the device clock).
    assert!(
        waiting.vouched_at.starts_with(&EXAM_TIME[..13]),
        "{} against {EXAM_TIME}",
        waiting.vouched_at
    );
    // The ID number is masked on the chief's screen as at the door.
    assert!(waiting.card.document_masked.contains('*'));
    assert!(overview.conflicts.is_empty());
}

#[test]
fn the_chief_approves_a_photo_fetched_from_the_server_which_never_lands_on_the_chiefs_disk() {
    let site = site();
    let door = site.door("door", PROCTORS[0]);
    let student = room_01(&door)[3].clone();
    vouch(&door, PROCTORS[0], &student);
    site.sync(&door);
    let chief = site.chief();
    assert!(
        chief.has_pin(CHIEF).unwrap(),
        "the PIN set at the server came with the catalogue"
    );

    // Not shown, not approved: the chief approves only a photo the screen showed.
    let unseen = chief
        .decide_with_pin(SITTING, &student, CHIEF, PIN, &DoorAct::Approve)
        .unwrap_err();
    assert_eq!(unseen.code, ErrorCode::PhotoMissing, "{unseen}");

    let shown = site
        .runtime
        .block_on(chief.pending_photo(SITTING, &student))
        .unwrap();
    let taken = std::fs::read(photo_of(&site.data("door"), &student)).unwrap();
    assert_eq!(shown, taken, "the chief sees the door's signed bytes");
    assert_eq!(jpegs_under(&site.data("chief")), Vec::<PathBuf>::new());

    let approved = chief
        .decide_with_pin(SITTING, &student, CHIEF, PIN, &DoorAct::Approve)
        .unwrap();
    assert_eq!(approved.state, CandidateState::Admitted { manual: true });
    site.sync(&chief);
    site.sync(&door);
    assert_eq!(
        door.card(SITTING, &student).unwrap().state,
        CandidateState::Admitted { manual: true }
    );
}

#[test]
fn a_photo_the_server_does_not_hold_yet_is_said_to_be_uploading() {
    let site = site();
    let door = site.door("door", PROCTORS[0]);
    let student = room_01(&door)[4].clone();
    vouch(&door, PROCTORS[0], &student);
    // The event reaches the server, the photo does not (the file is gone before the upload).
    let file = photo_of(&site.data("door"), &student);
    std::fs::rename(&file, site.data("held-back.jpg")).unwrap();
    site.sync(&door);
    assert_eq!(door.sync_status().unwrap().photos_pending, 1);

    let chief = site.chief();
    assert_eq!(chief.site_overview(SITTING).unwrap().pending.len(), 1);
    let err = site
        .runtime
        .block_on(chief.pending_photo(SITTING, &student))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::PhotoUploading, "{err}");
    // No approval until the chief has been shown the photo (a rejection needs none).
    assert!(
        chief.has_pin(CHIEF).unwrap(),
        "the PIN set at the server came with the catalogue"
    );
    let unseen = chief
        .decide_with_pin(SITTING, &student, CHIEF, PIN, &DoorAct::Approve)
        .unwrap_err();
    assert_eq!(unseen.code, ErrorCode::PhotoMissing, "{unseen}");

    // Once the door uploads it, the chief sees it.
    std::fs::rename(site.data("held-back.jpg"), &file).unwrap();
    site.sync(&door);
    assert_eq!(door.sync_status().unwrap().photos_pending, 0);
    let shown = site
        .runtime
        .block_on(chief.pending_photo(SITTING, &student))
        .unwrap();
    assert_eq!(shown, std::fs::read(&file).unwrap());
}

#[test]
fn two_doors_that_disagree_offline_show_the_chief_a_conflict() {
    let site = site();
    let a = site.door("a", PROCTORS[0]);
    let b = site.door("b", PROCTORS[1]);
    let student = room_01(&a)[5].clone();
    a.act(SITTING, &student, PROCTORS[0], &DoorAct::Admit)
        .unwrap();
    let refuse = DoorAct::Refuse {
        reason: examgate_core::event::RefusalReason::DocumentMismatch,
    };
    b.act(SITTING, &student, PROCTORS[1], &refuse).unwrap();
    site.sync(&a);
    site.sync(&b);

    let chief = site.chief();
    let overview = chief.site_overview(SITTING).unwrap();
    let conflicts: Vec<_> = overview
        .conflicts
        .iter()
        .map(|c| c.student_number.as_str())
        .collect();
    assert_eq!(conflicts, vec![student.as_str()]);
    assert_eq!(overview.rooms[0].conflict, 1);
}

#[test]
fn the_chiefs_decision_merged_by_the_doors_background_sync_is_announced_to_the_window() {
    let site = site();
    let door = Arc::new(site.door("door", PROCTORS[0]));
    let student = room_01(&door)[6].clone();
    vouch(&door, PROCTORS[0], &student);
    site.sync(&door);
    let chief = site.chief();
    assert!(
        chief.has_pin(CHIEF).unwrap(),
        "the PIN set at the server came with the catalogue"
    );
    site.runtime
        .block_on(chief.pending_photo(SITTING, &student))
        .unwrap();

    let mut changes = door.store_changes();
    changes.mark_unchanged();
    let schedule = SyncSchedule {
        period: Duration::from_secs(3600),
        long_poll_secs: 20,
    };
    let background = Arc::clone(&door);
    site.runtime
        .spawn(async move { background.run_background_sync(schedule).await });

    chief
        .decide_with_pin(SITTING, &student, CHIEF, PIN, &DoorAct::Approve)
        .unwrap();
    site.sync(&chief);
    site.runtime
        .block_on(async {
            tokio::time::timeout(BOUND, async {
                loop {
                    changes.changed().await.unwrap();
                    let state = door.card(SITTING, &student).unwrap().state;
                    if state == (CandidateState::Admitted { manual: true }) {
                        return;
                    }
                }
            })
            .await
        })
        .expect("the door's watch never announced the chief's approval");
}

#[test]
fn the_overview_needs_a_device_connected_to_a_site_server() {
    let dir = tempfile::tempdir().unwrap();
    let door = common::demo(dir.path());
    let err = door.site_overview(SITTING).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotEnrolled);
}

#[test]
fn the_chief_rejects_with_a_note_from_the_chiefs_device_and_the_door_sees_the_refusal() {
    let site = site();
    let door = site.door("door", PROCTORS[0]);
    let student = room_01(&door)[7].clone();
    vouch(&door, PROCTORS[0], &student);
    site.sync(&door);
    let chief = site.chief();
    assert!(
        chief.has_pin(CHIEF).unwrap(),
        "the PIN set at the server came with the catalogue"
    );
    let reject = DoorAct::Reject {
        note: "非本人".into(),
    };
    let rejected = chief
        .decide_with_pin(SITTING, &student, CHIEF, PIN, &reject)
        .unwrap();
    let refused = CandidateState::Refused {
        reason: examgate_core::event::RefusalReason::ManualVerificationRejected,
    };
    assert_eq!(rejected.state, refused);
    assert!(chief.site_overview(SITTING).unwrap().pending.is_empty());
    site.sync(&chief);
    site.sync(&door);
    assert_eq!(door.card(SITTING, &student).unwrap().state, refused);
}
