//! Where the chief examiner's photo archive is saved: the system's save dialog, proposing the
//! notice's file name (`<site>23春第一次学位英语考试应急处理照片.zip`), opened from Rust so the path
//! never comes from the page (a page cannot make the app write anywhere it names). The download
//! itself is `examgate_door::Door::export_archive`.
//!
//! **The seam, for tests and kiosks:** when `EXAMGATE_SAVE_DIR` names a folder, no dialog is shown
//! and the archive is saved there under the proposed name. A native dialog cannot be driven by
//! WebDriver (tests/e2e/export.test.js sets it); a kiosk with one export folder (a mounted USB
//! stick) can set it too. Everything else stays as it is without it.

use std::path::PathBuf;

use examgate_door::{ArchiveProgress, ArchiveSaved, Door, ErrorCode, IpcError};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::DialogExt;

/// The folder that answers the save dialog (see the module header).
pub const SAVE_DIR_ENV: &str = "EXAMGATE_SAVE_DIR";

/// Asks where to save the site's archive of `sitting`, then downloads it there, telling
/// `progress` how far it is. `None` when the chief closed the dialog.
pub async fn export_archive<R: Runtime>(
    app: &AppHandle<R>,
    door: &Door,
    sitting: &str,
    progress: Channel<ArchiveProgress>,
) -> Result<Option<ArchiveSaved>, IpcError> {
    let name = door.archive_file_name(sitting)?;
    let Some(target) = choose(app, name).await? else {
        return Ok(None);
    };
    door.export_archive(sitting, &target, |p| {
        // The page may be gone (closed, reloaded): the download goes on regardless.
        let _ = progress.send(p);
    })
    .await
    .map(Some)
}

fn no_dialog(e: impl std::fmt::Display) -> IpcError {
    IpcError::new(
        ErrorCode::Internal,
        format!("无法打开保存对话框 (the save dialog failed): {e}"),
    )
}

/// The path the chief chose for `name`: the seam's folder, else the save dialog's answer.
async fn choose<R: Runtime>(app: &AppHandle<R>, name: String) -> Result<Option<PathBuf>, IpcError> {
    if let Some(dir) = std::env::var_os(SAVE_DIR_ENV).filter(|v| !v.is_empty()) {
        return Ok(Some(PathBuf::from(dir).join(name)));
    }
    let dialog = app
        .dialog()
        .file()
        .set_file_name(name)
        .add_filter("ZIP", &["zip"]);
    // The dialog blocks until answered: off the async workers.
    let picked = tauri::async_runtime::spawn_blocking(move || dialog.blocking_save_file())
        .await
        .map_err(no_dialog)?;
    picked.map(|p| p.into_path().map_err(no_dialog)).transpose()
}
