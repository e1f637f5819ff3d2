import { describe, expect, it } from "vitest";
import { ErrorCode, type SyncView } from "./bindings";
import { clockValue, clockWarning, hhmm, syncErrorKey, syncLine } from "./sync";
import { translate } from "./i18n";

const base: SyncView = {
  state: "synced",
  pending: 0,
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
