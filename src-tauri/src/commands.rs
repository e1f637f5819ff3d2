//! The IPC surface: every `#[tauri::command]` lives here, not in `lib.rs` (the macro's generated
//! items clash with the crate root, E0255). Each body is one line into `examgate_door::Door`,
//! which holds the logic and is tested without a window. Errors reach the UI as
//! `{code, message, details}` (`IpcError`); the TypeScript types are generated into
//! `ui/src/bindings.ts`, and the UI's wrapper of each command from this file into
//! `ui/src/commands.ts` (`tests/commands_ts.rs`).

use examgate_core::clock::ClockView;
use examgate_core::closing::ClosingItem;
use examgate_core::door::DoorAct;
use examgate_core::event::{EventId, Violation};
use examgate_core::search::DocumentMatch;
use examgate_core::timeline_steps::TimelineStep;
use examgate_door::PostExamChecks;
use examgate_door::{ActResult, CandidateCard, Tally};
use examgate_door::{AppInfo, ClockAuthority, Door, IpcError, PHOTO_TARGET_HEADER, PhotoBody};
use examgate_door::{
    ArchiveProgress, ArchiveSaved, EnrollView, ServerView, SiteOverview, SyncView,
};
use examgate_door::{ClosingView, ProctorSignIn, RoomProctors, RoomTimeline};
use examgate_door::{CountCheckView, ViolationView};
use examgate_store::{ImportReport, RoomInfo, SiteInfo, SittingInfo, StaffInfo};
use tauri::ipc::{Channel, InvokeBody, Request, Response};
use tauri::{AppHandle, Runtime, State};

type R<T> = Result<T, IpcError>;

#[tauri::command]
pub fn app_info(door: State<'_, Door>) -> R<AppInfo> {
    door.app_info()
}

#[tauri::command]
pub fn load_demo(door: State<'_, Door>) -> R<ImportReport> {
    door.load_demo()
}

/// Async, so that Tauri runs it on its async runtime, not on the main (UI) thread: reading and
/// parsing a big list must not freeze the window. (A stateful async command must return a
/// `Result`; it does.)
#[tauri::command]
pub async fn import_files(
    door: State<'_, Door>,
    paths: Vec<String>,
    sitting: Option<String>,
) -> R<ImportReport> {
    door.import_files(&paths, sitting)
}

#[tauri::command]
pub fn sittings(door: State<'_, Door>) -> R<Vec<SittingInfo>> {
    door.sittings()
}

#[tauri::command]
pub fn sites(door: State<'_, Door>) -> R<Vec<SiteInfo>> {
    door.sites()
}

#[tauri::command]
pub fn rooms(door: State<'_, Door>, sitting: String, site: String) -> R<Vec<RoomInfo>> {
    door.rooms(&sitting, &site)
}

#[tauri::command]
pub fn staff(door: State<'_, Door>, site: String, room: Option<String>) -> R<Vec<StaffInfo>> {
    door.staff(&site, room.as_deref())
}

#[tauri::command]
pub fn clock(door: State<'_, Door>, sitting: String) -> R<ClockView> {
    door.clock(&sitting)
}

/// Sets a sitting's exam time (or `null`: back to the device clock); a real sitting needs the
/// chief examiner's `authority`.
#[tauri::command]
pub fn set_clock(
    door: State<'_, Door>,
    sitting: String,
    exam_time: Option<String>,
    authority: Option<ClockAuthority>,
) -> R<()> {
    door.set_clock(&sitting, exam_time.as_deref(), authority.as_ref())
}

#[tauri::command]
pub fn search(
    door: State<'_, Door>,
    sitting: String,
    site: String,
    room: String,
    text: String,
) -> R<Vec<CandidateCard>> {
    door.search(&sitting, &site, &room, &text)
}

#[tauri::command]
pub fn card(door: State<'_, Door>, sitting: String, student: String) -> R<CandidateCard> {
    door.card(&sitting, &student)
}

/// The registration photo as raw bytes (no JSON, no base64); empty when the list had none.
#[tauri::command]
pub fn registration_photo(door: State<'_, Door>, sitting: String, student: String) -> R<Response> {
    door.registration_photo(&sitting, &student)
        .map(Response::new)
}

#[tauri::command]
pub fn check_document(
    door: State<'_, Door>,
    sitting: String,
    student: String,
    typed: String,
) -> R<DocumentMatch> {
    door.check_document(&sitting, &student, &typed)
}

#[tauri::command]
pub fn act(
    door: State<'_, Door>,
    sitting: String,
    student: String,
    actor: String,
    act: DoorAct,
) -> R<ActResult> {
    door.act(&sitting, &student, &actor, &act)
}

/// Records that the candidate came to this room's door but is seated in `card.room`.
#[tauri::command]
pub fn note_wrong_room(
    door: State<'_, Door>,
    sitting: String,
    student: String,
    actor: String,
    at_room: String,
) -> R<()> {
    door.note_wrong_room(&sitting, &student, &actor, &at_room)
}

#[tauri::command]
pub fn tally(door: State<'_, Door>, sitting: String, site: String, room: String) -> R<Tally> {
    door.tally(&sitting, &site, &room)
}

/// After T+30: marks every candidate of the room still expected as absent; returns how many.
#[tauri::command]
pub fn mark_remaining_absent(
    door: State<'_, Door>,
    sitting: String,
    site: String,
    room: String,
    actor: String,
) -> R<u32> {
    door.mark_remaining_absent(&sitting, &site, &room, &actor)
}

/// Whether the chief examiner has a PIN on this device (set once by the site office).
#[tauri::command]
pub fn has_pin(door: State<'_, Door>, chief: String) -> R<bool> {
    door.has_pin(&chief)
}

#[tauri::command]
pub fn set_pin(door: State<'_, Door>, chief: String, pin: String) -> R<()> {
    door.set_pin(&chief, &pin)
}

/// The chief approves (`{act: "approve"}`) or rejects (`{act: "reject", note}`) a pending manual
/// verification with their PIN.
#[tauri::command]
pub fn decide_with_pin(
    door: State<'_, Door>,
    sitting: String,
    student: String,
    chief: String,
    pin: String,
    act: DoorAct,
) -> R<ActResult> {
    door.decide_with_pin(&sitting, &student, &chief, &pin, &act)
}

/// The proctor taps "vouch": `null` when the photo is to be taken now; the recorded late refusal
/// (after T+30, no photo); or why no vouch is possible.
#[tauri::command]
pub fn begin_vouch(
    door: State<'_, Door>,
    sitting: String,
    student: String,
    actor: String,
) -> R<Option<ActResult>> {
    door.begin_vouch(&sitting, &student, &actor)
}

/// The fallback photo: the body is the JPEG's raw bytes (no JSON, no base64); whose photo it is
/// comes in the `PHOTO_TARGET_HEADER` header. Async: decoding, stamping and encoding run off the
/// window's thread.
#[tauri::command(async)]
pub fn take_photo(door: State<'_, Door>, request: Request<'_>) -> R<ActResult> {
    door.take_photo_sent(header(&request, PHOTO_TARGET_HEADER), body(&request))
}

/// The photo a pending manual verification rests on, checked, as raw bytes; empty when none.
#[tauri::command(async)]
pub fn fallback_photo(door: State<'_, Door>, sitting: String, student: String) -> R<Response> {
    door.fallback_photo(&sitting, &student).map(Response::new)
}

/// Connects this device to the site server with an enrollment code's text (pasted, or read from
/// its QR code); `name` names the device in the office's list (none: the machine's name). Async:
/// the network is waited for off the window's thread, and the store is held only briefly.
#[tauri::command]
pub async fn enroll(door: State<'_, Door>, code: String, name: Option<String>) -> R<EnrollView> {
    door.enroll(&code, name.as_deref()).await
}

/// The site server this device is enrolled with (never its token), or `null`.
#[tauri::command]
pub fn server_link(door: State<'_, Door>) -> R<Option<ServerView>> {
    door.server_link()
}

/// The enrollment code in a picture of its QR code (a camera frame or an image file): the body
/// is the JPEG's or PNG's raw bytes. Async: decoding runs off the window's thread.
#[tauri::command(async)]
pub fn read_enroll_qr(door: State<'_, Door>, request: Request<'_>) -> R<String> {
    door.read_enroll_qr_sent(body(&request))
}

/// The sync state for the header and Settings (已同步 / 待上传 N 条事件 / 离线（自 HH:MM）, the
/// clock offset). Reads only this device's database.
#[tauri::command]
pub fn sync_status(door: State<'_, Door>) -> R<SyncView> {
    door.sync_status()
}

/// One full sync now (Settings' 立即同步). Async: the network is waited for off the window's
/// thread; door acts go on meanwhile.
#[tauri::command]
pub async fn sync_now(door: State<'_, Door>) -> R<SyncView> {
    door.sync_now().await
}

/// The chief examiner's overview of the enrolled site in `sitting`: every room's counts, the
/// manual verifications waiting with who vouched and when, and the conflicts between devices.
#[tauri::command]
pub fn site_overview(door: State<'_, Door>, sitting: String) -> R<SiteOverview> {
    door.site_overview(&sitting)
}

/// The chief examiner's post-exam check (考后核验): the site's entry photos still to check on the
/// platform, with the sitting's deadline.
#[tauri::command]
pub fn post_exam_checks(door: State<'_, Door>, sitting: String) -> R<PostExamChecks> {
    door.post_exam_checks(&sitting)
}

/// The chief examiner marks one entry photo checked (已核验); the list after it.
#[tauri::command]
pub fn mark_post_exam_checked(
    door: State<'_, Door>,
    sitting: String,
    student: String,
) -> R<PostExamChecks> {
    door.mark_post_exam_checked(&sitting, &student)
}

/// The stamped photo of a pending verification as raw bytes: this device's own, else fetched
/// from the site server (kept in memory only); `photo-uploading` while the server lacks it.
/// Async: the network is waited for off the window's thread.
#[tauri::command]
pub async fn pending_photo(door: State<'_, Door>, sitting: String, student: String) -> R<Response> {
    door.pending_photo(&sitting, &student)
        .await
        .map(Response::new)
}

fn header<'a>(request: &'a Request<'_>, name: &str) -> Option<&'a str> {
    request.headers().get(name).and_then(|v| v.to_str().ok())
}

fn body<'a>(request: &'a Request<'_>) -> PhotoBody<'a> {
    match request.body() {
        InvokeBody::Raw(bytes) => PhotoBody::Raw(bytes),
        InvokeBody::Json(value) => PhotoBody::Json(value),
    }
}

/// The chief examiner saves the site's photo archive of `sitting` (导出应急处理照片): the save
/// dialog proposes the notice's file name, then the archive is downloaded from the site server
/// there, `progress` hearing bytes received / total. `null` when the dialog was closed.
#[tauri::command]
pub async fn export_archive<Rt: Runtime>(
    app: AppHandle<Rt>,
    door: State<'_, Door>,
    sitting: String,
    progress: Channel<ArchiveProgress>,
) -> R<Option<ArchiveSaved>> {
    crate::save::export_archive(&app, &door, &sitting, progress).await
}

/// The room's timeline at the exam time in force: missed steps first, then due, next and later.
#[tauri::command]
pub fn room_timeline(
    door: State<'_, Door>,
    sitting: String,
    site: String,
    room: String,
) -> R<RoomTimeline> {
    door.room_timeline(&sitting, &site, &room)
}

/// `actor` ticks a step of the room's timeline; the timeline after it.
#[tauri::command]
pub fn tick_step(
    door: State<'_, Door>,
    sitting: String,
    site: String,
    room: String,
    actor: String,
    step: TimelineStep,
) -> R<RoomTimeline> {
    door.tick_step(&sitting, &site, &room, &actor, step)
}

/// The proctors present at the room against its roster, with the staffing rule applied.
#[tauri::command]
pub fn room_proctors(
    door: State<'_, Door>,
    sitting: String,
    site: String,
    room: String,
) -> R<RoomProctors> {
    door.room_proctors(&sitting, &site, &room)
}

/// Whether a proctor has set their PIN on this device (else their first sign-in sets it).
#[tauri::command]
pub fn proctor_has_pin(door: State<'_, Door>, staff: String) -> R<bool> {
    door.proctor_has_pin(&staff)
}

/// A proctor signs in at the room with staff number and PIN; the panel after it.
#[tauri::command]
pub fn sign_in_proctor(
    door: State<'_, Door>,
    sitting: String,
    site: String,
    room: String,
    sign_in: ProctorSignIn,
) -> R<RoomProctors> {
    door.sign_in_proctor(&sitting, &site, &room, &sign_in)
}

/// The chief examiner approves a substitute proctor with their PIN; the panel after it.
#[tauri::command]
pub fn approve_substitute(
    door: State<'_, Door>,
    sitting: String,
    site: String,
    room: String,
    proctor: String,
    chief: String,
    pin: String,
) -> R<RoomProctors> {
    door.approve_substitute(&sitting, &site, &room, &proctor, &chief, &pin)
}

/// What keeps the room from closing (each item with the chief's waiver, if any), and whether it
/// is closed.
#[tauri::command]
pub fn room_closing(
    door: State<'_, Door>,
    sitting: String,
    site: String,
    room: String,
) -> R<ClosingView> {
    door.room_closing(&sitting, &site, &room)
}

/// The proctor closes the room: after the end, once every item is resolved or waived.
#[tauri::command]
pub fn close_room(
    door: State<'_, Door>,
    sitting: String,
    site: String,
    room: String,
    actor: String,
) -> R<ClosingView> {
    door.close_room(&sitting, &site, &room, &actor)
}

/// The chief examiner waives one item of the room's closing with their PIN and a reason.
#[tauri::command]
#[allow(
    clippy::too_many_arguments,
    reason = "the room, the chief, the PIN and what is waived"
)]
pub fn waive_closing_item(
    door: State<'_, Door>,
    sitting: String,
    site: String,
    room: String,
    chief: String,
    pin: String,
    item: ClosingItem,
    reason: String,
) -> R<ClosingView> {
    door.waive_closing_item(&sitting, &site, &room, &chief, &pin, &item, &reason)
}

/// The room's 30-minute count check: the banner, the latest check and its comparison with the
/// candidates admitted now, every admitted candidate with whether their check photo is taken.
#[tauri::command]
pub fn count_check(
    door: State<'_, Door>,
    sitting: String,
    site: String,
    room: String,
) -> R<CountCheckView> {
    door.count_check(&sitting, &site, &room)
}

/// Records the count check with the platform's sign-in count as typed (the door parses it).
#[tauri::command]
pub fn record_count_check(
    door: State<'_, Door>,
    sitting: String,
    site: String,
    room: String,
    actor: String,
    typed: String,
) -> R<CountCheckView> {
    door.record_count_check(&sitting, &site, &room, &actor, &typed)
}

/// A 30-minute check photo: raw JPEG body, the `PhotoTarget` (naming the room) in the header.
/// Async: decoding, stamping and encoding run off the window's thread.
#[tauri::command(async)]
pub fn take_count_check_photo(door: State<'_, Door>, request: Request<'_>) -> R<CountCheckView> {
    door.take_count_check_photo_sent(header(&request, PHOTO_TARGET_HEADER), body(&request))
}

/// The room's violations, each as last edited.
#[tauri::command]
pub fn room_violations(
    door: State<'_, Door>,
    sitting: String,
    site: String,
    room: String,
) -> R<Vec<ViolationView>> {
    door.room_violations(&sitting, &site, &room)
}

/// Records a violation (annex 4) of a candidate of the room, or an edit of the one first
/// recorded as `edits`; the room's violations after it.
#[tauri::command]
#[allow(
    clippy::too_many_arguments,
    reason = "the form's fields and where it was filled"
)]
pub fn record_violation(
    door: State<'_, Door>,
    sitting: String,
    site: String,
    room: String,
    student: String,
    actor: String,
    violation: Violation,
    edits: Option<EventId>,
) -> R<Vec<ViolationView>> {
    door.record_violation(&sitting, &site, &room, &student, &actor, violation, edits)
}

/// The site's chief examiner resets a proctor's PIN on this device with the chief's own PIN.
#[tauri::command]
pub fn reset_proctor_pin(
    door: State<'_, Door>,
    sitting: String,
    site: String,
    room: String,
    proctor: String,
    chief: String,
    pin: String,
) -> R<()> {
    door.reset_proctor_pin(&sitting, &site, &room, &proctor, &chief, &pin)
}

/// Who closed the room, once it is closed (`null` while open).
#[tauri::command]
pub fn room_closed_by(
    door: State<'_, Door>,
    sitting: String,
    site: String,
    room: String,
) -> R<Option<String>> {
    door.room_closed_by(&sitting, &site, &room)
}
