// Words and colours for the domain's states: one place decides what a proctor reads for a state,
// a document kind, a refusal reason, and the line shown after an act. Pure (no DOM), unit-tested.
import type { ActResult, CandidateCard, CandidateState, DocumentKind, DoorAct, FaceResult, RefusalReason } from "./bindings";
import { t, type Key, type Params } from "./i18n";

export type StateName = CandidateState["state"];

/** The colour family of a state, used as `data-tone` so CSS picks green/red/amber/grey. */
export type Tone = "neutral" | "ok" | "bad" | "wait" | "off" | "conflict";

export function stateTone(s: CandidateState): Tone {
  switch (s.state) {
    case "expected":
      return "neutral";
    case "admitted":
      return "ok";
    case "refused":
      return "bad";
    case "pending-manual-verification":
      return "wait";
    case "absent":
      return "off";
    case "conflict":
      return "conflict";
  }
}

export function stateLabel(s: CandidateState): string {
  switch (s.state) {
    case "admitted":
      return t(s.manual ? "state.admitted-manual" : "state.admitted");
    case "absent":
      return t(s.refused_late ? "state.absent-late" : "state.absent");
    case "refused":
      return `${t("state.refused")}（${reasonLabel(s.reason)}）`;
    default:
      return t(`state.${s.state}`);
  }
}

export function reasonLabel(r: RefusalReason): string {
  return r.reason === "other" ? t("reason.other", { note: r.note }) : t(`reason.${r.reason}`);
}

/** 通过 / 未通过（环境原因）/ 未记录: the face-recognition result on the record. */
export function faceLabel(f: FaceResult): string {
  switch (f.result) {
    case "passed":
      return t("face.passed");
    case "failed":
      return t("face.failed", { reason: t(f.reason === null ? "face.reason.unknown" : `face.reason.${f.reason}`) });
    case "not-recorded":
      return t("face.not-recorded");
  }
}

export function documentLabel(kind: DocumentKind): string {
  return t(`doc.${kind}`);
}

/** True when the door can still act on the candidate (admit, vouch, refuse). */
export function isOpen(s: CandidateState): boolean {
  return s.state === "expected" || s.state === "refused";
}

export interface Line {
  key: Key;
  params: Params;
}

/** An act as the result line needs it: a vouch is named without its photo (Rust made that). */
export type ActLike = Exclude<DoorAct, { act: "vouch" }> | { act: "vouch" };

/** The line shown after an act succeeded, from the state the act produced. */
export function resultLine(card: CandidateCard, act: ActLike, result: ActResult): Line {
  const who = { name: card.name, seat: card.seat };
  const s = result.state;
  // The chief examiner's decision on a manual verification says whose decision it was.
  if (act.act === "approve" && s.state === "admitted") return { key: "result.approved", params: who };
  if (act.act === "reject" && s.state === "refused") return { key: "result.rejected", params: { ...who, note: act.note } };
  switch (s.state) {
    case "admitted":
      return { key: "result.admitted", params: who };
    case "pending-manual-verification":
      return { key: "result.pending", params: who };
    case "refused":
      return { key: "result.refused", params: { ...who, reason: reasonLabel(s.reason) } };
    case "absent":
      // An admit or vouch after T+30 comes back as "absent, refused late".
      return s.refused_late && (act.act === "admit" || act.act === "vouch")
        ? { key: "result.late", params: who }
        : { key: "result.absent", params: who };
    default:
      return { key: "result.other", params: { state: stateLabel(s) } };
  }
}

/** The line for a decision another device made on the open card (the chief's approval arriving
 * with the sync): a pending verification approved or rejected; null for any other change. */
export function decidedElsewhereLine(before: CandidateState, after: CandidateCard): Line | null {
  if (before.state !== "pending-manual-verification") return null;
  const s = after.state;
  const who = { name: after.name, seat: after.seat };
  if (s.state === "admitted") return { key: "result.approved", params: who };
  if (s.state === "refused") return { key: "result.refused", params: { ...who, reason: reasonLabel(s.reason) } };
  return null;
}

/** Where the candidate really sits when it is not this room, or null when it is this room. */
export function wrongRoomLine(card: CandidateCard, here: { site: string; room: string }): Line | null {
  const params = { site: card.site, room: card.room, address: card.room_address };
  if (card.site !== here.site) return { key: "card.wrong-site", params };
  if (card.room !== here.room) return { key: "card.wrong-room", params };
  return null;
}
