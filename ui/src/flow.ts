// The steps a proctor takes with one candidate at the door, as a small state machine: confirm the
// ticket, check the ID, record face recognition, then admit, vouch or refuse. The screen only
// draws what `cardView` says, so which button is shown or enabled is decided (and tested) here.
// Rust has the last word on every act; this only keeps the proctor from tapping out of order and
// from sending one act twice while the first is in flight.
import type { CandidateCard, DocumentMatch, FaceFailure } from "./bindings";
import { isOpen } from "./labels";

export type Face = "passed" | "failed" | null;

export interface Flow {
  ticket: boolean;
  /** The last answer of the ID check, null until checked (or after the input changed). */
  id: DocumentMatch | null;
  face: Face;
  /** Why recognition failed, as the proctor states it: needed before a vouch. */
  faceReason: FaceFailure | null;
  refusing: boolean;
  /** A call to Rust is in flight: every action is disabled. */
  busy: boolean;
}

export const initialFlow: Flow = { ticket: false, id: null, face: null, faceReason: null, refusing: false, busy: false };

export type FlowEvent =
  | { type: "confirm-ticket" }
  | { type: "id-checked"; match: DocumentMatch }
  | { type: "id-edited" }
  | { type: "face"; face: "passed" | "failed" }
  | { type: "face-reason"; reason: FaceFailure }
  | { type: "toggle-refuse" }
  | { type: "busy" }
  | { type: "idle" }
  | { type: "reset" };

export function step(flow: Flow, ev: FlowEvent): Flow {
  switch (ev.type) {
    case "confirm-ticket":
      return { ...flow, ticket: true };
    case "id-checked":
      // A mismatch opens the refusal choices right away (the likely next tap); a match closes them.
      return { ...flow, id: ev.match, refusing: ev.match === "mismatch" };
    case "id-edited":
      return flow.id === null ? flow : { ...flow, id: null };
    case "face":
      return { ...flow, face: ev.face, faceReason: ev.face === "failed" ? flow.faceReason : null };
    case "face-reason":
      return flow.face === "failed" ? { ...flow, faceReason: ev.reason } : flow;
    case "toggle-refuse":
      return { ...flow, refusing: !flow.refusing };
    case "busy":
      return { ...flow, busy: true };
    case "idle":
      return { ...flow, busy: false };
    case "reset":
      return { ...initialFlow, busy: flow.busy };
  }
}

export const idMatched = (f: Flow): boolean => f.id === "full" || f.id === "suffix";

export type Mode = "wrong-room" | "flow" | "final";
export type Current = "ticket" | "id" | "face" | "decide";

export interface CardView {
  mode: Mode;
  /** The step to draw attention to. */
  current: Current;
  ticketDone: boolean;
  admitShown: boolean;
  admitEnabled: boolean;
  vouchShown: boolean;
  vouchEnabled: boolean;
  /** The reason choices after a failed recognition (环境原因 / 人脸不匹配). */
  reasonShown: boolean;
  refuseShown: boolean;
  refusePanel: boolean;
  /** Enables the step controls (ticket, ID, face, refusal choices) and the wrong-room button. */
  controlsEnabled: boolean;
  /** The chief examiner's approval panel: a candidate of this room awaiting manual verification. */
  approvalShown: boolean;
  /** The line under a decided card; null when there is none (a pending card shows the panel). */
  finalNote: FinalNote | null;
}

export type FinalNote = "card.final" | "card.final-manual" | "card.conflict";

function finalNote(card: CandidateCard): FinalNote | null {
  switch (card.state.state) {
    case "pending-manual-verification":
      return null;
    case "conflict":
      return "card.conflict";
    case "admitted":
      return card.state.manual ? "card.final-manual" : "card.final";
    default:
      return "card.final";
  }
}

export function cardView(card: CandidateCard, here: { site: string; room: string }, f: Flow): CardView {
  const mode: Mode =
    card.site !== here.site || card.room !== here.room ? "wrong-room" : isOpen(card.state) ? "flow" : "final";
  const docsOk = f.ticket && idMatched(f);
  const current: Current = !f.ticket ? "ticket" : !idMatched(f) ? "id" : f.face === null ? "face" : "decide";
  const inFlow = mode === "flow";
  return {
    mode,
    current,
    ticketDone: f.ticket,
    admitShown: inFlow && f.face !== "failed",
    // For a decided candidate the admit button is hidden but not disabled: a scripted or stale tap
    // then reaches Rust, whose refusal (already admitted, already absent …) is what is shown.
    // Never for a candidate of another room: Rust does not know which door the tap came from.
    admitEnabled: inFlow ? !f.busy && docsOk && f.face === "passed" : mode === "final" && !f.busy,
    vouchShown: inFlow && f.face === "failed",
    vouchEnabled: inFlow && !f.busy && docsOk && f.face === "failed" && f.faceReason !== null,
    reasonShown: inFlow && f.face === "failed",
    refuseShown: inFlow,
    refusePanel: inFlow && f.refusing,
    controlsEnabled: !f.busy,
    approvalShown: mode === "final" && card.state.state === "pending-manual-verification",
    finalNote: mode === "final" ? finalNote(card) : null,
  };
}

/** The ID check needs the whole number or at least its last 4 characters. */
export function idInputReady(typed: string): boolean {
  return typed.replace(/\s+/g, "").length >= 4;
}

/** A 13-digit ticket number typed or scanned whole. */
export function isFullTicket(text: string): boolean {
  return /^\d{13}$/.test(text.trim());
}
