import { describe, expect, it } from "vitest";
import { bannerLine, differenceLine, hhmmOf, violationAt } from "./countcheck";
import type { Comparison } from "./bindings";

const comparison = (difference: number): Comparison => ({
  platform_count: 0, real_count: 0, difference, not_passed: [], unexplained: 0, photos_missing: 0,
});

describe("the count check's words", () => {
  it("shows the banner until the check is done, with the photos still to take", () => {
    expect(bannerLine({ banner: "not-yet" })).toBeNull();
    expect(bannerLine({ banner: "due" })?.key).toBe("count.banner.due");
    expect(bannerLine({ banner: "photos-missing", missing: 2 })).toEqual({ key: "count.banner.photos", params: { n: 2 } });
    expect(bannerLine({ banner: "stale" })?.key).toBe("count.banner.stale");
    expect(bannerLine({ banner: "done" })).toBeNull();
  });

  it("says which way the counts differ", () => {
    expect(differenceLine(comparison(0)).key).toBe("count.agree");
    expect(differenceLine(comparison(2))).toEqual({ key: "count.more-in-room", params: { n: 2 } });
    expect(differenceLine(comparison(-3))).toEqual({ key: "count.more-on-platform", params: { n: 3 } });
  });
});

describe("a violation's time", () => {
  it("is the typed time of day on the sitting's date in its offset", () => {
    expect(violationAt("09:45", "2023-04-15T09:00:00+08:00", 480)).toBe("2023-04-15T09:45:00+08:00");
    expect(violationAt("9:45", "2023-04-15T09:00:00+08:00", 480)).toBeNull();
    expect(violationAt("25:00", "2023-04-15T09:00:00+08:00", 480)).toBeNull();
    expect(hhmmOf("2023-04-15T09:45:00+08:00")).toBe("09:45");
  });
});
