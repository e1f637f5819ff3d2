// The chief examiner's approval of a manual verification (人工核验), as pure logic: who may approve
// (the site's chief examiners), which step of the panel to show (loading the list, no chief on
// the roster, the site office setting a first PIN on a standalone device, the PIN not yet brought
// by the sync on a device enrolled with a site server, the chief typing the PIN), whether the
// buttons may be pressed (not while a call is in flight, not while the PIN is locked), and the
// client-side checks of a new PIN. Rust has the last word on every PIN; nothing here stores or
// compares one.
import type { ServerView, StaffInfo, SyncView } from "./bindings";

/** Shortest PIN Rust accepts (digits only). */
export const MIN_PIN_DIGITS = 6;
/** The lock Rust applies after the 5th wrong try, used when its message cannot be read. */
export const DEFAULT_LOCK_SECS = 300;

/** The site's chief examiners, by staff number: the ones who may approve at this door. */
export function chiefsOf(staff: readonly StaffInfo[]): StaffInfo[] {
  return staff
    .filter((s) => s.role === "chief-examiner" && s.room === null)
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** The chief to preselect: the one chosen before when still listed, otherwise the first. */
export function preselectChief(chiefs: readonly StaffInfo[], previous: string | null): string | null {
  if (previous !== null && chiefs.some((c) => c.id === previous)) return previous;
  return chiefs[0]?.id ?? null;
}

export type PinProblem = "empty" | "not-digits" | "too-short" | "mismatch";

/** What is wrong with a new PIN typed twice by the site office, or null when it may be sent. */
export function newPinProblem(pin: string, confirm: string): PinProblem | null {
  if (pin === "") return "empty";
  if (!/^\d+$/.test(pin)) return "not-digits";
  if (pin.length < MIN_PIN_DIGITS) return "too-short";
  if (pin !== confirm) return "mismatch";
  return null;
}

/** Whether a PIN was typed at all; its length and digits are judged by Rust (it counts tries). */
export function pinEntered(pin: string): boolean {
  return pin !== "";
}

/** A rejection needs a reason (照片不清, 非本人 …). */
export function rejectNoteReady(note: string): boolean {
  return note.trim() !== "";
}

/**
 * The seconds a `pin-locked` error says to wait ("请 300 秒后再试 … try again in 300 s"), or
 * `fallback` when the message carries no number.
 */
export function lockSecondsFrom(message: string, fallback = DEFAULT_LOCK_SECS): number {
  const m = /(\d+)\s*秒/.exec(message) ?? /in\s+(\d+)\s*s\b/.exec(message);
  const secs = m ? Number(m[1]) : NaN;
  return Number.isFinite(secs) && secs > 0 ? secs : fallback;
}

/** Whole seconds left of a lock ending at `until` (ms, same clock as `now`); 0 when not locked. */
export function lockLeft(until: number | null | undefined, now: number): number {
  if (until === null || until === undefined) return 0;
  return Math.max(0, Math.ceil((until - now) / 1000));
}

export interface Approval {
  /** The site's chief examiners; null while the list is being read. */
  chiefs: StaffInfo[] | null;
  chief: string | null;
  /** Whether each chief has a PIN on this device; missing while unknown. */
  hasPin: Record<string, boolean>;
  /** When each chief's lock ends (ms on the monotonic clock). */
  lockedUntil: Record<string, number>;
}

export const initialApproval: Approval = { chiefs: null, chief: null, hasPin: {}, lockedUntil: {} };

/** What the panel needs to know of this device's link to a site server. */
export interface Link {
  /** Enrolled with a site server: the chiefs' PINs come only from it (`examgate serve chief-pin`,
   * delivered by the sync); Rust refuses to set one here (`pin-set-at-server`). */
  enrolled: boolean;
  /** Enrolled and not 离线 (the last sync attempt reached the server, or none has failed):
   * 立即同步 is worth a tap. */
  online: boolean;
}

/** A device with no site server: the site office sets each chief's PIN on it at first use. */
export const STANDALONE: Link = { enrolled: false, online: false };

/** The link as the app already knows it: the server link (Start and Settings show it; null: not
 * enrolled) and the sync state Rust reports (the header's line; null: not read yet, so not
 * online). "Online" is what the header says, not 离线, so the panel and the header agree. */
export function linkOf(server: ServerView | null, sync: SyncView | null): Link {
  const enrolled = server !== null;
  const online = enrolled && sync !== null && sync.state !== "offline" && sync.state !== "not-enrolled";
  return { enrolled, online };
}

/** `awaiting-pin`: enrolled, and the chosen chief's PIN has not reached this device yet. */
export type ApprovalStep = "loading" | "no-chief" | "set-pin" | "awaiting-pin" | "enter-pin";

export interface ApprovalView {
  step: ApprovalStep;
  /** The chief select can be changed (nothing in flight); with one chief it just shows who. */
  chiefEnabled: boolean;
  setEnabled: boolean;
  /** Approve and reject: a PIN step, nothing in flight, not locked. */
  decideEnabled: boolean;
  /** Seconds until the chosen chief may try again; 0 when not locked. */
  lockSecs: number;
  /** 立即同步 shows while the PIN is awaited and the device is online … */
  syncShown: boolean;
  /** … and may be pressed when nothing is in flight. */
  syncEnabled: boolean;
}

/** The panel for `a` at `now`. Only a standalone device offers to set a PIN: on one enrolled
 * with a site server the PIN comes from the server, so a chief without one there is awaited. */
export function approvalView(a: Approval, now: number, busy: boolean, link: Link): ApprovalView {
  const chief = a.chief;
  const known = chief !== null ? a.hasPin[chief] : undefined;
  const step: ApprovalStep =
    a.chiefs === null ? "loading"
    : a.chiefs.length === 0 || chief === null ? "no-chief"
    : known === undefined ? "loading"
    : known ? "enter-pin"
    : link.enrolled ? "awaiting-pin"
    : "set-pin";
  const lockSecs = chief !== null ? lockLeft(a.lockedUntil[chief], now) : 0;
  return {
    step,
    chiefEnabled: !busy && (a.chiefs?.length ?? 0) > 0,
    setEnabled: !busy && step === "set-pin",
    decideEnabled: !busy && step === "enter-pin" && lockSecs === 0,
    lockSecs,
    syncShown: step === "awaiting-pin" && link.online,
    syncEnabled: !busy && step === "awaiting-pin" && link.online,
  };
}

/** Records the lock a `pin-locked` answer reported for `chief`, starting `now`. */
export function locked(a: Approval, chief: string, secs: number, now: number): Approval {
  return { ...a, lockedUntil: { ...a.lockedUntil, [chief]: now + secs * 1000 } };
}

/** Records whether `chief` has a PIN on this device. */
export function pinKnown(a: Approval, chief: string, has: boolean): Approval {
  return { ...a, hasPin: { ...a.hasPin, [chief]: has } };
}

/** The chief list arrived: keeps the chosen chief when still listed, else preselects the first. */
export function chiefsLoaded(a: Approval, staff: readonly StaffInfo[]): Approval {
  const chiefs = chiefsOf(staff);
  return { ...a, chiefs, chief: preselectChief(chiefs, a.chief) };
}
