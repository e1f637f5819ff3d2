// The one place the UI calls Rust. Hand-written while the shell has a single command; it gives
// way to TypeScript bindings generated from the Rust command signatures (ts-rs or specta, with a
// staleness test) as soon as commands carry real types. Screens import from here, never `invoke`.
import { invoke, isTauri } from "@tauri-apps/api/core";

/** True inside the app's webview; false in a plain browser (vite dev/preview without Tauri). */
export const inApp = (): boolean => isTauri();

/** The database file the app window works on (`--db` or `EXAMGATE_DB`). */
export function dbPath(): Promise<string> {
  return invoke<string>("db_path");
}
