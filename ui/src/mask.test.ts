import { describe, expect, it } from "vitest";
import { maskIdNumber } from "./mask";

describe("maskIdNumber", () => {
  it("shows first 6 and last 4 of an 18-character resident ID, 8 stars between", () => {
    expect(maskIdNumber("11010519491231002X")).toBe("110105********002X");
  });

  it("keeps the length of the number", () => {
    const id = "440524188001010014";
    expect(maskIdNumber(id)).toHaveLength(id.length);
  });

  it("drops surrounding whitespace before masking", () => {
    expect(maskIdNumber("  11010519491231002X\n")).toBe("110105********002X");
  });

  it("masks a single middle character of an 11-character number", () => {
    expect(maskIdNumber("ABCDEF1WXYZ")).toBe("ABCDEF*WXYZ");
  });

  it("keeps only the last 4 of a number too short to hide a middle (passport, 9 chars)", () => {
    expect(maskIdNumber("E12345678")).toBe("*****5678");
    expect(maskIdNumber("ABCDEFGHIJ")).toBe("******GHIJ");
  });

  it("masks 4 or fewer characters whole and returns empty for empty input", () => {
    expect(maskIdNumber("1234")).toBe("****");
    expect(maskIdNumber("   ")).toBe("");
  });

  it("counts characters, not UTF-16 units", () => {
    expect(maskIdNumber("𠀀𠀁𠀂𠀃𠀄𠀅xx𠀆𠀇𠀈𠀉")).toBe("𠀀𠀁𠀂𠀃𠀄𠀅**𠀆𠀇𠀈𠀉");
  });
});
