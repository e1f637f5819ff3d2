// Generated from the Rust types by `UPDATE_BINDINGS=1 cargo test -p examgate-door --test bindings`.
// Do not edit: `cargo test` fails when this file is stale.

export type ActResult = { event: EventId, state: CandidateState, };

export type AppInfo = { db_path: string, device_id: string, version: string, 
/**
 * The photo-signing public key, or why the key file is unusable.
 */
signing_key: SigningKey, 
/**
 * Where the database's encryption key is kept, said plainly (Chinese first).
 */
db_key: string, 
/**
 * Photos no event names (the app stopped between saving a photo and recording it), moved
 * at start to `photos/orphaned/`, as `<sitting folder>/<file>` there; empty when none.
 */
orphan_photos: Array<string>, };

export type ArchiveProgress = { received: number, total: number, };

export type ArchiveSaved = { 
/**
 * Where it was saved.
 */
path: string, 
/**
 * The photos in it (`<student number>.jpg` entries).
 */
photos: number, bytes: number, };

export type Banner = { "banner": "not-yet" } | { "banner": "due" } | { "banner": "photos-missing", missing: number, } | { "banner": "stale" } | { "banner": "done" };

export type CandidateCard = { student_number: string, name: string, document_kind: DocumentKind, document_masked: string, site: string, room: string, room_address: string, seat: number, photo: string | null, state: CandidateState, 
/**
 * While pending manual verification: how its photo was taken (a file chosen by hand deserves
 * a closer look from the chief examiner).
 */
manual_photo_source: PhotoSource | null, 
/**
 * Face recognition as recorded: passed, or failed with the proctor's reason.
 */
face: FaceResult, };

export type CandidateState = { "state": "expected" } | { "state": "admitted", 
/**
 * Admitted after the chief examiner approved a manual verification.
 */
manual: boolean, } | { "state": "pending-manual-verification" } | { "state": "refused", reason: RefusalReason, } | { "state": "absent", refused_late: boolean, } | { "state": "conflict", outcomes: Array<Outcome>, };

export type ClockAuthority = { chief: string, pin: string, };

export type ClockReading = { 
/**
 * Device minus server: positive means the device is ahead.
 */
device_ahead_ms: number, 
/**
 * The true offset is within this many milliseconds of `device_ahead_ms`.
 */
error_ms: number, };

export type ClockView = { now: string, 
/**
 * True when the exam time was set by hand (a drill, or authorised), not the device clock.
 */
set: boolean, 
/**
 * The sitting is a drill (演练): its exam time may be set freely.
 */
drill: boolean, 
/**
 * On a real sitting, the chief examiner who authorised the set exam time ("name (staff no.)").
 */
set_by: string | null, phase: Phase, timeline: Timeline, 
/**
 * Seconds until the start, the late cut-off (T+30) and the end; negative once passed.
 */
to_start_secs: number, to_cutoff_secs: number, to_end_secs: number, };

export type Comparison = { platform_count: number, 
/**
 * The candidates admitted now.
 */
real_count: number, 
/**
 * Real minus platform: positive when more are in the room than signed in on the platform.
 */
difference: number, 
/**
 * (a) Admitted whose recognition did not pass (manual verification): they did not sign in,
 * each needs the 30-minute photo.
 */
not_passed: Array<string>, 
/**
 * How many more admitted candidates did not sign in than (a) explains and no photo yet
 * names: the proctor finds them in the room and photographs each.
 */
unexplained: number, 
/**
 * Photos still to take: (a) without one, plus `unexplained`.
 */
photos_missing: number, };

export type CountCheckDone = { platform_count: number, 
/**
 * The candidates admitted when it was done.
 */
real_count: number, 
/**
 * Real minus platform, as recorded.
 */
difference: number, 
/**
 * 工号 of who did it.
 */
actor: string, 
/**
 * When, by the exam time it was recorded at (RFC 3339).
 */
at: string, };

export type CountCheckRow = { card: CandidateCard, 
/**
 * A 30-minute check photo of them is recorded.
 */
photographed: boolean, };

export type CountCheckView = { banner: Banner, 
/**
 * T+30 has passed by the exam clock: the check may be done.
 */
due: boolean, latest: CountCheckDone | null, 
/**
 * The latest platform count against the candidates admitted now.
 */
comparison: Comparison | null, 
/**
 * Every admitted candidate, by seat.
 */
admitted: Array<CountCheckRow>, };

export type ClosingItem = { "kind": "pending-approval", student: string, } | { "kind": "missing-count-check-photo", student: string, } | { "kind": "unmarked-violation", student: string, violation: EventId, } | { "kind": "conflict", student: string, } | { "kind": "count-check-not-done" };

export type ClosingLine = { item: ClosingItem, 
/**
 * The candidate's name and seat, for an item about a candidate.
 */
name: string | null, seat: number | null, 
/**
 * The chief's waiver, when given: the item no longer blocks the close.
 */
waiver: Waiver | null, };

export type ClosingView = { lines: Array<ClosingLine>, 
/**
 * How many items are neither resolved nor waived.
 */
open: number, 
/**
 * Who closed the room and when (the exam time it was decided at, RFC 3339), once closed.
 */
closed_by: string | null, closed_at: string | null, };

export type DocumentKind = "resident-id" | "residence-permit" | "hk-macau-travel-permit" | "taiwan-travel-permit" | "passport" | "public-security-certificate";

export type DocumentMatch = "full" | "suffix" | "mismatch";

export type DoorAct = { "act": "admit" } | { "act": "vouch", photo: PhotoRef, 
/**
 * Why face recognition failed, as the proctor stated it.
 */
face: FaceFailure | null, } | { "act": "refuse", reason: RefusalReason, } | { "act": "mark-absent" } | { "act": "approve" } | { "act": "reject", note: string, } | { "act": "resolve", outcome: Outcome, };

export type EnrollView = { server: ServerView, 
/**
 * The clock measured right after enrolling; none when that measurement failed (the
 * enrollment stands; the next sync measures again).
 */
clock: ClockReading | null, };

export type ErrorCode = "already-admitted" | "already-absent" | "awaiting-approval" | "nothing-to-approve" | "not-chief-examiner" | "too-early-for-absent" | "conflict" | "no-conflict" | "photo-needed" | "vouch-first" | "unknown-sitting" | "unknown-candidate" | "unknown-staff" | "unknown-room" | "unknown-violation" | "weak-pin" | "pin-already-set" | "pin-set-at-server" | "no-pin" | "wrong-pin" | "pin-locked" | "exam-time-needs-chief" | "import" | "unreadable-file" | "bad-time" | "bad-photo-request" | "empty" | "not-an-image" | "unsupported-format" | "corrupt" | "truncated" | "too-large" | "too-small" | "too-many-photos" | "missing-glyphs" | "font-file" | "device-key" | "photo-altered" | "photo-missing" | "photo-uploading" | "bad-enroll-code" | "enroll-code-spent" | "server-unreachable" | "certificate-mismatch" | "server-refused" | "not-enrolled" | "archive-refused" | "export-busy" | "archive-damaged" | "save-failed" | "bad-archive-name" | "no-qr-code" | "not-enroll-qr" | "database" | "internal" | "unexpected" | "preview-only" | "too-early-for-count-check" | "bad-count" | "not-in-room" | "bad-violation" | "outcome-not-in-conflict" | "refusal-needs-reason" | "too-early-to-close" | "unresolved" | "room-closed" | "not-of-room" | "waiver-needs-reason" | "nothing-to-waive" | "not-of-site" | "not-proctor" | "already-signed-in" | "pins-differ" | "no-substitute" | "step-not-due";

export type EventId = string;

export type FaceFailure = "environment" | "no-match";

export type FaceResult = { "result": "not-recorded" } | { "result": "passed" } | { "result": "failed", reason: FaceFailure | null, };

export type ImportReport = { files: Array<ImportedFile>, candidates: number, staff: number, warnings: Array<StaffingWarning>, };

export type ImportedFile = { file: string, kind: string, rows: number, 
/**
 * The sittings a seating list's rows went to (empty for a roster).
 */
sittings: Array<string>, };

export type IpcError = { code: ErrorCode, message: string, details: Array<string>, };

export type Outcome = { "outcome": "admitted", manual: boolean, } | { "outcome": "pending-manual-verification" } | { "outcome": "refused", reason: RefusalReason, } | { "outcome": "absent", refused_late: boolean, };

export type Phase = "before-staff" | "preparing" | "door-open" | "started" | "late-cutoff-passed" | "ended";

export type PendingApproval = { card: CandidateCard, 
/**
 * 工号 of the proctor who vouched.
 */
vouched_by: string, 
/**
 * Their name from the roster, when listed.
 */
vouched_by_name: string | null, 
/**
 * When the vouch was recorded, by the exam time it was decided at (RFC 3339): the time
 * stamped on the photo, so the chief compares like with like (a drill's set time, else that
 * device's clock).
 */
vouched_at: string, };

export type PhotoRef = { 
/**
 * `<student number>.jpg` (or `-2`, … for a later photo of the same candidate).
 */
file: string, 
/**
 * SHA-256 of the file's bytes, lower-case hex.
 */
sha256: string, 
/**
 * The signing device's ed25519 public key, hex.
 */
public_key: string, 
/**
 * The ed25519 signature over the hash and the stamped metadata, hex.
 */
signature: string, 
/**
 * How the photo was taken.
 */
source: PhotoSource, };

export type PhotoSource = "camera" | "phone" | "file";

export type PhotoTarget = { sitting: string, student: string, 
/**
 * The proctor's staff number.
 */
actor: string, source: PhotoSource, 
/**
 * A vouch's: why face recognition failed, as the proctor stated it.
 */
face?: FaceFailure, 
/**
 * A count-check photo's: the room the screen is at (the candidate must be seated there).
 */
site?: string, room?: string, };

export type PhotoToCheck = { room: string, seat: number, student_number: string, name: string, 
/**
 * Admitted by an approved manual verification (else by face recognition).
 */
manual: boolean, 
/**
 * The manual verification's emergency photo file.
 */
photo_file: string | null, };

export type PostExamChecks = { sitting: string, site: string, 
/**
 * The last day, `YYYY-MM-DD` (three days after the sitting).
 */
deadline: string, deadline_month: number, deadline_day: number, 
/**
 * By room and seat.
 */
remaining: Array<PhotoToCheck>, };

export type RefusalReason = { "reason": "document-mismatch" } | { "reason": "manual-verification-rejected" } | { "reason": "other", note: string, } | { "reason": "face-mismatch" };

export type Role = "proctor" | "chief-examiner";

export type RoomCounts = { room: string, address: string, expected: number, admitted: number, pending: number, refused: number, absent: number, conflict: number, 
/**
 * The room's 30-minute count check as last done.
 */
count_check: CountCheckDone | null, 
/**
 * The room's violations, each as last edited.
 */
violations: Array<ViolationView>, 
/**
 * Proctors signed in at the room who count toward the staffing rule (on its roster, or a
 * substitute the chief approved).
 */
present: number, 
/**
 * Who closed the room (关闭考场), once it is closed.
 */
closed_by: string | null, };

export type RoomInfo = { site: string, number: string, address: string, seats: number | null, 
/**
 * Candidates of the given sitting seated here.
 */
candidates: number, };

export type ServerView = { 
/**
 * The address the device tries first (the one that answered at enrollment).
 */
url: string, 
/**
 * Every address, in the order tried.
 */
urls: Array<string>, 
/**
 * The pinned certificate's SHA-256, grouped for reading aloud: `AB12 CD34 …`.
 */
fingerprint: string, site: string, 
/**
 * None for a chief examiner, who sees the whole site.
 */
room: string | null, role: Role, 
/**
 * 工号 of the person the device was enrolled for.
 */
staff: string, 
/**
 * RFC 3339, device clock.
 */
enrolled_at: string, };

export type Sitting = { 
/**
 * The exam's name, e.g. 学士学位英语考试.
 */
exam: string, 
/**
 * The sitting's label, unique within the database, e.g. "2023春 第一次".
 */
label: string, date: string, start: string, end: string, 
/**
 * Paper number (试卷号), e.g. 11908.
 */
paper: string, };

export type SittingInfo = { id: number, sitting: Sitting, 
/**
 * The exam's UTC offset (China: +08:00); the UI gets it as seconds east of UTC.
 */
offset: number, 
/**
 * A drill (演练, the demo's sittings included): its exam time may be set freely. A real
 * sitting's exam time follows the device clock unless the chief examiner authorises another.
 */
drill: boolean, };

export type SigningKey = { "state": "ready", public_key: string, } | { "state": "unusable", error: IpcError, };

export type SiteInfo = { name: string, address: string, rooms: number, };

export type SiteOverview = { sitting: string, site: string, 
/**
 * Every room of the site, by number.
 */
rooms: Array<RoomCounts>, 
/**
 * The manual verifications waiting across the site, the oldest vouch first.
 */
pending: Array<PendingApproval>, 
/**
 * Candidates the devices disagree about.
 */
conflicts: Array<CandidateCard>, };

export type StaffInfo = { id: string, name: string, role: Role, site: string, room: string | null, };

export type StaffingWarning = { site: string, room: string, seats: number, needed: number, assigned: number, };

export type SyncState = "not-enrolled" | "never" | "synced" | "pending" | "offline" | "failed";

export type SyncView = { state: SyncState, 
/**
 * This device's events the server has not acknowledged.
 */
pending: number, 
/**
 * This device's photos the server has not confirmed (待上传 M 张照片).
 */
photos_pending: number, 
/**
 * The photo upload running now, if any: the header's progress bar.
 */
upload: UploadProgress | null, 
/**
 * When the last sync succeeded (RFC 3339, device clock).
 */
last_sync_at: string | null, 
/**
 * Offline since (RFC 3339): the last sync that succeeded, else the enrollment.
 */
offline_since: string | null, 
/**
 * Why the last attempt failed (bilingual), or a note of the last sync (events kept aside).
 */
last_error: string | null, 
/**
 * The last measured clock offset.
 */
clock: ClockReading | null, 
/**
 * The device clock is more than 2 minutes off the server's: the header warns.
 */
clock_warning: boolean, };

export type Tally = { expected: Array<CandidateCard>, admitted: Array<CandidateCard>, pending: Array<CandidateCard>, refused: Array<CandidateCard>, absent: Array<CandidateCard>, conflict: Array<CandidateCard>, };

export type Timeline = { 
/**
 * T−60: staff in the room, computers and cameras on.
 */
staff_in_room: string, 
/**
 * T−30: special notice read out; candidates may log in; recording starts.
 */
notice: string, start: string, 
/**
 * T+30: later than this a candidate is refused and marked absent; the count check runs.
 */
late_cutoff: string, end: string, };

export type UploadProgress = { 
/**
 * Photo bytes the server has acknowledged this round.
 */
sent: number, 
/**
 * The bytes of the photos this round has to send.
 */
total: number, };

export type Violation = { category: ViolationCategory, 
/**
 * What happened, in the proctor's words.
 */
what: string, 
/**
 * When it happened (exam time).
 */
at: string, 
/**
 * Staff numbers of the proctors present.
 */
proctors: Array<string>, 
/**
 * Whether the candidate has been marked on the platform (一平台).
 */
platform_marked: boolean, };

export type ViolationCategory = "discipline" | "cheating" | "impersonation" | "disturbance" | "other";

export type ViolationView = { 
/**
 * The first record's event: what an edit names.
 */
id: EventId, student: string, name: string, room: string, seat: number, violation: Violation, recorded_by: string, edited_by: string, edits: number, };

export type Waiver = { chief: string, reason: string, event: EventId, };

export type ProctorSignIn = { staff: string, pin: string, pin_again: string | null, };

export type RoomProctors = { 
/**
 * The room's seats (the list's seat count, else the candidates it seats this sitting).
 */
seats: number, needed: number, 
/**
 * Present and counting: roster proctors and approved substitutes.
 */
counted: number, 
/**
 * How many more the rule asks for; 0 when staffed.
 */
short: number, roster: Array<RosterProctor>, substitutes: Array<SubstituteProctor>, 
/**
 * T−2h: the provincial office's approval of a proctor change was due by then.
 */
provincial_deadline: string, };

export type RoomTimeline = { 
/**
 * The exam time it was read at.
 */
now: string, steps: Array<StepView>, };

export type RosterProctor = { id: string, name: string, present: boolean, };

export type StepState = "missed" | "due" | "next" | "later" | "done";

export type StepView = { step: TimelineStep, 
/**
 * When it is due (exam time).
 */
at: string, state: StepState, 
/**
 * Who ticked it (staff number) and when (exam time).
 */
ticked_by: string | null, ticked_at: string | null, };

export type SubstituteProctor = { id: string, name: string, 
/**
 * The chief examiner who approved them; until then they do not count.
 */
approved_by: string | null, 
/**
 * When they signed in (exam time).
 */
signed_in_at: string, 
/**
 * They signed in from T−2h on: the rules required the provincial office's approval of the
 * change by T−2h.
 */
provincial_notice: boolean, };

export type TimelineStep = "staff-in-room" | "notice" | "start" | "late-cutoff" | "end" | "recording-may-stop";

/** The header that carries a `PhotoTarget` (JSON, percent-encoded) with a photo's raw bytes. */
export const PHOTO_TARGET_HEADER = "x-examgate-photo-target";

/** `IpcError.code` by name: compare against these (`e.code === ErrorCode.WrongPin`), never a string. */
export const ErrorCode = {
  AlreadyAdmitted: "already-admitted",
  AlreadyAbsent: "already-absent",
  AwaitingApproval: "awaiting-approval",
  NothingToApprove: "nothing-to-approve",
  NotChiefExaminer: "not-chief-examiner",
  TooEarlyForAbsent: "too-early-for-absent",
  Conflict: "conflict",
  NoConflict: "no-conflict",
  PhotoNeeded: "photo-needed",
  VouchFirst: "vouch-first",
  UnknownSitting: "unknown-sitting",
  UnknownCandidate: "unknown-candidate",
  UnknownStaff: "unknown-staff",
  UnknownRoom: "unknown-room",
  UnknownViolation: "unknown-violation",
  WeakPin: "weak-pin",
  PinAlreadySet: "pin-already-set",
  PinSetAtServer: "pin-set-at-server",
  NoPin: "no-pin",
  WrongPin: "wrong-pin",
  PinLocked: "pin-locked",
  ExamTimeNeedsChief: "exam-time-needs-chief",
  Import: "import",
  UnreadableFile: "unreadable-file",
  BadTime: "bad-time",
  BadPhotoRequest: "bad-photo-request",
  PhotoEmpty: "empty",
  NotAnImage: "not-an-image",
  UnsupportedFormat: "unsupported-format",
  CorruptImage: "corrupt",
  TruncatedImage: "truncated",
  TooLarge: "too-large",
  TooSmall: "too-small",
  TooManyPhotos: "too-many-photos",
  MissingGlyphs: "missing-glyphs",
  FontFile: "font-file",
  DeviceKey: "device-key",
  PhotoAltered: "photo-altered",
  PhotoMissing: "photo-missing",
  PhotoUploading: "photo-uploading",
  BadEnrollCode: "bad-enroll-code",
  EnrollCodeSpent: "enroll-code-spent",
  ServerUnreachable: "server-unreachable",
  CertificateMismatch: "certificate-mismatch",
  ServerRefused: "server-refused",
  NotEnrolled: "not-enrolled",
  ArchiveRefused: "archive-refused",
  ExportBusy: "export-busy",
  ArchiveDamaged: "archive-damaged",
  SaveFailed: "save-failed",
  BadArchiveName: "bad-archive-name",
  NoQrCode: "no-qr-code",
  NotEnrollQr: "not-enroll-qr",
  Database: "database",
  Internal: "internal",
  Unexpected: "unexpected",
  PreviewOnly: "preview-only",
  TooEarlyForCountCheck: "too-early-for-count-check",
  BadCount: "bad-count",
  NotInRoom: "not-in-room",
  BadViolation: "bad-violation",
  OutcomeNotInConflict: "outcome-not-in-conflict",
  RefusalNeedsReason: "refusal-needs-reason",
  TooEarlyToClose: "too-early-to-close",
  Unresolved: "unresolved",
  RoomClosed: "room-closed",
  NotOfRoom: "not-of-room",
  WaiverNeedsReason: "waiver-needs-reason",
  NothingToWaive: "nothing-to-waive",
  NotOfSite: "not-of-site",
  NotProctor: "not-proctor",
  AlreadySignedIn: "already-signed-in",
  PinsDiffer: "pins-differ",
  NoSubstitute: "no-substitute",
  StepNotDue: "step-not-due",
} as const satisfies Record<string, ErrorCode>;
