// The timeline strip's and the 监考签到 panel's words: every key in both languages, every step and
// state named, and only a missed or due step offering its tick.
import { afterEach, describe, expect, it } from "vitest";
import { setLang } from "./i18n";
import { allTextKeys, pt, stateLabel, stepLabel, stepTone, tickable } from "./proctors-text";
import type { StepState, TimelineStep } from "./bindings";

const STEPS: TimelineStep[] = ["staff-in-room", "notice", "start", "late-cutoff", "end", "recording-may-stop"];
const STATES: StepState[] = ["missed", "due", "next", "later", "done"];

afterEach(() => setLang("zh", null));

describe("the proctors' words", () => {
  it("have Chinese and English for every key, Chinese first", () => {
    for (const key of allTextKeys()) {
      setLang("zh", null);
      const zh = pt(key);
      setLang("en", null);
      const en = pt(key);
      expect(zh, key).not.toBe("");
      expect(en, key).not.toBe("");
      expect(/[\u4e00-\u9fff]/.test(zh), key).toBe(true);
    }
  });

  it("name every step and state, and the missed step is red", () => {
    for (const s of STEPS) expect(stepLabel(s)).not.toMatch(/^tl\./);
    for (const s of STATES) expect(stateLabel(s)).not.toMatch(/^tl\./);
    expect(stepTone("missed")).toBe("bad");
    expect(STATES.filter(tickable)).toEqual(["missed", "due"]);
    expect(stepLabel("notice")).toContain("考场特别提示");
  });

  it("fill the provincial office's deadline into the notice", () => {
    expect(pt("pr.provincial", { deadline: "07:00" })).toContain("07:00");
    setLang("en", null);
    expect(pt("pr.short", { short: 2 })).toContain("2 more");
    expect(pt("pr.reset-done", { id: "J2102" })).toContain("J2102");
  });
});
