//! The examgate app shell: builds the Tauri app, puts the database path in managed state and
//! registers the commands. Kept thin on purpose: rules live in `crates/`, which know nothing of
//! Tauri, so they are tested without a window.

mod args;
mod commands;
mod state;

use tauri::Manager;

pub use args::{ArgError, DB_ENV, db_path_from};
pub use state::DbPath;

/// File name of the database in the app's data directory when neither `--db` nor `EXAMGATE_DB`
/// names one.
const DEFAULT_DB_FILE: &str = "examgate.db";

/// Starts the app and blocks until its last window closes.
///
/// Exits the process with status 2 on a bad command line and 1 when Tauri cannot start (no display,
/// no WebKitGTK, a broken config): there is no window yet to show the error in, so it goes to stderr.
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let chosen = match db_path_from(std::env::args_os().skip(1), std::env::var_os(DB_ENV)) {
        Ok(chosen) => chosen,
        Err(err) => {
            eprintln!("examgate: {err}");
            std::process::exit(2);
        }
    };

    let result = tauri::Builder::default()
        .setup(move |app| {
            let path = match chosen {
                Some(path) => path,
                None => app.path().app_data_dir()?.join(DEFAULT_DB_FILE),
            };
            app.manage(DbPath::new(path));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![commands::db_path])
        .run(tauri::generate_context!());

    if let Err(err) = result {
        eprintln!("examgate: could not start the app: {err}");
        std::process::exit(1);
    }
}
