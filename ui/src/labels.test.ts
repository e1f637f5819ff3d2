import { afterEach, describe, expect, it } from "vitest";
import type { CandidateCard, CandidateState } from "./bindings";
import { setLang, t } from "./i18n";
import { decidedElsewhereLine, documentLabel, isOpen, resultLine, stateLabel, stateTone, wrongRoomLine } from "./labels";

afterEach(() => setLang("zh", null));

const card: CandidateCard = {
  student_number: "2231010100003",
  name: "张敏",
  document_kind: "resident-id",
  document_masked: "420101********0012",
  site: "湖北开放大学开放教育学院",
  room: "02",
  room_address: "教学楼 3 楼",
  seat: 3,
  photo: null,
  manual_photo_source: null,
  face: { result: "not-recorded" },
  state: { state: "expected" },
};

describe("state labels and colours", () => {
  it("gives each state its colour family", () => {
    const tones = ([
      [{ state: "admitted", manual: false }, "ok"],
      [{ state: "refused", reason: { reason: "document-mismatch" } }, "bad"],
      [{ state: "pending-manual-verification" }, "wait"],
      [{ state: "absent", refused_late: false }, "off"],
      [{ state: "expected" }, "neutral"],
    ] as Array<[CandidateState, string]>).map(([s, tone]) => [stateTone(s), tone]);
    for (const [got, want] of tones) expect(got).toBe(want);
  });

  it("names a late absence and a manual admission apart from the plain ones", () => {
    expect(stateLabel({ state: "absent", refused_late: true })).toBe("缺考（迟到）");
    expect(stateLabel({ state: "absent", refused_late: false })).toBe("缺考");
    expect(stateLabel({ state: "admitted", manual: true })).toBe("已入场（人工核验）");
  });

  it("says why a candidate was refused", () => {
    expect(stateLabel({ state: "refused", reason: { reason: "other", note: "携带手机" } })).toBe("已拒绝（其他：携带手机）");
  });

  it("names document kinds in Chinese, and in English after the switch", () => {
    expect(documentLabel("hk-macau-travel-permit")).toBe("港澳居民来往内地通行证");
    setLang("en", null);
    expect(documentLabel("passport")).toBe("Passport");
  });

  it("lets the door act on expected and refused candidates only", () => {
    expect(isOpen({ state: "expected" })).toBe(true);
    expect(isOpen({ state: "refused", reason: { reason: "document-mismatch" } })).toBe(true);
    expect(isOpen({ state: "admitted", manual: false })).toBe(false);
    expect(isOpen({ state: "absent", refused_late: true })).toBe(false);
  });
});

describe("the line after an act", () => {
  it("reports an admit after T+30 as refused late and marked absent", () => {
    const line = resultLine(card, { act: "admit" }, { event: "refused-late", state: { state: "absent", refused_late: true } });
    expect(t(line.key, line.params)).toBe("迟到超过 30 分钟，禁止入场，已记缺考");
  });

  it("confirms an admission with the name and seat", () => {
    const line = resultLine(card, { act: "admit" }, { event: "admitted", state: { state: "admitted", manual: false } });
    expect(t(line.key, line.params)).toBe("已准予入场：张敏，3 号座");
  });

  it("says a vouched candidate waits for the chief examiner", () => {
    const line = resultLine(card, { act: "vouch" }, { event: "x", state: { state: "pending-manual-verification" } });
    expect(t(line.key, line.params)).toContain("等待主考审批");
  });

  it("says an approved manual verification was the chief examiner's decision", () => {
    const line = resultLine(card, { act: "approve" }, { event: "approved", state: { state: "admitted", manual: true } });
    expect(t(line.key, line.params)).toBe("人工核验通过，主考已批准入场：张敏，3 号座");
  });

  it("gives the chief examiner's reason when a manual verification is rejected", () => {
    const line = resultLine(card, { act: "reject", note: "非本人" }, {
      event: "rejected",
      state: { state: "refused", reason: { reason: "manual-verification-rejected" } },
    });
    expect(t(line.key, line.params)).toBe("主考已驳回人工核验，拒绝入场：张敏（非本人）");
  });

  it("names the refusal reason", () => {
    const line = resultLine(card, { act: "refuse", reason: { reason: "document-mismatch" } }, {
      event: "refused",
      state: { state: "refused", reason: { reason: "document-mismatch" } },
    });
    expect(t(line.key, line.params)).toBe("已拒绝入场：张敏（证件不符）");
  });
});

describe("the wrong-room banner", () => {
  it("sends a candidate of another room on this site to their room and its address", () => {
    const line = wrongRoomLine(card, { site: card.site, room: "01" })!;
    expect(t(line.key, line.params)).toBe("不在本考场：请前往 02 考场（教学楼 3 楼）");
  });

  it("names the site when the candidate sits at another site", () => {
    const line = wrongRoomLine(card, { site: "襄阳电大校本部", room: "02" })!;
    expect(t(line.key, line.params)).toContain("湖北开放大学开放教育学院");
  });

  it("has nothing to say for a candidate of this room", () => {
    expect(wrongRoomLine(card, { site: card.site, room: "02" })).toBeNull();
  });
});

describe("a decision made on another device", () => {
  const pending: CandidateState = { state: "pending-manual-verification" };
  it("says the chief approved or rejected the open card's pending verification", () => {
    setLang("zh", null);
    const approved = decidedElsewhereLine(pending, { ...card, state: { state: "admitted", manual: true } })!;
    expect(t(approved.key, approved.params)).toContain("主考已批准");
    const rejected = decidedElsewhereLine(pending, {
      ...card,
      state: { state: "refused", reason: { reason: "manual-verification-rejected" } },
    })!;
    expect(rejected.key).toBe("result.refused");
  });

  it("says nothing for any other change", () => {
    expect(decidedElsewhereLine({ state: "expected" }, { ...card, state: { state: "admitted", manual: false } })).toBeNull();
    expect(decidedElsewhereLine(pending, { ...card, state: pending })).toBeNull();
  });
});
