//! The examgate app shell: builds the Tauri app, opens the door service on the chosen database and
//! registers the commands. Kept thin on purpose: rules live in `crates/`, which know nothing of
//! Tauri, so they are tested without a window.

mod args;
mod camera;
mod commands;
mod save;

use std::path::PathBuf;

use examgate_door::{Door, SyncSchedule};
use tauri::{Emitter, Manager, Runtime};

pub use args::{ArgError, DB_ENV, db_path_from};
pub use save::SAVE_DIR_ENV;

/// A font file for the photo stamp, instead of searching the system's fonts.
pub const STAMP_FONT_ENV: &str = "EXAMGATE_STAMP_FONT";

/// The event the window hears when a sync merged other devices' events (or a new catalogue): it
/// reads again what it shows (the open card, the tally, the chief's overview).
pub const STORE_CHANGED_EVENT: &str = "store-changed";

/// File name of the database in the app's data directory when neither `--db` nor `EXAMGATE_DB`
/// names one.
const DEFAULT_DB_FILE: &str = "examgate.db";

/// `base` with the app's plugins and commands: the real builder, or Tauri's mock one in tests.
pub fn builder<R: Runtime>(base: tauri::Builder<R>) -> tauri::Builder<R> {
    base.plugin(tauri_plugin_dialog::init())
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::load_demo,
            commands::import_files,
            commands::sittings,
            commands::sites,
            commands::rooms,
            commands::staff,
            commands::clock,
            commands::set_clock,
            commands::search,
            commands::card,
            commands::registration_photo,
            commands::check_document,
            commands::act,
            commands::note_wrong_room,
            commands::tally,
            commands::mark_remaining_absent,
            commands::has_pin,
            commands::set_pin,
            commands::decide_with_pin,
            commands::begin_vouch,
            commands::take_photo,
            commands::fallback_photo,
            commands::enroll,
            commands::server_link,
            commands::read_enroll_qr,
            commands::sync_status,
            commands::sync_now,
            commands::site_overview,
            commands::post_exam_checks,
            commands::mark_post_exam_checked,
            commands::pending_photo,
            commands::export_archive,
            commands::count_check,
            commands::record_count_check,
            commands::take_count_check_photo,
            commands::room_violations,
            commands::record_violation,
            commands::room_closing,
            commands::close_room,
            commands::waive_closing_item,
            commands::room_timeline,
            commands::tick_step,
            commands::room_proctors,
            commands::proctor_has_pin,
            commands::sign_in_proctor,
            commands::approve_substitute,
            commands::reset_proctor_pin,
            commands::room_closed_by,
        ])
}

/// The app's context (config, assets, capabilities) for any runtime, so tests with the mock
/// runtime see the same permissions as the real window.
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// Opens the door service on `chosen`, or on the default file in the app's data directory.
fn open_door<R: Runtime>(
    app: &tauri::App<R>,
    chosen: Option<PathBuf>,
) -> Result<Door, Box<dyn std::error::Error>> {
    let path = match chosen {
        Some(path) => path,
        None => app.path().app_data_dir()?.join(DEFAULT_DB_FILE),
    };
    let door = Door::open_app(&path)?;
    door.set_stamp_font(
        std::env::var_os(STAMP_FONT_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from),
    );
    Ok(door)
}

/// Starts the app and blocks until its last window closes.
///
/// Exits the process with status 2 on a bad command line and 1 when the app cannot start (no
/// display, no WebKitGTK, a database it cannot open): there is no window yet to show the error
/// in, so it goes to stderr.
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let chosen = match db_path_from(std::env::args_os().skip(1), std::env::var_os(DB_ENV)) {
        Ok(chosen) => chosen,
        Err(err) => {
            eprintln!("examgate: {err}");
            std::process::exit(2);
        }
    };

    let result = builder(tauri::Builder::default())
        .setup(move |app| {
            let door = open_door(app, chosen)?;
            app.manage(door);
            // The background sync, on Tauri's async runtime: it locks the store only briefly and
            // never blocks a door act (examgate_door::Door::run_background_sync).
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let door = handle.state::<Door>();
                door.run_background_sync(SyncSchedule::default()).await;
            });
            // Tells the window whenever that sync merged something, so open screens refresh.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let mut changes = handle.state::<Door>().store_changes();
                while changes.changed().await.is_ok() {
                    let _ = handle.emit(STORE_CHANGED_EVENT, ());
                }
            });
            if let Some(window) = app.get_webview_window("main") {
                camera::allow_camera(&window)?;
            }
            Ok(())
        })
        .run(context());

    if let Err(err) = result {
        eprintln!("examgate: could not start the app: {err}");
        std::process::exit(1);
    }
}
