//! `examgate serve chief-pin`: the site office sets (or resets) a chief examiner's PIN at the
//! site server. The site's devices get it with their next catalogue; an approval typed with it at
//! a door then syncs. The PIN is typed twice at the terminal without echo, or read once from
//! standard input with `--pin-stdin` (scripts, tests); never from the command line, where it
//! would stay in the shell's history and the process list.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::Local;
use examgate_server::Server;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The server's data folder.
    #[arg(long)]
    data: PathBuf,
    /// The chief examiner's staff number (工号), as the roster imported into the server has it.
    #[arg(long)]
    staff: String,
    /// Read the PIN once from standard input (for scripts) instead of twice from the terminal.
    #[arg(long)]
    pin_stdin: bool,
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let pin = if args.pin_stdin {
        let mut pin = String::new();
        std::io::stdin().lock().read_line(&mut pin)?;
        pin.trim().to_owned()
    } else {
        let first = ask("请输入主考口令（至少 6 位数字） (the chief's PIN, at least 6 digits): ")?;
        let again = ask("请再输入一次 (again): ")?;
        if first != again {
            bail!("两次输入的口令不同，未设置 (the two PINs differ: nothing set)");
        }
        first
    };
    let mut server = Server::open(&args.data)
        .with_context(|| format!("cannot open the server data {}", args.data.display()))?;
    server.set_chief_pin(&args.staff, &pin, Local::now().fixed_offset())?;
    println!(
        "已在考点服务器设置主考 {} 的口令；各设备下次同步时取得 (the chief's PIN is set at the site server; devices get it at their next sync)",
        args.staff
    );
    Ok(ExitCode::SUCCESS)
}

/// One line typed at the terminal, not echoed.
fn ask(prompt: &str) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        bail!(
            "标准输入不是终端：脚本请用 --pin-stdin (standard input is not a terminal: use --pin-stdin)"
        );
    }
    // Echo goes off before the prompt shows, so nothing typed after it is echoed.
    let line = without_echo(|| {
        eprint!("{prompt}");
        std::io::stderr().flush()?;
        let mut line = String::new();
        stdin.lock().read_line(&mut line).map(|_| line)
    })?;
    eprintln!();
    Ok(line.trim().to_owned())
}

#[cfg(unix)]
fn without_echo<T>(read: impl FnOnce() -> std::io::Result<T>) -> anyhow::Result<T> {
    use nix::sys::termios::{LocalFlags, SetArg, tcgetattr, tcsetattr};
    let stdin = std::io::stdin();
    let before = tcgetattr(&stdin).context("cannot read the terminal's settings")?;
    let mut quiet = before.clone();
    quiet.local_flags.remove(LocalFlags::ECHO);
    quiet.local_flags.insert(LocalFlags::ECHONL);
    tcsetattr(&stdin, SetArg::TCSANOW, &quiet).context("cannot turn the terminal's echo off")?;
    let got = read();
    // Echo comes back whatever the read did.
    tcsetattr(&stdin, SetArg::TCSANOW, &before).context("cannot turn the terminal's echo on")?;
    Ok(got?)
}

#[cfg(not(unix))]
fn without_echo<T>(_read: impl FnOnce() -> std::io::Result<T>) -> anyhow::Result<T> {
    bail!("此系统上请用 --pin-stdin (use --pin-stdin on this system)")
}
