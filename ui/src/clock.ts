// Exam time on the screen. Rust owns the clock (it may be set for demos and tests); the UI asks for
// it now and then and, between asks, advances it by the elapsed monotonic time, so the display
// ticks every second without a call per second. All times are shown in the sitting's own offset
// (+08:00), whatever time zone the device is in. Pure: no DOM, no timers.
import type { ClockView, Phase } from "./bindings";

export interface Instant {
  /** Milliseconds since the Unix epoch. */
  ms: number;
  /** The offset written in the string, in minutes east of UTC. */
  offsetMin: number;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Reads an RFC 3339 timestamp; null when it is not one. Keeps the offset it was written in. */
export function parseRfc3339(s: string): Instant | null {
  const m = RFC3339.exec(s.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, sec = "0", frac = "0", zone = "Z"] = m;
  const offsetMin = zone.toUpperCase() === "Z" ? 0 : zoneMinutes(zone);
  const local = Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +sec, Math.round(+`0.${frac}` * 1000));
  return { ms: local - offsetMin * 60_000, offsetMin };
}

function zoneMinutes(zone: string): number {
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (+digits.slice(0, 2) * 60 + +digits.slice(2, 4));
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** The wall-clock parts of `ms` at `offsetMin`. */
function parts(ms: number, offsetMin: number) {
  const d = new Date(ms + offsetMin * 60_000);
  return {
    date: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
  };
}

/** "09:31:05" at the exam's offset. */
export function formatTime(ms: number, offsetMin: number): string {
  return parts(ms, offsetMin).time;
}

/** The value a `datetime-local` input with seconds shows for `ms` at `offsetMin`. */
export function toInputValue(ms: number, offsetMin: number): string {
  const p = parts(ms, offsetMin);
  return `${p.date}T${p.time}`;
}

/** "+08:00" for 480. */
export function formatOffset(offsetMin: number): string {
  const sign = offsetMin < 0 ? "-" : "+";
  const a = Math.abs(offsetMin);
  return `${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/**
 * Turns what the exam-time input holds ("2023-04-15T09:31", with or without seconds, a space
 * instead of T allowed) into the RFC 3339 string Rust expects, read in the sitting's offset.
 * A value that already carries an offset is passed on as written. Null when it is not a time.
 */
export function examTimeFromInput(value: string, offsetMin: number): string | null {
  const v = value.trim().replace(" ", "T");
  if (parseRfc3339(v)) return v;
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$/.exec(v);
  if (!m) return null;
  const [, date, h, mi, s = "00"] = m;
  const out = `${date}T${h}:${mi}:${s}${formatOffset(offsetMin)}`;
  return parseRfc3339(out) ? out : null;
}

export interface TimelineMs {
  staffInRoom: number;
  notice: number;
  start: number;
  lateCutoff: number;
  end: number;
}

export function timelineMs(view: ClockView): TimelineMs | null {
  const tl = view.timeline;
  const all = [tl.staff_in_room, tl.notice, tl.start, tl.late_cutoff, tl.end].map(parseRfc3339);
  if (all.some((x) => x === null)) return null;
  const [staffInRoom, notice, start, lateCutoff, end] = all.map((x) => x!.ms) as [
    number, number, number, number, number,
  ];
  return { staffInRoom, notice, start, lateCutoff, end };
}

/** Where `now` falls, by the same rule as the Rust core: exactly T+30 still counts as started. */
export function phaseAt(tl: TimelineMs, now: number): Phase {
  if (now < tl.staffInRoom) return "before-staff";
  if (now < tl.notice) return "preparing";
  if (now < tl.start) return "door-open";
  if (now <= tl.lateCutoff) return "started";
  if (now < tl.end) return "late-cutoff-passed";
  return "ended";
}

/** True once late candidates are refused and the room may mark the rest absent. */
export function isPastCutoff(phase: Phase): boolean {
  return phase === "late-cutoff-passed" || phase === "ended";
}

/** "mm:ss" under an hour, "h:mm:ss" from an hour on. Negative durations show as 00:00. */
export function formatDuration(secs: number): string {
  const s = Math.max(0, Math.floor(secs));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

export type Countdown =
  | { kind: "to-start"; secs: number }
  | { kind: "to-cutoff"; secs: number }
  | { kind: "past-cutoff"; secs: 0 };

/** What the countdown line says at `now`: time to the start, then to T+30, then that it passed. */
export function countdownAt(tl: TimelineMs, now: number): Countdown {
  if (now < tl.start) return { kind: "to-start", secs: Math.ceil((tl.start - now) / 1000) };
  if (now <= tl.lateCutoff) return { kind: "to-cutoff", secs: Math.ceil((tl.lateCutoff - now) / 1000) };
  return { kind: "past-cutoff", secs: 0 };
}

/** A clock reading from Rust that keeps running from the moment it was received. */
export class RunningClock {
  readonly now0: number;
  readonly offsetMin: number;
  readonly timeline: TimelineMs | null;

  constructor(
    readonly view: ClockView,
    private readonly receivedAt: number,
  ) {
    const now = parseRfc3339(view.now);
    const start = parseRfc3339(view.timeline.start);
    this.now0 = now?.ms ?? Date.now();
    this.offsetMin = start?.offsetMin ?? now?.offsetMin ?? 480;
    this.timeline = timelineMs(view);
  }

  /** Exam time in epoch ms, `monotonicNow` being the same clock `receivedAt` was read from. */
  at(monotonicNow: number): number {
    return this.now0 + Math.max(0, monotonicNow - this.receivedAt);
  }

  phaseAt(monotonicNow: number): Phase {
    return this.timeline ? phaseAt(this.timeline, this.at(monotonicNow)) : this.view.phase;
  }
}
