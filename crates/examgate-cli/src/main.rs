//! `examgate`: the site office's command-line tool, and the scripts' entry to the same code the
//! app runs: import seating lists and rosters, check document numbers, write the demo exam,
//! stamp, sign and verify fallback photos, export the emergency-photo archive, measure the door's
//! and the photo's speed, run the site server, enroll a device with it and sync.

mod bench;
mod catalogue;
mod check_id;
mod enroll;
mod export;
mod export_bench;
mod import;
mod keys;
mod measure;
mod photo;
mod photo_bench;
mod photo_stages;
mod pin;
mod pin_bench;
mod play;
mod play_close;
mod play_devices;
mod serve;
mod serve_pin;
mod sync;
mod sync_bench;
mod sync_load;
mod sync_photos_bench;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "examgate",
    version,
    about = "examgate 考场入口核验 — office tool"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Import seating lists and proctor rosters (CSV in UTF-8/GBK, or XLSX), all or nothing.
    Import(import::Args),
    /// Check document numbers: one given, or one per line from standard input. Prints JSON lines.
    CheckId(check_id::Args),
    /// Write the demo exam (three sites, both sittings, a roster) into a database.
    Demo {
        /// The database file (created if missing), encrypted with the key in `<db>.key` beside
        /// it (made with the database; keep the two together).
        #[arg(long)]
        db: PathBuf,
        /// Also write the demo's CSV files into this folder, as examples of what to import.
        #[arg(long)]
        write_files: Option<PathBuf>,
        /// Also play out the first sitting's day: two door devices per room and a chief
        /// examiner's phone per site admit, vouch with stamped and signed photos, approve and
        /// reject, refuse latecomers, mark absences, run the count check and record violations;
        /// their events and photos land in this database and `photos/` beside it, their keys in
        /// `demo-device-keys.txt` (for `--trust`).
        #[arg(long)]
        play: bool,
    },
    /// Chief examiners' PINs on a door device.
    #[command(subcommand)]
    Pin(PinCommand),
    /// Measure the door (lookup + check + durable event) and the import on generated data.
    Bench(bench::Args),
    /// Fallback photos (人工核验照片): stamp and sign one, print the signing key, benchmark.
    #[command(subcommand)]
    Photo(photo::Command),
    /// Check fallback photos against their signatures and a trust list: one line per photo
    /// (真实 authentic, 已被改动 altered, 签名设备不受信任 signer not trusted, 文件名与签名的学号不符
    /// name mismatch, 无签名文件 no signature); exit status 0 only if every photo is authentic.
    /// `--archive FILE.zip` checks a photo archive instead (signatures and manifest inside it).
    Verify(verify::Args),
    /// Run the site server (HTTPS on port 8740), or with a subcommand manage its devices:
    /// enroll (one-time code), revoke, devices, keys (the trust list).
    Serve(serve::Args),
    /// Enroll this device's database with a site server, with the code `examgate serve enroll`
    /// printed.
    Enroll(enroll::Args),
    /// One full sync with the site server this database is enrolled with: push this device's
    /// events, pull the site's, measure the clock. Exit status 0 only when the server holds
    /// everything (1: something is still pending or was refused; 2: the sync failed).
    Sync(sync::Args),
    /// Fetch the site's catalogue (rooms, seating lists, roster, registration photos) from the
    /// server this database is enrolled with, now. Exit 1 when the device refused it.
    Catalogue(catalogue::Args),
    /// What the site office sends the provincial office: `archive`, the emergency photos; `keys`,
    /// the trust list their signatures are checked against.
    #[command(subcommand)]
    Export(export::Command),
}

#[derive(Debug, Subcommand)]
enum PinCommand {
    /// Set (or with --replace, reset) a chief examiner's PIN; the PIN is read from standard input.
    Set(pin::Args),
    /// Time the PIN hash and say what trying every 6-digit PIN would cost on one core.
    Bench(pin_bench::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Import(args) => import::run(args),
        Command::CheckId(args) => check_id::run(args),
        Command::Demo {
            db,
            write_files,
            play,
        } => import::demo(&db, write_files.as_deref(), play),
        Command::Bench(args) => bench::run(args),
        Command::Pin(PinCommand::Set(args)) => pin::set(args),
        Command::Pin(PinCommand::Bench(args)) => pin_bench::run(&args),
        Command::Photo(command) => photo::run(command),
        Command::Verify(args) => verify::run(&args),
        Command::Serve(args) => serve::run(args),
        Command::Enroll(args) => enroll::run(&args),
        Command::Sync(args) => sync::run(&args),
        Command::Catalogue(args) => catalogue::run(&args),
        Command::Export(command) => export::run(command),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("examgate: {e:#}");
            ExitCode::from(2)
        }
    }
}
