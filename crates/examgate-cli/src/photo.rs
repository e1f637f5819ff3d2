//! `examgate photo`: the app's fallback-photo pipeline from the command line. `stamp` runs the
//! same decode → stamp → EXIF → sign code as the door device on a file, so the office can
//! reproduce or re-check a photo; `key` prints the public key an office puts in its trust list;
//! `bench` measures the pipeline against ImageMagick.
//!
//! The signing key is a per-user file (see [`KeyArg`]); it is created on first use and never
//! replaced, exactly like the app's device key.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::{DateTime, FixedOffset};
use examgate_photo::{
    DEFAULT_MAX_EDGE, DeviceKey, FontSource, Limits, Metadata, Options, StampFont, render,
    sidecar_path, sign, write_photo,
};

use crate::photo_bench;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Stamp a photo (time, site, room, address, seat, student), write its EXIF, sign it: OUT and
    /// OUT.sig.json. Never overwrites OUT.
    Stamp(StampArgs),
    /// Print this user's photo-signing public key (hex), creating the key if there is none yet;
    /// put it in the trust list that `examgate verify --trust` reads.
    Key(KeyArg),
    /// Measure the pipeline on a generated 4000×3000 photo against ImageMagick's `convert`.
    Bench(photo_bench::Args),
    /// (internal) Run a command and print its wall time (ns), peak RSS (KiB) and exit status.
    #[command(hide = true)]
    Measure {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
        command: Vec<String>,
    },
}

/// Where the photo-signing key lives.
#[derive(Debug, Clone, clap::Args)]
pub struct KeyArg {
    /// The ed25519 signing key (PKCS#8 PEM), created there if missing and never overwritten.
    /// Default: $XDG_DATA_HOME/examgate/device-key.pem (~/.local/share/examgate/device-key.pem
    /// when XDG_DATA_HOME is unset; %APPDATA%\examgate\device-key.pem on Windows).
    #[arg(long, value_name = "KEY.pem")]
    pub key: Option<PathBuf>,
}

impl KeyArg {
    /// The key file: `--key`, or the per-user default.
    pub fn path(&self) -> anyhow::Result<PathBuf> {
        if let Some(path) = &self.key {
            return Ok(path.clone());
        }
        let env = |name| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let data = env("XDG_DATA_HOME")
            .or_else(|| env("HOME").map(|h| h.join(".local").join("share")))
            .or_else(|| env("APPDATA"))
            .context("no home folder to keep the signing key in: pass --key KEY.pem")?;
        Ok(data.join("examgate").join("device-key.pem"))
    }

    fn load(&self) -> anyhow::Result<DeviceKey> {
        let path = self.path()?;
        DeviceKey::load_or_create(&path).map_err(photo_error)
    }
}

#[derive(Debug, clap::Args)]
pub struct StampArgs {
    /// The photo to stamp (JPEG or PNG, as the camera wrote it).
    #[arg(long = "in", value_name = "IN.jpg")]
    pub input: PathBuf,
    /// The stamped photo to write; its signature goes beside it as OUT.sig.json. Must not exist.
    #[arg(long, value_name = "OUT.jpg")]
    pub out: PathBuf,
    /// Capture time in the exam's local time, RFC 3339 with its UTC offset,
    /// e.g. 2023-04-15T09:12:33+08:00.
    #[arg(long, value_parser = parse_time)]
    pub time: DateTime<FixedOffset>,
    /// Exam site (考点).
    #[arg(long)]
    pub site: String,
    /// Room (考场).
    #[arg(long)]
    pub room: String,
    /// The room's address (考场地址).
    #[arg(long)]
    pub address: String,
    /// Seat (座位号).
    #[arg(long)]
    pub seat: String,
    /// Student number (学号, the admission ticket number).
    #[arg(long)]
    pub student: String,
    /// Longest edge of the result in pixels; 0 keeps the full size.
    #[arg(long, default_value_t = DEFAULT_MAX_EDGE)]
    pub max_edge: u32,
    /// The stamp's font file (.ttf/.otf/.ttc). Default: the best installed font that has every
    /// character (install fonts-wqy-microhei or fonts-noto-cjk).
    #[arg(long, value_name = "FILE")]
    pub font: Option<PathBuf>,
    #[command(flatten)]
    pub key: KeyArg,
}

fn parse_time(s: &str) -> Result<DateTime<FixedOffset>, String> {
    DateTime::parse_from_rfc3339(s).map_err(|e| {
        format!("--time must be RFC 3339 with a UTC offset, e.g. 2023-04-15T09:12:33+08:00 ({e})")
    })
}

/// The photo crate's error with its stable code, for scripts to match on.
pub fn photo_error(e: examgate_photo::Error) -> anyhow::Error {
    anyhow::anyhow!("{e} [{}]", e.code())
}

/// The stamp font for `meta`: the `--font` file, or the best installed font (`None`).
pub fn stamp_font(meta: &Metadata, file: Option<PathBuf>) -> anyhow::Result<StampFont> {
    StampFont::find(&FontSource::from(file), &meta.stamp_text()).map_err(photo_error)
}

pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Stamp(args) => stamp(&args),
        Command::Key(arg) => key(&arg),
        Command::Bench(args) => photo_bench::run(&args),
        Command::Measure { command } => crate::measure::measure(&command),
    }
}

fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

fn stamp(args: &StampArgs) -> anyhow::Result<ExitCode> {
    // Refuse early, before any work; write_photo refuses again atomically (no-clobber rename).
    for path in [args.out.clone(), sidecar_path(&args.out)] {
        if exists(&path) {
            bail!(
                "{} 已存在，不会覆盖 (already exists; it is never overwritten: choose another --out)",
                path.display()
            );
        }
    }
    let meta = Metadata::new(
        &args.student,
        args.time,
        &args.site,
        &args.room,
        &args.address,
        &args.seat,
    )
    .map_err(photo_error)?;
    let font = stamp_font(&meta, args.font.clone())?;
    let key = args.key.load()?;
    let input = std::fs::read(&args.input)
        .with_context(|| format!("cannot read {}", args.input.display()))?;
    let options = Options {
        max_edge: args.max_edge,
        limits: Limits::default(),
    };
    let rendered = render(&input, &meta, &font, &options).map_err(photo_error)?;
    let signature = sign(&rendered.jpeg, &meta, &key);
    let stored = write_photo(&args.out, &rendered.jpeg, &signature).map_err(photo_error)?;
    println!(
        "{}: {}×{}, SHA-256 {}, signed by {}; signature in {}",
        stored.path.display(),
        rendered.width,
        rendered.height,
        signature.sha256,
        signature.public_key,
        stored.sidecar.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn key(arg: &KeyArg) -> anyhow::Result<ExitCode> {
    let path = arg.path()?;
    let created = !exists(&path);
    let key = arg.load()?;
    if created {
        eprintln!("created a new signing key: {}", path.display());
    } else {
        eprintln!("signing key: {}", path.display());
    }
    println!("{}", key.public_key());
    Ok(ExitCode::SUCCESS)
}
