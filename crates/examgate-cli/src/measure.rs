//! Timing and peak memory of one child process, honestly attributed.
//!
//! `getrusage(RUSAGE_CHILDREN)` reports the largest peak RSS among *all* children a process has
//! waited for, so the bench cannot ask it about its own children one by one. Instead each tool
//! runs under `examgate photo measure -- CMD…`, a fresh process whose only child is CMD: its
//! RUSAGE_CHILDREN is CMD's own figure. The wall time is taken there too, around spawn and wait,
//! so the wrapper's own start-up is not counted against the tool.

use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

use anyhow::bail;

/// One measured run of a child: wall time and peak RSS.
#[derive(Debug, Clone, Copy)]
pub struct Measured {
    pub time: Duration,
    pub rss_kib: u64,
}

/// Median time and highest peak RSS over several runs.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub median: Duration,
    pub peak_rss_kib: u64,
}

/// A duration in milliseconds, for printing.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// How a figure stands against its target, as the benches print it.
pub fn met(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

/// The middle value (the upper one of an even count); zero for none.
pub fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// Runs `command` under `examgate photo measure` and reads back its figures; fails when the
/// command does.
pub fn run_measured(command: &[String]) -> anyhow::Result<Measured> {
    let exe = std::env::current_exe()?;
    let out = Command::new(exe)
        .args(["photo", "measure", "--"])
        .args(command)
        .stdin(Stdio::null())
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let fields: Vec<u64> = text
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    match fields[..] {
        [ns, kib, 0] => Ok(Measured {
            time: Duration::from_nanos(ns),
            rss_kib: kib,
        }),
        _ => bail!(
            "{} failed: {} {}",
            command.first().map_or("", String::as_str),
            text.trim(),
            String::from_utf8_lossy(&out.stderr).trim()
        ),
    }
}

/// Runs `command(i)` for i = 0 (a warm-up, not counted) and 1..=runs.
pub fn repeat(command: impl Fn(usize) -> Vec<String>, runs: usize) -> anyhow::Result<Summary> {
    run_measured(&command(0))?;
    let mut times = Vec::new();
    let mut peak_rss_kib = 0;
    for i in 1..=runs {
        let m = run_measured(&command(i))?;
        times.push(m.time);
        peak_rss_kib = peak_rss_kib.max(m.rss_kib);
    }
    Ok(Summary {
        median: median(times),
        peak_rss_kib,
    })
}

/// `examgate photo measure -- CMD…`: prints `<wall ns> <peak RSS KiB> <exit status>`.
#[cfg(unix)]
pub fn measure(command: &[String]) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    use nix::sys::resource::{UsageWho, getrusage};
    let (program, args) = command.split_first().context("nothing to run")?;
    let start = std::time::Instant::now();
    let status = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .status()
        .with_context(|| format!("cannot run {program}"))?;
    let elapsed = start.elapsed();
    // ru_maxrss is in KiB on Linux (bytes on macOS; the bench's figures assume Linux).
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN)?;
    println!(
        "{} {} {}",
        elapsed.as_nanos(),
        usage.max_rss(),
        status.code().unwrap_or(255)
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(unix))]
pub fn measure(_command: &[String]) -> anyhow::Result<ExitCode> {
    bail!("measuring a child's peak memory needs getrusage (Linux, macOS)")
}
