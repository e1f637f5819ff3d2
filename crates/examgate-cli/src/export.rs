//! `examgate export archive`: the site office's emergency-photo archive for the provincial
//! office, one ZIP per site written into `--out` (see the `examgate-export` crate for the rules),
//! every photo checked against the site's trust list; and `examgate export keys`, that trust
//! list (see `keys` for how a server's database is told from a device's). Prints each file
//! written with its photo count; exit 1 naming every problem when an archive is refused (a photo
//! missing, altered, unsigned, signed by a key the site does not trust or not valid, a candidate
//! whose devices conflict), 2 when it cannot be written at all.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use examgate_export::{ArchiveError, Folders, Options, export_site, plan_with};
use examgate_store::Store;

use crate::keys::Source;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The emergency photos of a sitting (应急处理照片), one ZIP per site named as the notice
    /// asks (`<site>23春第一次学位英语考试应急处理照片.zip`). Inside: `<学号>.jpg` for each photo,
    /// its signature as `签名/<学号>.jpg.sig.json`, and the manifest as 清单.csv and 清单.xlsx.
    /// Refused, naming each problem, when a photo is missing, altered, unsigned, signed by a key
    /// the site does not trust (the list `export keys` prints) or with a signature that does not
    /// verify, or when a room's devices are in conflict over a candidate.
    Archive(ArchiveArgs),
    /// The site's trust list, in the form `examgate verify --trust` reads: on a site server's
    /// database (`DIR/site.db`) the keys of its enrolled, non-revoked devices; on a device's, its
    /// own photo key (and the site keys its server sent, if it is enrolled).
    Keys(KeysArgs),
}

#[derive(Debug, clap::Args)]
pub struct KeysArgs {
    /// The database: a site server's `DIR/site.db`, or a device's.
    #[arg(long)]
    db: PathBuf,
    /// Only this site's devices (a site server's database only).
    #[arg(long)]
    site: Option<String>,
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
    /// Write the archive even when there are problems, each named in the manifests' 问题 column:
    /// a missing or altered photo is left out; a photo whose signature is missing, invalid or
    /// untrusted goes in with what signature it has; a candidate in conflict gets a row.
    #[arg(long)]
    allow_incomplete: bool,
}

pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Archive(args) => archive(&args),
        Command::Keys(args) => {
            let store = open(&args.db)?;
            print!(
                "{}",
                Source::of(&args.db)?.trust_list(&store, args.site.as_deref())?
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Opens an existing database: an export never creates one where a path was mistyped.
fn open(db: &Path) -> anyhow::Result<Store> {
    if !db.is_file() {
        anyhow::bail!("没有数据库 {} (no database there)", db.display());
    }
    Store::open_office(db).with_context(|| format!("cannot open {}", db.display()))
}

fn archive(args: &ArchiveArgs) -> anyhow::Result<ExitCode> {
    let store = open(&args.db)?;
    let info = store.sitting(&args.sitting)?;
    let source = Source::of(&args.db)?;
    let plans = plan_with(
        &store,
        &args.sitting,
        args.site.as_deref(),
        args.name.as_deref(),
        &source.clocks()?,
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
        let scope = match source {
            Source::Server(_) => Some(site.site.as_str()),
            Source::Device { .. } => None,
        };
        // A site without photos needs no keys (a device that never took one has none).
        let trusted = if site.entries.is_empty() {
            Vec::new()
        } else {
            source.trusted(&store, scope)?
        };
        let result = export_site(&args.out, site, &files, options, &trusted);
        match result {
            Ok((path, written)) => {
                println!(
                    "{}: {} 张照片 (photos)",
                    path.display(),
                    written.photos.len()
                );
                for p in &written.problems {
                    if p.fault.leaves_out() {
                        println!("  未收入 (left out): {p}");
                    } else {
                        println!("  已收入，但有问题 (in the archive, with a problem): {p}");
                    }
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
