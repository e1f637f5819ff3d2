//! How fast the receive path merges: 5 devices × 200 signed events into a real (encrypted,
//! fsync-on-commit) store in batches of 200, again as duplicates, and in reverse order (every
//! event waits for its parent first); then the high-water marks and a full pull. A measurement,
//! not a rule: `cargo test --release -p examgate-store --test receive_throughput -- --ignored
//! --nocapture`.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use std::time::Instant;

use chrono::TimeZone;
use ed25519_dalek::SigningKey;
use examgate_core::event::{Event, EventId, EventKind, Hlc};
use examgate_core::model::StudentNumber;
use examgate_core::signed::{SignedEvent, sign};
use examgate_core::timeline::CHINA_OFFSET;
use examgate_store::Store;
use uuid::Uuid;

#[test]
#[ignore = "a measurement: run it with --ignored --nocapture"]
fn receive_throughput() {
    let keys: Vec<(Uuid, SigningKey)> = (1..=5)
        .map(|i| (Uuid::now_v7(), SigningKey::from_bytes(&[i; 32])))
        .collect();
    let known: Vec<_> = keys
        .iter()
        .map(|(id, k)| (*id, k.verifying_key()))
        .collect();
    let trust = move |id: Uuid| known.iter().find(|(d, _)| *d == id).map(|(_, k)| *k);
    let wall = CHINA_OFFSET
        .with_ymd_and_hms(2023, 4, 15, 8, 40, 0)
        .unwrap();
    let mut all: Vec<SignedEvent> = Vec::new();
    for (device, key) in &keys {
        let mut parent: Option<EventId> = None;
        for seq in 1..=200u64 {
            let e = Event {
                id: EventId(Uuid::now_v7()),
                device: *device,
                seq,
                wall,
                hlc: Hlc(seq),
                exam_time: None,
                actor: "P001".into(),
                sitting: "2023春 第一次".into(),
                candidate: Some(StudentNumber::parse(&format!("{seq:013}")).unwrap()),
                parents: parent.into_iter().collect(),
                kind: EventKind::Admitted,
                chief_proof: None,
            };
            // Chains of four: each event but every fourth names the one before as its parent.
            parent = (seq % 4 != 0).then_some(e.id);
            all.push(sign(key, e));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("site.db")).unwrap();
    let timed = |store: &mut Store, events: &[SignedEvent]| {
        let t = Instant::now();
        for batch in events.chunks(200) {
            store.receive(batch, &trust, wall).unwrap();
        }
        t.elapsed()
    };
    let new = timed(&mut store, &all);
    let again = timed(&mut store, &all);
    let mut reversed = all.clone();
    reversed.reverse();
    let mut other = Store::open(dir.path().join("other.db")).unwrap();
    let backwards = timed(&mut other, &reversed);
    assert_eq!(other.event_count().unwrap(), 1000);
    let t = Instant::now();
    assert!(store.high_waters().unwrap().iter().all(|(_, n)| *n == 200));
    let marks = t.elapsed();
    let t = Instant::now();
    let (mut cursor, mut pulled) = (0, 0);
    loop {
        let (page, next) = store.events_after(cursor, None, None, 200).unwrap();
        if page.is_empty() {
            break;
        }
        pulled += page.len();
        cursor = next;
    }
    let pull = t.elapsed();
    assert_eq!(pulled, 1000);
    println!(
        "1000 events: new {new:?}, repeated {again:?}, reversed {backwards:?}; \
         high-water marks {marks:?}; pull in pages of 200 {pull:?}"
    );
}
