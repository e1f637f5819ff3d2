//! `examgate pin bench`: what one PIN hash costs on this machine, and so what trying every
//! 6-digit PIN would cost an attacker holding the database, on one core. The target: more than a
//! day for the attacker, under half a second for a phone (≈ 3× slower than a laptop core). Also
//! what making a chief's proof key costs: how a door checks a PIN set at the site server (one run
//! per try), and what each guess costs whoever stole its verifier and salt.

use std::process::ExitCode;
use std::time::Instant;

use examgate_store::pin_hash::{M_COST_KIB, P_COST, T_COST, hash, proof_key};

use crate::measure::ms;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Hashes to time.
    #[arg(long, default_value_t = 9)]
    hashes: usize,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let mut times = Vec::with_capacity(args.hashes);
    for i in 0..args.hashes.max(1) {
        let pin = format!("{:06}", 246_810 + i);
        let start = Instant::now();
        hash(&pin)?;
        times.push(start.elapsed());
    }
    times.sort();
    let median = times[times.len() / 2];
    let all_pins_hours = median.as_secs_f64() * 1e6 / 3600.0;
    let phone_ms = ms(median) * 3.0;
    println!(
        "PIN 散列 (PIN hash) argon2id m={} MiB t={T_COST} p={P_COST}: 中位数 median {:.1} ms over {} hashes (min {:.1}, max {:.1})",
        M_COST_KIB / 1024,
        ms(median),
        times.len(),
        ms(times[0]),
        ms(times[times.len() - 1]),
    );
    println!(
        "试遍全部 6 位口令 (all 10^6 six-digit PINs) on one core: {all_pins_hours:.1} h (target > 24 h) {}",
        if all_pins_hours > 24.0 { "✓" } else { "✗" }
    );
    println!(
        "手机上每次核对约 (per try on a phone, ≈ 3× slower): {phone_ms:.0} ms (target < 500 ms) {}",
        if phone_ms < 500.0 { "✓" } else { "✗" }
    );
    let mut keys = Vec::with_capacity(args.hashes);
    for i in 0..args.hashes.max(1) {
        let pin = format!("{:06}", 246_810 + i);
        let start = Instant::now();
        proof_key(&pin, &"5a".repeat(16))?;
        keys.push(start.elapsed());
    }
    keys.sort();
    let key_median = keys[keys.len() / 2];
    println!(
        "主考证明密钥 (chief's proof key, PIN set at the server) argon2id, same parameters: 中位数 median {:.1} ms over {} (min {:.1}, max {:.1}); all 10^6 PINs: {:.1} h on one core; per try on a phone ≈ {:.0} ms",
        ms(key_median),
        keys.len(),
        ms(keys[0]),
        ms(keys[keys.len() - 1]),
        key_median.as_secs_f64() * 1e6 / 3600.0,
        ms(key_median) * 3.0,
    );
    Ok(ExitCode::SUCCESS)
}
