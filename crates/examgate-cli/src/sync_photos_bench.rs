//! The photos part of `examgate bench sync` (alone: `examgate bench sync-photos`). A real
//! `examgate serve` child on loopback and an enrolled device; N signed photos of M MB uploaded
//! with the device's own upload code (`upload_one`: POST, PATCHes of 512 KiB, then the hash and
//! signature checks, the photo fsynced and renamed) against two raw transfers of the same bytes
//! over one TLS connection with the server's certificate, acknowledged per photo: straight into
//! memory (the events part's baseline), and into a file fsynced per photo (the same durability
//! as the upload: the least a durable upload must do). Then one photo whose first connection the
//! fault proxy cuts half-way, and the photo bytes that cut made the device send again.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{TimeZone, Utc};
use examgate_core::timeline::CHINA_OFFSET;
use examgate_photo::{DeviceKey, Metadata};
use examgate_server::{NewCode, Server};
use examgate_sync::Client;
use examgate_sync::photo_wire::CHUNK;
use examgate_sync::photos::{PhotoReport, upload_one};
use examgate_sync::wire::Role;
use examgate_testkit::proxy::{Fault, Proxy};
use uuid::Uuid;

use crate::measure::{met, ms};
use crate::sync_bench::{enroll, raw_tls_copy, serve, served_tls};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Photos to upload.
    #[arg(long, default_value_t = 50)]
    photos: usize,
    /// Size of each photo, in MB.
    #[arg(long, default_value_t = 3.0)]
    photo_mb: f64,
}

/// A photo: its SHA-256, its bytes, its signature sidecar.
type Photo = (String, Vec<u8>, String);

/// `n` photos of `len` bytes (a JPEG marker, then noise), each signed by `key`.
fn photos(key: &DeviceKey, n: usize, len: usize) -> anyhow::Result<Vec<Photo>> {
    let taken = CHINA_OFFSET
        .with_ymd_and_hms(2023, 4, 15, 9, 5, 0)
        .single()
        .context("bench time")?;
    let mut x = 0x9E37_79B9_u32;
    (0..n)
        .map(|i| {
            let mut bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    (x >> 24) as u8
                })
                .collect();
            bytes[..3].copy_from_slice(b"\xFF\xD8\xFF");
            let student = format!("22429{i:08}");
            let meta = Metadata::new(&student, taken, "第一考点", "101", "一号楼101", "1")?;
            let sig = examgate_photo::sign(&bytes, &meta, key);
            Ok((sig.sha256.clone(), bytes, sig.to_json()))
        })
        .collect()
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("server");
    let secret = Server::open(&data)?
        .db()
        .issue_code(
            &NewCode {
                site: "第一考点".into(),
                room: Some("101".into()),
                role: Role::Proctor,
                staff: "P001".into(),
                valid: chrono::Duration::hours(1),
            },
            Utc::now(),
        )?
        .secret;
    let served = serve(&data)?;
    let key = DeviceKey::load_or_create(&dir.path().join("device-key.pem"))?;
    let runtime = tokio::runtime::Runtime::new()?;
    let token = runtime.block_on(enroll(&served, &secret, Uuid::now_v7(), key.signing_key()))?;

    let len = (args.photo_mb * 1e6) as usize;
    let all = photos(&key, args.photos + 1, len)?;
    let (cut_photo, set) = all.split_last().context("no photos")?;
    let total: u64 = set.iter().map(|p| p.1.len() as u64).sum();
    let bodies: Vec<Vec<u8>> = set.iter().map(|p| p.1.clone()).collect();
    let config = served_tls(dir.path(), &served)?;
    let tls = raw_tls_copy(&config, served.fingerprint, &bodies, None)?;
    let raw_file = dir.path().join("raw.bin");
    let fsynced = raw_tls_copy(&config, served.fingerprint, &bodies, Some(&raw_file))?;
    drop(bodies);
    std::fs::remove_file(&raw_file)?;

    let client = Client::new(&served.url, served.fingerprint)?.with_token(token.clone());
    let mut report = PhotoReport::default();
    let t = Instant::now();
    for (sha, bytes, sidecar) in set {
        let upload = upload_one(&client, sha, bytes, sidecar.clone(), &mut report, &|_| {});
        runtime.block_on(upload)?;
    }
    let took = t.elapsed();
    let rate = |d: Duration| total as f64 / 1e6 / d.as_secs_f64().max(1e-9);
    let ratio = |raw: Duration| took.as_secs_f64() / raw.as_secs_f64().max(1e-9);
    println!(
        "photos  {} × {:.1} MB uploaded to a real server (POST, 512 KiB PATCHes, hash and signature checked, photo fsynced): {:.0} ms ({:.0} MB/s)",
        set.len(),
        args.photo_mb,
        ms(took),
        rate(took)
    );
    println!(
        "photos  raw TLS copy of the same bytes: {:.0} ms ({:.0} MB/s), ratio {:.2}x; raw TLS into a file fsynced per photo (the same durability): {:.0} ms ({:.0} MB/s), ratio {:.2}x; target <= 1.2x: {}",
        ms(tls),
        rate(tls),
        ratio(tls),
        ms(fsynced),
        rate(fsynced),
        ratio(fsynced),
        met(ratio(fsynced) <= 1.2)
    );

    // One photo, the connection that carries it cut half-way through it. Which connection that
    // is depends on the client's pool, so every connection is armed and the proxy allows one cut
    // in all (as `a_cut_mid_photo_re_sends_at_most_one_chunk` does).
    let addr: SocketAddr = served.url.trim_start_matches("https://").parse()?;
    let cut_at = (len / 2 + CHUNK / 3) as u64;
    let proxy = Proxy::start(addr, Box::new(move |_| Fault::CutToServerAfter(cut_at)))?;
    proxy.limit_cuts(1);
    let url = format!("https://{}", proxy.addr());
    let client = Client::new(&url, served.fingerprint)?.with_token(token);
    let mut report = PhotoReport::default();
    let (sha, bytes, sidecar) = cut_photo;
    runtime.block_on(upload_one(
        &client,
        sha,
        bytes,
        sidecar.clone(),
        &mut report,
        &|_| {},
    ))?;
    let resent = report.sent_bytes.saturating_sub(bytes.len() as u64);
    let stats = proxy.stats();
    println!(
        "photos  a cut {:.2} MB into a {:.1} MB photo: {resent} photo bytes sent again (one chunk: {CHUNK}); {} bytes reached the server in all; target <= one chunk: {}",
        cut_at as f64 / 1e6,
        len as f64 / 1e6,
        stats.bytes_to_server,
        met(stats.cuts == 1 && resent <= CHUNK as u64)
    );
    Ok(ExitCode::SUCCESS)
}
