//! `examgate enroll`: the device's side of enrollment from the command line (for a database
//! copied off a broken phone, and for scripts). Sends the store's device id and the photo-signing
//! key's public half (`device-key.pem` beside the database, as the app keeps it), keeps the
//! server's answer in the database, and measures the clock once.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;

use anyhow::{Context, bail};
use chrono::Utc;
use examgate_photo::DeviceKey;
use examgate_store::{ServerLink, Store};
use examgate_sync::wire::{EnrollRequest, EnrollResponse, enroll_proof_message};
use examgate_sync::{Client, EnrollCode, SyncError};

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

fn host_name() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "examgate".to_owned())
}

/// Tries the code's URLs in order; a server that refuses ends it, an unreachable one moves on.
async fn redeem(
    code: &EnrollCode,
    request: &EnrollRequest,
) -> Result<(Client, EnrollResponse), SyncError> {
    let mut last = None;
    for url in &code.urls {
        let client = Client::new(url, code.fingerprint)?;
        match client.enroll(request).await {
            Ok(answer) => return Ok((client, answer)),
            Err(e @ SyncError::Unreachable { .. }) => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| SyncError::BadCode("没有服务器地址 (no server address)".into())))
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let code: EnrollCode = args.code.parse()?;
    let mut store = Store::open_office(&args.db)
        .with_context(|| format!("cannot open {}", args.db.display()))?;
    let dir = args
        .db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let key = DeviceKey::load_or_create(&dir.join("device-key.pem"))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let device_id = store.device_id()?;
    let request = EnrollRequest {
        secret: code.secret.clone(),
        device_id,
        public_key: key.public_key().to_string(),
        name: args.name.clone().unwrap_or_else(host_name),
        proof: hex::encode(key.sign_bytes(&enroll_proof_message(&code.secret, device_id))),
    };
    let runtime = tokio::runtime::Runtime::new()?;
    let (client, answer) = runtime.block_on(redeem(&code, &request))?;
    let mut urls = vec![client.url().to_owned()];
    urls.extend(code.urls.iter().filter(|u| *u != client.url()).cloned());
    let device = &answer.device;
    if device.device_id != request.device_id {
        bail!("服务器回答的设备号不符 (the server answered for another device)");
    }
    store
        .set_server_link(&ServerLink {
            urls,
            fingerprint: code.fingerprint.to_string(),
            token: answer.token.clone(),
            site: device.site.clone(),
            room: device.room.clone(),
            role: device.role.as_str().to_owned(),
            staff: device.staff.clone(),
            enrolled_at: Utc::now().to_rfc3339(),
        })
        .context(
            "已在服务器注册，但无法保存到本机数据库；请索取新的注册码重试 (enrolled, but could not save it: get a new code and retry)",
        )?;
    println!(
        "已注册 (enrolled): {} {} {} {}，服务器 (server) {}",
        device.site,
        device.room.as_deref().unwrap_or("全考点"),
        device.role.as_str(),
        device.staff,
        client.url()
    );
    let client = client.with_token(answer.token);
    match runtime.block_on(client.measure_clock(|| Utc::now().timestamp_micros())) {
        Ok(o) => println!(
            "时钟偏差 (clock offset): {:+.3} s ± {:.3} s",
            o.device_ahead_us as f64 / 1e6,
            o.error_us as f64 / 1e6
        ),
        Err(e) => eprintln!("examgate: 时钟未测 (clock not measured): {e}"),
    }
    // The catalogue at enrollment: the device can work its door from here on, offline too.
    let store = Mutex::new(store);
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
