// Generated from src-tauri/src/commands.rs by `UPDATE_BINDINGS=1 cargo test -p examgate-app --test commands_ts`.
// Do not edit: `cargo test` fails when this file is stale. One typed wrapper per `#[tauri::command]`;
// screens call them through ipc.ts. A call rejects with an `IpcError`.

import { invoke, type Channel } from "@tauri-apps/api/core";
import type { ActResult, AppInfo, ArchiveProgress, ArchiveSaved, CandidateCard, ClockAuthority, ClockView, ClosingItem, ClosingView, CountCheckView, DocumentMatch, DoorAct, EnrollView, EventId, ImportReport, PostExamChecks, ProctorSignIn, RoomInfo, RoomProctors, RoomTimeline, ServerView, SiteInfo, SiteOverview, SittingInfo, StaffInfo, SyncView, Tally, TimelineStep, Violation, ViolationView } from "./bindings";

/** Every command's name, as Rust registers it. */
export const COMMANDS = [
  "app_info",
  "load_demo",
  "import_files",
  "sittings",
  "sites",
  "rooms",
  "staff",
  "clock",
  "set_clock",
  "search",
  "card",
  "registration_photo",
  "check_document",
  "act",
  "note_wrong_room",
  "tally",
  "mark_remaining_absent",
  "has_pin",
  "set_pin",
  "decide_with_pin",
  "begin_vouch",
  "take_photo",
  "fallback_photo",
  "enroll",
  "server_link",
  "read_enroll_qr",
  "sync_status",
  "sync_now",
  "site_overview",
  "post_exam_checks",
  "mark_post_exam_checked",
  "pending_photo",
  "export_archive",
  "room_timeline",
  "tick_step",
  "room_proctors",
  "proctor_has_pin",
  "sign_in_proctor",
  "approve_substitute",
  "room_closing",
  "close_room",
  "waive_closing_item",
  "count_check",
  "record_count_check",
  "take_count_check_photo",
  "room_violations",
  "record_violation",
  "reset_proctor_pin",
  "room_closed_by",
] as const;

export function appInfo(): Promise<AppInfo> {
  return invoke<AppInfo>("app_info");
}

export function loadDemo(): Promise<ImportReport> {
  return invoke<ImportReport>("load_demo");
}

/** Async, so that Tauri runs it on its async runtime, not on the main (UI) thread: reading and
 * parsing a big list must not freeze the window. (A stateful async command must return a
 * `Result`; it does.) */
export function importFiles(paths: string[], sitting: string | null): Promise<ImportReport> {
  return invoke<ImportReport>("import_files", { paths, sitting });
}

export function sittings(): Promise<SittingInfo[]> {
  return invoke<SittingInfo[]>("sittings");
}

export function sites(): Promise<SiteInfo[]> {
  return invoke<SiteInfo[]>("sites");
}

export function rooms(sitting: string, site: string): Promise<RoomInfo[]> {
  return invoke<RoomInfo[]>("rooms", { sitting, site });
}

export function staff(site: string, room: string | null): Promise<StaffInfo[]> {
  return invoke<StaffInfo[]>("staff", { site, room });
}

export function clock(sitting: string): Promise<ClockView> {
  return invoke<ClockView>("clock", { sitting });
}

/** Sets a sitting's exam time (or `null`: back to the device clock); a real sitting needs the
 * chief examiner's `authority`. */
export function setClock(sitting: string, examTime: string | null, authority: ClockAuthority | null): Promise<null> {
  return invoke<null>("set_clock", { sitting, examTime, authority });
}

export function search(sitting: string, site: string, room: string, text: string): Promise<CandidateCard[]> {
  return invoke<CandidateCard[]>("search", { sitting, site, room, text });
}

export function card(sitting: string, student: string): Promise<CandidateCard> {
  return invoke<CandidateCard>("card", { sitting, student });
}

/** The registration photo as raw bytes (no JSON, no base64); empty when the list had none. */
export function registrationPhoto(sitting: string, student: string): Promise<ArrayBuffer> {
  return invoke<ArrayBuffer>("registration_photo", { sitting, student });
}

export function checkDocument(sitting: string, student: string, typed: string): Promise<DocumentMatch> {
  return invoke<DocumentMatch>("check_document", { sitting, student, typed });
}

export function act(sitting: string, student: string, actor: string, act: DoorAct): Promise<ActResult> {
  return invoke<ActResult>("act", { sitting, student, actor, act });
}

/** Records that the candidate came to this room's door but is seated in `card.room`. */
export function noteWrongRoom(sitting: string, student: string, actor: string, atRoom: string): Promise<null> {
  return invoke<null>("note_wrong_room", { sitting, student, actor, atRoom });
}

export function tally(sitting: string, site: string, room: string): Promise<Tally> {
  return invoke<Tally>("tally", { sitting, site, room });
}

/** After T+30: marks every candidate of the room still expected as absent; returns how many. */
export function markRemainingAbsent(sitting: string, site: string, room: string, actor: string): Promise<number> {
  return invoke<number>("mark_remaining_absent", { sitting, site, room, actor });
}

/** Whether the chief examiner has a PIN on this device (set once by the site office). */
export function hasPin(chief: string): Promise<boolean> {
  return invoke<boolean>("has_pin", { chief });
}

export function setPin(chief: string, pin: string): Promise<null> {
  return invoke<null>("set_pin", { chief, pin });
}

/** The chief approves (`{act: "approve"}`) or rejects (`{act: "reject", note}`) a pending manual
 * verification with their PIN. */
export function decideWithPin(sitting: string, student: string, chief: string, pin: string, act: DoorAct): Promise<ActResult> {
  return invoke<ActResult>("decide_with_pin", { sitting, student, chief, pin, act });
}

/** The proctor taps "vouch": `null` when the photo is to be taken now; the recorded late refusal
 * (after T+30, no photo); or why no vouch is possible. */
export function beginVouch(sitting: string, student: string, actor: string): Promise<ActResult | null> {
  return invoke<ActResult | null>("begin_vouch", { sitting, student, actor });
}

/** Raw body: `body` goes as the bytes themselves (no JSON), what they are in `headers`.
 * The fallback photo: the body is the JPEG's raw bytes (no JSON, no base64); whose photo it is
 * comes in the `PHOTO_TARGET_HEADER` header. Async: decoding, stamping and encoding run off the
 * window's thread. */
export function takePhoto(body: Uint8Array, headers: Record<string, string>): Promise<ActResult> {
  return invoke<ActResult>("take_photo", body, { headers });
}

/** The photo a pending manual verification rests on, checked, as raw bytes; empty when none. */
export function fallbackPhoto(sitting: string, student: string): Promise<ArrayBuffer> {
  return invoke<ArrayBuffer>("fallback_photo", { sitting, student });
}

/** Connects this device to the site server with an enrollment code's text (pasted, or read from
 * its QR code); `name` names the device in the office's list (none: the machine's name). Async:
 * the network is waited for off the window's thread, and the store is held only briefly. */
export function enroll(code: string, name: string | null): Promise<EnrollView> {
  return invoke<EnrollView>("enroll", { code, name });
}

/** The site server this device is enrolled with (never its token), or `null`. */
export function serverLink(): Promise<ServerView | null> {
  return invoke<ServerView | null>("server_link");
}

/** Raw body: `body` goes as the bytes themselves (no JSON), what they are in `headers`.
 * The enrollment code in a picture of its QR code (a camera frame or an image file): the body
 * is the JPEG's or PNG's raw bytes. Async: decoding runs off the window's thread. */
export function readEnrollQr(body: Uint8Array, headers: Record<string, string>): Promise<string> {
  return invoke<string>("read_enroll_qr", body, { headers });
}

/** The sync state for the header and Settings (已同步 / 待上传 N 条事件 / 离线（自 HH:MM）, the
 * clock offset). Reads only this device's database. */
export function syncStatus(): Promise<SyncView> {
  return invoke<SyncView>("sync_status");
}

/** One full sync now (Settings' 立即同步). Async: the network is waited for off the window's
 * thread; door acts go on meanwhile. */
export function syncNow(): Promise<SyncView> {
  return invoke<SyncView>("sync_now");
}

/** The chief examiner's overview of the enrolled site in `sitting`: every room's counts, the
 * manual verifications waiting with who vouched and when, and the conflicts between devices. */
export function siteOverview(sitting: string): Promise<SiteOverview> {
  return invoke<SiteOverview>("site_overview", { sitting });
}

/** The chief examiner's post-exam check (考后核验): the site's entry photos still to check on the
 * platform, with the sitting's deadline. */
export function postExamChecks(sitting: string): Promise<PostExamChecks> {
  return invoke<PostExamChecks>("post_exam_checks", { sitting });
}

/** The chief examiner marks one entry photo checked (已核验); the list after it. */
export function markPostExamChecked(sitting: string, student: string): Promise<PostExamChecks> {
  return invoke<PostExamChecks>("mark_post_exam_checked", { sitting, student });
}

/** The stamped photo of a pending verification as raw bytes: this device's own, else fetched
 * from the site server (kept in memory only); `photo-uploading` while the server lacks it.
 * Async: the network is waited for off the window's thread. */
export function pendingPhoto(sitting: string, student: string): Promise<ArrayBuffer> {
  return invoke<ArrayBuffer>("pending_photo", { sitting, student });
}

/** The chief examiner saves the site's photo archive of `sitting` (导出应急处理照片): the save
 * dialog proposes the notice's file name, then the archive is downloaded from the site server
 * there, `progress` hearing bytes received / total. `null` when the dialog was closed. */
export function exportArchive(sitting: string, progress: Channel<ArchiveProgress>): Promise<ArchiveSaved | null> {
  return invoke<ArchiveSaved | null>("export_archive", { sitting, progress });
}

/** The room's timeline at the exam time in force: missed steps first, then due, next and later. */
export function roomTimeline(sitting: string, site: string, room: string): Promise<RoomTimeline> {
  return invoke<RoomTimeline>("room_timeline", { sitting, site, room });
}

/** `actor` ticks a step of the room's timeline; the timeline after it. */
export function tickStep(sitting: string, site: string, room: string, actor: string, step: TimelineStep): Promise<RoomTimeline> {
  return invoke<RoomTimeline>("tick_step", { sitting, site, room, actor, step });
}

/** The proctors present at the room against its roster, with the staffing rule applied. */
export function roomProctors(sitting: string, site: string, room: string): Promise<RoomProctors> {
  return invoke<RoomProctors>("room_proctors", { sitting, site, room });
}

/** Whether a proctor has set their PIN on this device (else their first sign-in sets it). */
export function proctorHasPin(staff: string): Promise<boolean> {
  return invoke<boolean>("proctor_has_pin", { staff });
}

/** A proctor signs in at the room with staff number and PIN; the panel after it. */
export function signInProctor(sitting: string, site: string, room: string, signIn: ProctorSignIn): Promise<RoomProctors> {
  return invoke<RoomProctors>("sign_in_proctor", { sitting, site, room, signIn });
}

/** The chief examiner approves a substitute proctor with their PIN; the panel after it. */
export function approveSubstitute(sitting: string, site: string, room: string, proctor: string, chief: string, pin: string): Promise<RoomProctors> {
  return invoke<RoomProctors>("approve_substitute", { sitting, site, room, proctor, chief, pin });
}

/** What keeps the room from closing (each item with the chief's waiver, if any), and whether it
 * is closed. */
export function roomClosing(sitting: string, site: string, room: string): Promise<ClosingView> {
  return invoke<ClosingView>("room_closing", { sitting, site, room });
}

/** The proctor closes the room: after the end, once every item is resolved or waived. */
export function closeRoom(sitting: string, site: string, room: string, actor: string): Promise<ClosingView> {
  return invoke<ClosingView>("close_room", { sitting, site, room, actor });
}

/** The chief examiner waives one item of the room's closing with their PIN and a reason. */
export function waiveClosingItem(sitting: string, site: string, room: string, chief: string, pin: string, item: ClosingItem, reason: string): Promise<ClosingView> {
  return invoke<ClosingView>("waive_closing_item", { sitting, site, room, chief, pin, item, reason });
}

/** The room's 30-minute count check: the banner, the latest check and its comparison with the
 * candidates admitted now, every admitted candidate with whether their check photo is taken. */
export function countCheck(sitting: string, site: string, room: string): Promise<CountCheckView> {
  return invoke<CountCheckView>("count_check", { sitting, site, room });
}

/** Records the count check with the platform's sign-in count as typed (the door parses it). */
export function recordCountCheck(sitting: string, site: string, room: string, actor: string, typed: string): Promise<CountCheckView> {
  return invoke<CountCheckView>("record_count_check", { sitting, site, room, actor, typed });
}

/** Raw body: `body` goes as the bytes themselves (no JSON), what they are in `headers`.
 * A 30-minute check photo: raw JPEG body, the `PhotoTarget` (naming the room) in the header.
 * Async: decoding, stamping and encoding run off the window's thread. */
export function takeCountCheckPhoto(body: Uint8Array, headers: Record<string, string>): Promise<CountCheckView> {
  return invoke<CountCheckView>("take_count_check_photo", body, { headers });
}

/** The room's violations, each as last edited. */
export function roomViolations(sitting: string, site: string, room: string): Promise<ViolationView[]> {
  return invoke<ViolationView[]>("room_violations", { sitting, site, room });
}

/** Records a violation (annex 4) of a candidate of the room, or an edit of the one first
 * recorded as `edits`; the room's violations after it. */
export function recordViolation(sitting: string, site: string, room: string, student: string, actor: string, violation: Violation, edits: EventId | null): Promise<ViolationView[]> {
  return invoke<ViolationView[]>("record_violation", { sitting, site, room, student, actor, violation, edits });
}

/** The site's chief examiner resets a proctor's PIN on this device with the chief's own PIN. */
export function resetProctorPin(sitting: string, site: string, room: string, proctor: string, chief: string, pin: string): Promise<null> {
  return invoke<null>("reset_proctor_pin", { sitting, site, room, proctor, chief, pin });
}

/** Who closed the room, once it is closed (`null` while open). */
export function roomClosedBy(sitting: string, site: string, room: string): Promise<string | null> {
  return invoke<string | null>("room_closed_by", { sitting, site, room });
}
