//! `examgate sync`: one full sync of a device database with the site server it is enrolled with
//! (for a database copied off a broken phone, and for scripts), through the same engine the app
//! runs. Shows progress on standard error (a bar on a terminal, a line per step otherwise) and
//! exits 0 only when the server acknowledges everything this device holds.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;

use anyhow::Context;
use examgate_photo::DeviceKey;
use examgate_store::Store;
use examgate_sync::{CatalogueOutcome, Phase, Progress, SyncReport, sync_once};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The device's database file; its key file `<db>.key` and `device-key.pem` beside it.
    #[arg(long)]
    db: PathBuf,
}

fn phase_name(p: Phase) -> &'static str {
    match p {
        Phase::Connect => "连接 (connect)",
        Phase::Push => "上传事件 (push)",
        Phase::Pull => "下载事件 (pull)",
        Phase::Clock => "校时 (clock)",
        Phase::Photos => "上传照片 (photos)",
    }
}

/// Draws `p`: a redrawn bar on a terminal, else one line per step (what the fault tests read).
fn show(p: Progress, terminal: bool) {
    let mut err = std::io::stderr().lock();
    if terminal {
        let width = 30u64;
        let filled = (p.done * width)
            .checked_div(p.total)
            .unwrap_or(width)
            .min(width);
        let bar: String = (0..width)
            .map(|i| if i < filled { '#' } else { '-' })
            .collect();
        let (done, total) = if p.phase == Phase::Photos {
            // Photo bytes, in MB.
            let mb = |b: u64| format!("{:.1} MB", b as f64 / 1e6);
            (mb(p.done), mb(p.total))
        } else {
            (p.done.to_string(), p.total.to_string())
        };
        let _ = write!(
            err,
            "\r{:<18} [{bar}] {done}/{total}   ",
            phase_name(p.phase)
        );
    } else {
        let _ = writeln!(err, "sync {:?} {}/{}", p.phase, p.done, p.total);
    }
    let _ = err.flush();
}

fn summary(r: &SyncReport) {
    println!("服务器 (server): {}", r.server);
    println!(
        "上传 (pushed) {} 条，下载 (pulled) {} 条，待上传 (pending) {} 条事件，{} 张照片 (photos)",
        r.pushed, r.pulled, r.pending, r.photos_pending
    );
    if let Some(o) = r.offset {
        println!(
            "时钟偏差 (clock offset): {:+.3} s ± {:.3} s",
            o.device_ahead_us as f64 / 1e6,
            o.error_us as f64 / 1e6
        );
    }
    match &r.catalogue {
        Some(CatalogueOutcome::Applied { report, photos }) => println!(
            "名册已更新 (catalogue applied): 版本 (version) {}，新增 (added) {}，移除 (removed) {}，调座 (moved) {}，照片 (photos) {photos}",
            report.version,
            report.added,
            report.removed,
            report.moved.len()
        ),
        Some(CatalogueOutcome::Refused {
            version, reasons, ..
        }) => {
            eprintln!(
                "examgate: 未应用服务器的名册版本 {version}，本机未改动 (catalogue version {version} refused, nothing changed)"
            );
            for reason in reasons {
                eprintln!("  {reason}");
            }
        }
        Some(CatalogueOutcome::Unchanged { version }) => {
            println!("名册未变 (catalogue unchanged): 版本 (version) {version}")
        }
        None => {}
    }
    for q in &r.quarantined {
        println!(
            "服务器拒收 (kept aside by the server): 序号 (seq) {} {} — {}",
            q.seq, q.id, q.message
        );
    }
    if r.pulled_quarantined > 0 {
        println!(
            "本机拒收 {} 条下载的事件 (this device kept {} pulled events aside)",
            r.pulled_quarantined, r.pulled_quarantined
        );
    }
    let photos = &r.photos;
    println!(
        "照片 (photos): 上传 {} 张 (uploaded)，服务器已有 {} 张 (already held)，发送 {} 字节 (bytes sent)",
        photos.uploaded, photos.already_held, photos.sent_bytes
    );
    for file in &photos.missing {
        println!("照片文件缺失 (photo file missing on this device): {file}");
    }
    for (file, why) in &photos.refused {
        println!("服务器拒收照片 (the server refused a photo) {file}: {why}");
    }
    if r.all_acknowledged() {
        println!("已同步 (everything is acknowledged)");
    }
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let store = Store::open_office(&args.db)
        .with_context(|| format!("cannot open {}", args.db.display()))?;
    let dir = args
        .db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let key = DeviceKey::load(&dir.join("device-key.pem")).map_err(|e| anyhow::anyhow!("{e}"))?;
    let store = Mutex::new(store);
    let terminal = std::io::stderr().is_terminal();
    let runtime = tokio::runtime::Runtime::new()?;
    let report = runtime.block_on(sync_once(&store, &key, &|p| show(p, terminal)));
    if terminal {
        eprintln!();
    }
    let report = report?;
    summary(&report);
    Ok(if report.all_acknowledged() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
