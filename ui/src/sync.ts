// Sync as the header and Settings say it, as data: the header's one line (已同步 / 待上传 N 条事件
// / 离线（自 HH:MM）), the clock warning when the device is more than 2 minutes off the server,
// and the offset as Settings shows it. Rust decides the state (SyncView.state); this only words
// it. Pure: no DOM.
import { ErrorCode, type ClockReading, type SyncView } from "./bindings";
import type { Key, Params } from "./i18n";
import { serverErrorKey } from "./connect";

export interface Line {
  key: Key;
  params?: Params;
}

/** "HH:MM" of an RFC 3339 time, in the offset it was written with (the device's own). */
export function hhmm(iso: string | null | undefined): string {
  return iso && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(iso) ? iso.slice(11, 16) : "--:--";
}

/** What waits for the server, worded: events, photos, or both (待上传 N 条事件、M 张照片). */
function waiting(v: SyncView, since?: string): Line {
  const params: Params = { count: v.pending, photos: v.photos_pending };
  const offline = since !== undefined;
  if (offline) params.since = since;
  const both = v.pending > 0 && v.photos_pending > 0;
  const photosOnly = !both && v.photos_pending > 0;
  const key: Key = offline
    ? both ? "sync.offline-both" : photosOnly ? "sync.offline-photos" : "sync.offline-pending"
    : both ? "sync.pending-both" : photosOnly ? "sync.pending-photos" : "sync.pending";
  return { key, params };
}

/** The header's sync line; null when the device is not connected to a site server. */
export function syncLine(v: SyncView): Line | null {
  switch (v.state) {
    case "not-enrolled":
      return null;
    case "never":
      return { key: "sync.never" };
    case "synced":
      return { key: "sync.synced" };
    case "pending":
      return waiting(v);
    case "offline":
      return v.pending > 0 || v.photos_pending > 0
        ? waiting(v, hhmm(v.offline_since))
        : { key: "sync.offline", params: { since: hhmm(v.offline_since) } };
    case "failed":
      return { key: "sync.failed" };
  }
}

/** The header's upload bar: percent done and "1.2 / 3.4 MB"; null when no photo upload runs. */
export function uploadBar(v: SyncView | null): { percent: number; line: Line } | null {
  const u = v?.upload;
  if (!u || u.total <= 0) return null;
  const sent = Math.min(u.sent, u.total);
  const mb = (n: number) => (n / 1_048_576).toFixed(1);
  return {
    percent: Math.floor((sent * 100) / u.total),
    line: { key: "sync.uploading", params: { sent: mb(sent), total: mb(u.total) } },
  };
}

/** The header's warning when the device clock is more than 2 minutes off the server's; else null. */
export function clockWarning(v: SyncView): Line | null {
  if (!v.clock_warning || !v.clock) return null;
  const minutes = Math.round(Math.abs(v.clock.device_ahead_ms) / 60_000);
  return { key: v.clock.device_ahead_ms > 0 ? "sync.clock-ahead" : "sync.clock-behind", params: { minutes } };
}

/** The offset as Settings show it: "+1.20 秒（误差 ±0.04 秒）". */
export function clockValue(c: ClockReading | null): Line {
  if (!c) return { key: "sync.clock-unknown" };
  const secs = (ms: number) => (ms / 1000).toFixed(2);
  const sign = c.device_ahead_ms > 0 ? "+" : "";
  return { key: "sync.clock-value", params: { offset: sign + secs(c.device_ahead_ms), error: secs(c.error_ms) } };
}

/** The hint Settings show above Rust's message when 立即同步 fails; null: the message says it. */
export function syncErrorKey(code: ErrorCode): Key | null {
  return code === ErrorCode.NotEnrolled ? "sync.err.not-enrolled" : serverErrorKey(code);
}
