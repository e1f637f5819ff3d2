//! `examgate enroll`: the device's side of enrollment from the command line (for a database
//! copied off a broken phone, and for scripts). Thin: the work is `examgate_sync::enroll`, which
//! the app's connect panel runs too; this opens the database and the photo-signing key
//! (`device-key.pem` beside the database, as the app keeps it) and prints the outcome.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;

use anyhow::Context;
use chrono::Utc;
use examgate_photo::DeviceKey;
use examgate_store::Store;
use examgate_sync::{Client, EnrollCode};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The device's database file; its key file `<db>.key` beside it.
    #[arg(long)]
    db: PathBuf,
    /// The enrollment code from `examgate serve enroll` (EG1:…).
    #[arg(long)]
    code: String,
    /// A name for the office's device list; default: this machine's host name.
    #[arg(long)]
    name: Option<String>,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let code: EnrollCode = args.code.parse()?;
    let store = Store::open_office(&args.db)
        .with_context(|| format!("cannot open {}", args.db.display()))?;
    let dir = args
        .db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let key = DeviceKey::load_or_create(&dir.join("device-key.pem"))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let store = Mutex::new(store);
    let name = args.name.as_deref().unwrap_or("");
    let runtime = tokio::runtime::Runtime::new()?;
    let done = runtime.block_on(examgate_sync::enroll::enroll(
        &code,
        &store,
        &key,
        name,
        &Utc::now,
    ))?;
    let device = &done.device;
    println!(
        "已注册 (enrolled): {} {} {} {}，服务器 (server) {}",
        device.site,
        device.room.as_deref().unwrap_or("全考点"),
        device.role.as_str(),
        device.staff,
        done.server
    );
    match done.clock {
        Ok(o) => println!(
            "时钟偏差 (clock offset): {:+.3} s ± {:.3} s",
            o.device_ahead_us as f64 / 1e6,
            o.error_us as f64 / 1e6
        ),
        Err(e) => eprintln!("examgate: 时钟未测 (clock not measured): {e}"),
    }
    // The catalogue at enrollment: the device can work its door from here on, offline too.
    let client = Client::new(&done.server, code.fingerprint)?.with_token(done.link.token.clone());
    match crate::catalogue::refresh(&runtime, &store, &client) {
        Ok(code) => Ok(code),
        Err(e) => {
            eprintln!(
                "examgate: 已注册，但名册未下载，请稍后运行 examgate catalogue (enrolled, but the catalogue was not fetched: run `examgate catalogue` later): {e:#}"
            );
            Ok(ExitCode::from(1))
        }
    }
}
