//! The site server as the honest clock, with the real binaries: a door whose clock was set
//! forward closes its room, or makes the 30-minute count check, too early for a real sitting by
//! the server's clock; the server keeps the act aside (`closed-before-end`, `counted-before-due`)
//! and keeps refusing it when the door sends it again after the end, while the same act made in
//! time is accepted, and a drill's is never refused by this rule. The server's clock is
//! injected (`serve --clock-file`), never waited for.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]
#![cfg(unix)]

mod support;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, FixedOffset};
use examgate_core::door::DoorAct;
use examgate_core::event::{Event, EventId, EventKind, Hlc};
use examgate_core::signed::{SignedEvent, sign};
use examgate_core::timeline::Timeline;
use support::site::*;
use support::*;
use uuid::Uuid;

/// A site server holding the demo catalogue, its sitting made real (not a drill) unless `drill`,
/// its clock read from the returned file, set to `now` of the sitting's timeline.
fn site_at(
    dir: &Path,
    drill: bool,
    now: impl Fn(&Timeline) -> DateTime<FixedOffset>,
) -> (Served, PathBuf, Timeline) {
    let data = dir.join("server");
    let db = data.join("site.db");
    demo(&db);
    let conn = examgate_store::connect(&db).unwrap();
    conn.execute(
        "UPDATE sitting SET drill = ?1 WHERE label = ?2",
        rusqlite::params![drill, SITTING],
    )
    .unwrap();
    drop(conn);
    let timeline = {
        let store = examgate_store::Store::open(&db).unwrap();
        let s = store.sitting(SITTING).unwrap();
        assert_eq!(s.drill, drill);
        s.timeline().unwrap()
    };
    let clock = dir.join("server-clock");
    set_clock(&clock, now(&timeline));
    let server = serve_data_with(
        &data,
        "127.0.0.1:0",
        &["--clock-file", clock.to_str().unwrap()],
    );
    (server, clock, timeline)
}

fn set_clock(file: &Path, now: DateTime<FixedOffset>) {
    std::fs::write(file, now.to_rfc3339()).unwrap();
}

/// A door of room 01 with one admission synced, so its next event is `seq`.
fn door_with_one_act(server: &Served, dir: &Path, name: &str, staff: &str) -> PathBuf {
    let a = door(server, dir, name, &server.url, "proctor", staff);
    let room = room_01(&a);
    act(&a, &room[0], staff, &DoorAct::Admit);
    let out = sync(&a);
    assert!(out.status.success(), "{}", text(&out.stderr));
    a
}

/// Door `a`'s `n`th event from now: `kind` at device time `wall` (a clock set forward), signed
/// by its key.
fn nth_act(
    a: &Path,
    n: u64,
    staff: &str,
    kind: EventKind,
    wall: DateTime<FixedOffset>,
) -> SignedEvent {
    let last = own_events(a).into_iter().last().unwrap();
    let e = Event {
        id: EventId(Uuid::now_v7()),
        device: last.device,
        seq: last.seq + n,
        wall,
        hlc: Hlc(last.hlc.0 + n),
        exam_time: Some(wall),
        actor: staff.into(),
        sitting: SITTING.into(),
        candidate: None,
        parents: vec![],
        kind,
        chief_proof: None,
    };
    let key = examgate_photo::DeviceKey::load(&a.parent().unwrap().join("device-key.pem")).unwrap();
    sign(key.signing_key(), e)
}

fn next_act(a: &Path, staff: &str, kind: EventKind, wall: DateTime<FixedOffset>) -> SignedEvent {
    nth_act(a, 1, staff, kind, wall)
}

fn closed() -> EventKind {
    EventKind::RoomClosed {
        site: SITE.into(),
        room: "01".into(),
    }
}

fn counted() -> EventKind {
    EventKind::CountChecked {
        site: SITE.into(),
        room: "01".into(),
        platform_count: 1,
        real_count: 1,
    }
}

/// Pushes `batch` as door `a`; what was kept aside, as (id, reason).
fn push(server: &Served, a: &Path, batch: &[SignedEvent]) -> (Vec<(Uuid, String)>, Vec<String>) {
    let client = server.client().with_token(link(a).unwrap().token);
    let got = block_on(client.push(batch)).unwrap();
    let kept: Vec<(Uuid, String)> = got
        .quarantined
        .iter()
        .map(|q| (q.id, q.reason.clone()))
        .collect();
    let messages = got.quarantined.iter().map(|q| q.message.clone()).collect();
    (kept, messages)
}

fn server_holds(server: &Served, id: EventId) -> bool {
    held(&server.store()).iter().any(|e| e.id == id)
}

#[test]
fn a_real_sittings_room_closed_before_the_end_by_the_servers_clock_is_kept_aside_even_when_resent_after()
 {
    let dir = tempfile::tempdir().unwrap();
    let (server, clock, timeline) = site_at(dir.path(), false, |t| t.end - Duration::minutes(40));
    let a = door_with_one_act(&server, dir.path(), "a", PROCTOR);
    // The phone's clock says the sitting has ended; the server's says 40 minutes are left.
    let early = next_act(&a, PROCTOR, closed(), timeline.end + Duration::minutes(1));
    let (kept, messages) = push(&server, &a, std::slice::from_ref(&early));
    assert_eq!(
        kept,
        vec![(early.event.id.0, "closed-before-end".to_owned())]
    );
    assert!(messages[0].contains("考试尚未结束"), "{messages:?}");
    assert!(!server_holds(&server, early.event.id));

    // After the end the door sends it again (its unbroken sequence stops there): still refused.
    set_clock(&clock, timeline.end + Duration::minutes(5));
    let (kept, _) = push(&server, &a, std::slice::from_ref(&early));
    assert_eq!(
        kept,
        vec![(early.event.id.0, "closed-before-end".to_owned())]
    );
    assert!(!server_holds(&server, early.event.id));

    // Another door closing now, after the end, is accepted.
    let b = door_with_one_act(&server, dir.path(), "b", PROCTOR_2);
    let in_time = next_act(&b, PROCTOR_2, closed(), timeline.end + Duration::minutes(5));
    let (kept, _) = push(&server, &b, std::slice::from_ref(&in_time));
    assert_eq!(kept, vec![]);
    assert!(server_holds(&server, in_time.event.id));
    let office = text(&examgate(&["serve", "quarantine", "--data", server.data()]).stdout);
    assert!(office.contains("closed-before-end"), "{office}");
}

#[test]
fn a_real_sittings_count_check_before_t_plus_30_by_the_servers_clock_is_kept_aside_and_after_it_accepted()
 {
    let dir = tempfile::tempdir().unwrap();
    let (server, clock, timeline) =
        site_at(dir.path(), false, |t| t.late_cutoff - Duration::minutes(10));
    let a = door_with_one_act(&server, dir.path(), "a", PROCTOR);
    let early = next_act(
        &a,
        PROCTOR,
        counted(),
        timeline.late_cutoff + Duration::minutes(1),
    );
    let (kept, _) = push(&server, &a, std::slice::from_ref(&early));
    assert_eq!(
        kept,
        vec![(early.event.id.0, "counted-before-due".to_owned())]
    );
    assert!(!server_holds(&server, early.event.id));

    set_clock(&clock, timeline.late_cutoff + Duration::minutes(1));
    let b = door_with_one_act(&server, dir.path(), "b", PROCTOR_2);
    let in_time = next_act(
        &b,
        PROCTOR_2,
        counted(),
        timeline.late_cutoff + Duration::minutes(1),
    );
    let (kept, _) = push(&server, &b, std::slice::from_ref(&in_time));
    assert_eq!(kept, vec![]);
    assert!(server_holds(&server, in_time.event.id));
}

#[test]
fn a_drills_room_may_close_and_count_whenever_its_exam_time_says() {
    let dir = tempfile::tempdir().unwrap();
    let (server, _clock, timeline) = site_at(dir.path(), true, |t| t.start - Duration::minutes(30));
    let a = door_with_one_act(&server, dir.path(), "a", PROCTOR);
    // The drill's exam time was set to after the end; the server's clock says before the start.
    let count = nth_act(&a, 1, PROCTOR, counted(), timeline.late_cutoff);
    let close = nth_act(
        &a,
        2,
        PROCTOR,
        closed(),
        timeline.end + Duration::minutes(1),
    );
    let (kept, _) = push(&server, &a, &[count.clone(), close.clone()]);
    assert_eq!(kept, vec![]);
    assert!(server_holds(&server, count.event.id));
    assert!(server_holds(&server, close.event.id));
}

#[test]
fn a_door_that_counted_too_early_by_the_servers_clock_is_told_why_after_its_sync() {
    let dir = tempfile::tempdir().unwrap();
    let (server, _clock, timeline) =
        site_at(dir.path(), false, |t| t.late_cutoff - Duration::minutes(10));
    let a = door_with_one_act(&server, dir.path(), "a", PROCTOR);
    // The door's own check, by its clock (set forward past T+30).
    let mut store = examgate_store::Store::open(&a).unwrap();
    store
        .record_count_check(
            SITTING,
            SITE,
            "01",
            PROCTOR,
            1,
            timeline.late_cutoff + Duration::minutes(1),
        )
        .unwrap();
    drop(store);
    let out = sync(&a);
    assert!(!out.status.success(), "a refused event is not acknowledged");
    assert!(
        text(&out.stdout).contains("开考未满 30 分钟"),
        "{}",
        text(&out.stdout)
    );
    let status = examgate_sync::sync_status(&examgate_store::Store::open(&a).unwrap()).unwrap();
    let note = status.last_error.unwrap_or_default();
    assert!(note.contains("开考未满 30 分钟"), "{note}");
}
