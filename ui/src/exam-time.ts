// Who decides the exam time, as the header and Settings show it. Rust owns the rule: a drill (演练)
// may set any exam time; a real sitting follows the device clock unless its chief examiner
// authorises another with their PIN, and the header then says who did. Pure: no DOM.
import { ErrorCode, type ClockView } from "./bindings";
import type { Key } from "./i18n";

/** What the clock's state is, for the badge, the banner and the Settings status line. */
export type ClockState =
  | { kind: "device"; drill: boolean }
  | { kind: "drill-set" }
  | { kind: "authorised"; by: string };

export function clockState(view: ClockView | null | undefined): ClockState {
  if (!view) return { kind: "device", drill: false };
  if (!view.set) return { kind: "device", drill: view.drill };
  if (view.drill) return { kind: "drill-set" };
  return { kind: "authorised", by: view.set_by ?? "?" };
}

/** True when setting an exam time needs the chief examiner's PIN (a real sitting). */
export function needsChief(view: ClockView | null | undefined): boolean {
  return !!view && !view.drill;
}

/** The Settings line for a sitting's kind. */
export function sittingKindKey(view: ClockView | null | undefined): Key {
  if (!view) return "settings.kind-unknown";
  return view.drill ? "settings.kind-drill" : "settings.kind-real";
}

/** The text the screens add for an error code of a clock change; null: Rust's message says it.
 * On a device `enrolled` with a site server a chief's missing PIN is one the server has not
 * delivered yet (the office sets it there), never one to set here. */
export function clockErrorKey(code: ErrorCode, enrolled: boolean): Key | null {
  switch (code) {
    case ErrorCode.ExamTimeNeedsChief:
      return "settings.needs-chief";
    case ErrorCode.NotChiefExaminer:
      return "settings.chief-only";
    case ErrorCode.NoPin:
      return enrolled ? "settings.chief-pin-awaited" : "settings.chief-no-pin";
    default:
      return null;
  }
}
