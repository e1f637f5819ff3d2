//! Sync converges: three door devices act on the same candidates through the real door API while
//! pushing to and pulling from a fourth store (the site server) in random interleavings, partial
//! and out-of-order batches included. After one final full exchange every store holds the same
//! events, exactly once each, and folds every candidate to the same state.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use std::path::Path;

use chrono::{DateTime, Duration, FixedOffset, TimeZone};
use ed25519_dalek::{SigningKey, VerifyingKey};
use examgate_core::door::DoorAct;
use examgate_core::event::{Outcome, PhotoRef, RefusalReason};
use examgate_core::fold::{Folded, fold};
use examgate_core::model::Role;
use examgate_core::signed::{SignedEvent, canonical_bytes, sign};
use examgate_core::timeline::CHINA_OFFSET;
use examgate_store::{Durability, ReceiveReport, Store, StoreError};
use proptest::prelude::*;
use uuid::Uuid;

const SITTING: &str = "2023春 第一次";
const SITE: &str = "襄阳电大校本部";
const DEVICES: usize = 3;
const CANDIDATES: usize = 4;

/// A store at `path` with the demo exam loaded: the only place this test touches the demo.
fn demo_store(path: &Path) -> Store {
    let mut store = Store::open_with(path, Durability::ProcessCrash).unwrap();
    examgate_demo::load(&mut store).unwrap();
    store
}

#[derive(Debug, Clone)]
enum Step {
    /// Device `dev` records act `act` on candidate `cand`, `minute` minutes after 8:30.
    Act {
        dev: usize,
        cand: usize,
        act: usize,
        minute: i64,
    },
    /// Device `dev` pushes up to `limit` of its events, starting `skip` past the server's
    /// high-water mark (a gap), in reverse order when `reverse`.
    Push {
        dev: usize,
        skip: u64,
        limit: usize,
        reverse: bool,
    },
    /// Device `dev` pulls up to `limit` events from its cursor, merging them in reverse order
    /// when `reverse`.
    Pull {
        dev: usize,
        limit: usize,
        reverse: bool,
    },
}

fn step() -> impl Strategy<Value = Step> {
    let dev = 0..DEVICES;
    prop_oneof![
        4 => (dev.clone(), 0..CANDIDATES, 0usize..11, 0i64..70)
            .prop_map(|(dev, cand, act, minute)| Step::Act { dev, cand, act, minute }),
        2 => (dev.clone(), 0u64..3, 1usize..5, any::<bool>())
            .prop_map(|(dev, skip, limit, reverse)| Step::Push { dev, skip, limit, reverse }),
        2 => (dev, 1usize..6, any::<bool>())
            .prop_map(|(dev, limit, reverse)| Step::Pull { dev, limit, reverse }),
    ]
}

/// The door act numbered `n`, and whether the chief examiner does it.
fn door_act(n: usize, student: &str) -> (DoorAct, bool) {
    match n {
        0 => (DoorAct::Admit, false),
        1 => (
            DoorAct::Vouch {
                photo: PhotoRef {
                    file: format!("{student}.jpg"),
                    ..PhotoRef::default()
                },
                face: None,
            },
            false,
        ),
        2 => (
            DoorAct::Refuse {
                reason: RefusalReason::DocumentMismatch,
            },
            false,
        ),
        3 | 8 | 9 => (
            DoorAct::Refuse {
                reason: RefusalReason::Other {
                    note: format!("第 {n} 次"),
                },
            },
            false,
        ),
        4 => (DoorAct::Approve, true),
        5 => (
            DoorAct::Reject {
                note: "不符".into(),
            },
            true,
        ),
        6 => (
            DoorAct::Resolve {
                outcome: Outcome::Admitted { manual: false },
            },
            true,
        ),
        7 => (DoorAct::MarkAbsent, false),
        _ => (
            DoorAct::Resolve {
                outcome: Outcome::Absent {
                    refused_late: false,
                },
            },
            false,
        ),
    }
}

struct Site {
    _dir: tempfile::TempDir,
    server: Store,
    devices: Vec<Store>,
    ids: Vec<Uuid>,
    keys: Vec<SigningKey>,
    cursors: Vec<u64>,
    students: Vec<String>,
    proctor: String,
    chief: String,
    recorded: usize,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let server = demo_store(&dir.path().join("server.db"));
        let devices: Vec<Store> = (0..DEVICES)
            .map(|i| demo_store(&dir.path().join(format!("door{i}.db"))))
            .collect();
        let ids = devices.iter().map(|d| d.device_id().unwrap()).collect();
        let keys = (0..DEVICES)
            .map(|i| SigningKey::from_bytes(&[i as u8 + 1; 32]))
            .collect();
        let staff = server.staff(SITE, Some("01")).unwrap();
        let proctor = staff.iter().find(|s| s.role == Role::Proctor).unwrap();
        let chief = staff
            .iter()
            .find(|s| s.role == Role::ChiefExaminer)
            .unwrap();
        let students = server.room_candidates(SITTING, SITE, "01").unwrap()[..CANDIDATES]
            .iter()
            .map(|c| c.student_number.clone())
            .collect();
        Site {
            _dir: dir,
            server,
            devices,
            ids,
            keys,
            cursors: vec![0; DEVICES],
            students,
            proctor: proctor.id.clone(),
            chief: chief.id.clone(),
            recorded: 0,
        }
    }

    fn trust(&self) -> impl Fn(Uuid) -> Option<VerifyingKey> + use<> {
        let keys: Vec<(Uuid, VerifyingKey)> = self
            .ids
            .iter()
            .zip(&self.keys)
            .map(|(id, k)| (*id, k.verifying_key()))
            .collect();
        move |id| keys.iter().find(|(d, _)| *d == id).map(|(_, k)| *k)
    }

    fn now() -> DateTime<FixedOffset> {
        CHINA_OFFSET
            .with_ymd_and_hms(2023, 4, 15, 10, 0, 0)
            .unwrap()
    }

    fn check(report: ReceiveReport) -> Result<(), TestCaseError> {
        prop_assert!(report.quarantined.is_empty(), "{:?}", report.quarantined);
        Ok(())
    }

    fn run(&mut self, step: &Step) -> Result<(), TestCaseError> {
        match *step {
            Step::Act {
                dev,
                cand,
                act,
                minute,
            } => {
                let student = self.students[cand].clone();
                let (act, chief) = door_act(act, &student);
                let actor = if chief { &self.chief } else { &self.proctor };
                let at = CHINA_OFFSET
                    .with_ymd_and_hms(2023, 4, 15, 8, 30, 0)
                    .unwrap()
                    + Duration::minutes(minute);
                match self.devices[dev].act(SITTING, &student, actor, &act, at) {
                    Ok(_) => self.recorded += 1,
                    Err(StoreError::Door(_)) => {}
                    Err(e) => prop_assert!(false, "{e}"),
                }
            }
            Step::Push {
                dev,
                skip,
                limit,
                reverse,
            } => {
                let from = self.server.high_water(self.ids[dev]).unwrap() + skip;
                self.push(dev, from, limit, reverse)?;
            }
            Step::Pull {
                dev,
                limit,
                reverse,
            } => {
                self.pull(dev, limit, reverse)?;
            }
        }
        Ok(())
    }

    /// Pushes up to `limit` of device `dev`'s events after `from`; how many it sent.
    fn push(
        &mut self,
        dev: usize,
        from: u64,
        limit: usize,
        reverse: bool,
    ) -> Result<usize, TestCaseError> {
        let mut batch: Vec<SignedEvent> = self.devices[dev]
            .own_events_after(from, limit)
            .unwrap()
            .into_iter()
            .map(|e| sign(&self.keys[dev], e))
            .collect();
        if reverse {
            batch.reverse();
        }
        let trust = self.trust();
        Site::check(self.server.receive(&batch, &trust, Site::now()).unwrap())?;
        Ok(batch.len())
    }

    /// Pulls up to `limit` events into device `dev`; how many came.
    fn pull(&mut self, dev: usize, limit: usize, reverse: bool) -> Result<usize, TestCaseError> {
        let (mut batch, next) = self
            .server
            .events_after(self.cursors[dev], Some(SITTING), Some(self.ids[dev]), limit)
            .unwrap();
        if reverse {
            batch.reverse();
        }
        let trust = self.trust();
        Site::check(
            self.devices[dev]
                .receive(&batch, &trust, Site::now())
                .unwrap(),
        )?;
        self.cursors[dev] = next;
        Ok(batch.len())
    }

    /// Every device pushes all it has, then pulls all it lacks.
    fn full_exchange(&mut self) -> Result<(), TestCaseError> {
        for dev in 0..DEVICES {
            loop {
                let from = self.server.high_water(self.ids[dev]).unwrap();
                if self.push(dev, from, 50, false)? == 0 {
                    break;
                }
            }
        }
        for dev in 0..DEVICES {
            while self.pull(dev, 50, false)? > 0 {}
        }
        Ok(())
    }

    /// Each candidate's events (canonical bytes, sorted) and their fold, as `store` holds them.
    fn view(&self, store: &Store) -> Vec<(Vec<Vec<u8>>, Folded)> {
        self.students
            .iter()
            .map(|s| {
                let events = store.events_of(SITTING, s).unwrap();
                let mut bytes: Vec<Vec<u8>> = events.iter().map(canonical_bytes).collect();
                bytes.sort();
                (bytes, fold(&events))
            })
            .collect()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, max_shrink_iters: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_interleaving_of_pushes_and_pulls_converges(steps in prop::collection::vec(step(), 1..60)) {
        let mut site = Site::new();
        for s in &steps {
            site.run(s)?;
        }
        site.full_exchange()?;
        let server = site.view(&site.server);
        let held: usize = server.iter().map(|(events, _)| events.len()).sum();
        prop_assert_eq!(held, site.recorded, "every recorded event reached the server once");
        prop_assert_eq!(site.server.event_count().unwrap() as usize, site.recorded);
        prop_assert!(site.server.waiting().unwrap().is_empty());
        for (i, device) in site.devices.iter().enumerate() {
            prop_assert_eq!(&site.view(device), &server, "device {} differs from the server", i);
            prop_assert_eq!(device.event_count().unwrap() as usize, site.recorded);
            prop_assert!(device.waiting().unwrap().is_empty());
            let own = device.own_events_after(0, usize::MAX).unwrap().len() as u64;
            prop_assert_eq!(site.server.high_water(site.ids[i]).unwrap(), own);
        }
    }
}
