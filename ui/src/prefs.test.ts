import { describe, expect, it } from "vitest";
import { loadChoice, pick, saveChoice } from "./prefs";

function memory() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
}

describe("the remembered choice", () => {
  it("comes back after a restart", () => {
    const s = memory();
    saveChoice({ sitting: "2023春 第一次", site: "襄阳电大校本部", room: "02", proctor: "P102" }, s);
    expect(loadChoice(s)).toEqual({ sitting: "2023春 第一次", site: "襄阳电大校本部", room: "02", proctor: "P102" });
  });

  it("is empty when storage holds garbage", () => {
    const s = memory();
    s.setItem("examgate.choice", "{not json");
    expect(loadChoice(s)).toEqual({});
    s.setItem("examgate.choice", JSON.stringify({ room: 2, site: "" }));
    expect(loadChoice(s)).toEqual({});
  });

  it("restores a remembered option only while it is still offered", () => {
    expect(pick(["01", "02", "03"], "02")).toBe("02");
    expect(pick(["01", "03"], "02")).toBe("");
  });

  it("selects the only option when there is just one", () => {
    expect(pick(["2023春 第一次"], undefined)).toBe("2023春 第一次");
    expect(pick([], "02")).toBe("");
  });
});
