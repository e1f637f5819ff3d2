//! Build script: tauri-build reads `tauri.conf.json` and `capabilities/`, checks them, and
//! prepares the icons and permission files that `tauri::generate_context!` embeds.

fn main() {
    tauri_build::build();
}
