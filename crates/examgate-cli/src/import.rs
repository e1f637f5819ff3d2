//! `examgate import` and `examgate demo`: load an office's files into a door database.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chrono::{NaiveDate, NaiveTime};
use examgate_core::model::Sitting;
use examgate_photo::{FontSource, StampFont};
use examgate_store::import::{GlyphCheck, SourceFile};
use examgate_store::{ImportOptions, ImportReport, Store, StoreError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The database file (created if missing), encrypted with the key in `<db>.key` beside it
    /// (made with the database; keep the two together).
    #[arg(long)]
    db: PathBuf,
    /// The sitting the seating lists belong to, when they have no 场次 column
    /// (needed when the database holds more than one sitting).
    #[arg(long)]
    sitting: Option<String>,
    /// With --sitting, create it: its date (YYYY-MM-DD).
    #[arg(long, requires = "sitting")]
    date: Option<NaiveDate>,
    /// Start time (HH:MM), with --date.
    #[arg(long, requires = "date", default_value = "09:00")]
    start: String,
    /// End time (HH:MM), with --date.
    #[arg(long, requires = "date", default_value = "11:00")]
    end: String,
    /// Paper number (试卷号), with --date.
    #[arg(long, requires = "date", default_value = "")]
    paper: String,
    /// The exam's name, with --date.
    #[arg(long, requires = "date", default_value = "学士学位英语考试")]
    exam: String,
    /// The photo stamp's font file (.ttf/.otf/.ttc), as for `examgate photo stamp --font`.
    /// Sites, rooms and room addresses it cannot draw are refused. Default: the installed font
    /// the stamp would pick.
    #[arg(long)]
    font: Option<PathBuf>,
    /// With --date: the sitting created is a drill (演练), whose exam time the door may set
    /// freely. A real sitting's exam time follows the device clock unless the chief examiner
    /// authorises another with their PIN.
    #[arg(long, requires = "date")]
    drill: bool,
    /// Seating lists (学号/准考证号, 姓名, 证件类型, 证件号码, 考点, 考点地址, 考场, 考场地址, 座位号)
    /// and rosters (工号, 姓名, 角色, 考点, 考场), CSV or XLSX.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// The stamp's font coverage, with the font selection `examgate photo stamp` uses.
fn stamp_glyphs(file: Option<PathBuf>) -> GlyphCheck {
    let source = FontSource::from(file);
    GlyphCheck::new(move |text| StampFont::uncovered(&source, text).map_err(|e| e.to_string()))
}

fn time(s: &str) -> anyhow::Result<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(s, "%H:%M:%S"))
        .with_context(|| format!("time {s:?} is not HH:MM"))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut files = Vec::new();
    for path in &args.files {
        files.push(
            SourceFile::read(path).with_context(|| format!("cannot read {}", path.display()))?,
        );
    }
    let create = match (&args.sitting, args.date) {
        (Some(label), Some(date)) => Some(Sitting {
            exam: args.exam.clone(),
            label: label.clone(),
            date,
            start: time(&args.start)?,
            end: time(&args.end)?,
            paper: args.paper.clone(),
        }),
        _ => None,
    };
    let mut store = Store::open_office(&args.db)
        .with_context(|| format!("cannot open {}", args.db.display()))?;
    let opts = ImportOptions {
        sitting: args.sitting.clone(),
        create,
        drill: args.drill,
        photo_dir: ImportOptions::photo_dir_of(&args.files),
        glyphs: Some(stamp_glyphs(args.font.clone())),
    };
    match store.import(&files, &opts) {
        Ok(report) => {
            print_report(&report);
            Ok(ExitCode::SUCCESS)
        }
        Err(StoreError::Import(errors)) => {
            for e in &errors {
                eprintln!("{e}");
            }
            eprintln!(
                "导入失败，数据库未改动：共 {} 处错误 (import refused, database unchanged: {} errors)",
                errors.len(),
                errors.len()
            );
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e.into()),
    }
}

fn print_report(report: &ImportReport) {
    for f in &report.files {
        let what = if f.kind == "roster" {
            "人员 staff"
        } else {
            "考生 candidates"
        };
        if f.sittings.is_empty() {
            println!("{}: {} {what}", f.file, f.rows);
        } else {
            println!("{}: {} {what} ({})", f.file, f.rows, f.sittings.join("、"));
        }
    }
    println!(
        "已导入 imported: {} 考生 candidates, {} 人员 staff",
        report.candidates, report.staff
    );
    for w in &report.warnings {
        println!("警告 warning: {w}");
    }
}

pub fn demo(db: &Path, write_files: Option<&Path>, play: bool) -> anyhow::Result<ExitCode> {
    if let Some(dir) = write_files {
        std::fs::create_dir_all(dir)?;
        for f in examgate_demo::files() {
            std::fs::write(dir.join(&f.name), &f.bytes)?;
        }
    }
    let mut store =
        Store::open_office(db).with_context(|| format!("cannot open {}", db.display()))?;
    match examgate_demo::load(&mut store) {
        Ok(report) => {
            print_report(&report);
            println!("演示考试已写入 demo exam written to {}", db.display());
            if play {
                play_day(db, &mut store)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(StoreError::Import(errors)) => {
            for e in &errors {
                eprintln!("{e}");
            }
            anyhow::bail!(
                "the demo could not be imported (is {} already a demo database?)",
                db.display()
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// `--play`: the day played on devices in a temporary folder beside the database, removed after.
fn play_day(db: &Path, store: &mut Store) -> anyhow::Result<()> {
    let beside = db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let work = tempfile::Builder::new()
        .prefix(".demo-devices-")
        .tempdir_in(beside)
        .with_context(|| format!("cannot make a folder in {}", beside.display()))?;
    let played = crate::play::play(db, store, work.path())?;
    println!(
        "演示日已完成 (the day was played): {} 台设备 (devices)、{} 条事件 (events)、{} 张照片 (photos)；设备公钥 (device keys): {}",
        played.devices,
        played.events,
        played.photos,
        played.keys.display()
    );
    Ok(())
}
