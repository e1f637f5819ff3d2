import { describe, expect, it } from "vitest";
import { ErrorCode, type ClockView } from "./bindings";
import { clockErrorKey, clockState, needsChief, sittingKindKey } from "./exam-time";

function view(set: boolean, drill: boolean, set_by: string | null = null): ClockView {
  const at = "2023-04-15T09:10:00+08:00";
  return {
    now: at, set, drill, set_by, phase: "started",
    timeline: { staff_in_room: at, notice: at, start: at, late_cutoff: at, end: at },
    to_start_secs: 0, to_cutoff_secs: 0, to_end_secs: 0,
  };
}

describe("who decides the exam time", () => {
  it("a drill may set its time without the chief", () => {
    expect(needsChief(view(false, true))).toBe(false);
    expect(clockState(view(true, true))).toEqual({ kind: "drill-set" });
    expect(sittingKindKey(view(false, true))).toBe("settings.kind-drill");
  });

  it("a real sitting needs the chief examiner, and a set time names who authorised it", () => {
    expect(needsChief(view(false, false))).toBe(true);
    expect(clockState(view(false, false))).toEqual({ kind: "device", drill: false });
    expect(clockState(view(true, false, "周明 (Z02)"))).toEqual({ kind: "authorised", by: "周明 (Z02)" });
    expect(sittingKindKey(view(false, false))).toBe("settings.kind-real");
  });

  it("switches on the error codes Rust generates, not on message text", () => {
    expect(clockErrorKey(ErrorCode.ExamTimeNeedsChief, false)).toBe("settings.needs-chief");
    expect(clockErrorKey(ErrorCode.NotChiefExaminer, false)).toBe("settings.chief-only");
    expect(clockErrorKey(ErrorCode.WrongPin, false)).toBeNull();
  });

  it("on an enrolled device, a chief's missing PIN is awaited from the site server, not set here", () => {
    expect(clockErrorKey(ErrorCode.NoPin, true)).toBe("settings.chief-pin-awaited");
    expect(clockErrorKey(ErrorCode.NoPin, false)).toBe("settings.chief-no-pin");
  });
});
