//! Offline PIN approvals at a door device, with the real binaries: the office sets the chief's
//! PIN at the site server (`examgate serve chief-pin`), the door gets its verifier with the
//! catalogue, the chief approves at the proctor's door with the PIN while it is offline, and the
//! approval syncs: the server accepts it, and the chief's device and a second door see the
//! candidate admitted. An approval with a forged proof, a proof moved from another event, or no
//! proof is kept aside; a PIN set on an enrolled device is refused; the catalogue never carries
//! the chief's proof key. A closing waiver typed at a door is kept aside the same way without
//! the chief's proof, and accepted with it.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]
#![cfg(unix)]

mod support;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use examgate_core::chief_proof;
use examgate_core::closing::ClosingItem;
use examgate_core::door::DoorAct;
use examgate_core::event::{Event, EventId, EventKind, Hlc, PhotoRef};
use examgate_core::fold::CandidateState;
use examgate_core::model::StudentNumber;
use examgate_core::signed::sign;
use examgate_store::Store;
use examgate_store::pin_hash::proof_key;
use support::site::*;
use support::*;
use uuid::Uuid;

const PIN: &str = "246810";

/// `examgate serve chief-pin --data <server> --staff <staff> --pin-stdin`, the PIN on stdin.
fn set_chief_pin(server: &Served, staff: &str, pin: &str) -> Output {
    run_with_stdin(
        &[
            "serve",
            "chief-pin",
            "--data",
            server.data(),
            "--staff",
            staff,
            "--pin-stdin",
        ],
        pin,
    )
}

fn run_with_stdin(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{stdin}").unwrap();
    child.wait_with_output().unwrap()
}

fn vouch() -> DoorAct {
    DoorAct::Vouch {
        photo: PhotoRef {
            file: "x.jpg".into(),
            sha256: "ab".repeat(32),
            ..PhotoRef::default()
        },
        face: None,
    }
}

fn state(store: &Store, student: &str) -> CandidateState {
    store.candidate(SITTING, student).unwrap().state
}

/// The site with the chief's PIN set at the server, and a proctor's door enrolled after it.
fn site_with_pin(dir: &Path) -> (Served, std::path::PathBuf) {
    let server = site_server(dir);
    let out = set_chief_pin(&server, CHIEF, PIN);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let a = door(&server, dir, "a", &server.url, "proctor", PROCTOR);
    (server, a)
}

/// The served catalogue's own bytes (`GET /v1/catalogue` as device `db`).
fn served_catalogue(server: &Served, db: &Path) -> String {
    let tls = examgate_sync::pinned_tls_config(server.fingerprint).unwrap();
    let http = reqwest::Client::builder()
        .use_preconfigured_tls(tls)
        .build()
        .unwrap();
    let token = link(db).unwrap().token;
    block_on(async {
        let answer = http
            .get(format!("{}/v1/catalogue", server.url))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        answer.text().await.unwrap()
    })
}

#[test]
fn an_approval_typed_offline_at_a_door_with_the_chiefs_pin_syncs_and_every_device_sees_it() {
    let dir = tempfile::tempdir().unwrap();
    let (server, a) = site_with_pin(dir.path());
    let b = door(&server, dir.path(), "b", &server.url, "proctor", PROCTOR_2);
    let chief = door(&server, dir.path(), "chief", &server.url, "chief", CHIEF);
    let student = room_01(&a)[1].clone();

    // Offline: the proctor vouches and the chief approves at the same door with the PIN.
    act(&a, &student, PROCTOR, &vouch());
    let mut door_a = Store::open(&a).unwrap();
    let wrong = door_a.decide_with_pin(
        SITTING,
        &student,
        CHIEF,
        "135790",
        &DoorAct::Approve,
        at(8, 44),
    );
    assert!(wrong.is_err(), "a wrong PIN approves nothing");
    let approved = door_a
        .decide_with_pin(SITTING, &student, CHIEF, PIN, &DoorAct::Approve, at(8, 45))
        .unwrap();
    assert!(approved.event.chief_proof.is_some());
    drop(door_a);

    // Online again. The vouch's photo file is not on this fixture device (exit 1), but every
    // event is acknowledged and none is kept aside.
    let out = sync(&a);
    assert!(
        !text(&out.stdout).contains("服务器拒收"),
        "{}",
        text(&out.stdout)
    );
    let status = examgate_sync::sync_status(&Store::open(&a).unwrap()).unwrap();
    assert_eq!(status.pending, 0, "the approval is acknowledged");
    let listed = text(&examgate(&["serve", "quarantine", "--data", server.data()]).stdout);
    assert!(!listed.contains("manual-verification-approved"), "{listed}");
    assert_eq!(
        state(&server.store(), &student),
        CandidateState::Admitted { manual: true }
    );
    for db in [&chief, &b] {
        let out = sync(db);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(
            state(&Store::open(db).unwrap(), &student),
            CandidateState::Admitted { manual: true }
        );
    }
}

/// An approval of `student` by the chief as door `a`'s event `seq`, after the door's vouch, with
/// `proof`, signed by the door's own key: what a rooted proctor's phone could send.
fn crafted(a: &Path, student: &str, seq: u64, proof: Option<String>) -> Event {
    let vouch = own_events(a)
        .into_iter()
        .rfind(|e| e.student() == student)
        .unwrap();
    Event {
        id: EventId(Uuid::now_v7()),
        device: vouch.device,
        seq,
        wall: at(8, 45),
        hlc: Hlc(vouch.hlc.0 + 1),
        exam_time: None,
        actor: CHIEF.into(),
        sitting: SITTING.into(),
        candidate: Some(StudentNumber::parse(student).unwrap()),
        parents: vec![vouch.id],
        kind: EventKind::ManualVerificationApproved,
        chief_proof: proof,
    }
}

#[test]
fn an_approval_with_a_forged_a_moved_or_no_proof_is_kept_aside() {
    let dir = tempfile::tempdir().unwrap();
    let (server, a) = site_with_pin(dir.path());
    let room = room_01(&a);
    let students = &room[3..7];
    for s in students {
        act(&a, s, PROCTOR, &vouch());
    }
    sync(&a);
    let high = own_events(&a).len() as u64;
    let json = served_catalogue(&server, &a);
    let catalogue: examgate_sync::wire::Catalogue = serde_json::from_str(&json).unwrap();
    let salt = catalogue
        .staff
        .iter()
        .find(|s| s.id == CHIEF)
        .and_then(|s| s.pin.clone())
        .unwrap()
        .salt;
    let right = proof_key(PIN, &salt).unwrap();
    let forged_key = proof_key("135790", &salt).unwrap();

    let forged = {
        let e = crafted(&a, &students[0], high + 1, None);
        chief_proof::with_proof(&forged_key, e)
    };
    let moved = {
        let genuine = chief_proof::with_proof(&right, crafted(&a, &students[0], high + 2, None));
        crafted(&a, &students[1], high + 2, genuine.chief_proof)
    };
    let none = crafted(&a, &students[2], high + 3, None);
    let genuine = chief_proof::with_proof(&right, crafted(&a, &students[3], high + 4, None));
    let key = examgate_photo::DeviceKey::load(&a.parent().unwrap().join("device-key.pem")).unwrap();
    let batch: Vec<_> = [&forged, &moved, &none, &genuine]
        .into_iter()
        .map(|e| sign(key.signing_key(), e.clone()))
        .collect();
    let client = server.client().with_token(link(&a).unwrap().token);
    let got = block_on(client.push(&batch)).unwrap();
    let kept_aside: Vec<(Uuid, &str)> = got
        .quarantined
        .iter()
        .map(|q| (q.id, q.reason.as_str()))
        .collect();
    assert_eq!(
        kept_aside,
        vec![
            (forged.id.0, "not-permitted"),
            (moved.id.0, "not-permitted"),
            (none.id.0, "not-permitted"),
        ]
    );
    let held = server.store();
    for s in &students[..3] {
        assert_eq!(state(&held, s), CandidateState::PendingManualVerification);
    }
    assert_eq!(
        state(&held, &students[3]),
        CandidateState::Admitted { manual: true },
        "the one proof that checks out is accepted"
    );
}

#[test]
fn the_served_catalogue_carries_the_chiefs_verifier_and_salt_never_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let (server, a) = site_with_pin(dir.path());
    let json = served_catalogue(&server, &a);
    let key = server
        .store()
        .chief_proof_key(SITE, CHIEF)
        .unwrap()
        .unwrap();
    assert!(
        !json.contains(&hex::encode(key)),
        "the proof key is never served"
    );
    assert!(!json.contains("proof_key"));
    assert!(!json.contains(PIN));
    let catalogue: examgate_sync::wire::Catalogue = serde_json::from_str(&json).unwrap();
    let pin = catalogue
        .staff
        .iter()
        .find(|s| s.id == CHIEF)
        .and_then(|s| s.pin.clone())
        .unwrap();
    assert!(json.contains(&pin.verifier) && json.contains(&pin.salt));
    assert_eq!(proof_key(PIN, &pin.salt).unwrap(), key);
    assert!(
        catalogue
            .staff
            .iter()
            .filter(|s| s.pin.is_some())
            .all(|s| s.role == "chief-examiner"),
        "only chiefs carry a PIN"
    );
    assert!(
        Store::open(&a).unwrap().has_pin(CHIEF).unwrap(),
        "the door installed it"
    );
}

#[test]
fn a_pin_is_set_at_the_server_for_a_chief_only_and_never_on_an_enrolled_device() {
    let dir = tempfile::tempdir().unwrap();
    let (server, a) = site_with_pin(dir.path());
    for (staff, pin) in [(PROCTOR, PIN), (CHIEF, "12345"), ("Z999", PIN)] {
        let out = set_chief_pin(&server, staff, pin);
        assert!(
            !out.status.success(),
            "{staff} {pin}: {}",
            text(&out.stdout)
        );
    }
    let out = run_with_stdin(
        &[
            "pin",
            "set",
            "--db",
            a.to_str().unwrap(),
            "--staff",
            CHIEF,
            "--replace",
        ],
        "135790",
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("考点服务器设置"),
        "{}",
        text(&out.stderr)
    );
    // The server's PIN is still the one on the door.
    let student = room_01(&a)[0].clone();
    act(&a, &student, PROCTOR, &vouch());
    let mut door_a = Store::open(&a).unwrap();
    assert!(
        door_a
            .decide_with_pin(
                SITTING,
                &student,
                CHIEF,
                "135790",
                &DoorAct::Approve,
                at(8, 45)
            )
            .is_err()
    );
    door_a
        .decide_with_pin(SITTING, &student, CHIEF, PIN, &DoorAct::Approve, at(8, 46))
        .unwrap();
}

/// `examgate serve chief-pin` at a terminal (a pty): types `first`, then `again`, each once its
/// prompt shows. Returns the exit status and what the terminal echoed.
fn chief_pin_at_a_terminal(server: &Served, first: &str, again: &str) -> (bool, String) {
    use std::io::Read;
    let pty = nix::pty::openpty(None, None).unwrap();
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "chief-pin",
            "--data",
            server.data(),
            "--staff",
            CHIEF,
        ])
        .stdin(Stdio::from(pty.slave))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut byte = [0u8; 1];
        while stderr.read(&mut byte).is_ok_and(|n| n == 1) {
            if tx.send(byte[0]).is_err() {
                break;
            }
        }
    });
    let mut master = std::fs::File::from(pty.master);
    for typed in [first, again] {
        // The prompt ends with ": " and shows only once echo is off.
        let mut seen = Vec::new();
        while !seen.ends_with(b": ") {
            seen.push(rx.recv_timeout(std::time::Duration::from_secs(30)).unwrap());
        }
        writeln!(master, "{typed}").unwrap();
    }
    let ok = child.wait().unwrap().success();
    // Everything the terminal showed: the echo, if any (EIO once the child has closed it).
    let mut echoed = Vec::new();
    let _ = master.read_to_end(&mut echoed);
    (ok, String::from_utf8_lossy(&echoed).into_owned())
}

#[test]
fn a_pin_typed_at_the_terminal_is_not_echoed_and_must_be_typed_twice_alike() {
    let dir = tempfile::tempdir().unwrap();
    let server = site_server(dir.path());
    let (ok, echoed) = chief_pin_at_a_terminal(&server, PIN, "246811");
    assert!(!ok, "two different PINs set nothing");
    assert!(!echoed.contains("24681"), "{echoed:?}");
    assert_eq!(server.store().chief_proof_key(SITE, CHIEF).unwrap(), None);

    let (ok, echoed) = chief_pin_at_a_terminal(&server, PIN, PIN);
    assert!(ok);
    assert!(!echoed.contains("24681"), "{echoed:?}");
    let key = server
        .store()
        .chief_proof_key(SITE, CHIEF)
        .unwrap()
        .unwrap();
    let salt = server
        .store()
        .catalogue(SITE)
        .unwrap()
        .content
        .staff
        .into_iter()
        .find(|s| s.id == CHIEF)
        .and_then(|s| s.pin)
        .unwrap()
        .salt;
    assert_eq!(
        proof_key(PIN, &salt).unwrap(),
        key,
        "the PIN typed is the one set"
    );
}

/// The chief's waiver of room 01's count check (closing the room) as door `a`'s event `seq`, with
/// `proof`, signed later by the door's own key: what a rooted proctor's phone could send.
fn crafted_waiver(a: &Path, seq: u64, proof: Option<String>) -> Event {
    let last = own_events(a).into_iter().last().unwrap();
    Event {
        id: EventId(Uuid::now_v7()),
        device: last.device,
        seq,
        wall: at(11, 5),
        hlc: Hlc(last.hlc.0 + seq),
        exam_time: None,
        actor: CHIEF.into(),
        sitting: SITTING.into(),
        candidate: None,
        parents: vec![],
        kind: EventKind::ClosingWaived {
            site: SITE.into(),
            room: "01".into(),
            item: ClosingItem::CountCheckNotDone,
            reason: "平台故障，人数由主考现场清点".into(),
        },
        chief_proof: proof,
    }
}

#[test]
fn a_closing_waiver_from_a_door_is_kept_aside_without_the_chiefs_proof_and_accepted_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let (server, a) = site_with_pin(dir.path());
    let room = room_01(&a);
    act(&a, &room[0], PROCTOR, &DoorAct::Admit);
    sync(&a);
    let high = own_events(&a).len() as u64;
    let json = served_catalogue(&server, &a);
    let catalogue: examgate_sync::wire::Catalogue = serde_json::from_str(&json).unwrap();
    let salt = catalogue
        .staff
        .iter()
        .find(|s| s.id == CHIEF)
        .and_then(|s| s.pin.clone())
        .unwrap()
        .salt;
    let right = proof_key(PIN, &salt).unwrap();
    let none = crafted_waiver(&a, high + 1, None);
    let forged = chief_proof::with_proof(
        &proof_key("135790", &salt).unwrap(),
        crafted_waiver(&a, high + 2, None),
    );
    let genuine = chief_proof::with_proof(&right, crafted_waiver(&a, high + 3, None));
    let key = examgate_photo::DeviceKey::load(&a.parent().unwrap().join("device-key.pem")).unwrap();
    let batch: Vec<_> = [&none, &forged, &genuine]
        .into_iter()
        .map(|e| sign(key.signing_key(), e.clone()))
        .collect();
    let client = server.client().with_token(link(&a).unwrap().token);
    let got = block_on(client.push(&batch)).unwrap();
    let kept_aside: Vec<(Uuid, &str)> = got
        .quarantined
        .iter()
        .map(|q| (q.id, q.reason.as_str()))
        .collect();
    assert_eq!(
        kept_aside,
        vec![(none.id.0, "not-permitted"), (forged.id.0, "not-permitted")]
    );
    let closing = server.store().room_closing(SITTING, SITE, "01").unwrap();
    let waiver = closing
        .items
        .iter()
        .find(|e| e.item == ClosingItem::CountCheckNotDone)
        .and_then(|e| e.waiver.as_ref())
        .expect("the proven waiver is accepted and waives the count check");
    assert_eq!(waiver.event, genuine.id);
}
