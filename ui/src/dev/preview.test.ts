// The browser preview has no rules: it replays what the door answered (preview.json, recorded
// by a Rust test) and refuses everything else with ErrorCode.PreviewOnly.
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../commands";
import { ErrorCode, type IpcError, type SittingInfo, type Tally } from "../bindings";
import { previewAnswer, type Preview } from "./preview";
import { previewHandler } from "./mock";
import recorded from "./preview.json";

const preview = recorded as unknown as Preview;

/** The reads the preview answers from the recording or from the cards recorded there. */
const READS = new Set([
  "app_info", "sittings", "sites", "rooms", "staff", "clock", "tally", "has_pin",
  "card", "search", "registration_photo", "fallback_photo",
]);

function rejection(f: () => unknown): IpcError {
  try {
    f();
  } catch (e) {
    return e as IpcError;
  }
  throw new Error("expected a rejection");
}

describe("previewAnswer", () => {
  const p: Preview = {
    recorded_at: "",
    answers: { staff: [{ args: { site: "A", room: null }, answer: ["all"] }, { args: { site: "A", room: "01" }, answer: ["01"] }] },
  };

  it("answers only a call with exactly the recorded arguments", () => {
    expect(previewAnswer(p, "staff", { site: "A", room: "01" })).toEqual({ found: true, value: ["01"] });
    expect(previewAnswer(p, "staff", { site: "A", room: null })).toEqual({ found: true, value: ["all"] });
    expect(previewAnswer(p, "staff", { site: "A" })).toEqual({ found: true, value: ["all"] });
    expect(previewAnswer(p, "staff", { site: "B", room: "01" })).toEqual({ found: false });
    expect(previewAnswer(p, "staff", { site: "A", room: "01", extra: 1 })).toEqual({ found: false });
    expect(previewAnswer(p, "rooms", {})).toEqual({ found: false });
  });
});

describe("the browser preview", () => {
  it("refuses every command that is not a read with preview-only, new ones included", () => {
    const acts = COMMANDS.filter((c) => !READS.has(c));
    expect(acts).toContain("act");
    expect(acts).toContain("decide_with_pin");
    expect(acts).toContain("take_photo");
    for (const cmd of acts) {
      const e = rejection(() => previewHandler(cmd, {}));
      expect(e.code, cmd).toBe(ErrorCode.PreviewOnly);
      expect(e.message).toContain("浏览器预览不能记录");
    }
  });

  it("serves the recorded catalogue and cards in every state the recording holds", () => {
    const sittings = previewHandler("sittings", {}) as SittingInfo[];
    expect(sittings.length).toBeGreaterThan(0);
    const tallies = (preview.answers.tally ?? []).map((r) => r.answer as Tally);
    const some = (k: keyof Tally) => tallies.some((t) => t[k].length > 0);
    expect([some("expected"), some("admitted"), some("refused"), some("pending")]).toEqual([true, true, true, true]);
    const first = preview.answers.tally![0]!;
    const card = (first.answer as Tally).expected[0]!;
    expect(previewHandler("card", { sitting: first.args.sitting, student: card.student_number })).toEqual(card);
  });

  it("says it has no recording rather than making an answer up", () => {
    const e = rejection(() => previewHandler("rooms", { sitting: "no such sitting", site: "x" }));
    expect(e.code).toBe(ErrorCode.PreviewOnly);
  });
});
