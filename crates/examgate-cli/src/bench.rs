//! `examgate bench`: the door's speed on a real database file, with the targets beside the
//! figures. Time is injected (the exam clock is set, not read), so runs are comparable.
//!
//! - door: find a candidate by the last 4 digits of the ticket, compare the ID's last 4, and
//!   record the admission durably (one fsync'd commit), on a 10,000-candidate site.
//! - import: a 10,000-row seating-list CSV into an empty database, parse to commit.
//! - `bench sync`: event sync against a real server (`sync_bench`).
//! - `bench export`: the photo archive against `zip -0` (`export_bench`).

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::TimeZone;
use examgate_core::documents::mask;
use examgate_core::door::DoorAct;
use examgate_core::search::DocumentMatch;
use examgate_core::timeline::CHINA_OFFSET;
use examgate_demo::{large_site, sittings};
use examgate_store::{Durability, ImportOptions, Store};

use crate::measure::{met, ms};

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<BenchCommand>,
    /// Candidates on the generated site.
    #[arg(long, default_value_t = 10_000)]
    candidates: usize,
    /// Door acts to time.
    #[arg(long, default_value_t = 2_000)]
    acts: usize,
    /// Imports to time (each into a fresh database).
    #[arg(long, default_value_t = 7)]
    imports: usize,
}

#[derive(Debug, clap::Subcommand)]
enum BenchCommand {
    /// Event sync against a real server on loopback: one device's 1,000 events against a raw
    /// transfer of the same bytes, and 200 devices pushing at once.
    Sync(crate::sync_bench::Args),
    /// Only the photos part of `bench sync`: N photos through a real server against a raw
    /// transfer, and the bytes a cut mid-photo costs.
    SyncPhotos(crate::sync_photos_bench::Args),
    /// The photo archive (`export archive`) of 1,000 photos of 1.5 MB against `zip -0 -q` of
    /// the same files: time ratio and the exporter's peak memory.
    Export(crate::export_bench::Args),
}

/// Percentiles of a set of timings, in ms.
struct Figures {
    p50: f64,
    p99: f64,
    max: f64,
}

fn figures(mut times: Vec<Duration>) -> Figures {
    times.sort();
    Figures {
        p50: ms(percentile(&times, 0.5)),
        p99: ms(percentile(&times, 0.99)),
        max: ms(times.last().copied().unwrap_or_default()),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

fn fresh(dir: &tempfile::TempDir, n: usize, durability: Durability) -> anyhow::Result<Store> {
    let mut store = Store::open_with(dir.path().join(format!("bench-{n}.db")), durability)?;
    let s = sittings().into_iter().next().context("no demo sitting")?;
    store.add_sitting(&s, CHINA_OFFSET)?;
    Ok(store)
}

/// Times `acts` door acts; returns (lookup + check, whole act) timings.
fn door(
    store: &mut Store,
    label: &str,
    args: &Args,
) -> anyhow::Result<(Vec<Duration>, Vec<Duration>)> {
    let site = examgate_demo::SITES[0].0;
    let now = CHINA_OFFSET
        .with_ymd_and_hms(2023, 4, 15, 8, 45, 0)
        .single()
        .context("bench time")?;
    let (mut lookup, mut total) = (Vec::new(), Vec::new());
    let step = 7919; // a prime: visits candidates in a scattered order
    for k in 0..args.acts.min(args.candidates) {
        let i = (k * step) % args.candidates;
        let student = format!("22429{i:08}");
        let room = format!("{:03}", i / 30 + 1);
        let actor = format!("B{:04}1", i / 30 + 1);
        let t = Instant::now();
        let cards = store.search(label, site, Some(&room), &student[9..], 20)?;
        let card = cards
            .iter()
            .find(|c| c.student_number == student)
            .context("candidate not found by the last 4 digits")?;
        // What the door's card shows (the number masked), as the door composes it.
        let masked: Vec<char> = mask(&card.document_number).chars().collect();
        let last4: String = masked[masked.len().saturating_sub(4)..].iter().collect();
        if store.check_document(label, &card.student_number, &last4)? == DocumentMatch::Mismatch {
            anyhow::bail!("document check failed for {student}");
        }
        lookup.push(t.elapsed());
        store.act(label, &card.student_number, &actor, &DoorAct::Admit, now)?;
        total.push(t.elapsed());
    }
    Ok((lookup, total))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(BenchCommand::SyncPhotos(photos)) = &args.command {
        return crate::sync_photos_bench::run(photos);
    }
    if let Some(BenchCommand::Export(export)) = &args.command {
        return crate::export_bench::run(export);
    }
    if let Some(BenchCommand::Sync(sync)) = &args.command {
        return crate::sync_bench::run(sync);
    }
    let dir = tempfile::tempdir()?;
    let (seating, roster) = large_site(args.candidates);
    let label = sittings()
        .into_iter()
        .next()
        .context("no demo sitting")?
        .label;

    // Import.
    let mut times = Vec::new();
    for n in 0..args.imports.max(1) {
        let mut store = fresh(&dir, n, Durability::default())?;
        let t = Instant::now();
        store.import(std::slice::from_ref(&seating), &ImportOptions::default())?;
        times.push(t.elapsed());
    }
    times.sort();
    let median = percentile(&times, 0.5);
    println!(
        "import  {} rows (CSV, UTF-8) into an empty database: median {:.1} ms over {} runs (min {:.1}, max {:.1}); target < 300 ms: {}",
        args.candidates,
        ms(median),
        times.len(),
        ms(times[0]),
        ms(times[times.len() - 1]),
        met(median < Duration::from_millis(300))
    );

    // Door, with the shipped durability and, to show what the fsync costs, without it.
    for (n, durability, name) in [
        (1000, Durability::PowerLoss, "synchronous=FULL (shipped)"),
        (
            1001,
            Durability::ProcessCrash,
            "synchronous=NORMAL (no fsync)",
        ),
    ] {
        let mut store = fresh(&dir, n, durability)?;
        store.import(
            &[seating.clone(), roster.clone()],
            &ImportOptions::default(),
        )?;
        let (lookup, total) = door(&mut store, &label, &args)?;
        let (l, t) = (figures(lookup), figures(total));
        println!(
            "door    {name}: lookup(last 4 of ticket) + ID check + durable admission, {} candidates, {} acts: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; target p99 < 5 ms: {}",
            args.candidates,
            args.acts.min(args.candidates),
            t.p50,
            t.p99,
            t.max,
            met(t.p99 < 5.0)
        );
        println!(
            "        of which lookup + ID check alone: p50 {:.3} ms, p99 {:.3} ms",
            l.p50, l.p99
        );
    }
    Ok(ExitCode::SUCCESS)
}
