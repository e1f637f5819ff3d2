// The one place the UI calls Rust. Every type comes from ./bindings.ts, which is generated from the
// Rust types (ts-rs) and checked for staleness by `cargo test -p examgate-app`. Screens import
// from here, never `invoke` directly. Errors reject with an IpcError {code, message, details}:
// switch on `code`, show `message`.
import { invoke, isTauri } from "@tauri-apps/api/core";
import { ErrorCode, PHOTO_TARGET_HEADER } from "./bindings";
import { targetHeader } from "./capture";
import type {
  ActResult,
  AppInfo,
  CandidateCard,
  ClockAuthority,
  ClockView,
  DocumentMatch,
  DoorAct,
  ImportReport,
  IpcError,
  PhotoTarget,
  RoomInfo,
  SittingInfo,
  SiteInfo,
  StaffInfo,
  Tally,
} from "./bindings";

export type * from "./bindings";
export { ErrorCode };

/** True inside the app's webview; false in a plain browser (vite dev/preview without Tauri). */
export const inApp = (): boolean => isTauri();

/** Narrows an unknown rejection to the shell's typed error. */
export function asIpcError(e: unknown): IpcError {
  if (e && typeof e === "object" && "code" in e && "message" in e) return e as IpcError;
  return { code: ErrorCode.Unexpected, message: String(e), details: [] };
}

export const api = {
  appInfo: () => invoke<AppInfo>("app_info"),
  loadDemo: () => invoke<ImportReport>("load_demo"),
  importFiles: (paths: string[], sitting: string | null) =>
    invoke<ImportReport>("import_files", { paths, sitting }),
  sittings: () => invoke<SittingInfo[]>("sittings"),
  sites: () => invoke<SiteInfo[]>("sites"),
  rooms: (sitting: string, site: string) => invoke<RoomInfo[]>("rooms", { sitting, site }),
  staff: (site: string, room: string | null) => invoke<StaffInfo[]>("staff", { site, room }),
  clock: (sitting: string) => invoke<ClockView>("clock", { sitting }),
  /** Sets a sitting's exam time (RFC 3339, e.g. 2023-04-15T09:31:00+08:00), or null to follow the
   * device clock. A real sitting (not a drill) needs the chief examiner's `authority`; without it
   * the call rejects with `ErrorCode.ExamTimeNeedsChief`. Rust records every change. */
  setClock: (sitting: string, examTime: string | null, authority: ClockAuthority | null = null) =>
    invoke<null>("set_clock", { sitting, examTime, authority }),
  search: (sitting: string, site: string, room: string, text: string) =>
    invoke<CandidateCard[]>("search", { sitting, site, room, text }),
  card: (sitting: string, student: string) => invoke<CandidateCard>("card", { sitting, student }),
  /** The registration photo's bytes (JPEG or PNG); empty when the list had none. */
  registrationPhoto: (sitting: string, student: string) =>
    invoke<ArrayBuffer>("registration_photo", { sitting, student }),
  checkDocument: (sitting: string, student: string, typed: string) =>
    invoke<DocumentMatch>("check_document", { sitting, student, typed }),
  act: (sitting: string, student: string, actor: string, act: DoorAct) =>
    invoke<ActResult>("act", { sitting, student, actor, act }),
  /** Records that the candidate came to this room's door but is seated in `card.room`. */
  noteWrongRoom: (sitting: string, student: string, actor: string, atRoom: string) =>
    invoke<null>("note_wrong_room", { sitting, student, actor, atRoom }),
  /** Whether the chief examiner has a PIN on this device (set once by the site office). */
  hasPin: (chief: string) => invoke<boolean>("has_pin", { chief }),
  setPin: (chief: string, pin: string) => invoke<null>("set_pin", { chief, pin }),
  /** The chief approves ({act:"approve"}) or rejects ({act:"reject", note}) with their PIN. */
  decideWithPin: (sitting: string, student: string, chief: string, pin: string, act: DoorAct) =>
    invoke<ActResult>("decide_with_pin", { sitting, student, chief, pin, act }),
  /** The proctor taps "vouch": null when the photo is to be taken now, or the recorded late
   * refusal (after T+30: no photo). Rejects when no vouch is possible (already admitted…). */
  beginVouch: (sitting: string, student: string, actor: string) =>
    invoke<ActResult | null>("begin_vouch", { sitting, student, actor }),
  /** The fallback photo: the bytes go as the raw body, whose photo it is in a header. The candidate
   * is then pending manual verification (or, after T+30, refused as late and no photo is kept). */
  takePhoto: (target: PhotoTarget, bytes: Uint8Array) =>
    invoke<ActResult>("take_photo", bytes, { headers: { [PHOTO_TARGET_HEADER]: targetHeader(target) } }),
  /** The stamped photo a pending manual verification rests on; empty when there is none. */
  fallbackPhoto: (sitting: string, student: string) =>
    invoke<ArrayBuffer>("fallback_photo", { sitting, student }),
  tally: (sitting: string, site: string, room: string) =>
    invoke<Tally>("tally", { sitting, site, room }),
  /** After T+30: marks every candidate of the room still expected as absent; returns how many. */
  markRemainingAbsent: (sitting: string, site: string, room: string, actor: string) =>
    invoke<number>("mark_remaining_absent", { sitting, site, room, actor }),
};
