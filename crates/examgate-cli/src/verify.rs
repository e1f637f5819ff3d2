//! `examgate verify`: the office checks fallback photos against their signatures and the site's
//! list of device keys, one line per photo naming the signed student and time, so a script (or a
//! person) can see at once which ones are not authentic. Exit status 0 only when every photo is
//! authentic.
//!
//! A valid signature proves only that whoever holds some key signed the photo: anyone can make a
//! key. So without `--trust` no photo is authentic (the line says "signature valid, signer not
//! trusted"), and a `--trust` file is read strictly (one key a line) and must hold a key.
//!
//! `--archive FILE.zip` checks a photo archive as `examgate export archive` writes it, without
//! the database (examgate-export's `read`): every photo against its signature in `签名/` and the
//! trust list, and against the manifest 清单.csv. One line per photo, then one per entry or
//! manifest row that fails; exit 0 only when all pass, 1 when one fails, 2 when the archive
//! cannot be checked at all (no ZIP, hostile names, duplicates, no manifest).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use examgate_photo::{PublicKey, Verdict, parse_trusted, verify_file};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The photos to check; each needs its signature file `<photo>.sig.json` beside it.
    #[arg(
        required_unless_present = "archive",
        conflicts_with = "archive",
        value_name = "FILE.jpg"
    )]
    files: Vec<PathBuf>,
    /// A photo archive (`examgate export archive`) to check instead of photo files.
    #[arg(long, value_name = "FILE.zip")]
    archive: Option<PathBuf>,
    /// Trusted device keys: a file with one 64-hex-digit public key per line (blank lines and
    /// `#` comments allowed, anything else refused; each device prints its key with `examgate
    /// photo key`), or one key in hex. Repeatable. Without it no photo is authentic.
    #[arg(long, value_name = "KEYS")]
    trust: Vec<String>,
}

fn trusted(spec: &str) -> anyhow::Result<Vec<PublicKey>> {
    let path = Path::new(spec);
    if !path.exists()
        && let Ok(key) = spec.parse::<PublicKey>()
    {
        return Ok(vec![key]);
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("--trust {spec}: neither a readable key file nor a hex key"))?;
    let keys = parse_trusted(&text).map_err(|e| anyhow::anyhow!("--trust {spec}: {e}"))?;
    if keys.is_empty() {
        bail!("--trust {spec}: no key in this file");
    }
    Ok(keys)
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let mut keys = Vec::new();
    for spec in &args.trust {
        keys.extend(trusted(spec)?);
    }
    if let Some(archive) = &args.archive {
        return check_archive(archive, &keys);
    }
    let mut all_authentic = true;
    for file in &args.files {
        match verify_file(file, &keys) {
            Ok(verdict) => {
                all_authentic &= verdict.is_authentic();
                let hint = match verdict {
                    Verdict::UnknownSigner { .. } if keys.is_empty() => {
                        "；未给出信任列表 --trust (no --trust list given)"
                    }
                    _ => "",
                };
                println!("{}: {verdict}{hint}", file.display());
            }
            Err(e) => {
                all_authentic = false;
                println!("{}: 无法检查 (error): {e}", file.display());
            }
        }
    }
    Ok(if all_authentic {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn check_archive(archive: &Path, keys: &[PublicKey]) -> anyhow::Result<ExitCode> {
    let findings = examgate_export::verify_archive(archive, keys).with_context(|| {
        format!(
            "{}: 无法检查归档 (cannot check the archive)",
            archive.display()
        )
    })?;
    let mut all_pass = true;
    for f in &findings {
        all_pass &= f.ok;
        let hint = if !f.ok && keys.is_empty() {
            "；未给出信任列表 --trust (no --trust list given)"
        } else {
            ""
        };
        println!("{}: {}{hint}", f.name, f.text);
    }
    let failed = findings.iter().filter(|f| !f.ok).count();
    if all_pass {
        println!("全部通过 (all pass): {} 项 (lines)", findings.len());
        Ok(ExitCode::SUCCESS)
    } else {
        println!("未通过 (failed): {failed} 项 (lines)");
        Ok(ExitCode::from(1))
    }
}
