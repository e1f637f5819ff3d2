//! `examgate catalogue --db DB`: fetch the site's catalogue from the server this database is
//! enrolled with, now (the app does it at enrollment and whenever the version changes). Prints
//! what changed; exit 0 when the catalogue held is current, 1 when the device refused the
//! server's (nothing changed; each reason printed), 2 when the server could not be asked.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;

use anyhow::Context;
use examgate_store::Store;
use examgate_sync::{CatalogueOutcome, Client, SyncError, clients_for, refresh_catalogue};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The device's database file, enrolled with `examgate enroll`.
    #[arg(long)]
    db: PathBuf,
}

/// Refreshes the catalogue of `store` from `client` and prints the outcome; the exit status.
pub fn refresh(
    runtime: &tokio::runtime::Runtime,
    store: &Mutex<Store>,
    client: &Client,
) -> anyhow::Result<ExitCode> {
    let outcome = runtime.block_on(refresh_catalogue(store, client))?;
    Ok(print(&outcome))
}

fn print(outcome: &CatalogueOutcome) -> ExitCode {
    match outcome {
        CatalogueOutcome::Unchanged { version } => {
            println!("名册未变 (catalogue unchanged): 版本 (version) {version}");
            ExitCode::SUCCESS
        }
        CatalogueOutcome::Applied { report, photos } => {
            println!(
                "名册已更新 (catalogue applied): {} 版本 (version) {}：{} 名考生（新增 {}，移除 {}，调座 {}），{} 名工作人员，下载照片 {} 张 ({} candidates: {} added, {} removed, {} moved; {} staff; {} photos downloaded)",
                report.site,
                report.version,
                report.candidates,
                report.added,
                report.removed,
                report.moved.len(),
                report.staff,
                photos,
                report.candidates,
                report.added,
                report.removed,
                report.moved.len(),
                report.staff,
                photos,
            );
            for m in &report.moved {
                let note = if m.has_events {
                    "（已有记录 has events）"
                } else {
                    ""
                };
                println!(
                    "  调座 (moved): {} {} {} 考场 {} 号 → {} 考场 {} 号{note}",
                    m.sitting, m.student_number, m.from.0, m.from.1, m.to.0, m.to.1
                );
            }
            for chief in &report.pins_removed {
                println!(
                    "  已删除不在名单中的主考 {chief} 的口令 (PIN removed: no longer on the roster)"
                );
            }
            ExitCode::SUCCESS
        }
        CatalogueOutcome::Refused {
            version,
            code,
            reasons,
        } => {
            eprintln!(
                "examgate: 未应用服务器的名册版本 {version}，本机未改动 (catalogue version {version} refused, nothing changed) [{code}]"
            );
            for r in reasons {
                eprintln!("  {r}");
            }
            ExitCode::from(1)
        }
    }
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let store = Store::open_office(&args.db)
        .with_context(|| format!("cannot open {}", args.db.display()))?;
    let link = store.server_link()?.ok_or(SyncError::NotEnrolled)?;
    let runtime = tokio::runtime::Runtime::new()?;
    let store = Mutex::new(store);
    // The addresses in order: an unreachable one moves on, any other failure ends it.
    let mut last = None;
    for client in clients_for(&link)? {
        match runtime.block_on(refresh_catalogue(&store, &client)) {
            Ok(outcome) => return Ok(print(&outcome)),
            Err(e @ SyncError::Unreachable { .. }) => last = Some(e),
            Err(e) => return Err(e.into()),
        }
    }
    Err(last.map_or_else(|| anyhow::anyhow!("no server address"), Into::into))
}
