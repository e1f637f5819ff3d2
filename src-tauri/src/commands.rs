//! The IPC surface: every `#[tauri::command]` lives here, not in `lib.rs` (the macro's generated
//! items clash with the crate root, E0255). Each body is one line that calls into state or a crate;
//! logic that needs an `if` belongs in a crate, where it is tested without a window.

use tauri::State;

use crate::state::DbPath;

/// The database file this window works on, so the UI can show which list it is checking against.
#[tauri::command]
pub fn db_path(db: State<'_, DbPath>) -> String {
    db.display()
}
