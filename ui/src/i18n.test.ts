import { afterEach, describe, expect, it } from "vitest";
import { allKeys, loadLang, setLang, t, translate } from "./i18n";

function memory(): Storage {
  const m = new Map<string, string>();
  return {
    get length() { return m.size; },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, v),
  };
}

afterEach(() => setLang("zh", null));

describe("i18n", () => {
  it("speaks Simplified Chinese when nothing was chosen before", () => {
    expect(loadLang(memory())).toBe("zh");
    expect(t("door.not-found")).toBe("未找到考生");
  });

  it("remembers the English switch across a restart", () => {
    const store = memory();
    setLang("en", store);
    setLang("zh", null); // the running app forgets; the storage does not
    expect(loadLang(store)).toBe("en");
    expect(t("door.not-found")).toBe("No candidate found");
  });

  it("ignores a stored value that is not a language", () => {
    const store = memory();
    store.setItem("examgate.lang", "fr");
    expect(loadLang(store)).toBe("zh");
  });

  it("fills the wrong-room banner with the room and its address", () => {
    expect(translate("zh", "card.wrong-room", { room: "02", address: "教学楼 2 楼" })).toBe(
      "不在本考场：请前往 02 考场（教学楼 2 楼）",
    );
  });

  it("says a late admission was refused and marked absent in the words of the rule", () => {
    expect(translate("zh", "result.late")).toBe("迟到超过 30 分钟，禁止入场，已记缺考");
  });

  it("leaves a placeholder visible when its value is missing rather than printing undefined", () => {
    expect(translate("en", "countdown.to-start")).toBe("Start in {time}");
  });

  it("has a non-empty text in both languages for every key", () => {
    for (const key of allKeys()) {
      expect(translate("zh", key).trim(), key).not.toBe("");
      expect(translate("en", key).trim(), key).not.toBe("");
    }
  });

  it("uses the same placeholders in both languages", () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of allKeys()) {
      expect(names(translate("en", key)), key).toEqual(names(translate("zh", key)));
    }
  });
});
