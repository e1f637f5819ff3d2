import { describe, expect, it } from "vitest";
import type { CandidateCard, CandidateState } from "./bindings";
import { cardView, idInputReady, initialFlow, isFullTicket, step, type Flow, type FlowEvent } from "./flow";

const here = { site: "湖北开放大学开放教育学院", room: "01" };
const card = (state: CandidateState = { state: "expected" }, room = "01"): CandidateCard => ({
  student_number: "2231010100001",
  name: "王伟",
  document_kind: "resident-id",
  document_masked: "420101********123X",
  site: here.site,
  room,
  room_address: "教学楼 2 楼",
  seat: 1,
  photo: null,
  manual_photo_source: null,
  face: { result: "not-recorded" },
  state,
});
const run = (...evs: FlowEvent[]): Flow => evs.reduce(step, initialFlow);
const ready = run({ type: "confirm-ticket" }, { type: "id-checked", match: "suffix" }, { type: "face", face: "passed" });

describe("the door flow", () => {
  it("keeps admit disabled until ticket, ID and face all pass", () => {
    expect(cardView(card(), here, initialFlow).admitEnabled).toBe(false);
    expect(cardView(card(), here, run({ type: "confirm-ticket" })).admitEnabled).toBe(false);
    expect(cardView(card(), here, run({ type: "confirm-ticket" }, { type: "id-checked", match: "full" })).admitEnabled).toBe(false);
    expect(cardView(card(), here, ready).admitEnabled).toBe(true);
  });

  it("points at the next step to take", () => {
    expect(cardView(card(), here, initialFlow).current).toBe("ticket");
    expect(cardView(card(), here, run({ type: "confirm-ticket" })).current).toBe("id");
    expect(cardView(card(), here, run({ type: "confirm-ticket" }, { type: "id-checked", match: "mismatch" })).current).toBe("id");
    expect(cardView(card(), here, ready).current).toBe("decide");
  });

  it("does not admit on a mismatched ID and opens the refusal choices", () => {
    const f = run({ type: "confirm-ticket" }, { type: "id-checked", match: "mismatch" }, { type: "face", face: "passed" });
    const v = cardView(card(), here, f);
    expect(v.admitEnabled).toBe(false);
    expect(v.refusePanel).toBe(true);
  });

  it("closes the refusal choices again once the ID matches on a second try", () => {
    const f = run({ type: "id-checked", match: "mismatch" }, { type: "id-checked", match: "suffix" });
    expect(cardView(card(), here, f).refusePanel).toBe(false);
  });

  it("forgets the ID check when the typed number changes", () => {
    const f = step(ready, { type: "id-edited" });
    expect(f.id).toBeNull();
    expect(cardView(card(), here, f).admitEnabled).toBe(false);
  });

  it("offers vouching instead of admitting when face recognition failed, once the reason is stated", () => {
    const f = run({ type: "confirm-ticket" }, { type: "id-checked", match: "full" }, { type: "face", face: "failed" });
    const v = cardView(card(), here, f);
    expect(v.admitShown).toBe(false);
    expect(v.vouchShown).toBe(true);
    expect(v.reasonShown).toBe(true);
    expect(v.vouchEnabled).toBe(false);
    const stated = step(f, { type: "face-reason", reason: "environment" });
    expect(stated.faceReason).toBe("environment");
    expect(cardView(card(), here, stated).vouchEnabled).toBe(true);
  });

  it("forgets the reason when recognition is then recorded as passed, and takes none without a failure", () => {
    const f = run({ type: "face", face: "failed" }, { type: "face-reason", reason: "no-match" }, { type: "face", face: "passed" });
    expect(f.faceReason).toBeNull();
    expect(step(f, { type: "face-reason", reason: "environment" }).faceReason).toBeNull();
  });

  it("does not let a proctor vouch for someone whose documents were not checked", () => {
    const v = cardView(card(), here, run({ type: "face", face: "failed" }));
    expect(v.vouchShown).toBe(true);
    expect(v.vouchEnabled).toBe(false);
  });

  it("disables every action while a call is in flight, so a double tap sends once", () => {
    const v = cardView(card(), here, step(ready, { type: "busy" }));
    expect(v.admitEnabled).toBe(false);
    expect(v.controlsEnabled).toBe(false);
    expect(cardView(card(), here, run({ type: "busy" }, { type: "idle" })).controlsEnabled).toBe(true);
  });

  it("shows an admitted candidate's state with no admit button, leaving a stray tap to Rust", () => {
    const v = cardView(card({ state: "admitted", manual: false }), here, initialFlow);
    expect(v.mode).toBe("final");
    expect(v.admitShown).toBe(false);
    expect(v.refuseShown).toBe(false);
    expect(v.admitEnabled).toBe(true);
  });

  it("treats absent, pending and conflicting candidates as decided", () => {
    for (const s of [
      { state: "absent", refused_late: true },
      { state: "pending-manual-verification" },
      { state: "conflict", outcomes: [] },
    ] as CandidateState[]) {
      expect(cardView(card(s), here, ready).mode).toBe("final");
    }
  });

  it("lets a refused candidate who comes back with the right document go through the steps again", () => {
    const v = cardView(card({ state: "refused", reason: { reason: "document-mismatch" } }), here, ready);
    expect(v.mode).toBe("flow");
    expect(v.admitEnabled).toBe(true);
  });

  it("offers only the wrong-room refusal for a candidate seated in another room, never admit", () => {
    const v = cardView(card({ state: "expected" }, "02"), here, ready);
    expect(v.mode).toBe("wrong-room");
    expect(v.admitShown).toBe(false);
    expect(v.admitEnabled).toBe(false);
    expect(v.vouchShown).toBe(false);
    expect(v.refuseShown).toBe(false);
  });

  it("treats a candidate of another site as wrong room too", () => {
    expect(cardView({ ...card(), site: "宜昌电大校本部" }, here, initialFlow).mode).toBe("wrong-room");
  });

  it("shows the chief examiner's approval panel for a pending candidate of this room, not the done note", () => {
    const v = cardView(card({ state: "pending-manual-verification" }), here, initialFlow);
    expect(v.approvalShown).toBe(true);
    expect(v.finalNote).toBeNull();
  });

  it("never shows the approval panel for a pending candidate of another room", () => {
    const v = cardView(card({ state: "pending-manual-verification" }, "02"), here, initialFlow);
    expect(v.mode).toBe("wrong-room");
    expect(v.approvalShown).toBe(false);
  });

  it("hides the approval panel once the chief has decided", () => {
    expect(cardView(card({ state: "admitted", manual: true }), here, initialFlow).approvalShown).toBe(false);
    const rejected = card({ state: "refused", reason: { reason: "manual-verification-rejected" } });
    expect(cardView(rejected, here, initialFlow).approvalShown).toBe(false);
  });

  it("says an admission after the chief's approval was a manual verification", () => {
    expect(cardView(card({ state: "admitted", manual: true }), here, initialFlow).finalNote).toBe("card.final-manual");
    expect(cardView(card({ state: "admitted", manual: false }), here, initialFlow).finalNote).toBe("card.final");
    expect(cardView(card({ state: "conflict", outcomes: [] }), here, initialFlow).finalNote).toBe("card.conflict");
    expect(cardView(card(), here, initialFlow).finalNote).toBeNull();
  });

  it("resets the steps but keeps a call in flight marked busy", () => {
    expect(step(step(ready, { type: "busy" }), { type: "reset" })).toEqual({ ...initialFlow, busy: true });
  });
});

describe("what the proctor types", () => {
  it("needs at least 4 characters of the ID", () => {
    expect(idInputReady("12X")).toBe(false);
    expect(idInputReady(" 123X ")).toBe(true);
  });

  it("recognises a whole 13-digit ticket, scanned or typed", () => {
    expect(isFullTicket("2231010100001")).toBe(true);
    expect(isFullTicket(" 2231010100001\n")).toBe(true);
    expect(isFullTicket("0001")).toBe(false);
    expect(isFullTicket("22310101000012")).toBe(false);
  });
});
