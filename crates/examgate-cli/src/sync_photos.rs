//! `examgate sync-photos --db DB`: uploads this device's fallback photos to the site server it is
//! enrolled with (`examgate enroll`), resuming each at the server's offset, with a progress bar of
//! photo bytes. Exit status 0 only when the server acknowledges every photo the device's events
//! name. The photos are in `photos/` beside the database, as the app keeps them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;

use anyhow::{Context, bail};
use examgate_store::Store;
use examgate_sync::photos::{PhotoProgress, PhotoReport, upload_pending};
use examgate_sync::{Client, Fingerprint, SyncError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The device's database file (enrolled with `examgate enroll`); photos in `photos/` beside it.
    #[arg(long)]
    db: PathBuf,
}

/// The bar `[#####-----] 12.3/150.0 MB, 5/50 张照片 (photos)`, on standard error.
pub fn draw(p: PhotoProgress) {
    const WIDTH: u64 = 30;
    let filled = (p.bytes.min(p.total) * WIDTH)
        .checked_div(p.total)
        .unwrap_or(WIDTH);
    let bar: String = (0..WIDTH)
        .map(|i| if i < filled { '#' } else { '-' })
        .collect();
    let mb = |b: u64| b as f64 / 1e6;
    let mut err = std::io::stderr().lock();
    let _ = write!(
        err,
        "\r照片 (photos) [{bar}] {:.1}/{:.1} MB, {}/{}",
        mb(p.bytes),
        mb(p.total),
        p.done,
        p.photos
    );
    if p.done == p.photos {
        let _ = writeln!(err);
    }
    let _ = err.flush();
}

/// The enrolled server's client, from the link `examgate enroll` stored: the first address that
/// answers is used by the caller; here, all of them in order.
pub fn clients(store: &Store) -> anyhow::Result<Vec<Client>> {
    let Some(link) = store.server_link()? else {
        bail!(
            "本设备未注册，请先运行 examgate enroll (this device is not enrolled: run examgate enroll first)"
        );
    };
    let pinned: Fingerprint = link.fingerprint.parse()?;
    link.urls
        .iter()
        .map(|u| Ok(Client::new(u, pinned)?.with_token(link.token.clone())))
        .collect()
}

/// Uploads the pending photos through the first server address that is reachable.
pub async fn upload(
    store: &Mutex<Store>,
    photos: &Path,
    clients: &[Client],
    progress: &(dyn Fn(PhotoProgress) + Sync),
) -> Result<PhotoReport, SyncError> {
    let mut last = None;
    for client in clients {
        match upload_pending(store, photos, client, progress).await {
            Err(e @ SyncError::Unreachable { .. }) => last = Some(e),
            other => return other,
        }
    }
    Err(last.unwrap_or_else(|| SyncError::BadUrl("没有服务器地址 (no server address)".into())))
}

/// Prints what the run did; answers whether every photo is acknowledged.
pub fn summarize(report: &PhotoReport) -> bool {
    println!(
        "照片 (photos): 上传 {} 张 (uploaded)，服务器已有 {} 张 (already held)，发送 {} 字节 (bytes sent)",
        report.uploaded, report.already_held, report.sent_bytes
    );
    for file in &report.missing {
        eprintln!("examgate: 照片文件缺失 (photo file missing on this device): {file}");
    }
    for (file, why) in &report.refused {
        eprintln!("examgate: 服务器拒收照片 (the server refused a photo) {file}: {why}");
    }
    report.all_acknowledged()
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let store = Store::open_office(&args.db)
        .with_context(|| format!("cannot open {}", args.db.display()))?;
    let clients = clients(&store)?;
    let photos = args
        .db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("photos");
    let store = Mutex::new(store);
    let runtime = tokio::runtime::Runtime::new()?;
    let report = runtime.block_on(upload(&store, &photos, &clients, &draw))?;
    let done = summarize(&report);
    let left = store
        .lock()
        .map_err(|_| anyhow::anyhow!("store lock poisoned"))?
        .pending_photos()?;
    if left > 0 {
        eprintln!("examgate: 还有 {left} 张照片待上传 (photos still to upload)");
    }
    Ok(if done && left == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
