// The one place the UI calls Rust. The wrappers are generated from src-tauri/src/commands.rs into
// ./commands.ts and the types from the Rust types into ./bindings.ts; `cargo test -p examgate-app`
// and `cargo test -p examgate-door` fail when either is stale. Screens import from here, never
// `invoke` directly. Errors reject with an IpcError {code, message, details}: compare `code`
// against `ErrorCode` (never a string), show `message`.
import { isTauri } from "@tauri-apps/api/core";
import * as commands from "./commands";
import { ErrorCode, PHOTO_TARGET_HEADER, type ActResult, type CountCheckView, type IpcError, type PhotoTarget } from "./bindings";
import { targetHeader } from "./capture";

export type * from "./bindings";
export { ErrorCode };

/** True inside the app's webview; false in a plain browser (vite dev/preview without Tauri). */
export const inApp = (): boolean => isTauri();

/** Narrows an unknown rejection to the shell's typed error. */
export function asIpcError(e: unknown): IpcError {
  if (e && typeof e === "object" && "code" in e && "message" in e) return e as IpcError;
  return { code: ErrorCode.Unexpected, message: String(e), details: [] };
}

const { COMMANDS: _names, takePhoto, takeCountCheckPhoto, readEnrollQr, ...calls } = commands;

export const api = {
  ...calls,
  /** The fallback photo: the bytes go as the raw body, whose photo it is in a header. The candidate
   * is then pending manual verification (or, after T+30, refused as late and no photo is kept). */
  takePhoto: (target: PhotoTarget, bytes: Uint8Array): Promise<ActResult> =>
    takePhoto(bytes, { [PHOTO_TARGET_HEADER]: targetHeader(target) }),
  /** A 30-minute count-check photo: the bytes raw, whose photo and which room in a header. */
  takeCountCheckPhoto: (target: PhotoTarget, bytes: Uint8Array): Promise<CountCheckView> =>
    takeCountCheckPhoto(bytes, { [PHOTO_TARGET_HEADER]: targetHeader(target) }),
  /** The enrollment code in a picture of its QR code (a camera frame or an image file), as raw bytes. */
  readEnrollQr: (bytes: Uint8Array): Promise<string> => readEnrollQr(bytes, {}),
};
