//! `examgate pin set`: the site office sets (or resets) a chief examiner's PIN on a standalone
//! door device's database (on a device enrolled with a site server it is refused: the PIN is set
//! there, with `examgate serve chief-pin`). The PIN is read from standard input, never from the
//! command line (it would stay in the shell's history and the process list).

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use chrono::Local;
use examgate_store::Store;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The door device's database file; its key file `<db>.key` must be beside it.
    #[arg(long)]
    db: PathBuf,
    /// The chief examiner's staff number (工号).
    #[arg(long)]
    staff: String,
    /// Replace a PIN already set on this device.
    #[arg(long)]
    replace: bool,
}

pub fn set(args: Args) -> anyhow::Result<ExitCode> {
    eprintln!(
        "请输入主考口令（至少 6 位数字）后回车 (type the PIN, at least 6 digits, then Enter):"
    );
    let mut pin = String::new();
    std::io::stdin().lock().read_line(&mut pin)?;
    let mut store = Store::open_office(&args.db)
        .with_context(|| format!("cannot open {}", args.db.display()))?;
    store.set_pin(
        &args.staff,
        pin.trim(),
        args.replace,
        Local::now().fixed_offset(),
    )?;
    println!(
        "已设置主考 {} 的口令 (PIN set for {})",
        args.staff, args.staff
    );
    Ok(ExitCode::SUCCESS)
}
