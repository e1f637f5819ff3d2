//! The desktop binary: all it does is start the app. Everything lives in the `examgate_app` library
//! so that the mobile entry point and tests share one code path.

// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    examgate_app::run();
}
