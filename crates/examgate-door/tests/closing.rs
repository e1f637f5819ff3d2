//! Closing the room and settling a conflict through the door service, with the device clock set
//! by hand on a real sitting (its exam time follows the device clock; setting it needs the
//! chief's PIN): the room does not close before the end, the list names the candidates, the
//! chief's waiver takes the PIN, and a conflict is never settled by the plain act.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers: a failure is the test failing"
)]

use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use examgate_core::closing::ClosingItem;
use examgate_core::door::DoorAct;
use examgate_core::event::Outcome;
use examgate_core::timeline::CHINA_OFFSET;
use examgate_door::{DeviceClock, Door, ErrorCode};
use examgate_store::{ImportOptions, Store};

const SITTING: &str = "2023春 第一次";
const SITE: &str = "襄阳电大校本部";
const ROOM: &str = "01";
const PIN: &str = "246810";

fn exam_day(h: u32, m: u32) -> DateTime<FixedOffset> {
    CHINA_OFFSET.with_ymd_and_hms(2023, 4, 15, h, m, 0).unwrap()
}

struct Room {
    _dir: tempfile::TempDir,
    wall: Arc<Mutex<DateTime<Utc>>>,
    door: Door,
    proctor: String,
    chief: String,
    students: Vec<String>,
}

impl Room {
    /// The demo's lists imported as a real sitting, the device clock at `t`.
    fn real(t: DateTime<FixedOffset>) -> Room {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("door.db");
        let mut store = Store::open(&db).unwrap();
        for s in examgate_demo::sittings() {
            store.add_sitting(&s, CHINA_OFFSET).unwrap();
        }
        store
            .import(&examgate_demo::files(), &ImportOptions::default())
            .unwrap();
        drop(store);
        let wall = Arc::new(Mutex::new(t.with_timezone(&Utc)));
        let read = wall.clone();
        let door = Door::open_with_clock(&db, DeviceClock::from_fn(move || *read.lock().unwrap()))
            .unwrap();
        let staff = door.staff(SITE, Some(ROOM)).unwrap();
        let proctor = staff.iter().find(|s| s.room.is_some()).unwrap().id.clone();
        let chief = staff.iter().find(|s| s.room.is_none()).unwrap().id.clone();
        door.set_pin(&chief, PIN).unwrap();
        let students = door
            .tally(SITTING, SITE, ROOM)
            .unwrap()
            .expected
            .iter()
            .map(|c| c.student_number.clone())
            .collect();
        Room {
            _dir: dir,
            wall,
            door,
            proctor,
            chief,
            students,
        }
    }

    fn set(&self, t: DateTime<FixedOffset>) {
        *self.wall.lock().unwrap() = t.with_timezone(&Utc);
    }

    fn close(&self) -> examgate_door::Result<examgate_door::ClosingView> {
        self.door.close_room(SITTING, SITE, ROOM, &self.proctor)
    }
}

#[test]
fn a_conflict_is_never_settled_by_the_plain_door_act_even_by_the_chief() {
    let r = Room::real(exam_day(8, 50));
    let act = DoorAct::Resolve {
        outcome: Outcome::Admitted { manual: false },
    };
    for who in [&r.proctor, &r.chief] {
        let e = r.door.act(SITTING, &r.students[0], who, &act).unwrap_err();
        assert_eq!(e.code, ErrorCode::NotChiefExaminer, "{e:?}");
    }
}

#[test]
fn on_a_real_sitting_the_room_closes_by_the_device_clock_after_the_end_with_names_in_the_list() {
    let r = Room::real(exam_day(8, 50));
    let s = r.students[0].clone();
    r.door
        .act(SITTING, &s, &r.proctor, &DoorAct::Admit)
        .unwrap();

    r.set(exam_day(10, 59));
    assert_eq!(r.close().unwrap_err().code, ErrorCode::TooEarlyToClose);
    // A proctor cannot move a real sitting's exam time to the end without the chief's PIN.
    let moved = r
        .door
        .set_clock(SITTING, Some("2023-04-15T11:00:00+08:00"), None)
        .unwrap_err();
    assert_eq!(moved.code, ErrorCode::ExamTimeNeedsChief);
    assert_eq!(r.close().unwrap_err().code, ErrorCode::TooEarlyToClose);

    r.set(exam_day(11, 0));
    let view = r.door.room_closing(SITTING, SITE, ROOM).unwrap();
    assert_eq!(view.open, 1);
    assert_eq!(view.lines[0].item, ClosingItem::CountCheckNotDone);
    assert_eq!(r.close().unwrap_err().code, ErrorCode::Unresolved);

    let proctor_waiver = r.door.waive_closing_item(
        SITTING,
        SITE,
        ROOM,
        &r.proctor,
        PIN,
        &ClosingItem::CountCheckNotDone,
        "忘了",
    );
    assert_eq!(
        proctor_waiver.unwrap_err().code,
        ErrorCode::NotChiefExaminer
    );
    let waived = r
        .door
        .waive_closing_item(
            SITTING,
            SITE,
            ROOM,
            &r.chief,
            PIN,
            &ClosingItem::CountCheckNotDone,
            "平台故障，人数已由主考现场清点",
        )
        .unwrap();
    assert_eq!(waived.open, 0);
    assert_eq!(
        waived.lines[0].waiver.as_ref().map(|w| w.chief.as_str()),
        Some(r.chief.as_str())
    );
    let closed = r.close().unwrap();
    assert_eq!(closed.closed_by.as_deref(), Some(r.proctor.as_str()));
    assert_eq!(
        closed.closed_at.as_deref(),
        Some("2023-04-15T11:00:00+08:00")
    );
    assert_eq!(r.close().unwrap_err().code, ErrorCode::RoomClosed);
}

#[test]
fn who_closed_the_room_is_known_from_its_close_alone_and_only_once_it_is_closed() {
    let r = Room::real(exam_day(11, 0));
    let closed_by = || r.door.room_closed_by(SITTING, SITE, ROOM).unwrap();
    assert_eq!(closed_by(), None);
    r.door
        .waive_closing_item(
            SITTING,
            SITE,
            ROOM,
            &r.chief,
            PIN,
            &ClosingItem::CountCheckNotDone,
            "平台故障，人数已由主考现场清点",
        )
        .unwrap();
    assert_eq!(closed_by(), None, "a waiver does not close the room");
    r.close().unwrap();
    assert_eq!(closed_by().as_deref(), Some(r.proctor.as_str()));
    assert_eq!(
        r.door.room_closed_by(SITTING, SITE, "02").unwrap(),
        None,
        "another room stays open"
    );
}
