//! Killing a real child process at a point chosen at random, for the kill -9 tests of the store,
//! the door service and the office tool.
//!
//! The child is the test binary itself, re-run on one test with an environment variable that
//! makes it do the work instead: it prints `READY` when it starts working and `ACK <what>` after
//! each piece of work it has been told is done (committed). The parent reads a random number of
//! ACK lines, waits a random fraction of the time one piece of work takes (this only chooses
//! *where* the kill lands, nothing waits for anything to be ready), sends SIGKILL, and keeps every
//! ACK the child printed before it died, read or not. Randomness is seeded (`EXAMGATE_KILL_SEED`
//! to replay a run); the timing of the kill is not replayable, so every iteration asserts
//! whatever it finds.
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// splitmix64, seeded: which ACK and which moment each iteration kills at.
#[derive(Debug)]
pub struct Rng(u64);

impl Rng {
    /// Seeded from `EXAMGATE_KILL_SEED` when set, else from `default`.
    pub fn seeded(default: u64) -> Rng {
        let seed = std::env::var("EXAMGATE_KILL_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(default);
        eprintln!("kill loop seed {seed} (set EXAMGATE_KILL_SEED to replay the choices)");
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..=max`.
    pub fn upto(&mut self, max: u64) -> u64 {
        self.next_u64() % (max + 1)
    }
}

/// How one killed run ended.
#[derive(Debug, Default)]
pub struct Run {
    /// What each ACK line named, in order: everything the child acknowledged before it died.
    pub acked: Vec<String>,
    /// The child finished its work (printed `DONE`) before it was killed.
    pub finished: bool,
}

/// Learns how long one piece of work takes from the gaps between the child's lines, so a random
/// delay below it lands anywhere inside the next piece of work, on a fast machine or a slow one.
#[derive(Debug)]
pub struct Pace {
    gap: Duration,
}

impl Pace {
    pub fn new(first_guess: Duration) -> Pace {
        Pace { gap: first_guess }
    }

    fn learn(&mut self, gap: Duration) {
        // Moving average; a stall (another process hogging the CPU) shifts it only a little.
        self.gap = (self.gap * 3 + gap) / 4;
    }

    pub fn gap(&self) -> Duration {
        self.gap
    }
}

/// A child that is killed if the test gives up on it (a panic), so none outlives the test.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The line's payload after `marker`: libtest may print its own text before the child's first
/// line on the same line.
fn after<'a>(line: &'a str, marker: &str) -> Option<&'a str> {
    line.find(marker).map(|i| &line[i + marker.len()..])
}

/// Runs `test` of this test binary as a child with `env` set, reads `acks` ACK lines (fewer if
/// the child finishes first), waits a random part of one piece of work's duration, SIGKILLs it,
/// and returns what it acknowledged. Panics when the child is silent longer than `limit`.
pub fn run_and_kill(
    test: &str,
    env: &[(&str, &std::ffi::OsStr)],
    acks: usize,
    rng: &mut Rng,
    pace: &mut Pace,
    limit: Duration,
) -> Run {
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut cmd = Command::new(exe);
    cmd.args(["--exact", test, "--nocapture", "--test-threads=1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = Killed(cmd.spawn().expect("spawn the child"));
    let stdout = child.0.stdout.take().expect("the child's stdout");
    let (tx, rx) = channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });

    let deadline = Instant::now() + limit;
    let mut run = Run::default();
    let mut last: Option<Instant> = None;
    let mut ready = false;
    while run.acked.len() < acks && !run.finished {
        match next(&rx, deadline) {
            Some(line) => {
                let now = Instant::now();
                if let Some(what) = after(&line, "ACK ") {
                    run.acked.push(what.to_string());
                } else if line.contains("DONE") {
                    run.finished = true;
                } else if line.contains("READY") {
                    ready = true;
                } else {
                    continue;
                }
                if let Some(t) = last {
                    pace.learn(now - t);
                }
                last = Some(now);
            }
            None => break, // it ended on its own: the status below says how
        }
    }
    if ready || !run.acked.is_empty() {
        let delay = rng.upto(u64::try_from(pace.gap().as_micros()).unwrap_or(u64::MAX));
        std::thread::sleep(Duration::from_micros(delay));
    }
    // SIGKILL: no destructors, no clean close of the database, no removal of temporary files.
    let _ = child.0.kill();
    let status = child.0.wait().expect("reap the child");
    // Lines the child printed before it died are acknowledgements too.
    while let Some(line) = next(&rx, deadline) {
        if let Some(what) = after(&line, "ACK ") {
            run.acked.push(what.to_string());
        } else if line.contains("DONE") {
            run.finished = true;
        }
    }
    reader.join().expect("the reader thread");
    // Killed by us, or done: anything else is the child failing (its stderr says why).
    assert!(
        status.signal() == Some(9) || (run.finished && status.success()),
        "the child failed: {status}"
    );
    run
}

/// The next line, `None` at the end of the child's output; panics past `deadline`.
fn next(rx: &Receiver<String>, deadline: Instant) -> Option<String> {
    let left = deadline.saturating_duration_since(Instant::now());
    match rx.recv_timeout(left) {
        Ok(line) => Some(line),
        Err(RecvTimeoutError::Disconnected) => None,
        Err(RecvTimeoutError::Timeout) => panic!("the child said nothing for too long"),
    }
}
