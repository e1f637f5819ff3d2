//! Where the app's database lives, as the person starting the app chose it: `--db PATH`
//! (or `--db=PATH`), else the `EXAMGATE_DB` environment variable, else the app's data directory.
//!
//! Parsed by hand, not with clap: it is one option, the binary is also started by the Tauri CLI and
//! by desktop launchers that may add arguments of their own (which are ignored, not refused), and
//! paths stay `OsString` so a non-UTF-8 path still works.

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;

/// The environment variable read when no `--db` is given.
pub const DB_ENV: &str = "EXAMGATE_DB";

/// A command line the app cannot start with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgError {
    /// `--db` was the last argument, or was given an empty path.
    MissingDbPath,
}

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingDbPath => f.write_str(
                "--db needs a path to the database file, e.g. --db ~/.local/share/examgate/demo.db",
            ),
        }
    }
}

impl std::error::Error for ArgError {}

/// The database path chosen on the command line or in the environment, if any.
///
/// `args` excludes the program name. A `--db` on the command line wins over `env`; the last
/// `--db` wins over earlier ones. An empty `env` value counts as unset.
pub fn db_path_from(
    args: impl IntoIterator<Item = OsString>,
    env: Option<OsString>,
) -> Result<Option<PathBuf>, ArgError> {
    let mut chosen = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let value = if arg == "--db" {
            Some(args.next().ok_or(ArgError::MissingDbPath)?)
        } else {
            arg.to_str()
                .and_then(|s| s.strip_prefix("--db="))
                .map(OsString::from)
        };
        if let Some(value) = value {
            if value.is_empty() {
                return Err(ArgError::MissingDbPath);
            }
            chosen = Some(PathBuf::from(value));
        }
    }
    Ok(chosen.or_else(|| env.filter(|v| !v.is_empty()).map(PathBuf::from)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn db_flag_with_separate_value_is_used() {
        let got = db_path_from(args(&["--db", "/tmp/a.db"]), None);
        assert_eq!(got, Ok(Some(PathBuf::from("/tmp/a.db"))));
    }

    #[test]
    fn db_flag_with_equals_value_is_used() {
        let got = db_path_from(args(&["--db=/tmp/b.db"]), None);
        assert_eq!(got, Ok(Some(PathBuf::from("/tmp/b.db"))));
    }

    #[test]
    fn command_line_wins_over_environment() {
        let got = db_path_from(args(&["--db", "cli.db"]), Some("env.db".into()));
        assert_eq!(got, Ok(Some(PathBuf::from("cli.db"))));
    }

    #[test]
    fn environment_is_used_when_no_flag_is_given() {
        let got = db_path_from(args(&[]), Some("env.db".into()));
        assert_eq!(got, Ok(Some(PathBuf::from("env.db"))));
    }

    #[test]
    fn empty_environment_value_counts_as_unset() {
        assert_eq!(db_path_from(args(&[]), Some("".into())), Ok(None));
    }

    #[test]
    fn last_db_flag_wins() {
        let got = db_path_from(args(&["--db", "first.db", "--db=second.db"]), None);
        assert_eq!(got, Ok(Some(PathBuf::from("second.db"))));
    }

    #[test]
    fn unknown_arguments_are_ignored() {
        let got = db_path_from(args(&["-psn_0_12345", "--db", "x.db", "--verbose"]), None);
        assert_eq!(got, Ok(Some(PathBuf::from("x.db"))));
    }

    #[test]
    fn db_flag_without_value_is_refused() {
        assert_eq!(
            db_path_from(args(&["--db"]), None),
            Err(ArgError::MissingDbPath)
        );
        assert_eq!(
            db_path_from(args(&["--db="]), None),
            Err(ArgError::MissingDbPath)
        );
    }
}
