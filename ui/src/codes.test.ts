// Guards on the UI's sources: error codes are compared through the generated `ErrorCode` (and
// the screens' own `UiCode`), never as string literals, and only the generated commands.ts calls
// `invoke`. A literal or a hand-written call that sneaks back fails here.
import { describe, expect, it } from "vitest";
import { ErrorCode } from "./bindings";

const SOURCES = import.meta.glob(["./**/*.ts", "!./bindings.ts", "!./codes.test.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

/** `"…"`, `'…'` or a template without substitutions, as written. */
const LITERAL = String.raw`(?:"[^"\n]*"|'[^'\n]*'|\`[^\`$\n]*\`)`;

/** Lines comparing something named `code` with a string literal, either way round, or a case
 * label (in a switch over a code) that is a literal code. */
function literalCodeComparisons(source: string): string[] {
  const patterns = [
    new RegExp(String.raw`\bcode\s*[!=]==?\s*${LITERAL}`),
    new RegExp(String.raw`${LITERAL}\s*[!=]==?\s*[\w.?!]*\bcode\b`),
    new RegExp(String.raw`\]\s*\.includes\(\s*[\w.?!]*\bcode\s*\)`),
  ];
  const found: string[] = [];
  let inCodeSwitch = false;
  for (const line of source.split("\n")) {
    if (/\bswitch\s*\(/.test(line)) inCodeSwitch = /\bswitch\s*\([^)]*\bcode\s*\)/.test(line);
    const literalCase = /\bcase\s+["'`]/.exec(line);
    if (patterns.some((p) => p.test(line)) || (literalCase !== null && inCodeSwitch)) {
      found.push(line.trim());
    }
  }
  return found;
}

describe("error codes in the UI", () => {
  it("are never compared as string literals", () => {
    expect(Object.keys(SOURCES)).toContain("./screens/approval.ts");
    const offenders = Object.entries(SOURCES).flatMap(([file, src]) =>
      literalCodeComparisons(src).map((line) => `${file}: ${line}`),
    );
    expect(offenders).toEqual([]);
  });

  it("the guard catches the shapes that drifted before", () => {
    expect(literalCodeComparisons(`if (r.error.code === "pin-already-set") x();`)).toHaveLength(1);
    expect(literalCodeComparisons(`if ('wrong-pin' == err.code) x();`)).toHaveLength(1);
    expect(literalCodeComparisons(`if (["already-admitted", "conflict"].includes(r.error.code)) {`)).toHaveLength(1);
    expect(literalCodeComparisons(`switch (err.code) {\n  case "pin-locked":\n    break;\n}`)).toHaveLength(1);
    expect(literalCodeComparisons(`switch (err.code) {\n  case ErrorCode.PinLocked:\n}`)).toEqual([]);
    expect(literalCodeComparisons(`if (e.code === ErrorCode.WrongPin) x();`)).toEqual([]);
    expect(literalCodeComparisons(`switch (c.state.state) {\n  case "admitted":\n}`)).toEqual([]);
  });

  it("every code has one name and the names cover the union", () => {
    const names = Object.keys(ErrorCode);
    expect(new Set(Object.values(ErrorCode)).size).toBe(names.length);
    expect(ErrorCode.WrongPin).toBe("wrong-pin");
  });
});

describe("calls into Rust", () => {
  it("go only through the generated commands.ts", () => {
    const callers = Object.entries(SOURCES)
      .filter(([file, src]) => file !== "./commands.ts" && /\binvoke\s*[<(]/.test(src))
      .map(([file]) => file);
    expect(callers).toEqual([]);
  });
});
