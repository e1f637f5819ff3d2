//! The shell's wiring, through Tauri's mock runtime (no window): command names, argument names as
//! the UI sends them (camelCase), results and `{code, message}` errors as the UI receives them.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers: a failure is the test failing"
)]

use examgate_door::Door;
use serde_json::{Value, json};
use tauri::Manager;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::{InvokeRequest, WebviewWindow, WebviewWindowBuilder};

const SITTING: &str = "2023春 第一次";
const SITE: &str = "襄阳电大校本部";

fn app(dir: &tempfile::TempDir) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let app = examgate_app::builder(mock_builder())
        .build(examgate_app::context())
        .unwrap();
    app.manage(Door::open(&dir.path().join("door.db")).unwrap());
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    (app, webview)
}

/// An IPC request as the webview sends it.
fn request(cmd: &str, body: InvokeBody, headers: tauri::http::HeaderMap) -> InvokeRequest {
    InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().unwrap(),
        body,
        headers,
        invoke_key: INVOKE_KEY.to_string(),
    }
}

/// The answer of a command that answers JSON (or its `{code, message}` error).
fn json_answer(
    webview: &WebviewWindow<MockRuntime>,
    request: InvokeRequest,
) -> Result<Value, Value> {
    get_ipc_response(webview, request).map(|body| match body {
        tauri::ipc::InvokeResponseBody::Json(s) => serde_json::from_str(&s).unwrap(),
        tauri::ipc::InvokeResponseBody::Raw(_) => panic!("unexpected raw response"),
    })
}

fn call(webview: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    json_answer(
        webview,
        request(cmd, InvokeBody::Json(args), Default::default()),
    )
}

/// A command whose body is raw bytes (the photo), with its target in the header, as ipc.ts sends it.
fn call_raw(
    webview: &WebviewWindow<MockRuntime>,
    cmd: &str,
    body: Vec<u8>,
    target_json: &str,
) -> Result<Value, Value> {
    let mut headers = tauri::http::HeaderMap::new();
    // What the UI's encodeURIComponent does (it leaves a few more characters as they are).
    let encoded =
        percent_encoding::utf8_percent_encode(target_json, percent_encoding::NON_ALPHANUMERIC)
            .to_string();
    headers.insert(examgate_door::PHOTO_TARGET_HEADER, encoded.parse().unwrap());
    json_answer(webview, request(cmd, InvokeBody::Raw(body), headers))
}

/// A command that answers with raw bytes.
fn call_bytes(webview: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Vec<u8> {
    let request = request(cmd, InvokeBody::Json(args), Default::default());
    match get_ipc_response(webview, request).unwrap() {
        tauri::ipc::InvokeResponseBody::Raw(bytes) => bytes,
        tauri::ipc::InvokeResponseBody::Json(s) => panic!("expected raw bytes, got {s}"),
    }
}

/// A small camera-like JPEG.
fn camera_jpeg() -> Vec<u8> {
    examgate_testkit::camera_jpeg(640, 480)
}

#[test]
fn a_proctor_admits_by_the_last_four_digits_and_a_second_admission_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(&dir);
    let report = call(&w, "load_demo", json!({})).unwrap();
    assert_eq!(report["candidates"], 588);
    call(
        &w,
        "set_clock",
        json!({"sitting": SITTING, "examTime": "2023-04-15T08:40:00+08:00"}),
    )
    .unwrap();
    let clock = call(&w, "clock", json!({"sitting": SITTING})).unwrap();
    assert_eq!(clock["phase"], "door-open");
    assert_eq!(clock["set"], true);

    let proctor = call(&w, "staff", json!({"site": SITE, "room": "01"}))
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["role"] == "proctor")
        .unwrap()["id"]
        .clone();
    let tally = call(
        &w,
        "tally",
        json!({"sitting": SITTING, "site": SITE, "room": "01"}),
    )
    .unwrap();
    let student = tally["expected"][0]["student_number"]
        .as_str()
        .unwrap()
        .to_string();
    let found = call(
        &w,
        "search",
        json!({"sitting": SITTING, "site": SITE, "room": "01", "text": &student[9..]}),
    )
    .unwrap();
    assert!(
        found
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["student_number"] == student.as_str())
    );

    let args =
        json!({"sitting": SITTING, "student": student, "actor": proctor, "act": {"act": "admit"}});
    let first = call(&w, "act", args.clone()).unwrap();
    assert_eq!(first["state"]["state"], "admitted");
    let second = call(&w, "act", args).unwrap_err();
    assert_eq!(second["code"], "already-admitted");
    assert!(second["message"].as_str().unwrap().contains("已入场"));
}

#[test]
fn after_the_cutoff_an_admission_becomes_absent_and_the_rest_are_marked_absent() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(&dir);
    call(&w, "load_demo", json!({})).unwrap();
    call(
        &w,
        "set_clock",
        json!({"sitting": SITTING, "examTime": "2023-04-15T09:31:00+08:00"}),
    )
    .unwrap();
    let tally = call(
        &w,
        "tally",
        json!({"sitting": SITTING, "site": SITE, "room": "02"}),
    )
    .unwrap();
    let student = tally["expected"][0]["student_number"].clone();
    let r = call(
        &w,
        "act",
        json!({"sitting": SITTING, "student": student, "actor": "J2201", "act": {"act": "admit"}}),
    )
    .unwrap();
    assert_eq!(r["state"], json!({"state": "absent", "refused_late": true}));
    let n = call(
        &w,
        "mark_remaining_absent",
        json!({"sitting": SITTING, "site": SITE, "room": "02", "actor": "J2201"}),
    )
    .unwrap();
    assert_eq!(n, 29);
    let tally = call(
        &w,
        "tally",
        json!({"sitting": SITTING, "site": SITE, "room": "02"}),
    )
    .unwrap();
    assert_eq!(tally["absent"].as_array().unwrap().len(), 30);
}

#[test]
fn a_wrong_room_note_and_bad_input_reach_the_ui_as_coded_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(&dir);
    call(&w, "load_demo", json!({})).unwrap();
    let bad = call(
        &w,
        "set_clock",
        json!({"sitting": SITTING, "examTime": "9:31"}),
    )
    .unwrap_err();
    assert_eq!(bad["code"], "bad-time");
    let tally = call(
        &w,
        "tally",
        json!({"sitting": SITTING, "site": SITE, "room": "02"}),
    )
    .unwrap();
    let student = tally["expected"][0]["student_number"].clone();
    call(
        &w,
        "note_wrong_room",
        json!({"sitting": SITTING, "student": student, "actor": "J2101", "atRoom": "01"}),
    )
    .unwrap();
    let card = call(&w, "card", json!({"sitting": SITTING, "student": student})).unwrap();
    assert_eq!(
        card["state"]["state"], "expected",
        "a wrong-room note does not change the state"
    );
    let unknown = call(
        &w,
        "card",
        json!({"sitting": SITTING, "student": "2242999999999"}),
    )
    .unwrap_err();
    assert_eq!(unknown["code"], "unknown-candidate");
    let import = call(
        &w,
        "import_files",
        json!({"paths": ["/nonexistent/座次表.csv"], "sitting": null}),
    )
    .unwrap_err();
    assert_eq!(import["code"], "unreadable-file");
}

#[test]
fn a_vouch_needs_its_photo_sent_as_raw_bytes_and_the_chief_approves_with_a_pin() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(&dir);
    call(&w, "load_demo", json!({})).unwrap();
    call(
        &w,
        "set_clock",
        json!({"sitting": SITTING, "examTime": "2023-04-15T08:40:00+08:00"}),
    )
    .unwrap();
    let tally = call(
        &w,
        "tally",
        json!({"sitting": SITTING, "site": SITE, "room": "01"}),
    )
    .unwrap();
    let student = tally["expected"][0]["student_number"].clone();
    let vouch = json!({"sitting": SITTING, "student": student, "actor": "J2101", "act": {"act": "vouch", "photo": {"file": "x.jpg", "sha256": "", "public_key": "", "signature": "", "source": "file"}}});
    assert_eq!(call(&w, "act", vouch).unwrap_err()["code"], "photo-needed");
    let target =
        json!({"sitting": SITTING, "student": student, "actor": "J2101", "source": "camera"})
            .to_string();
    let begun = call(
        &w,
        "begin_vouch",
        json!({"sitting": SITTING, "student": student, "actor": "J2101"}),
    );
    assert_eq!(
        begun.unwrap(),
        Value::Null,
        "before T+30 the photo is to be taken"
    );
    assert_eq!(
        call_raw(&w, "take_photo", b"not a photo".to_vec(), &target).unwrap_err()["code"],
        "not-an-image"
    );
    let taken = call_raw(&w, "take_photo", camera_jpeg(), &target).unwrap();
    assert_eq!(taken["state"]["state"], "pending-manual-verification");
    let shown = call_bytes(
        &w,
        "fallback_photo",
        json!({"sitting": SITTING, "student": student}),
    );
    assert!(
        shown.starts_with(&[0xFF, 0xD8]),
        "the chief is shown a JPEG"
    );
    let on_disk = dir
        .path()
        .join("photos")
        .join(SITTING)
        .join(format!("{}.jpg", student.as_str().unwrap()));
    assert_eq!(shown, std::fs::read(on_disk).unwrap());
    let key = &call(&w, "app_info", json!({})).unwrap()["signing_key"]["public_key"];
    assert_eq!(key.as_str().unwrap().len(), 64);
    assert_eq!(call(&w, "has_pin", json!({"chief": "Z02"})).unwrap(), false);
    call(&w, "set_pin", json!({"chief": "Z02", "pin": "246810"})).unwrap();
    assert_eq!(
        call(&w, "set_pin", json!({"chief": "J2101", "pin": "246810"})).unwrap_err()["code"],
        "not-chief-examiner"
    );
    let approve = |who: &str, pin: &str| json!({"sitting": SITTING, "student": student, "chief": who, "pin": pin, "act": {"act": "approve"}});
    assert_eq!(
        call(&w, "decide_with_pin", approve("Z02", "000000")).unwrap_err()["code"],
        "wrong-pin"
    );
    assert_eq!(
        call(&w, "decide_with_pin", approve("J2101", "246810")).unwrap_err()["code"],
        "not-chief-examiner"
    );
    let ok = call(&w, "decide_with_pin", approve("Z02", "246810")).unwrap();
    assert_eq!(ok["state"], json!({"state": "admitted", "manual": true}));
}

#[test]
#[cfg(target_os = "linux")]
fn an_import_naming_a_pipe_answers_at_once_with_an_error_instead_of_hanging_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(&dir);
    let fifo = dir.path().join("座次表.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let args = json!({"paths": [fifo.to_str().unwrap()], "sitting": null});
        tx.send(call(&w, "import_files", args)).unwrap();
    });
    // A bound on a hang, not a timing: the old command blocked in open() for ever.
    let answer = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the import answers instead of waiting for a writer");
    let error = answer.unwrap_err();
    assert_eq!(error["code"], "unreadable-file");
    assert!(
        error["message"].as_str().unwrap().contains("不是普通文件"),
        "{error}"
    );
}

/// The device clock, moved by hand: what the door's ids, wall times and PIN lock-out run on.
#[derive(Clone)]
struct Hand(std::sync::Arc<std::sync::Mutex<chrono::DateTime<chrono::Utc>>>);

impl Hand {
    fn at(rfc3339: &str) -> Hand {
        let t = chrono::DateTime::parse_from_rfc3339(rfc3339).unwrap();
        Hand(std::sync::Arc::new(std::sync::Mutex::new(t.to_utc())))
    }
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        *self.0.lock().unwrap()
    }
    fn forward(&self, secs: i64) {
        *self.0.lock().unwrap() += chrono::Duration::seconds(secs);
    }
}

/// The app on the database `db`, its device clock read from `hand`.
fn app_at(
    db: &std::path::Path,
    hand: &Hand,
) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let app = examgate_app::builder(mock_builder())
        .build(examgate_app::context())
        .unwrap();
    let h = hand.clone();
    let clock = examgate_door::DeviceClock::from_fn(move || h.now());
    app.manage(Door::open_with_clock(db, clock).unwrap());
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    (app, webview)
}

/// The demo's lists imported into *real* sittings (not drills), as an office imports its own.
fn real_exam(db: &std::path::Path) {
    let mut store = examgate_store::Store::open(db).unwrap();
    for s in examgate_demo::sittings() {
        store
            .add_sitting(&s, examgate_core::timeline::CHINA_OFFSET)
            .unwrap();
    }
    store
        .import(&examgate_demo::files(), &Default::default())
        .unwrap();
}

fn first_expected(w: &WebviewWindow<MockRuntime>, room: &str) -> Value {
    call(
        w,
        "tally",
        json!({"sitting": SITTING, "site": SITE, "room": room}),
    )
    .unwrap()["expected"][0]["student_number"]
        .clone()
}

#[test]
fn at_09_45_a_real_sitting_cannot_be_set_back_to_09_10_to_admit_a_latecomer() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("door.db");
    real_exam(&db);
    let hand = Hand::at("2023-04-15T09:45:00+08:00");
    let (_app, w) = app_at(&db, &hand);
    let refused = call(
        &w,
        "set_clock",
        json!({"sitting": SITTING, "examTime": "2023-04-15T09:10:00+08:00"}),
    )
    .unwrap_err();
    assert_eq!(refused["code"], "exam-time-needs-chief");
    let clock = call(&w, "clock", json!({"sitting": SITTING})).unwrap();
    assert_eq!(
        (&clock["set"], &clock["drill"]),
        (&json!(false), &json!(false))
    );
    assert_eq!(clock["phase"], "late-cutoff-passed");

    let student = first_expected(&w, "01");
    let r = call(
        &w,
        "act",
        json!({"sitting": SITTING, "student": student, "actor": "J2101", "act": {"act": "admit"}}),
    )
    .unwrap();
    assert_eq!(r["state"], json!({"state": "absent", "refused_late": true}));
}

#[test]
fn on_a_drill_a_set_time_admits_but_the_event_carries_the_device_time() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("door.db");
    let hand = Hand::at("2026-11-29T14:00:00+08:00");
    let (_app, w) = app_at(&db, &hand);
    call(&w, "load_demo", json!({})).unwrap();
    call(
        &w,
        "set_clock",
        json!({"sitting": SITTING, "examTime": "2023-04-15T09:10:00+08:00"}),
    )
    .unwrap();
    let clock = call(&w, "clock", json!({"sitting": SITTING})).unwrap();
    assert_eq!(
        (&clock["set"], &clock["drill"]),
        (&json!(true), &json!(true))
    );
    let student = first_expected(&w, "01");
    let r = call(
        &w,
        "act",
        json!({"sitting": SITTING, "student": student, "actor": "J2101", "act": {"act": "admit"}}),
    )
    .unwrap();
    assert_eq!(r["state"]["state"], "admitted");

    let events = examgate_store::Store::open(&db)
        .unwrap()
        .events_of(SITTING, student.as_str().unwrap())
        .unwrap();
    let e = &events[0];
    let device = hand.now();
    assert_eq!(
        e.wall.to_utc(),
        device,
        "the event's wall time is the device's"
    );
    let (secs, nanos) = e.id.0.get_timestamp().unwrap().to_unix();
    assert_eq!(
        secs as i64 * 1000 + i64::from(nanos / 1_000_000),
        device.timestamp_millis(),
        "the UUIDv7 carries the device time"
    );
    assert_eq!(
        e.exam_time.unwrap().to_rfc3339(),
        "2023-04-15T09:10:00+08:00"
    );
}

/// A chief examiner with a PIN and a candidate awaiting their decision, on the demo (a drill)
/// whose exam time is set to 08:40.
fn pending_for_the_chief(w: &WebviewWindow<MockRuntime>) -> Value {
    call(
        w,
        "set_clock",
        json!({"sitting": SITTING, "examTime": "2023-04-15T08:40:00+08:00"}),
    )
    .unwrap();
    call(w, "set_pin", json!({"chief": "Z02", "pin": "246810"})).unwrap();
    let student = first_expected(w, "01");
    let target =
        json!({"sitting": SITTING, "student": student, "actor": "J2101", "source": "camera"})
            .to_string();
    call(
        w,
        "begin_vouch",
        json!({"sitting": SITTING, "student": student, "actor": "J2101"}),
    )
    .unwrap();
    call_raw(w, "take_photo", camera_jpeg(), &target).unwrap();
    student
}

fn reject(w: &WebviewWindow<MockRuntime>, student: &Value, pin: &str) -> Result<Value, Value> {
    call(
        w,
        "decide_with_pin",
        json!({"sitting": SITTING, "student": student, "chief": "Z02", "pin": pin, "act": {"act": "reject", "note": "照片不清"}}),
    )
}

#[test]
fn five_wrong_pins_lock_the_chief_out_and_setting_the_exam_clock_forward_does_not_unlock() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("door.db");
    let hand = Hand::at("2026-11-29T08:40:00+08:00");
    let (_app, w) = app_at(&db, &hand);
    call(&w, "load_demo", json!({})).unwrap();
    let student = pending_for_the_chief(&w);
    for _ in 0..4 {
        assert_eq!(
            reject(&w, &student, "000000").unwrap_err()["code"],
            "wrong-pin"
        );
    }
    assert_eq!(
        reject(&w, &student, "000000").unwrap_err()["code"],
        "pin-locked"
    );
    call(
        &w,
        "set_clock",
        json!({"sitting": SITTING, "examTime": "2023-04-15T09:40:00+08:00"}),
    )
    .unwrap();
    assert_eq!(
        reject(&w, &student, "246810").unwrap_err()["code"],
        "pin-locked",
        "an exam clock an hour ahead does not end the lock"
    );
    hand.forward(5 * 60);
    let done = reject(&w, &student, "246810").unwrap();
    assert_eq!(done["state"]["state"], "refused");
}

#[test]
fn wrong_pin_attempts_and_the_lock_survive_restarting_the_app() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("door.db");
    let hand = Hand::at("2026-11-29T08:40:00+08:00");
    let student = {
        let (_app, w) = app_at(&db, &hand);
        call(&w, "load_demo", json!({})).unwrap();
        let student = pending_for_the_chief(&w);
        for _ in 0..5 {
            reject(&w, &student, "000000").unwrap_err();
        }
        student
    };
    hand.forward(60);
    let (_app, w) = app_at(&db, &hand);
    assert_eq!(
        reject(&w, &student, "246810").unwrap_err()["code"],
        "pin-locked",
        "still locked after a restart"
    );
    let tries = examgate_store::Store::open(&db)
        .unwrap()
        .pin_attempts("Z02")
        .unwrap();
    assert_eq!(tries.len(), 6);
    assert_eq!(tries[4].outcome, "locked-out");
    assert_eq!(tries[5].outcome, "refused-locked");
    assert_eq!(tries[5].candidate.as_deref(), student.as_str());
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(&tries[5].at)
            .unwrap()
            .to_utc(),
        hand.now()
    );
}

/// The device's boot clock, moved by hand: which boot, and time since it.
#[derive(Clone)]
struct BootHand(std::sync::Arc<std::sync::Mutex<examgate_store::BootReading>>);

impl BootHand {
    fn new() -> BootHand {
        BootHand(std::sync::Arc::new(std::sync::Mutex::new(
            examgate_store::BootReading {
                boot_id: "boot-1".into(),
                since_boot: std::time::Duration::from_secs(3600),
            },
        )))
    }
    fn read(&self) -> examgate_store::BootReading {
        self.0.lock().unwrap().clone()
    }
    fn forward(&self, secs: u64) {
        self.0.lock().unwrap().since_boot += std::time::Duration::from_secs(secs);
    }
}

/// The app on the database `db`, its device clock read from `hand` and its boot clock from `boot`.
fn app_on_boot_clock(
    db: &std::path::Path,
    hand: &Hand,
    boot: &BootHand,
) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let app = examgate_app::builder(mock_builder())
        .build(examgate_app::context())
        .unwrap();
    let (h, b) = (hand.clone(), boot.clone());
    let clock =
        examgate_door::DeviceClock::from_fn(move || h.now()).with_boot(move || Some(b.read()));
    app.manage(Door::open_with_clock(db, clock).unwrap());
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    (app, webview)
}

#[test]
fn setting_the_phone_clock_an_hour_forward_does_not_end_the_pin_lock() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("door.db");
    let hand = Hand::at("2026-11-29T08:40:00+08:00");
    let boot = BootHand::new();
    let student = {
        let (_app, w) = app_on_boot_clock(&db, &hand, &boot);
        call(&w, "load_demo", json!({})).unwrap();
        let student = pending_for_the_chief(&w);
        for _ in 0..5 {
            reject(&w, &student, "000000").unwrap_err();
        }
        hand.forward(60 * 60);
        boot.forward(10);
        let locked = reject(&w, &student, "246810").unwrap_err();
        assert_eq!(locked["code"], "pin-locked", "an hour on the phone's clock");
        assert!(
            locked["message"].as_str().unwrap().contains("290"),
            "{locked}"
        );
        student
    };
    let (_app, w) = app_on_boot_clock(&db, &hand, &boot);
    boot.forward(289);
    assert_eq!(
        reject(&w, &student, "246810").unwrap_err()["code"],
        "pin-locked",
        "4 min 59 s on the boot clock, after a restart of the app"
    );
    boot.forward(1);
    let done = reject(&w, &student, "246810").unwrap();
    assert_eq!(done["state"]["state"], "refused");
}
