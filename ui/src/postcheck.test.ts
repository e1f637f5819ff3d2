import { describe, expect, it } from "vitest";
import type { PostExamChecks } from "./bindings";
import { howEntered, postCheckLine } from "./postcheck";
import { translate } from "./i18n";

const photo = (student: string, manual = false) => ({
  room: "01", seat: 1, student_number: student, name: "李雷", manual, photo_file: manual ? `${student}.jpg` : null,
});

const checks = (n: number): PostExamChecks => ({
  sitting: "2023春 第一次",
  site: "襄阳电大校本部",
  deadline: "2023-04-18",
  deadline_month: 4,
  deadline_day: 18,
  remaining: Array.from({ length: n }, (_, i) => photo(`22422000001${String(i).padStart(2, "0")}`)),
});

describe("the post-exam check line", () => {
  it("says how many photos are left and the deadline, in both languages", () => {
    const zh = postCheckLine(checks(3), "zh");
    expect(translate("zh", zh.key, zh.params)).toBe("还有 3 张照片须在 4 月 18 日前完成核验");
    const en = postCheckLine(checks(3), "en");
    expect(translate("en", en.key, en.params)).toBe("3 photos still to check by 18 April");
  });

  it("says one photo in the singular in English", () => {
    const zh = postCheckLine(checks(1), "zh");
    expect(translate("zh", zh.key, zh.params)).toBe("还有 1 张照片须在 4 月 18 日前完成核验");
    const en = postCheckLine(checks(1), "en");
    expect(translate("en", en.key, en.params)).toBe("1 photo still to check by 18 April");
  });

  it("says every photo is checked when none is left", () => {
    const none = { ...checks(0), deadline: "2023-05-23", deadline_month: 5, deadline_day: 23 };
    const zh = postCheckLine(none, "zh");
    expect(translate("zh", zh.key, zh.params)).toBe("入场照片已全部核验（截止 5 月 23 日）");
    const en = postCheckLine(none, "en");
    expect(translate("en", en.key, en.params)).toBe("Every entry photo checked (due 23 May)");
  });

  it("names the emergency photo of a manual verification", () => {
    const manual = howEntered(photo("2242200000107", true));
    expect(translate("zh", manual.key, manual.params)).toBe("人工核验入场 · 2242200000107.jpg");
    const face = howEntered(photo("2242200000108"));
    expect(translate("en", face.key, face.params)).toBe("Admitted by face recognition");
  });
});
