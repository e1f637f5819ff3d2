import { describe, expect, it } from "vitest";
import { exportBar, exportErrorKey, savedLine } from "./archive";
import { ErrorCode } from "./bindings";
import { translate } from "./i18n";

describe("the archive export's bar", () => {
  it("has no bar before the first byte: the dialog, then the server making the archive", () => {
    const bar = exportBar(null);
    expect(bar.percent).toBeNull();
    expect(translate("zh", bar.line.key)).toContain("正在生成");
  });

  it("counts bytes received of the total, in MB, never past 100%", () => {
    const half = exportBar({ received: 5 * 1_048_576, total: 10 * 1_048_576 });
    expect(half.percent).toBe(50);
    expect(translate("zh", half.line.key, half.line.params)).toBe("正在下载归档 5.0 / 10.0 MB");
    expect(translate("en", half.line.key, half.line.params)).toBe("Downloading the archive 5.0 / 10.0 MB");
    expect(exportBar({ received: 11, total: 10 }).percent).toBe(100);
    expect(exportBar({ received: 0, total: 0 }).percent).toBe(100);
  });
});

describe("the archive export's outcome", () => {
  it("says where the archive went and how many photos it holds", () => {
    const line = savedLine({ path: "/media/u/襄阳.zip", photos: 3, bytes: 10 });
    expect(translate("zh", line.key, line.params)).toBe("已保存：/media/u/襄阳.zip（3 张照片）");
    expect(translate("en", line.key, line.params)).toBe("Saved: /media/u/襄阳.zip (3 photos)");
  });

  it("gives the refusal, a busy server, a proctor's device and no server each their own hint", () => {
    const err = (code: ErrorCode) => ({ code, message: "m", details: [] });
    expect(exportErrorKey(err(ErrorCode.ArchiveRefused))).toBe("chief.export-refused");
    expect(exportErrorKey(err(ErrorCode.ExportBusy))).toBe("chief.export-busy");
    expect(exportErrorKey(err(ErrorCode.NotChiefExaminer))).toBe("chief.export-not-chief");
    expect(exportErrorKey(err(ErrorCode.ServerUnreachable))).toBe("chief.export-offline");
    // The rest: Rust's own message says it all.
    expect(exportErrorKey(err(ErrorCode.SaveFailed))).toBeNull();
  });
});
