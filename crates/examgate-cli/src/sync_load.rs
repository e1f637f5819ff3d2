//! The load part of `examgate bench sync`: many simulated devices (each enrolled with its own key)
//! push one batch of signed events each, all at once, to the real server: events/s and the time
//! per batch (p50, p99, max).

use std::time::{Duration, Instant};

use anyhow::bail;
use ed25519_dalek::SigningKey;
use examgate_core::event::{Event, EventId, EventKind, Hlc};
use examgate_core::model::StudentNumber;
use examgate_core::signed::{SignedEvent, sign};
use examgate_sync::Client;
use uuid::Uuid;

use crate::measure::ms;
use crate::sync_bench::{Args, Served, enroll};

/// `n` signed annotation events of one simulated device, seqs 1..=n.
fn simulated_events(
    key: &SigningKey,
    device: Uuid,
    sitting: &str,
    students: &[String],
    n: usize,
) -> anyhow::Result<Vec<SignedEvent>> {
    let wall = chrono::DateTime::parse_from_rfc3339("2023-04-15T08:40:00+08:00")?;
    let base = u64::try_from(wall.timestamp_millis())? << 16;
    (1..=n)
        .map(|seq| {
            let event = Event {
                id: EventId(Uuid::now_v7()),
                device,
                seq: seq as u64,
                wall,
                hlc: Hlc(base + seq as u64),
                exam_time: None,
                actor: "J2101".into(),
                sitting: sitting.into(),
                candidate: Some(
                    StudentNumber::parse(&students[seq % students.len()])
                        .map_err(|e| anyhow::anyhow!("{e:?}"))?,
                ),
                parents: Vec::new(),
                kind: EventKind::Redirected {
                    to_room: "02".into(),
                },
                chief_proof: None,
            };
            Ok(sign(key, event))
        })
        .collect()
}

/// Many devices pushing one batch each, all at once.
pub(crate) fn load_part(
    args: &Args,
    served: &Served,
    secrets: &[String],
    sitting: &str,
    students: &[String],
    runtime: &tokio::runtime::Runtime,
) -> anyhow::Result<()> {
    let mut devices = Vec::new();
    for (i, secret) in secrets.iter().enumerate().take(args.devices) {
        let mut seed = [7u8; 32];
        seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
        let key = SigningKey::from_bytes(&seed);
        let id = Uuid::now_v7();
        let token = runtime.block_on(enroll(served, secret, id, &key))?;
        let client = Client::new(&served.url, served.fingerprint)?.with_token(token);
        let events = simulated_events(&key, id, sitting, students, args.per_device)?;
        devices.push((client, events));
    }
    let t = Instant::now();
    let times: Vec<Duration> = runtime.block_on(async {
        let tasks: Vec<_> = devices
            .into_iter()
            .map(|(client, events)| {
                tokio::spawn(async move {
                    let t = Instant::now();
                    let out = client.push(&events).await?;
                    if out.high_water != events.len() as u64 || !out.quarantined.is_empty() {
                        bail!("a simulated device's push was not all kept: {out:?}");
                    }
                    Ok(t.elapsed())
                })
            })
            .collect();
        let mut times = Vec::new();
        for task in tasks {
            times.push(task.await??);
        }
        anyhow::Ok(times)
    })?;
    let total = t.elapsed();
    let mut sorted = times.clone();
    sorted.sort();
    let p = |q: f64| sorted[((sorted.len() as f64 - 1.0) * q).round() as usize];
    let events = args.devices * args.per_device;
    println!(
        "sync    {} devices x {} events pushed at once: {events} events in {:.0} ms = {:.0} events/s; per batch p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        args.devices,
        args.per_device,
        ms(total),
        events as f64 / total.as_secs_f64(),
        ms(p(0.5)),
        ms(p(0.99)),
        ms(sorted[sorted.len() - 1])
    );
    Ok(())
}
