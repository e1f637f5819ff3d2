//! The browser-only preview (`vite ui`, `/?mock`) shows the screens with no Rust behind them. It
//! used to imitate the door's rules in TypeScript and drifted; now it replays answers the real
//! door gave, recorded here into `ui/src/dev/preview.json` from the demo exam at a fixed device
//! time (the cards of one site, a few of them admitted, refused and awaiting approval, one chief
//! with a PIN), and it refuses every act. A test fails when the committed file is stale; regenerate it with
//! `UPDATE_BINDINGS=1 cargo test -p examgate-door --test preview`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a generator run by a test: a failure is the test failing"
)]

mod common;

use std::path::PathBuf;

use chrono::DateTime;
use examgate_core::door::DoorAct;
use examgate_core::event::RefusalReason;
use examgate_door::{AppInfo, DeviceClock, Door, SigningKey};
use serde::Serialize;
use serde_json::{Map, Value, json};

use common::{SITE, SITTING, camera_jpeg, target};

/// The device time the preview was recorded at: the door is open, the exam starts at 09:00.
const RECORDED_AT: &str = "2023-04-15T08:40:00+08:00";
const ROOM: &str = "01";

/// Answers by command name: `[{args, answer}]`, the arguments as the UI sends them.
#[derive(Default)]
struct Recording(Map<String, Value>);

impl Recording {
    fn add(&mut self, command: &str, args: Value, answer: impl Serialize) {
        let entry = json!({"args": args, "answer": answer});
        self.0
            .entry(command)
            .or_insert_with(|| Value::Array(Vec::new()))
            .as_array_mut()
            .unwrap()
            .push(entry);
    }
}

/// The demo with a few candidates of room 01 moved on, so each card state has an example.
fn door(dir: &std::path::Path) -> Door {
    let at = DateTime::parse_from_rfc3339(RECORDED_AT).unwrap().to_utc();
    let door =
        Door::open_with_clock(&dir.join("door.db"), DeviceClock::from_fn(move || at)).unwrap();
    door.load_demo().unwrap();
    let proctor = door
        .staff(SITE, Some(ROOM))
        .unwrap()
        .into_iter()
        .find(|s| s.room.is_some())
        .unwrap()
        .id;
    let expected: Vec<String> = door
        .tally(SITTING, SITE, ROOM)
        .unwrap()
        .expected
        .into_iter()
        .map(|c| c.student_number)
        .collect();
    for student in &expected[..3] {
        door.act(SITTING, student, &proctor, &DoorAct::Admit)
            .unwrap();
    }
    let refuse = DoorAct::Refuse {
        reason: RefusalReason::DocumentMismatch,
    };
    door.act(SITTING, &expected[3], &proctor, &refuse).unwrap();
    assert!(
        door.begin_vouch(SITTING, &expected[4], &proctor)
            .unwrap()
            .is_none()
    );
    door.take_photo(&target(&proctor, &expected[4]), &camera_jpeg(640, 480))
        .unwrap();
    let chief = door
        .staff(SITE, None)
        .unwrap()
        .into_iter()
        .find(|s| s.room.is_none())
        .unwrap()
        .id;
    door.set_pin(&chief, "246810").unwrap();
    door
}

/// The whole `ui/src/dev/preview.json`.
fn preview() -> String {
    let dir = tempfile::tempdir().unwrap();
    let door = door(dir.path());
    let mut r = Recording::default();
    // The settings screen's facts, made up: a real one names a folder and a key of this machine.
    let info = AppInfo {
        db_path: "（浏览器预览，无数据库）(browser preview, no database)".into(),
        device_id: "preview".into(),
        signing_key: SigningKey::Ready {
            public_key: "0".repeat(64),
        },
        db_key: "（浏览器预览）(browser preview)".into(),
        ..door.app_info().unwrap()
    };
    r.add("app_info", json!({}), info);
    r.add("sittings", json!({}), door.sittings().unwrap());
    let sites = door.sites().unwrap();
    r.add("sites", json!({}), &sites);
    for sitting in door.sittings().unwrap() {
        let label = sitting.sitting.label;
        r.add(
            "clock",
            json!({"sitting": label}),
            door.clock(&label).unwrap(),
        );
        for site in &sites {
            let rooms = door.rooms(&label, &site.name).unwrap();
            let args = json!({"sitting": label, "site": site.name});
            r.add("rooms", args, &rooms);
            // The cards of one site and sitting only: enough to lay the screens out.
            if label != SITTING || site.name != SITE {
                continue;
            }
            for room in &rooms {
                let args = json!({"sitting": label, "site": site.name, "room": room.number});
                let tally = door.tally(&label, &site.name, &room.number).unwrap();
                r.add("tally", args, tally);
            }
        }
    }
    for site in &sites {
        let staff = door.staff(&site.name, None).unwrap();
        r.add("staff", json!({"site": site.name, "room": null}), &staff);
        for room in door.rooms(SITTING, &site.name).unwrap() {
            let args = json!({"site": site.name, "room": room.number});
            r.add(
                "staff",
                args,
                door.staff(&site.name, Some(&room.number)).unwrap(),
            );
        }
        for chief in staff.iter().filter(|s| s.room.is_none()) {
            r.add(
                "has_pin",
                json!({"chief": chief.id}),
                door.has_pin(&chief.id).unwrap(),
            );
        }
    }
    let mut out = serde_json::to_string_pretty(&json!({
        "recorded_at": RECORDED_AT,
        "answers": r.0,
    }))
    .unwrap();
    out.push('\n');
    out
}

#[test]
fn the_browser_preview_replays_what_the_door_answers_today() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/dev/preview.json");
    let fresh = preview();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/dev/preview.json is stale: run `UPDATE_BINDINGS=1 cargo test -p examgate-door --test preview` and commit it"
    );
}
