//! `examgate bench export`: the photo archive's speed and memory against `zip -0 -q` of the same
//! files, in one run. A generated site gets N fallback photos of the given size (incompressible
//! bytes, as a JPEG is), each signed by the bench's device key with its `.sig.json` beside it (as
//! the door stores them) and named by a manual-verification event in a real database; then the
//! real `examgate export archive` and `zip -0 -q` each run under `examgate photo measure` (wall
//! time and the child's own peak RSS), alternating, outputs removed between runs so the disk
//! holds one archive at a time. The medians are compared: target ≤ 0.3× zip -0's time, and a
//! peak memory ≤ 64 MB whatever the number of photos.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use chrono::TimeZone;
use examgate_core::door::DoorAct;
use examgate_core::event::{PhotoRef, PhotoSource};
use examgate_core::timeline::CHINA_OFFSET;
use examgate_demo::{large_site, sittings};
use examgate_photo::{DeviceKey, Metadata, sidecar_path, sign, write_photo};
use examgate_store::{Durability, ImportOptions, Store};

use crate::measure::{Measured, median, met, ms, run_measured};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Photos in the archive.
    #[arg(long, default_value_t = 1_000)]
    photos: usize,
    /// Each photo's size in bytes.
    #[arg(long, default_value_t = 1_500_000)]
    size: usize,
    /// Timed runs of each tool (after one warm-up each).
    #[arg(long, default_value_t = 3)]
    runs: usize,
}

/// Incompressible bytes (xorshift), different for each photo.
fn photo_bytes(seed: u64, size: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(size + 8);
    while out.len() < size {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(size);
    out
}

/// The site, its photos and their events in `dir`; the database and the photo files (each photo
/// followed by its signature file, what `zip -0` packs as the exporter does).
fn prepare(dir: &Path, args: &Args) -> anyhow::Result<(std::path::PathBuf, String, Vec<String>)> {
    let db = dir.join("bench.db");
    let mut store = Store::open_with(&db, Durability::ProcessCrash)?;
    let sitting = sittings().into_iter().next().context("no demo sitting")?;
    store.add_sitting(&sitting, CHINA_OFFSET)?;
    let (seating, roster) = large_site(args.photos);
    store.import(&[seating, roster], &ImportOptions::default())?;
    let folder = dir
        .join("photos")
        .join(examgate_door::photo_folder_name(&sitting.label));
    std::fs::create_dir_all(&folder)?;
    let now = CHINA_OFFSET
        .with_ymd_and_hms(2023, 4, 15, 8, 45, 0)
        .single()
        .context("bench time")?;
    // The device key where the door keeps it: the export's trust list on a device's database.
    let key = DeviceKey::load_or_create(&dir.join("device-key.pem"))?;
    let mut files = Vec::with_capacity(args.photos * 2);
    for i in 0..args.photos {
        let student = format!("22429{i:08}");
        let bytes = photo_bytes(i as u64 + 1, args.size);
        let file = format!("{student}.jpg");
        let path = folder.join(&file);
        let meta = Metadata::new(&student, now, "考点", "01", "地址", "1")?;
        let signed = sign(&bytes, &meta, &key);
        write_photo(&path, &bytes, &signed)?;
        let photo = PhotoRef {
            file,
            sha256: signed.sha256.clone(),
            public_key: signed.public_key.clone(),
            signature: signed.signature.clone(),
            source: PhotoSource::Camera,
        };
        let actor = format!("B{:04}1", i / 30 + 1);
        store.act(
            &sitting.label,
            &student,
            &actor,
            &DoorAct::Vouch { photo, face: None },
            now,
        )?;
        files.push(path.to_string_lossy().into_owned());
        files.push(sidecar_path(&path).to_string_lossy().into_owned());
    }
    Ok((db, sitting.label, files))
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let dir = tempfile::tempdir()?;
    let (db, label, files) = prepare(dir.path(), args)?;
    let site = examgate_demo::SITES[0].0;
    let exe = std::env::current_exe()?.to_string_lossy().into_owned();
    let out = dir.path().join("out");
    let zip_file = dir.path().join("zip-0.zip");
    let exporter: Vec<String> = [
        exe.as_str(),
        "export",
        "archive",
        "--db",
        &db.to_string_lossy(),
        "--sitting",
        &label,
        "--site",
        site,
        "--out",
        &out.to_string_lossy(),
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    let mut zip0: Vec<String> = ["zip", "-0", "-q", "-j", &zip_file.to_string_lossy()]
        .iter()
        .map(ToString::to_string)
        .collect();
    zip0.extend(files.iter().cloned());

    let (mut ours, mut theirs): (Vec<Duration>, Vec<Duration>) = (Vec::new(), Vec::new());
    let mut peak_kib = 0;
    for run in 0..=args.runs {
        std::fs::create_dir_all(&out)?;
        let a: Measured = run_measured(&exporter)?;
        std::fs::remove_dir_all(&out)?;
        let b: Measured = run_measured(&zip0)?;
        std::fs::remove_file(&zip_file)?;
        if run > 0 {
            ours.push(a.time);
            theirs.push(b.time);
        }
        peak_kib = peak_kib.max(a.rss_kib);
    }
    let (ours, theirs) = (median(ours), median(theirs));
    let ratio = ours.as_secs_f64() / theirs.as_secs_f64().max(f64::MIN_POSITIVE);
    let peak_mb = peak_kib as f64 / 1024.0;
    let total_mb = (args.photos * args.size) as f64 / 1e6;
    println!(
        "archive of {} photos × {} bytes ({total_mb:.0} MB), median of {} runs:",
        args.photos, args.size, args.runs
    );
    println!("  examgate export archive: {:.0} ms", ms(ours));
    println!("  zip -0 -q:               {:.0} ms", ms(theirs));
    println!(
        "  ratio {ratio:.2}× (target ≤ 0.3×: {}); exporter peak memory {peak_mb:.1} MB (target ≤ 64 MB: {})",
        met(ratio <= 0.3),
        met(peak_mb <= 64.0)
    );
    Ok(ExitCode::SUCCESS)
}
