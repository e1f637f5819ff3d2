//! `examgate export archive`: the site office's emergency-photo archive for the provincial
//! office, one ZIP per site written into `--out` (see the `examgate-export` crate for the rules).
//! Prints each file written with its photo count; exit 1 naming every problem when an archive is
//! refused (a photo missing or altered), 2 when it cannot be written at all.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use examgate_export::{ArchiveError, Folders, Options, manifest_csv, plan, write_archive_file};
use examgate_store::Store;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The emergency photos of a sitting (应急处理照片), one ZIP per site named as the notice
    /// asks (`<site>23春第一次学位英语考试应急处理照片.zip`), with the manifest 清单.csv inside.
    Archive(ArchiveArgs),
}

#[derive(Debug, clap::Args)]
pub struct ArchiveArgs {
    /// The database (a device's, or the site server's): photos are read from `photos/` beside it.
    #[arg(long)]
    db: PathBuf,
    /// The sitting's label, e.g. "2023春 第一次".
    #[arg(long)]
    sitting: String,
    /// Only this site (default: every site with a photo).
    #[arg(long)]
    site: Option<String>,
    /// The folder the ZIPs go in (it must exist).
    #[arg(long)]
    out: PathBuf,
    /// The archive's name instead of the notice's (`.zip` added when missing).
    #[arg(long)]
    name: Option<String>,
    /// Write the archive even when a photo is missing or altered: it is left out and named in
    /// the manifest's 问题 column.
    #[arg(long)]
    allow_incomplete: bool,
}

pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Archive(args) => archive(&args),
    }
}

fn archive(args: &ArchiveArgs) -> anyhow::Result<ExitCode> {
    let store = Store::open_office(&args.db)
        .with_context(|| format!("cannot open {}", args.db.display()))?;
    let info = store.sitting(&args.sitting)?;
    let plans = plan(
        &store,
        &args.sitting,
        args.site.as_deref(),
        args.name.as_deref(),
    )?;
    if args.name.is_some() && plans.len() > 1 {
        anyhow::bail!(
            "--name 只能用于一个考点，请同时给出 --site (--name names one archive: give --site too)"
        );
    }
    let data = args
        .db
        .parent()
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    let photos = data.join("photos");
    let files = Folders {
        by_name: vec![photos.join(examgate_door::photo_folder_name(&args.sitting))],
        by_hash: vec![photos],
    };
    let start = info.sitting.start;
    let options = Options {
        timestamp: info.sitting.date.and_time(start),
        allow_incomplete: args.allow_incomplete,
        force_zip64: false,
    };
    let mut refused = false;
    for site in &plans {
        let result =
            write_archive_file(&args.out, &site.name, &site.entries, &files, options, |p| {
                manifest_csv(&site.rows, p)
            });
        match result {
            Ok((path, written)) => {
                println!(
                    "{}: {} 张照片 (photos)",
                    path.display(),
                    written.photos.len()
                );
                for p in &written.problems {
                    println!("  未收入 (left out): {p}");
                }
            }
            Err(ArchiveError::Refused(problems)) => {
                refused = true;
                eprintln!(
                    "examgate: {}：未生成归档 (refused; --allow-incomplete exports anyway)",
                    site.name
                );
                for p in problems {
                    eprintln!("  {p}");
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(if refused {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
