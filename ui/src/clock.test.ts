import { describe, expect, it } from "vitest";
import type { ClockView } from "./bindings";
import {
  RunningClock, countdownAt, examTimeFromInput, formatDuration, formatTime, isPastCutoff,
  parseRfc3339, phaseAt, timelineMs, toInputValue,
} from "./clock";

const view: ClockView = {
  now: "2023-04-15T08:59:30+08:00",
  set: true,
  drill: true,
  set_by: null,
  phase: "door-open",
  timeline: {
    staff_in_room: "2023-04-15T08:00:00+08:00",
    notice: "2023-04-15T08:30:00+08:00",
    start: "2023-04-15T09:00:00+08:00",
    late_cutoff: "2023-04-15T09:30:00+08:00",
    end: "2023-04-15T11:00:00+08:00",
  },
  to_start_secs: 30,
  to_cutoff_secs: 1830,
  to_end_secs: 7230,
};
const tl = timelineMs(view)!;
const at = (hms: string) => parseRfc3339(`2023-04-15T${hms}+08:00`)!.ms;

describe("reading exam times", () => {
  it("keeps the +08:00 offset and the instant of an RFC 3339 time", () => {
    const t = parseRfc3339("2023-04-15T09:31:00+08:00")!;
    expect(t.offsetMin).toBe(480);
    expect(new Date(t.ms).toISOString()).toBe("2023-04-15T01:31:00.000Z");
  });

  it("rejects text that is not a time", () => {
    expect(parseRfc3339("09:31")).toBeNull();
    expect(parseRfc3339("")).toBeNull();
  });

  it("shows exam time in the sitting's offset whatever the device's zone", () => {
    expect(formatTime(at("09:31:05"), 480)).toBe("09:31:05");
    expect(formatTime(at("09:31:05"), 0)).toBe("01:31:05");
  });
});

describe("the exam-time input", () => {
  it("reads a datetime-local value in the sitting's offset", () => {
    expect(examTimeFromInput("2023-04-15T09:31:00", 480)).toBe("2023-04-15T09:31:00+08:00");
  });

  it("adds the seconds a browser leaves out at :00", () => {
    expect(examTimeFromInput("2023-04-15T09:31", 480)).toBe("2023-04-15T09:31:00+08:00");
  });

  it("accepts a space between date and time and an explicit offset", () => {
    expect(examTimeFromInput("2023-04-15 09:31:20", 480)).toBe("2023-04-15T09:31:20+08:00");
    expect(examTimeFromInput("2023-04-15T09:31:00+08:00", 0)).toBe("2023-04-15T09:31:00+08:00");
  });

  it("refuses an empty or partial value", () => {
    expect(examTimeFromInput("", 480)).toBeNull();
    expect(examTimeFromInput("2023-04-15", 480)).toBeNull();
  });

  it("round-trips the value it prefills", () => {
    expect(examTimeFromInput(toInputValue(at("09:31:07"), 480), 480)).toBe("2023-04-15T09:31:07+08:00");
  });
});

describe("phase and countdown", () => {
  it("counts down to the start before the exam", () => {
    expect(countdownAt(tl, at("08:45:00"))).toEqual({ kind: "to-start", secs: 900 });
    expect(formatDuration(900)).toBe("15:00");
  });

  it("counts down to the late cut-off between the start and T+30", () => {
    expect(countdownAt(tl, at("09:10:30"))).toEqual({ kind: "to-cutoff", secs: 1170 });
  });

  it("still admits at exactly T+30 and closes the door one second later", () => {
    expect(phaseAt(tl, at("09:30:00"))).toBe("started");
    expect(countdownAt(tl, at("09:30:00")).kind).toBe("to-cutoff");
    expect(phaseAt(tl, at("09:30:01"))).toBe("late-cutoff-passed");
    expect(countdownAt(tl, at("09:30:01")).kind).toBe("past-cutoff");
    expect(isPastCutoff("late-cutoff-passed")).toBe(true);
    expect(isPastCutoff("started")).toBe(false);
  });

  it("names each stretch of the exam day like the Rust core", () => {
    expect(phaseAt(tl, at("07:59:59"))).toBe("before-staff");
    expect(phaseAt(tl, at("08:00:00"))).toBe("preparing");
    expect(phaseAt(tl, at("08:30:00"))).toBe("door-open");
    expect(phaseAt(tl, at("09:00:00"))).toBe("started");
    expect(phaseAt(tl, at("11:00:00"))).toBe("ended");
    expect(isPastCutoff("ended")).toBe(true);
  });

  it("writes long waits with hours and never shows a negative time", () => {
    expect(formatDuration(3 * 3600 + 5 * 60 + 9)).toBe("3:05:09");
    expect(formatDuration(59)).toBe("00:59");
    expect(formatDuration(-5)).toBe("00:00");
  });
});

describe("the running clock", () => {
  it("advances the time Rust gave by the elapsed monotonic time", () => {
    const clock = new RunningClock(view, 1000);
    expect(formatTime(clock.at(1000), clock.offsetMin)).toBe("08:59:30");
    expect(formatTime(clock.at(46_000), clock.offsetMin)).toBe("09:00:15");
    expect(clock.phaseAt(46_000)).toBe("started");
  });

  it("never runs backwards if the monotonic clock reads earlier than the reading", () => {
    const clock = new RunningClock(view, 5000);
    expect(clock.at(0)).toBe(clock.at(5000));
  });
});
