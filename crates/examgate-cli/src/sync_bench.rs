//! `examgate bench sync`: event sync against a real `examgate serve` child on loopback, with the
//! demo catalogue in its database.
//!
//! - events: one door device's full `sync_once` of 1,000 events (sign, push in batches, pull,
//!   clock) against a raw transfer of the same request bodies over one TLS connection with the
//!   server's own certificate, acknowledged per body as the push is: the ratio is what the
//!   protocol, the signature checks and the durable commits cost beyond moving the bytes.
//! - load: 200 simulated devices push 100 signed events each, all at once: events/s, p99 per
//!   batch, and the server's peak RSS (VmHWM from /proc).
//!
//! - photos: see `sync_photos_bench` (its own server, so the event figures are not disturbed).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::Utc;
use ed25519_dalek::SigningKey;
use examgate_core::signed::SignedEvent;
use examgate_server::{NewCode, Server, TlsIdentity};
use examgate_store::{Durability, ServerLink, Store};
use examgate_sync::wire::{EnrollRequest, MAX_BATCH, PushRequest, Role, enroll_proof_message};
use examgate_sync::{Client, Fingerprint, pinned_tls_config, sync_once};
use uuid::Uuid;

use crate::measure::{met, ms};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Events of the one device whose sync is timed against a raw transfer.
    #[arg(long, default_value_t = 1_000)]
    events: usize,
    /// Simulated devices pushing at once.
    #[arg(long, default_value_t = 200)]
    pub(crate) devices: usize,
    /// Events each simulated device pushes (one batch).
    #[arg(long, default_value_t = 100)]
    pub(crate) per_device: usize,
    #[command(flatten)]
    photos: crate::sync_photos_bench::Args,
}

const SITE: &str = examgate_demo::SITES[1].0;

/// The `examgate serve` child, killed when dropped.
pub(crate) struct Served {
    child: Child,
    pub(crate) url: String,
    pub(crate) fingerprint: Fingerprint,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn serve(data: &Path) -> anyhow::Result<Served> {
    let child = Command::new(std::env::current_exe()?)
        .args(["serve", "--data"])
        .arg(data)
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()?;
    let mut served = Served {
        child,
        url: String::new(),
        fingerprint: Fingerprint([0; 32]),
    };
    let stdout = served.child.stdout.take().context("server stdout")?;
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        if let Some(fp) = line.strip_prefix("证书指纹 (certificate fingerprint): ") {
            served.fingerprint = fp.parse()?;
        }
        if let Some(url) = line.strip_prefix("listening on ") {
            served.url = url.to_owned();
            return Ok(served);
        }
    }
    bail!("the server never listened")
}

/// The server's peak resident memory so far, in KiB (Linux).
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Enrolls a device id and key with a one-time `secret`; returns its token.
pub(crate) async fn enroll(
    served: &Served,
    secret: &str,
    id: Uuid,
    key: &SigningKey,
) -> anyhow::Result<String> {
    use ed25519_dalek::Signer;
    let client = Client::new(&served.url, served.fingerprint)?;
    let answer = client
        .enroll(&EnrollRequest {
            secret: secret.to_owned(),
            device_id: id,
            public_key: hex::encode(key.verifying_key().as_bytes()),
            name: "bench".into(),
            proof: hex::encode(key.sign(&enroll_proof_message(secret, id)).to_bytes()),
        })
        .await?;
    Ok(answer.token)
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("server");
    std::fs::create_dir_all(&data)?;
    examgate_demo::load(&mut Store::open_office(data.join("site.db"))?)?;
    let sitting = examgate_demo::sittings()
        .into_iter()
        .next()
        .context("no demo sitting")?
        .label;
    let secrets: Vec<String> = {
        let server = Server::open(&data)?;
        (0..=args.devices)
            .map(|_| {
                let code = NewCode {
                    site: SITE.into(),
                    room: Some("01".into()),
                    role: Role::Proctor,
                    staff: "J2101".into(),
                    valid: chrono::Duration::hours(1),
                };
                Ok(server.db().issue_code(&code, Utc::now())?.secret)
            })
            .collect::<anyhow::Result<_>>()?
    };
    let served = serve(&data)?;
    let runtime = tokio::runtime::Runtime::new()?;
    let students = events_part(args, dir.path(), &served, &secrets[0], &sitting, &runtime)?;
    crate::sync_load::load_part(args, &served, &secrets[1..], &sitting, &students, &runtime)?;
    match peak_rss_kib(served.child.id()) {
        Some(kib) => println!(
            "sync    server peak memory (VmHWM): {:.1} MiB",
            kib as f64 / 1024.0
        ),
        None => println!("sync    server peak memory: not available here (/proc)"),
    }
    crate::sync_photos_bench::run(&args.photos)
}

/// The timed door device's full sync against a raw transfer of its push bodies. Returns the
/// student numbers of room 01 (for the simulated devices' events).
fn events_part(
    args: &Args,
    dir: &Path,
    served: &Served,
    secret: &str,
    sitting: &str,
    runtime: &tokio::runtime::Runtime,
) -> anyhow::Result<Vec<String>> {
    let db: PathBuf = dir.join("door").join("examgate.db");
    std::fs::create_dir_all(db.parent().context("door dir")?)?;
    let key = examgate_photo::DeviceKey::load_or_create(&dir.join("door").join("device-key.pem"))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut store = Store::open_with(&db, Durability::ProcessCrash)?;
    examgate_demo::load(&mut store)?;
    let id = store.device_id()?;
    let token = runtime.block_on(enroll(served, secret, id, key.signing_key()))?;
    let link = ServerLink {
        urls: vec![served.url.clone()],
        fingerprint: served.fingerprint.to_string(),
        token,
        site: SITE.into(),
        room: Some("01".into()),
        role: "proctor".into(),
        staff: "J2101".into(),
        enrolled_at: Utc::now().to_rfc3339(),
    };
    store.set_server_link(&link)?;
    let now = chrono::DateTime::parse_from_rfc3339("2023-04-15T08:40:00+08:00")?;
    let room = store.room_candidates(sitting, SITE, "02")?;
    for i in 0..args.events {
        let s = &room[i % room.len()].student_number;
        store.note_wrong_room(sitting, s, "J2101", "01", now)?;
    }
    let students = store
        .room_candidates(sitting, SITE, "01")?
        .into_iter()
        .map(|c| c.student_number)
        .collect();

    let store = Mutex::new(store);
    // The catalogue first, as at enrollment: the timed sync then moves events only (its
    // catalogue step is a bodiless 304).
    let client = examgate_sync::clients_for(&link)?
        .into_iter()
        .next()
        .context("no server address")?;
    runtime.block_on(examgate_sync::refresh_catalogue(&store, &client))?;
    let pushed_at = Mutex::new(None);
    let t = Instant::now();
    let report = runtime.block_on(sync_once(&store, &key, &|p| {
        if p.phase == examgate_sync::Phase::Push
            && let Ok(mut at) = pushed_at.lock()
        {
            *at = Some(t.elapsed());
        }
    }))?;
    let synced = t.elapsed();
    let pushed = pushed_at
        .into_inner()
        .map_err(|_| anyhow::anyhow!("lock"))?
        .unwrap_or(synced);
    if report.pending != 0 || report.pushed != args.events as u64 {
        bail!("the sync left {} events pending", report.pending);
    }
    // The same request bodies, now signed, as the push sent them.
    let mut bodies = Vec::new();
    let mut signed = Vec::new();
    let mut from = 0;
    loop {
        let batch = store
            .lock()
            .map_err(|_| anyhow::anyhow!("lock"))?
            .own_signed_after(from, MAX_BATCH, key.signing_key())?;
        let Some(last) = batch.last() else { break };
        from = last.event.seq;
        bodies.push(serde_json::to_vec(&PushRequest { events: batch })?);
        signed.extend(serde_json::from_slice::<PushRequest>(&bodies[bodies.len() - 1])?.events);
    }
    crypto_floor(&signed, key.signing_key())?;
    let bytes: usize = bodies.iter().map(Vec::len).sum();
    let tls = served_tls(dir, served)?;
    let raw = raw_tls_copy(&tls, served.fingerprint, &bodies, None)?;
    let durable = raw_tls_copy(
        &tls,
        served.fingerprint,
        &bodies,
        Some(&dir.join("raw.bin")),
    )?;
    let ratio = |d: Duration| synced.as_secs_f64() / d.as_secs_f64().max(1e-9);
    println!(
        "sync    {} events ({:.0} kB of push bodies, {} batches) by a real sync (sign, push, pull, clock) to a real server: {:.1} ms, of which connect + push {:.1} ms",
        args.events,
        bytes as f64 / 1000.0,
        bodies.len(),
        ms(synced),
        ms(pushed),
    );
    println!(
        "sync    raw TLS copy of the same bodies: {:.1} ms, ratio {:.1}x (push alone {:.1}x); raw TLS into a file fsynced per body: {:.1} ms, ratio {:.1}x; target <= 1.2x: {}",
        ms(raw),
        ratio(raw),
        pushed.as_secs_f64() / raw.as_secs_f64().max(1e-9),
        ms(durable),
        ratio(durable),
        met(ratio(durable) <= 1.2)
    );
    Ok(students)
}

/// What the signatures alone cost on this machine, one core: the part of the events' ratio no
/// protocol change removes (the server checks every event's signature; the device signs each
/// event once, at its first push).
fn crypto_floor(signed: &[SignedEvent], key: &SigningKey) -> anyhow::Result<()> {
    let verifying = key.verifying_key();
    let t = Instant::now();
    for s in signed {
        s.verify(&verifying)?;
    }
    let verify = t.elapsed();
    let t = Instant::now();
    for s in signed {
        std::hint::black_box(examgate_core::signed::sign(key, s.event.clone()));
    }
    let sign = t.elapsed();
    let each = |d: Duration| d.as_secs_f64() * 1e6 / signed.len().max(1) as f64;
    println!(
        "sync    the signatures alone, one core: verify {:.1} ms ({:.0} µs an event), sign {:.1} ms ({:.0} µs an event) for {} events",
        ms(verify),
        each(verify),
        ms(sign),
        each(sign),
        signed.len()
    );
    Ok(())
}

/// The server's TLS configuration, from its data folder (the certificate devices pin).
pub(crate) fn served_tls(
    dir: &Path,
    _served: &Served,
) -> anyhow::Result<Arc<rustls::ServerConfig>> {
    Ok(TlsIdentity::load_or_create(&dir.join("server").join("tls"))?.server_config()?)
}

/// Sends `bodies` over one TLS connection to a loopback sink that acknowledges each with one
/// byte; returns the time from connect to the last acknowledgement. With `durable`, the sink
/// writes each body into a file there and fsyncs it before acknowledging, as a server must
/// before it answers that it holds what was sent.
pub(crate) fn raw_tls_copy(
    config: &Arc<rustls::ServerConfig>,
    pinned: Fingerprint,
    bodies: &[Vec<u8>],
    durable: Option<&Path>,
) -> anyhow::Result<Duration> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let sizes: Vec<usize> = bodies.iter().map(Vec::len).collect();
    let config = config.clone();
    let mut file = durable.map(std::fs::File::create).transpose()?;
    let sink = std::thread::spawn(move || -> anyhow::Result<()> {
        let (tcp, _) = listener.accept()?;
        let conn = rustls::ServerConnection::new(config)?;
        let mut tls = rustls::StreamOwned::new(conn, tcp);
        let mut buf = vec![0u8; 64 * 1024];
        let cap = buf.len();
        for size in sizes {
            let mut left = size;
            while left > 0 {
                let n = tls.read(&mut buf[..left.min(cap)])?;
                if n == 0 {
                    bail!("the sender closed early");
                }
                if let Some(f) = file.as_mut() {
                    f.write_all(&buf[..n])?;
                }
                left -= n;
            }
            if let Some(f) = file.as_ref() {
                f.sync_data()?;
            }
            tls.write_all(b"k")?;
            tls.flush()?;
        }
        Ok(())
    });
    let client_config = Arc::new(pinned_tls_config(pinned)?);
    let t = Instant::now();
    let tcp = TcpStream::connect(addr)?;
    tcp.set_nodelay(true)?;
    let name = rustls::pki_types::ServerName::IpAddress(addr.ip().into());
    let conn = rustls::ClientConnection::new(client_config, name)?;
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    let mut ack = [0u8; 1];
    for body in bodies {
        tls.write_all(body)?;
        tls.flush()?;
        tls.read_exact(&mut ack)?;
    }
    let took = t.elapsed();
    sink.join()
        .map_err(|_| anyhow::anyhow!("the sink panicked"))??;
    Ok(took)
}
