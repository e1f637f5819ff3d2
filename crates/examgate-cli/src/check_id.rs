//! `examgate check-id`: checks document numbers for scripts, one JSON object per line.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use examgate_core::documents::{self, DocumentKind, Problem, Verdict};
use serde::Serialize;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// resident-id, residence-permit, hk-macau-travel-permit, taiwan-travel-permit, passport,
    /// public-security-certificate (or the Chinese name), or auto to tell from the form.
    #[arg(long, default_value = "auto")]
    kind: String,
    /// A passport's machine-readable zone: give --mrz twice, once per line (passport only).
    #[arg(long, num_args = 1)]
    mrz: Vec<String>,
    /// The number; without it, one number per line is read from standard input.
    number: Option<String>,
}

#[derive(Debug, Serialize)]
struct Line<'a> {
    input: &'a str,
    kind: Option<DocumentKind>,
    valid: bool,
    reason: Option<String>,
    code: Option<&'static str>,
}

fn verdict(
    kind: Option<DocumentKind>,
    mrz: Option<&str>,
    input: &str,
) -> (Option<DocumentKind>, Result<(), Problem>) {
    let kind = kind.or_else(|| documents::guess_kind(input));
    let Some(kind) = kind else {
        return (None, Err(Problem::UnknownForm));
    };
    let v: Verdict = match kind {
        DocumentKind::Passport => documents::check_passport(input, mrz),
        k => documents::check(k, input),
    };
    (Some(kind), v.problem.map_or(Ok(()), Err))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let kind = match args.kind.as_str() {
        "auto" => None,
        k => Some(DocumentKind::parse(k).ok_or_else(|| {
            anyhow::anyhow!(
                "unknown --kind {k:?}; one of: auto, {}",
                DocumentKind::ALL.map(|k| k.code()).join(", ")
            )
        })?),
    };
    let mrz = (!args.mrz.is_empty()).then(|| args.mrz.join("\n"));
    let inputs: Vec<String> = match args.number {
        Some(n) => vec![n],
        None => std::io::stdin()
            .lock()
            .lines()
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter(|l| !l.trim().is_empty())
            .collect(),
    };
    let mut out = std::io::stdout().lock();
    let mut all_valid = true;
    for input in &inputs {
        let (kind, result) = verdict(kind, mrz.as_deref(), input);
        all_valid &= result.is_ok();
        let line = Line {
            input: input.trim(),
            kind,
            valid: result.is_ok(),
            code: result.as_ref().err().map(Problem::code),
            reason: result.err().map(|p| p.to_string()),
        };
        serde_json::to_writer(&mut out, &line)?;
        writeln!(out)?;
    }
    Ok(if all_valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
