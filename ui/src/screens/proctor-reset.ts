// 主考重置口令 on the 监考签到 panel: a proctor who forgot their PIN, or who finds one they never set
// (a colleague reached the device first), cannot sign in; the site's chief examiner resets it here
// with the chief's own PIN, typed in person. Rust checks that the chief is of the proctor's site,
// checks and counts the chief's PIN and records the reset; the proctor's next sign-in then sets a
// new PIN, typed twice, as at first use. The PIN lives only in its input and is cleared before the
// try is sent.
import { api } from "../ipc";
import { $, h, say, sayError, UiCode } from "../dom";
import { pt } from "../proctors-text";
import { app, on } from "../state";

const field = (id: string, label: string, attrs: Record<string, string> = {}) =>
  h("label", { class: "field" }, h("span", { class: "field-label" }, label),
    h("input", { id, class: "field-input", autocomplete: "off", ...attrs }));
const text = { type: "text", autocapitalize: "characters" };

/** Builds the reset's button and form at the end of the panel `parent`. */
export function mountProctorReset(parent: HTMLElement): void {
  parent.append(
    h("button", { id: "reset-open", class: "btn btn-wide", type: "button" }),
    h("form", { id: "proctor-reset", class: "proctor-reset", hidden: true }),
  );
  $("#reset-open").addEventListener("click", () => {
    $("#proctor-reset").hidden = false;
    $("#reset-open").hidden = true;
  });
  $("#proctor-reset").addEventListener("submit", (ev) => {
    ev.preventDefault();
    void reset();
  });
  $("#proctor-reset").addEventListener("click", (ev) => {
    if ((ev.target as HTMLElement).closest("#reset-cancel")) close();
  });
  on("here", close);
  on("lang", render);
  render();
}

function render(): void {
  $("#reset-open").textContent = pt("pr.reset-open");
  const form = $("#proctor-reset");
  const keep = (id: string) => form.querySelector<HTMLInputElement>(id)?.value ?? "";
  const proctor = keep("#reset-proctor");
  const chief = keep("#reset-chief");
  form.replaceChildren(
    h("h4", { class: "approval-title" }, pt("pr.reset-title")),
    h("p", { class: "help" }, pt("pr.reset-help")),
    field("reset-proctor", pt("pr.reset-proctor"), { ...text, value: proctor }),
    field("reset-chief", pt("pr.reset-chief"), { ...text, value: chief }),
    field("reset-pin", pt("pr.chief-pin"), { type: "password", inputmode: "numeric", class: "field-input pin-input" }),
    h("button", { id: "reset-go", class: "btn btn-primary btn-wide btn-tall", type: "submit" }, pt("pr.reset")),
    h("button", { id: "reset-cancel", class: "btn btn-wide", type: "button" }, pt("pr.cancel")),
  );
}

function close(): void {
  $("#proctor-reset").hidden = true;
  $("#reset-open").hidden = false;
  for (const id of ["#reset-proctor", "#reset-chief", "#reset-pin"]) $<HTMLInputElement>(id).value = "";
}

async function reset(): Promise<void> {
  const here = app.here;
  const button = $<HTMLButtonElement>("#reset-go");
  if (!here || button.disabled) return;
  const message = $("#proctors-message");
  const proctor = $<HTMLInputElement>("#reset-proctor").value.trim().toUpperCase();
  const chief = $<HTMLInputElement>("#reset-chief").value.trim().toUpperCase();
  const input = $<HTMLInputElement>("#reset-pin");
  const pin = input.value;
  input.value = "";
  if (!proctor || !chief) return say(message, "error", pt("pr.staff-needed"), UiCode.PinNeeded);
  if (!pin) return say(message, "error", pt("pr.pin-needed"), UiCode.PinNeeded);
  button.disabled = true;
  try {
    await api.resetProctorPin(here.sitting, here.site, here.room, proctor, chief, pin);
    close();
    say(message, "ok", pt("pr.reset-done", { id: proctor }));
  } catch (e) {
    sayError(message, e);
  } finally {
    button.disabled = false;
  }
}
