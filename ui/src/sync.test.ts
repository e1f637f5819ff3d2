import { describe, expect, it } from "vitest";
import { ErrorCode, type SyncView } from "./bindings";
import { clockValue, clockWarning, hhmm, syncErrorKey, syncLine, uploadBar } from "./sync";
import { translate } from "./i18n";

const base: SyncView = {
  state: "synced",
  pending: 0,
  photos_pending: 0,
  upload: null,
  last_sync_at: "2026-11-29T09:12:05+08:00",
  offline_since: null,
  last_error: null,
  clock: { device_ahead_ms: 1200, error_ms: 4 },
  clock_warning: false,
};

const zh = (v: SyncView) => {
  const line = syncLine(v);
  return line ? translate("zh", line.key, line.params) : null;
};

describe("the header's sync line", () => {
  it("says synced, events to upload, or offline since the last sync", () => {
    expect(zh(base)).toBe("已同步");
    expect(zh({ ...base, state: "pending", pending: 3 })).toBe("待上传 3 条事件");
    expect(zh({ ...base, state: "offline", offline_since: base.last_sync_at })).toBe("离线（自 09:12）");
    expect(zh({ ...base, state: "offline", pending: 2, offline_since: base.last_sync_at })).toBe("离线（自 09:12），待上传 2 条事件");
    expect(syncLine({ ...base, state: "not-enrolled" })).toBeNull();
    const en = syncLine({ ...base, state: "offline", offline_since: base.last_sync_at })!;
    expect(translate("en", en.key, en.params)).toBe("Offline since 09:12");
  });

  it("counts the photos waiting beside the events: 待上传 N 条事件、M 张照片", () => {
    expect(zh({ ...base, state: "pending", pending: 3, photos_pending: 2 })).toBe("待上传 3 条事件、2 张照片");
    expect(zh({ ...base, state: "pending", photos_pending: 1 })).toBe("待上传 1 张照片");
    expect(zh({ ...base, state: "offline", photos_pending: 4, offline_since: base.last_sync_at })).toBe(
      "离线（自 09:12），待上传 4 张照片",
    );
    expect(zh({ ...base, state: "offline", pending: 1, photos_pending: 4, offline_since: base.last_sync_at })).toBe(
      "离线（自 09:12），待上传 1 条事件、4 张照片",
    );
    const en = syncLine({ ...base, state: "pending", pending: 3, photos_pending: 2 })!;
    expect(translate("en", en.key, en.params)).toBe("3 events and 2 photos to upload");
  });

  it("shows the upload bar only while photos upload, as bytes sent of the round's total", () => {
    expect(uploadBar(base)).toBeNull();
    expect(uploadBar(null)).toBeNull();
    expect(uploadBar({ ...base, upload: { sent: 0, total: 0 } })).toBeNull();
    const bar = uploadBar({ ...base, upload: { sent: 1_572_864, total: 6_291_456 } })!;
    expect(bar.percent).toBe(25);
    expect(translate("zh", bar.line.key, bar.line.params)).toBe("正在上传照片 1.5 / 6.0 MB");
    // A report past the total (a re-sent chunk) never shows more than 100 %.
    expect(uploadBar({ ...base, upload: { sent: 7_000_000, total: 6_291_456 } })!.percent).toBe(100);
  });

  it("reads HH:MM in the offset the device wrote, not the webview's", () => {
    expect(hhmm("2026-11-29T23:59:59-05:00")).toBe("23:59");
    expect(hhmm(null)).toBe("--:--");
  });

  it("warns only when the device is more than 2 minutes off, saying which way", () => {
    expect(clockWarning(base)).toBeNull();
    const behind = clockWarning({ ...base, clock_warning: true, clock: { device_ahead_ms: -181_000, error_ms: 5 } })!;
    expect(translate("zh", behind.key, behind.params)).toContain("慢 3 分钟");
    const ahead = clockValue({ device_ahead_ms: 1200, error_ms: 40 });
    expect(translate("zh", ahead.key, ahead.params)).toBe("+1.20 秒（误差 ±0.04 秒）");
  });

  it("words a failed 立即同步 by its code", () => {
    expect(syncErrorKey(ErrorCode.NotEnrolled)).toBe("sync.err.not-enrolled");
    expect(syncErrorKey(ErrorCode.ServerUnreachable)).toBe("connect.err.unreachable");
    expect(syncErrorKey(ErrorCode.Database)).toBeNull();
  });
});
