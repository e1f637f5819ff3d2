//! `examgate demo --play`, run as the real binary: the played day's log holds what the module
//! header of `play.rs` promises (read back through the store and examgate-core's readers), and
//! its archives export, verify against the played devices' keys and come out byte-identical
//! twice, read back with Python's `zipfile`.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use std::path::{Path, PathBuf};
use std::process::Command;

use examgate_core::closing::{ClosingItem, closed_at, waivers};
use examgate_core::event::EventKind;
use examgate_core::fold::CandidateState;
use examgate_core::room_day::{count_checks, proctors_present, violations};
use examgate_core::timeline_steps::TimelineStep;
use examgate_store::{AtRoom, Store};

const SITTING: &str = "2023春 第一次";

fn examgate(args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_examgate"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "examgate {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn played() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let out = examgate(&["demo", "--db", db.to_str().unwrap(), "--play"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("21 台设备"), "{said}");
    (dir, db)
}

fn zips(dir: &Path) -> Vec<PathBuf> {
    let mut z: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    z.sort();
    z
}

#[test]
fn a_played_day_has_every_kind_of_act_on_two_doors_per_room_and_exports_verified_byte_identical_archives()
 {
    let (dir, db) = played();
    let store = Store::open_office(&db).unwrap();
    let log = store.sitting_events(SITTING).unwrap();
    let mut devices: Vec<_> = log.iter().map(|e| e.device).collect();
    devices.sort();
    devices.dedup();
    assert_eq!(
        devices.len(),
        21,
        "two doors for each of 9 rooms and a chief per site"
    );

    // Every room: its proctors present, a count check off by those admitted only by hand.
    let checks = count_checks(&log);
    let present = proctors_present(&log);
    assert_eq!((checks.len(), present.len()), (9, 9));
    let close_from = store.sitting(SITTING).unwrap().timeline().unwrap().end;
    for site in store.sites().unwrap() {
        let chief = store
            .staff(&site.name, None)
            .unwrap()
            .into_iter()
            .find(|s| s.role == examgate_core::model::Role::ChiefExaminer)
            .unwrap()
            .id;
        for room in store.rooms(SITTING, &site.name).unwrap() {
            let key = (site.name.clone(), room.number.clone());
            let listed = store
                .room_candidates(SITTING, &site.name, &room.number)
                .unwrap();
            let count =
                |f: &dyn Fn(&CandidateState) -> bool| listed.iter().filter(|c| f(&c.state)).count();
            let manual = count(&|s| *s == CandidateState::Admitted { manual: true });
            let admitted = count(&|s| matches!(s, CandidateState::Admitted { .. }));
            let c = &checks[&key];
            assert_eq!(c.real_count as usize, admitted, "{key:?}");
            assert_eq!(c.discrepancy(), manual as i64, "{key:?}");
            assert_eq!(
                count(&|s| *s == CandidateState::Absent { refused_late: true }),
                1,
                "{key:?}"
            );
            assert_eq!(
                count(&|s| *s
                    == CandidateState::Absent {
                        refused_late: false
                    }),
                2,
                "{key:?}"
            );
            assert_eq!(count(&|s| *s == CandidateState::Expected), 0, "{key:?}");
            // The first site's second room has an approved substitute for an ill proctor, who
            // came from its third room: that room runs one short.
            let needed =
                room.seats
                    .map_or(2, examgate_core::staffing::proctors_needed) as usize;
            let first_site = site.name == store.sites().unwrap()[0].name;
            let short = usize::from(first_site && room.number == "03");
            assert_eq!(present[&key].len(), needed - short, "{key:?}");
            let at = AtRoom {
                sitting: SITTING,
                site: &site.name,
                room: &room.number,
            };
            let presence = store.room_presence(at).unwrap();
            let subs: Vec<_> = presence
                .signed_in
                .values()
                .filter(|p| p.substitute)
                .collect();
            if first_site && room.number == "02" {
                assert_eq!(subs.len(), 1, "{key:?}");
                assert_eq!(subs[0].approved_by.as_deref(), Some(chief.as_str()));
            } else {
                assert!(subs.is_empty(), "{key:?}");
            }
            // Every step ticked, but "notice read" in the first site's first room.
            let missed = first_site && room.number == "01";
            let ticked: Vec<_> = presence.ticked.keys().copied().collect();
            assert_eq!(ticked.len(), 6 - usize::from(missed), "{key:?}");
            assert_eq!(!ticked.contains(&TimelineStep::Notice), missed, "{key:?}");

            // Every room closed after the end, by a proctor present; in each third room after
            // the chief waived its violation not ticked on the platform.
            let close = closed_at(&log, &site.name, &room.number).expect("closed");
            assert!(
                close.exam_time.unwrap_or(close.wall) >= close_from,
                "{key:?}"
            );
            assert!(presence.signed_in.contains_key(&close.actor), "{key:?}");
            let w = waivers(&log, &site.name, &room.number, |a| a == chief);
            if room.number == "03" {
                assert_eq!(w.len(), 1, "{key:?}");
                let (item, waiver) = w.iter().next().unwrap();
                assert!(matches!(item, ClosingItem::UnmarkedViolation { .. }));
                assert!(waiver.reason.contains("一平台"), "{}", waiver.reason);
            } else {
                assert!(w.is_empty(), "{key:?}");
            }
            let closing = store
                .room_closing(SITTING, &site.name, &room.number)
                .unwrap();
            assert_eq!(closing.open_items(), 0, "{key:?}");
            assert!(closing.closed.is_some());
        }
    }
    // One conflict per site between a room's two doors, settled by the chief as admitted.
    let settled: Vec<_> = log
        .iter()
        .filter(|e| matches!(e.kind, EventKind::ConflictResolved { .. }))
        .collect();
    assert_eq!(settled.len(), 3);
    for e in settled {
        assert!(e.actor.starts_with('Z'), "a chief settles: {}", e.actor);
        let c = store.candidate(SITTING, e.student()).unwrap().state;
        assert_eq!(c, CandidateState::Admitted { manual: false });
    }
    let rejected = log
        .iter()
        .filter(|e| matches!(e.kind, EventKind::ManualVerificationRejected { .. }))
        .count();
    let approved = log
        .iter()
        .filter(|e| matches!(e.kind, EventKind::ManualVerificationApproved))
        .count();
    assert_eq!((approved, rejected), (15, 3));
    let v = violations(&log);
    assert_eq!(v.len(), 6);
    assert_eq!(v.iter().filter(|v| v.violation.platform_marked).count(), 3);

    // The archives: one per site, verified against the played devices' keys, identical twice.
    let keys = dir.path().join("demo-device-keys.txt");
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    for out in [&one, &two] {
        std::fs::create_dir(out).unwrap();
        examgate(&[
            "export",
            "archive",
            "--db",
            db.to_str().unwrap(),
            "--sitting",
            SITTING,
            "--out",
            out.to_str().unwrap(),
            "--trust",
            keys.to_str().unwrap(),
        ]);
    }
    let (a, b) = (zips(&one), zips(&two));
    assert_eq!(a.len(), 3);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            std::fs::read(x).unwrap(),
            std::fs::read(y).unwrap(),
            "{}",
            x.display()
        );
        examgate(&[
            "verify",
            "--archive",
            x.to_str().unwrap(),
            "--trust",
            keys.to_str().unwrap(),
        ]);
        let py = Command::new("python3")
            .args([
                "-c",
                "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; \
                 print(sum(1 for n in z.namelist() if n.endswith('.jpg') and '/' not in n))",
                x.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(
            py.status.success(),
            "{}",
            String::from_utf8_lossy(&py.stderr)
        );
        // Two vouches per room (3 rooms) and a count-check photo for each approved one.
        assert_eq!(
            String::from_utf8_lossy(&py.stdout).trim(),
            "11",
            "{}",
            x.display()
        );
    }
}
