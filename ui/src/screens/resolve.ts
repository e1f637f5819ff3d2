// Settling a conflict between devices (裁定冲突), on the card of a candidate in conflict: the chief
// examiner picks one of the outcomes in conflict, or 拒绝入场 with a reason, and types their staff
// number and PIN at this device. Rust accepts only a chief, only with the PIN, only an outcome that
// was in conflict (or a refusal with a reason); its refusal is shown as given.
import { api, type CandidateCard, type CandidateState, type Outcome } from "../ipc";
import { $, h, sayError } from "../dom";
import { lang, type Lang } from "../i18n";
import { stateLabel } from "../labels";
import { emit } from "../state";

const TEXT = {
  title: { zh: "裁定冲突（主考）", en: "Settle the conflict (chief examiner)" },
  hint: { zh: "选择其中一个记录结果，或拒绝入场并写明原因。", en: "Choose one of the recorded outcomes, or refuse entry with a reason." },
  refuse: { zh: "拒绝入场", en: "Refuse entry" },
  reason: { zh: "拒绝原因", en: "Reason for refusal" },
  chief: { zh: "主考工号", en: "Chief examiner's staff number" },
  pin: { zh: "主考口令", en: "Chief examiner's PIN" },
  go: { zh: "确认裁定", en: "Settle" },
} as const satisfies Record<string, Record<Lang, string>>;

function tx(key: keyof typeof TEXT): string {
  return TEXT[key][lang()];
}

/** The outcome as the state it leads to, for its words. */
function asState(o: Outcome): CandidateState {
  const { outcome, ...rest } = o;
  return { state: outcome, ...rest } as CandidateState;
}

const kept = new Map<string, HTMLElement>();

/**
 * The same panel for the same conflict across redraws (the chief's screen redraws on every poll):
 * what the chief is typing stays. Nothing for a card not in conflict.
 */
export function keptResolve(card: CandidateCard, sitting: string, settled: (fresh: CandidateCard) => void): HTMLElement | null {
  const key = `${sitting}\n${card.student_number}\n${JSON.stringify(card.state)}`;
  const panel = kept.get(key) ?? buildResolve(card, sitting, settled);
  if (panel) kept.set(key, panel);
  return panel;
}

/** The panel for a card in conflict (nothing otherwise); `settled` gets the candidate's fresh card. */
export function buildResolve(card: CandidateCard, sitting: string, settled: (fresh: CandidateCard) => void): HTMLElement | null {
  if (card.state.state !== "conflict") return null;
  const outcomes = card.state.outcomes;
  let chosen: number | "refuse" | null = null;
  const choices = [
    ...outcomes.map((o, i) => h("button", { class: "btn btn-wide resolve-choice", type: "button", "data-choice": i, "data-outcome": o.outcome, "aria-pressed": "false" }, stateLabel(asState(o)))),
    h("button", { class: "btn btn-wide btn-refuse resolve-choice", type: "button", "data-choice": "refuse", "aria-pressed": "false" }, tx("refuse")),
  ];
  const input = (cls: string, label: string, attrs: Record<string, string>) =>
    h("label", { class: "step-title" }, label, h("input", { class: `field-input ${cls}`, autocomplete: "off", ...attrs }));
  const reason = input("resolve-reason", tx("reason"), { type: "text" });
  reason.hidden = true;
  const go = h("button", { class: "btn btn-primary btn-wide resolve-go", type: "button", disabled: true }, tx("go"));
  const message = h("div", { class: "message resolve-message", role: "status", "aria-live": "polite", hidden: true });
  const panel = h("section", { class: "resolve", "data-student": card.student_number },
    h("h3", { class: "step-title" }, tx("title")),
    h("p", {}, tx("hint")),
    h("div", { class: "resolve-choices" }, ...choices),
    reason,
    input("resolve-chief", tx("chief"), { type: "text" }),
    input("resolve-pin", tx("pin"), { type: "password", inputmode: "numeric" }),
    go,
    message,
  );
  for (const b of choices) {
    b.addEventListener("click", () => {
      const c = b.dataset.choice!;
      chosen = c === "refuse" ? "refuse" : Number(c);
      for (const o of choices) o.setAttribute("aria-pressed", String(o === b));
      reason.hidden = chosen !== "refuse";
      go.disabled = false;
    });
  }
  go.addEventListener("click", async () => {
    if (chosen === null) return;
    const value = (cls: string) => $<HTMLInputElement>(cls, panel).value;
    const outcome: Outcome = chosen === "refuse"
      ? { outcome: "refused", reason: { reason: "other", note: value(".resolve-reason") } }
      : outcomes[chosen]!;
    go.disabled = true;
    try {
      await api.decideWithPin(sitting, card.student_number, value(".resolve-chief").trim(), value(".resolve-pin"), { act: "resolve", outcome });
      settled(await api.card(sitting, card.student_number));
      emit("acted");
    } catch (e) {
      go.disabled = false;
      $<HTMLInputElement>(".resolve-pin", panel).value = "";
      sayError(message, e);
    }
  });
  return panel;
}
