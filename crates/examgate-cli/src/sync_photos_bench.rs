//! The photos part of `examgate bench sync` (alone: `examgate bench sync-photos`). A real
//! `examgate serve` child on loopback and an enrolled device; N signed photos of M MB uploaded
//! with the device's own upload code (`upload_one`: HEAD, POST, PATCHes of 512 KiB, each fsynced
//! by the server, then the hash and signature checks and the rename) against two raw transfers
//! of the same bytes: over one TLS connection with the server's certificate, acknowledged per
//! photo (the events part's baseline), and over plain TCP into a file fsynced per photo (the
//! least a durable upload must do). Then one photo whose first connection the fault proxy cuts
//! half-way, and the photo bytes that cut made the device send again.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
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

/// The same bytes over plain TCP on loopback into a file, fsynced and acknowledged per photo.
fn raw_fsync(dir: &Path, photos: &[Photo]) -> anyhow::Result<Duration> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let sizes: Vec<usize> = photos.iter().map(|p| p.1.len()).collect();
    let out = dir.join("raw.bin");
    let sink = std::thread::spawn(move || -> std::io::Result<()> {
        let (mut s, _) = listener.accept()?;
        let mut file = std::fs::File::create(out)?;
        let mut buf = vec![0u8; CHUNK];
        for size in sizes {
            let mut left = size;
            while left > 0 {
                let n = s.read(&mut buf[..left.min(CHUNK)])?;
                if n == 0 {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                file.write_all(&buf[..n])?;
                left -= n;
            }
            file.sync_data()?;
            s.write_all(b"k")?;
        }
        Ok(())
    });
    let t = Instant::now();
    let mut s = TcpStream::connect(addr)?;
    let mut ack = [0u8; 1];
    for (_, bytes, _) in photos {
        s.write_all(bytes)?;
        s.read_exact(&mut ack)?;
    }
    let took = t.elapsed();
    sink.join()
        .map_err(|_| anyhow::anyhow!("the raw sink panicked"))??;
    Ok(took)
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
    let tls = raw_tls_copy(
        &served_tls(dir.path(), &served)?,
        served.fingerprint,
        &bodies,
    )?;
    drop(bodies);
    let fsynced = raw_fsync(dir.path(), set)?;

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
        "photos  {} × {:.1} MB uploaded to a real server (HEAD, POST, fsynced 512 KiB PATCHes, hash and signature checked): {:.0} ms ({:.0} MB/s)",
        set.len(),
        args.photo_mb,
        ms(took),
        rate(took)
    );
    println!(
        "photos  raw TLS copy of the same bytes: {:.0} ms ({:.0} MB/s), ratio {:.2}x; raw TCP into a file fsynced per photo: {:.0} ms ({:.0} MB/s), ratio {:.2}x; target <= 1.2x: {}",
        ms(tls),
        rate(tls),
        ratio(tls),
        ms(fsynced),
        rate(fsynced),
        ratio(fsynced),
        met(ratio(tls) <= 1.2)
    );

    // One photo, its first connection cut half-way through the photo.
    let addr: SocketAddr = served.url.trim_start_matches("https://").parse()?;
    let cut_at = (len / 2 + CHUNK / 3) as u64;
    let plan = move |n| {
        if n == 0 {
            Fault::CutToServerAfter(cut_at)
        } else {
            Fault::None
        }
    };
    let proxy = Proxy::start(addr, Box::new(plan))?;
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
