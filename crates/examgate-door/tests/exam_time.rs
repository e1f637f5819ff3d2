//! The exam time decides who is late, so only a drill may set it freely; ids, wall times, the
//! hybrid clock and the PIN lock-out run on the device clock, which these tests set by hand; the
//! lock-out also runs on the device's boot clock, which these tests set by hand too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers: a failure is the test failing"
)]

use std::path::Path;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use examgate_core::door::DoorAct;
use examgate_core::event::{Event, PhotoRef};
use examgate_core::fold::CandidateState;
use examgate_core::timeline::CHINA_OFFSET;
use examgate_door::{ClockAuthority, DeviceClock, Door};
use examgate_store::{BootReading, ImportOptions, Store};

const SITTING: &str = "2023春 第一次";
const SITE: &str = "襄阳电大校本部";
const PIN: &str = "246810";

/// The device clock, moved by hand; with a boot clock (also moved by hand) or none.
#[derive(Clone)]
struct Hand {
    wall: Arc<Mutex<DateTime<Utc>>>,
    boot: Option<Arc<Mutex<BootReading>>>,
}

impl Hand {
    fn at(t: DateTime<FixedOffset>) -> Hand {
        Hand {
            wall: Arc::new(Mutex::new(t.with_timezone(&Utc))),
            boot: None,
        }
    }
    /// With a boot clock, an hour into boot `boot-1`.
    fn with_boot(t: DateTime<FixedOffset>) -> Hand {
        Hand {
            boot: Some(Arc::new(Mutex::new(BootReading {
                boot_id: "boot-1".into(),
                since_boot: std::time::Duration::from_secs(3600),
            }))),
            ..Hand::at(t)
        }
    }
    fn set(&self, t: DateTime<FixedOffset>) {
        *self.wall.lock().unwrap() = t.with_timezone(&Utc);
    }
    fn shift(&self, d: Duration) {
        let mut t = self.wall.lock().unwrap();
        *t += d;
    }
    fn now(&self) -> DateTime<Utc> {
        *self.wall.lock().unwrap()
    }
    fn boot(&self) -> Option<BootReading> {
        self.boot.as_ref().map(|b| b.lock().unwrap().clone())
    }
    /// Moves the boot clock on by `secs`.
    fn boot_forward(&self, secs: u64) {
        let boot = self.boot.as_ref().unwrap();
        boot.lock().unwrap().since_boot += std::time::Duration::from_secs(secs);
    }
    /// The device restarts: a new boot id, its boot clock at `secs`.
    fn reboot(&self, id: &str, secs: u64) {
        *self.boot.as_ref().unwrap().lock().unwrap() = BootReading {
            boot_id: id.into(),
            since_boot: std::time::Duration::from_secs(secs),
        };
    }
    fn clock(&self) -> DeviceClock {
        let me = self.clone();
        let wall = DeviceClock::from_fn(move || me.now());
        match self.boot {
            None => wall,
            Some(_) => {
                let me = self.clone();
                wall.with_boot(move || me.boot())
            }
        }
    }
}

fn exam_day(h: u32, m: u32) -> DateTime<FixedOffset> {
    CHINA_OFFSET.with_ymd_and_hms(2023, 4, 15, h, m, 0).unwrap()
}

/// The demo's lists imported into *real* sittings, as an office would import its own.
fn real_exam(db: &Path) {
    let mut store = Store::open(db).unwrap();
    for s in examgate_demo::sittings() {
        store.add_sitting(&s, CHINA_OFFSET).unwrap();
    }
    store
        .import(&examgate_demo::files(), &ImportOptions::default())
        .unwrap();
}

struct Room {
    dir: tempfile::TempDir,
    hand: Hand,
    door: Door,
    proctor: String,
    chief: String,
    students: Vec<String>,
}

impl Room {
    fn db(&self) -> std::path::PathBuf {
        self.dir.path().join("door.db")
    }

    fn reopen(&mut self) {
        self.door = Door::open_with_clock(&self.db(), self.hand.clock()).unwrap();
    }

    fn events(&self, student: &str) -> Vec<Event> {
        Store::open(self.db())
            .unwrap()
            .events_of(SITTING, student)
            .unwrap()
    }
}

/// A door whose device clock reads `device`, on the demo (a drill) or on a real sitting.
fn room(drill: bool, device: DateTime<FixedOffset>) -> Room {
    room_on(drill, Hand::at(device))
}

/// A door whose device clock is `hand`.
fn room_on(drill: bool, hand: Hand) -> Room {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("door.db");
    if !drill {
        real_exam(&db);
    }
    let door = Door::open_with_clock(&db, hand.clock()).unwrap();
    if drill {
        door.load_demo().unwrap();
    }
    let staff = door.staff(SITE, Some("01")).unwrap();
    let proctor = staff.iter().find(|s| s.room.is_some()).unwrap().id.clone();
    let chief = staff.iter().find(|s| s.room.is_none()).unwrap().id.clone();
    door.set_pin(&chief, PIN).unwrap();
    let students = door
        .tally(SITTING, SITE, "01")
        .unwrap()
        .expected
        .iter()
        .map(|c| c.student_number.clone())
        .collect();
    Room {
        dir,
        hand,
        door,
        proctor,
        chief,
        students,
    }
}

/// The device time an event's UUIDv7 carries, in ms since the Unix epoch.
fn uuid_millis(e: &Event) -> i64 {
    let (secs, nanos) = e.id.0.get_timestamp().unwrap().to_unix();
    secs as i64 * 1000 + i64::from(nanos / 1_000_000)
}

fn admit(r: &Room, student: &str) -> examgate_door::Result<examgate_door::ActResult> {
    r.door.act(SITTING, student, &r.proctor, &DoorAct::Admit)
}

#[test]
fn on_a_real_sitting_setting_the_clock_back_is_refused_and_the_latecomer_stays_late() {
    let r = room(false, exam_day(9, 45));
    let err = r
        .door
        .set_clock(SITTING, Some("2023-04-15T09:10:00+08:00"), None)
        .unwrap_err();
    assert_eq!(err.code, "exam-time-needs-chief");
    let clock = r.door.clock(SITTING).unwrap();
    assert!(!clock.set && !clock.drill);
    assert_eq!(clock.now, exam_day(9, 45));

    let late = admit(&r, &r.students[0]).unwrap();
    assert_eq!(late.state, CandidateState::Absent { refused_late: true });
    let e = r.events(&r.students[0]).pop().unwrap();
    assert_eq!(e.wall, exam_day(9, 45));
    assert_eq!(e.exam_time, None);
    assert_eq!(uuid_millis(&e), exam_day(9, 45).timestamp_millis());
}

#[test]
fn on_a_drill_the_set_time_decides_but_the_event_carries_the_device_time() {
    let device = CHINA_OFFSET
        .with_ymd_and_hms(2026, 11, 29, 14, 0, 0)
        .unwrap();
    let r = room(true, device);
    r.door
        .set_clock(SITTING, Some("2023-04-15T09:10:00+08:00"), None)
        .unwrap();
    let clock = r.door.clock(SITTING).unwrap();
    assert!(clock.set && clock.drill && clock.set_by.is_none());
    assert_eq!(clock.now, exam_day(9, 10));

    r.hand.shift(Duration::seconds(90));
    let ok = admit(&r, &r.students[0]).unwrap();
    assert_eq!(ok.state, CandidateState::Admitted { manual: false });
    let e = r.events(&r.students[0]).pop().unwrap();
    let device_now = device + Duration::seconds(90);
    assert_eq!(e.wall, device_now, "the wall time is the device's");
    assert_eq!(uuid_millis(&e), device_now.timestamp_millis());
    assert_eq!(e.hlc.millis() as i64, device_now.timestamp_millis());
    assert_eq!(e.exam_time, Some(exam_day(9, 11) + Duration::seconds(30)));
}

#[test]
fn the_chief_examiner_authorises_a_real_sitting_exam_time_with_their_pin_and_it_is_shown() {
    let r = room(false, exam_day(9, 45));
    let by = |pin: &str| ClockAuthority {
        chief: r.chief.clone(),
        pin: pin.into(),
    };
    let wrong = r
        .door
        .set_clock(
            SITTING,
            Some("2023-04-15T09:10:00+08:00"),
            Some(&by("000000")),
        )
        .unwrap_err();
    assert_eq!(wrong.code, "wrong-pin");
    let proctor = ClockAuthority {
        chief: r.proctor.clone(),
        pin: PIN.into(),
    };
    assert_eq!(
        r.door
            .set_clock(SITTING, Some("2023-04-15T09:10:00+08:00"), Some(&proctor))
            .unwrap_err()
            .code,
        "not-chief-examiner"
    );
    r.door
        .set_clock(SITTING, Some("2023-04-15T09:10:00+08:00"), Some(&by(PIN)))
        .unwrap();
    let clock = r.door.clock(SITTING).unwrap();
    assert!(clock.set && !clock.drill);
    assert!(clock.set_by.as_deref().unwrap().contains(&r.chief));
    assert_eq!(clock.now, exam_day(9, 10));

    r.door.set_clock(SITTING, None, None).unwrap();
    assert!(!r.door.clock(SITTING).unwrap().set);
    let store = Store::open(r.db()).unwrap();
    let changes = store.clock_changes(SITTING).unwrap();
    assert_eq!(
        changes.len(),
        2,
        "the override and the way back are both recorded"
    );
    assert_eq!(changes[0].author.as_deref(), Some(r.chief.as_str()));
    assert_eq!(changes[0].old_shift_ms, None);
    assert_eq!(changes[0].new_shift_ms, Some(-35 * 60 * 1000));
    assert_eq!(
        DateTime::parse_from_rfc3339(&changes[0].wall).unwrap(),
        exam_day(9, 45),
        "recorded at the device time"
    );
    assert_eq!(changes[1].new_shift_ms, None);
    assert_eq!((changes[0].seq, changes[1].seq), (1, 2));
    let tries = store.pin_attempts(&r.chief).unwrap();
    let outcomes: Vec<&str> = tries.iter().map(|t| t.outcome.as_str()).collect();
    assert_eq!(outcomes, ["wrong", "accepted"]);
    assert!(
        tries
            .iter()
            .all(|t| t.purpose == "exam-time" && t.candidate.is_none())
    );
}

/// A candidate pending manual verification (the vouch recorded straight in the store: these
/// tests are about the PIN, not the photo).
fn pending(r: &Room) -> String {
    let student = r.students[1].clone();
    let mut store = Store::open(r.db()).unwrap();
    let now = r.hand.now().with_timezone(&CHINA_OFFSET);
    let vouch = DoorAct::Vouch {
        photo: PhotoRef::default(),
        face: None,
    };
    store
        .act(SITTING, &student, &r.proctor, &vouch, now)
        .unwrap();
    student
}

fn reject(r: &Room, student: &str, pin: &str) -> examgate_door::Result<examgate_door::ActResult> {
    let act = DoorAct::Reject {
        note: "照片不清".into(),
    };
    r.door
        .decide_with_pin(SITTING, student, &r.chief, pin, &act)
}

fn lock_out(r: &Room, student: &str) {
    for i in 0..5 {
        let code = reject(r, student, "000000").unwrap_err().code;
        assert_eq!(code, if i < 4 { "wrong-pin" } else { "pin-locked" });
    }
}

#[test]
fn moving_the_exam_clock_forward_does_not_skip_the_pin_lockout() {
    let r = room(true, exam_day(8, 40));
    let student = pending(&r);
    lock_out(&r, &student);
    r.door
        .set_clock(SITTING, Some("2023-04-15T09:40:00+08:00"), None)
        .unwrap();
    assert_eq!(reject(&r, &student, PIN).unwrap_err().code, "pin-locked");
    r.hand.shift(Duration::minutes(5));
    let done = reject(&r, &student, PIN).unwrap();
    assert!(matches!(done.state, CandidateState::Refused { .. }));
}

#[test]
fn turning_the_device_clock_back_does_not_shorten_the_lock() {
    let r = room(true, exam_day(8, 40));
    let student = pending(&r);
    lock_out(&r, &student);
    r.hand.set(exam_day(7, 40));
    assert_eq!(reject(&r, &student, PIN).unwrap_err().code, "pin-locked");
    r.hand.set(exam_day(8, 44));
    assert_eq!(reject(&r, &student, PIN).unwrap_err().code, "pin-locked");
    r.hand.set(exam_day(8, 45));
    assert!(reject(&r, &student, PIN).is_ok());
}

#[test]
fn wrong_pins_and_the_lock_are_recorded_and_survive_a_restart() {
    let mut r = room(true, exam_day(8, 40));
    let student = pending(&r);
    for _ in 0..3 {
        assert_eq!(
            reject(&r, &student, "000000").unwrap_err().code,
            "wrong-pin"
        );
    }
    r.reopen();
    let left = reject(&r, &student, "111111").unwrap_err();
    assert_eq!(left.code, "wrong-pin");
    assert!(
        left.message.contains("1"),
        "the count was kept: {}",
        left.message
    );
    r.hand.shift(Duration::seconds(10));
    assert_eq!(
        reject(&r, &student, "222222").unwrap_err().code,
        "pin-locked"
    );
    r.reopen();
    r.hand.shift(Duration::minutes(1));
    assert_eq!(reject(&r, &student, PIN).unwrap_err().code, "pin-locked");

    let tries = Store::open(r.db()).unwrap().pin_attempts(&r.chief).unwrap();
    let outcomes: Vec<&str> = tries.iter().map(|t| t.outcome.as_str()).collect();
    assert_eq!(
        outcomes,
        [
            "wrong",
            "wrong",
            "wrong",
            "wrong",
            "locked-out",
            "refused-locked"
        ]
    );
    assert!(
        tries
            .iter()
            .all(|t| t.candidate.as_deref() == Some(student.as_str())
                && t.sitting.as_deref() == Some(SITTING)
                && t.purpose == "reject")
    );
    assert_eq!(
        DateTime::parse_from_rfc3339(&tries[5].at).unwrap(),
        exam_day(8, 41) + Duration::seconds(10),
        "tries are timed by the device clock"
    );
}

/// The seconds a `pin-locked` refusal says are left.
fn seconds_left(e: &examgate_door::IpcError) -> i64 {
    assert_eq!(e.code, "pin-locked", "{}", e.message);
    let (_, after) = e.message.split_once("请 ").unwrap();
    after.split_once(' ').unwrap().0.parse().unwrap()
}

#[test]
fn setting_the_device_clock_forward_does_not_end_the_lock_while_the_boot_clock_runs() {
    let r = room_on(true, Hand::with_boot(exam_day(8, 40)));
    let student = pending(&r);
    lock_out(&r, &student);
    r.hand.shift(Duration::hours(1));
    r.hand.boot_forward(10);
    let locked = reject(&r, &student, PIN).unwrap_err();
    assert_eq!(seconds_left(&locked), 290, "timed by the boot clock");
    r.hand.boot_forward(289);
    assert_eq!(reject(&r, &student, PIN).unwrap_err().code, "pin-locked");

    let tries = Store::open(r.db()).unwrap().pin_attempts(&r.chief).unwrap();
    let last = tries.last().unwrap();
    assert_eq!(last.outcome, "refused-locked");
    assert_eq!(
        DateTime::parse_from_rfc3339(&last.at).unwrap(),
        exam_day(9, 40),
        "the try keeps the wall time it was made at"
    );
    assert_eq!(last.boot, r.hand.boot(), "and the boot clock beside it");
}

#[test]
fn five_minutes_on_the_boot_clock_end_the_lock_whatever_the_wall_clock_says() {
    let r = room_on(true, Hand::with_boot(exam_day(8, 40)));
    let student = pending(&r);
    lock_out(&r, &student);
    r.hand.set(exam_day(7, 40));
    r.hand.boot_forward(5 * 60);
    let done = reject(&r, &student, PIN).unwrap();
    assert!(matches!(done.state, CandidateState::Refused { .. }));
}

#[test]
fn after_a_reboot_the_wall_clock_decides_the_lock() {
    let r = room_on(true, Hand::with_boot(exam_day(8, 40)));
    let student = pending(&r);
    lock_out(&r, &student);
    // A new boot whose clock reads far more than the old one did: it says nothing about the lock.
    r.hand.reboot("boot-2", 7200);
    r.hand.set(exam_day(8, 44));
    assert_eq!(seconds_left(&reject(&r, &student, PIN).unwrap_err()), 60);
    r.hand.set(exam_day(8, 45));
    assert!(reject(&r, &student, PIN).is_ok());
}

#[test]
fn the_boot_clock_lock_survives_reopening_the_store() {
    let mut r = room_on(true, Hand::with_boot(exam_day(8, 40)));
    let student = pending(&r);
    lock_out(&r, &student);
    r.reopen();
    r.hand.shift(Duration::hours(1));
    r.hand.boot_forward(10);
    assert_eq!(seconds_left(&reject(&r, &student, PIN).unwrap_err()), 290);
    r.reopen();
    r.hand.boot_forward(290);
    assert!(reject(&r, &student, PIN).is_ok());
}
