//! `examgate serve`: run the site server, and the office's commands on its data folder: issue a
//! one-time enrollment code (text and QR), revoke a device, list devices, print the trust list,
//! list the events kept aside (quarantined), set a chief examiner's PIN (`serve_pin`).
//! Thin: parsing and printing; the work is in examgate-server.

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::{DateTime, Local, Utc};
use examgate_server::{Clock, DEFAULT_LISTEN, NewCode, Server, urls_for};
use examgate_sync::EnrollCode;
use examgate_sync::wire::Role;
use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;
use uuid::Uuid;

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// The server's data folder (made at first start): site.db, its key, tls/.
    #[arg(long, required = true)]
    data: Option<PathBuf>,
    /// Address to listen on; port 0 picks a free one (the line `listening on https://…` says which).
    #[arg(long, default_value = DEFAULT_LISTEN)]
    listen: String,
    /// For tests: read the server's clock (for a real sitting's close and count check) from an
    /// RFC 3339 line in this file at each push, instead of the machine's.
    #[arg(long, hide = true)]
    clock_file: Option<PathBuf>,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Issue a one-time enrollment code for one person's device (printed as text and QR).
    Enroll(EnrollArgs),
    /// Revoke a device: it is refused (403) from its next request on.
    Revoke {
        #[arg(long)]
        data: PathBuf,
        /// The device id, as `examgate serve devices` lists it.
        #[arg(long)]
        device: Uuid,
    },
    /// List the enrolled devices.
    Devices {
        #[arg(long)]
        data: PathBuf,
    },
    /// List the events the server kept aside (quarantined, never merged): an id or (device,
    /// seq) already held with other content, an act the device may not record, a bad signature,
    /// a real sitting's room closed or counted too early by the server's clock.
    Quarantine {
        #[arg(long)]
        data: PathBuf,
    },
    /// Set (or reset) a chief examiner's PIN at the server; the site's devices get it with their
    /// next catalogue, and an approval typed with it at a door device then syncs.
    ChiefPin(crate::serve_pin::Args),
    /// Print the site's trust list (enrolled device keys) in the form `examgate verify --trust`
    /// reads.
    Keys {
        #[arg(long)]
        data: PathBuf,
        /// Also list revoked devices' keys (for photos they signed before they were revoked).
        #[arg(long)]
        include_revoked: bool,
    },
}

#[derive(Debug, clap::Args)]
struct EnrollArgs {
    #[arg(long)]
    data: PathBuf,
    /// 考点
    #[arg(long)]
    site: String,
    /// 考场 (none for a chief examiner, who sees the whole site).
    #[arg(long)]
    room: Option<String>,
    #[arg(long)]
    role: Role,
    /// 工号 of the person the device is for.
    #[arg(long)]
    staff: String,
    /// How long the code can be used: 90s, 30m, 2h, 1d.
    #[arg(long, default_value = "30m", value_parser = parse_duration)]
    valid: chrono::Duration,
    /// The server's address(es) for the code (repeatable); default: where `examgate serve` last
    /// listened, every interface address for 0.0.0.0.
    #[arg(long)]
    url: Vec<String>,
    /// Also write the QR code as a PNG.
    #[arg(long)]
    png: Option<PathBuf>,
    /// The server clock to issue at (RFC 3339); for tests of expiry.
    #[arg(long, hide = true)]
    now: Option<DateTime<Utc>>,
}

fn parse_duration(s: &str) -> Result<chrono::Duration, String> {
    let (n, unit) = s.split_at(s.trim_end_matches(char::is_alphabetic).len());
    let n: i64 = n
        .parse()
        .map_err(|_| format!("不是时长 (not a duration): {s}; 例如 (e.g.) 30m"))?;
    match unit {
        "s" => Ok(chrono::Duration::seconds(n)),
        "m" | "" => Ok(chrono::Duration::minutes(n)),
        "h" => Ok(chrono::Duration::hours(n)),
        "d" => Ok(chrono::Duration::days(n)),
        _ => Err(format!("时长单位须为 s/m/h/d (unit s, m, h or d): {s}")),
    }
}

fn open(data: &Path) -> anyhow::Result<Server> {
    Server::open(data).with_context(|| format!("cannot open the server data {}", data.display()))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    match args.command {
        Some(Command::Enroll(a)) => enroll(&a),
        Some(Command::Revoke { data, device }) => {
            if !open(&data)?.db().revoke(device, Utc::now())? {
                bail!("没有未吊销的设备 {device} (no unrevoked device with this id)");
            }
            println!("已吊销 (revoked): {device}");
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Devices { data }) => devices(&data),
        Some(Command::Quarantine { data }) => quarantine(&data),
        Some(Command::ChiefPin(a)) => crate::serve_pin::run(&a),
        Some(Command::Keys {
            data,
            include_revoked,
        }) => {
            print!("{}", open(&data)?.db().trust_list(include_revoked)?);
            Ok(ExitCode::SUCCESS)
        }
        None => serve(args.data.as_deref(), &args.listen, args.clock_file),
    }
}

fn serve(
    data: Option<&Path>,
    listen: &str,
    clock_file: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let data = data.context("--data DIR is required")?;
    let clock = clock_file.map_or(Clock::System, Clock::File);
    let server = open(data)?.with_clock(clock);
    let listener =
        TcpListener::bind(listen).with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    println!("examgate 考点服务器 (site server): {}", data.display());
    println!(
        "证书指纹 (certificate fingerprint): {}",
        server.fingerprint()
    );
    println!(
        "证书指纹（分组，与设备“设置”页核对） (grouped, to compare with a device's Settings): {}",
        server.fingerprint().grouped()
    );
    for url in urls_for(addr) {
        println!("地址 (URL): {url}");
    }
    println!("listening on https://{addr}");
    std::io::stdout().flush()?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(server.serve(listener))?;
    Ok(ExitCode::SUCCESS)
}

fn enroll(a: &EnrollArgs) -> anyhow::Result<ExitCode> {
    let server = open(&a.data)?;
    let urls = if a.url.is_empty() {
        server.recorded_urls()?
    } else {
        a.url.clone()
    };
    if urls.is_empty() {
        bail!(
            "不知道服务器地址：请先运行 examgate serve，或用 --url https://地址:8740 给出 (no server address known: run examgate serve first, or give --url)"
        );
    }
    let new = NewCode {
        site: a.site.clone(),
        room: a.room.clone(),
        role: a.role,
        staff: a.staff.clone(),
        valid: a.valid,
    };
    let issued = server
        .db()
        .issue_code(&new, a.now.unwrap_or_else(Utc::now))?;
    let code = EnrollCode {
        secret: issued.secret,
        fingerprint: server.fingerprint(),
        urls,
    };
    // Parse it back: refuses an http:// --url before anyone is handed it.
    let text = code.to_string();
    text.parse::<EnrollCode>()?;
    let qr = QrCode::new(text.as_bytes())?;
    println!(
        "注册码 (enrollment code) — {} {} {} {}，仅可使用一次，{} 前有效 (single use, valid until then):",
        a.site,
        a.room.as_deref().unwrap_or("全考点"),
        a.role.as_str(),
        a.staff,
        issued
            .expires_at
            .with_timezone(&Local)
            .format("%Y-%m-%d %H:%M"),
    );
    println!("{text}");
    let terminal = qr
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .build();
    println!("{terminal}");
    if let Some(png) = &a.png {
        write_png(&qr, png)?;
        println!("二维码已写入 (QR code written to) {}", png.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// The QR code as a PNG, owner-only: it carries a secret until it is used.
fn write_png(qr: &QrCode, path: &Path) -> anyhow::Result<()> {
    let image = qr
        .render::<image::Luma<u8>>()
        .min_dimensions(480, 480)
        .build();
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(bytes.get_ref())?;
    Ok(())
}

fn devices(data: &Path) -> anyhow::Result<ExitCode> {
    let mut server = open(data)?;
    // Each device's events the server holds without a gap (its high-water mark): what the
    // office checks when a device says it has synced.
    let held = server.store().high_waters()?;
    for d in server.db().devices()? {
        let events = held
            .iter()
            .find(|(id, _)| *id == d.info.device_id)
            .map_or(0, |(_, n)| *n);
        let state = match &d.revoked_at {
            Some(at) => format!("已吊销 (revoked) {at}"),
            None => "有效 (active)".to_owned(),
        };
        let clock = match &d.last_clock {
            Some(c) => format!(
                "时钟偏差 (clock) {:+.3} s ± {:.3} s @ {}",
                c.offset.device_ahead_us as f64 / 1e6,
                c.offset.error_us as f64 / 1e6,
                c.measured_at
            ),
            None => "时钟未测 (clock not measured)".to_owned(),
        };
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{state}\t{clock}\t已收事件 (events held) {events}",
            d.info.device_id,
            d.info.name,
            d.info.site,
            d.info.room.as_deref().unwrap_or("-"),
            d.info.role.as_str(),
            d.info.staff,
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// One line per quarantined event, oldest first: when, which device and seq, why, and what the
/// event was (its kind and candidate; no ID number is in an event).
fn quarantine(data: &Path) -> anyhow::Result<ExitCode> {
    let mut server = open(data)?;
    let entries = server.store().quarantined()?;
    for q in &entries {
        let e = &q.received.event;
        println!(
            "{}	{}	{}	{}	{}	{}	{}	{}",
            q.received_at.to_rfc3339(),
            e.device,
            e.seq,
            q.reason.code(),
            e.id,
            e.kind.name(),
            e.student(),
            q.reason
        );
    }
    if entries.is_empty() {
        println!("没有留存的事件 (nothing was kept aside)");
    }
    Ok(ExitCode::SUCCESS)
}
