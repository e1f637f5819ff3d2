//! `examgate bench sync-photos`: the photos part of the sync bench. A real `examgate serve` on
//! loopback (this binary, a child process), a device enrolled with `examgate enroll`; N signed
//! photos of M MB uploaded with the device's own upload code (`upload_one`: HEAD, POST, PATCHes
//! of 512 KiB) against a raw transfer of the same bytes (plain TCP into a file, fsynced per
//! photo: the least any upload must do); then one photo through the fault proxy cut half-way,
//! and the photo bytes that cut made the device send again.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::TimeZone;
use examgate_core::timeline::CHINA_OFFSET;
use examgate_photo::{DeviceKey, Metadata};
use examgate_store::Store;
use examgate_sync::photo_wire::CHUNK;
use examgate_sync::photos::{PhotoReport, upload_one};
use examgate_sync::{Client, Fingerprint};
use examgate_testkit::proxy::{Fault, Proxy};

use crate::measure::{met, ms};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Photos to upload.
    #[arg(long, default_value_t = 50)]
    photos: usize,
    /// Size of each photo, in MB.
    #[arg(long, default_value_t = 3.0)]
    mb: f64,
}

/// The server child, killed when dropped.
struct Served(Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(exe: &Path, data: &Path) -> anyhow::Result<(Served, String, Fingerprint)> {
    let mut child = Command::new(exe)
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let stdout = child.stdout.take().context("no stdout")?;
    let served = Served(child);
    let mut fingerprint = None;
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        if let Some(fp) = line.strip_prefix("证书指纹 (certificate fingerprint): ") {
            fingerprint = Some(fp.parse::<Fingerprint>()?);
        }
        if let Some(url) = line.strip_prefix("listening on ") {
            let fp = fingerprint.context("no fingerprint line")?;
            return Ok((served, url.to_owned(), fp));
        }
    }
    bail!("the server printed no `listening on` line")
}

fn run_ok(cmd: &mut Command) -> anyhow::Result<String> {
    let out = cmd.output()?;
    if !out.status.success() {
        bail!("{:?}: {}", cmd, String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `n` photos of `len` bytes (a JPEG marker, then noise), each with its signature sidecar.
fn photos(key: &DeviceKey, n: usize, len: usize) -> anyhow::Result<Vec<(String, Vec<u8>, String)>> {
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

/// The same bytes over plain TCP on loopback into a file, fsynced per photo.
fn raw(dir: &Path, photos: &[(String, Vec<u8>, String)]) -> anyhow::Result<Duration> {
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
        .map_err(|_| anyhow::anyhow!("raw sink panicked"))??;
    Ok(took)
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let exe = std::env::current_exe()?;
    let dir = tempfile::tempdir()?;
    let (_server, url, fingerprint) = serve(&exe, &dir.path().join("server"))?;
    let issued = run_ok(
        Command::new(&exe)
            .args([
                "serve",
                "enroll",
                "--site",
                "第一考点",
                "--room",
                "101",
                "--role",
                "proctor",
                "--staff",
                "P001",
                "--url",
                &url,
                "--data",
            ])
            .arg(dir.path().join("server")),
    )?;
    let code = issued
        .lines()
        .find(|l| l.starts_with("EG1:"))
        .context("no code")?;
    let db = dir.path().join("device").join("examgate.db");
    std::fs::create_dir_all(db.parent().context("db folder")?)?;
    run_ok(
        Command::new(&exe)
            .args(["enroll", "--code", code, "--db"])
            .arg(&db),
    )?;
    let token = Store::open_office(&db)?
        .server_link()?
        .context("not enrolled")?
        .token;
    let key = DeviceKey::load(&dir.path().join("device").join("device-key.pem"))?;
    let len = (args.mb * 1e6) as usize;
    let set = photos(&key, args.photos + 1, len)?;
    let (cut_photo, set) = set.split_last().context("no photos")?;
    let total: u64 = set.iter().map(|p| p.1.len() as u64).sum();
    let runtime = tokio::runtime::Runtime::new()?;

    let raw_time = raw(dir.path(), set)?;
    let client = Client::new(&url, fingerprint)?.with_token(token.clone());
    let mut report = PhotoReport::default();
    let t = Instant::now();
    for (sha, bytes, sidecar) in set {
        runtime.block_on(upload_one(
            &client,
            sha,
            bytes,
            sidecar.clone(),
            &mut report,
            &|_| {},
        ))?;
    }
    let upload_time = t.elapsed();
    let ratio = upload_time.as_secs_f64() / raw_time.as_secs_f64().max(1e-9);
    let mb_s = |d: Duration| total as f64 / 1e6 / d.as_secs_f64().max(1e-9);
    println!(
        "photos  {} × {:.1} MB over loopback through examgate serve: {:.0} ms ({:.0} MB/s); raw TCP + fsync of the same bytes: {:.0} ms ({:.0} MB/s); {ratio:.2}× raw, target ≤ 1.2×: {}",
        set.len(),
        args.mb,
        ms(upload_time),
        mb_s(upload_time),
        ms(raw_time),
        mb_s(raw_time),
        met(ratio <= 1.2)
    );

    // One photo, its first connection cut half-way through.
    let addr: SocketAddr = url.trim_start_matches("https://").parse()?;
    let cut_at = (len / 2 + CHUNK / 3) as u64;
    let proxy = Proxy::start(
        addr,
        Box::new(move |n| {
            if n == 0 {
                Fault::CutToServerAfter(cut_at)
            } else {
                Fault::None
            }
        }),
    )?;
    let client = Client::new(&format!("https://{}", proxy.addr()), fingerprint)?.with_token(token);
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
        "photos  a cut {:.1} MB into a {:.1} MB photo: {resent} photo bytes sent again (one chunk is {CHUNK}), {} bytes reached the server in all; target ≤ one chunk: {}",
        cut_at as f64 / 1e6,
        len as f64 / 1e6,
        stats.bytes_to_server,
        met(stats.cuts == 1 && resent <= CHUNK as u64)
    );
    Ok(ExitCode::SUCCESS)
}
