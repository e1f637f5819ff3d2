// What the count-check and violation screens say, as pure functions (no DOM), unit-tested: the
// door's banner for the room's count check, the comparison's lines, and a violation's time typed
// as HH:MM turned into the RFC 3339 exam time Rust expects (on the sitting's date, in its offset).
import type { Banner, Comparison } from "./bindings";
import { formatOffset } from "./clock";
import type { Key, Params } from "./i18n";

export interface Line {
  key: Key;
  params: Params;
}

/** The banner's line, or null when none is shown (before T+30, or done). */
export function bannerLine(b: Banner): Line | null {
  switch (b.banner) {
    case "not-yet":
    case "done":
      return null;
    case "due":
      return { key: "count.banner.due", params: {} };
    case "photos-missing":
      return { key: "count.banner.photos", params: { n: b.missing } };
    case "stale":
      return { key: "count.banner.stale", params: {} };
  }
}

/** The comparison's difference, said the way round it goes. */
export function differenceLine(c: Comparison): Line {
  if (c.difference === 0) return { key: "count.agree", params: {} };
  if (c.difference > 0) return { key: "count.more-in-room", params: { n: c.difference } };
  return { key: "count.more-on-platform", params: { n: -c.difference } };
}

/** "09:45" on the sitting whose start is `startRfc3339` → "2023-04-15T09:45:00+08:00"; null when
 * the typed value is not a time of day. */
export function violationAt(hhmm: string, startRfc3339: string, offsetMin: number): string | null {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm.trim());
  const date = /^\d{4}-\d{2}-\d{2}/.exec(startRfc3339)?.[0];
  if (!m || !date || +m[1]! > 23 || +m[2]! > 59) return null;
  return `${date}T${m[1]}:${m[2]}:00${formatOffset(offsetMin)}`;
}

/** "09:45" of an RFC 3339 time as written (the exam's own offset). */
export function hhmmOf(rfc3339: string): string {
  return /T(\d{2}:\d{2})/.exec(rfc3339)?.[1] ?? "";
}
