// The 监考签到 panel on the door screen (issue 11, item 2): who of the room's roster has signed in,
// the substitutes (staff of the site not on this room's roster) and whether the chief examiner
// approved them, and a warning while fewer count than the staffing rule needs. A proctor signs in
// with staff number and PIN; at their first sign-in on this device they set the PIN, typed twice.
// A substitute is approved by the chief examiner typing their own PIN here; one who signed in from
// T−2h on carries the notice that the provincial office had to approve the change by then. PINs
// live only in their inputs (type=password), are cleared before each try is sent, and Rust checks
// and counts them; nothing else here is personal. The chief examiner's reset of a proctor's PIN is
// in ./proctor-reset.ts.
import { api, ErrorCode, type RoomProctors, type StaffInfo, type SubstituteProctor } from "../ipc";
import { $, h, say, sayError, UiCode } from "../dom";
import { newPinProblem } from "../approval";
import { formatTime, parseRfc3339 } from "../clock";
import { pt } from "../proctors-text";
import { app, on } from "../state";
import { mountProctorReset } from "./proctor-reset";

let shown: RoomProctors | null = null;
let chiefs: StaffInfo[] = [];
/** The substitute the approval form is open for. */
let approving: string | null = null;
let asked = 0;

const field = (id: string, label: string, attrs: Record<string, string> = {}) =>
  h("label", { class: "field" }, h("span", { class: "field-label" }, label),
    h("input", { id, class: "field-input", autocomplete: "off", ...attrs }));
const pinAttrs = { type: "password", inputmode: "numeric", class: "field-input pin-input" };

/** Builds the panel at the end of `parent` and keeps it current. */
export function mountProctors(parent: HTMLElement): void {
  const el = h("section", { id: "proctors", class: "proctors", "aria-labelledby": "proctors-title" },
    h("h3", { id: "proctors-title", class: "group-title" }),
    h("p", { id: "proctors-count", class: "proctors-count" }),
    h("p", { id: "proctors-short", class: "proctors-short", role: "alert", hidden: true }),
    h("ul", { id: "proctors-roster", class: "proctor-list" }),
    h("ul", { id: "proctors-substitutes", class: "proctor-list" }),
    h("form", { id: "substitute-approval", class: "substitute-approval", hidden: true }),
    h("form", { id: "proctors-form", class: "proctors-form" }),
    h("div", { id: "proctors-message", class: "message", role: "status", "aria-live": "polite", hidden: true }),
  );
  parent.append(el);
  mountProctorReset(el);
  $("#proctors-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    void signIn();
  });
  // Another staff number typed: whether it sets a PIN is asked again at the next try.
  $("#proctors-form").addEventListener("input", (ev) => {
    if ((ev.target as HTMLElement).id !== "proctors-staff") return;
    $("#proctors-pin-again-field").hidden = true;
    $("#proctors-first").hidden = true;
  });
  $("#substitute-approval").addEventListener("submit", (ev) => {
    ev.preventDefault();
    void approve();
  });
  el.addEventListener("click", (ev) => {
    const target = ev.target as HTMLElement;
    const open = target.closest<HTMLElement>("button.approve-open");
    if (open?.dataset.staff) {
      approving = open.dataset.staff;
      renderApproval();
    }
    if (target.closest("#approve-cancel")) {
      approving = null;
      renderApproval();
    }
  });
  on("here", () => {
    approving = null;
    renderForm(false);
    void refresh();
  });
  for (const ev of ["changed", "clock"] as const) on(ev, () => void refresh());
  on("lang", () => {
    renderForm(!$("#proctors-pin-again-field").hidden);
    render();
  });
  renderForm(false);
  void refresh();
}

async function refresh(): Promise<void> {
  const here = app.here;
  const n = ++asked;
  if (!here) {
    shown = null;
    render();
    return;
  }
  try {
    const [fresh, staff] = await Promise.all([
      api.roomProctors(here.sitting, here.site, here.room),
      api.staff(here.site, null),
    ]);
    if (n !== asked) return;
    shown = fresh;
    chiefs = staff.filter((s) => s.role === "chief-examiner");
  } catch (e) {
    if (n === asked) sayError($("#proctors-message"), e);
  }
  render();
}

function hhmm(rfc: string): string {
  const at = parseRfc3339(rfc);
  return at ? formatTime(at.ms, at.offsetMin).slice(0, 5) : rfc;
}

function renderForm(first: boolean): void {
  const form = $("#proctors-form");
  const keep = form.querySelector<HTMLInputElement>("#proctors-staff")?.value ?? "";
  form.replaceChildren(
    field("proctors-staff", pt("pr.staff"), { type: "text", autocapitalize: "characters", value: keep }),
    field("proctors-pin", pt("pr.pin"), pinAttrs),
    h("p", { id: "proctors-first", class: "help", hidden: !first }, pt("pr.first")),
    h("div", { id: "proctors-pin-again-field", hidden: !first }, field("proctors-pin-again", pt("pr.pin-again"), pinAttrs)),
    h("button", { id: "proctors-sign-in", class: "btn btn-primary btn-wide btn-tall", type: "submit" }, pt("pr.sign-in")),
  );
}

function render(): void {
  const el = $("#proctors");
  el.hidden = shown === null;
  $("#proctors-title").textContent = pt("pr.title");
  if (!shown) return;
  const p = shown;
  el.dataset.needed = String(p.needed);
  el.dataset.counted = String(p.counted);
  el.dataset.short = String(p.short);
  $("#proctors-count").textContent = pt("pr.count", { seats: p.seats, needed: p.needed, counted: p.counted });
  const short = $("#proctors-short");
  short.hidden = p.short === 0;
  short.textContent = pt("pr.short", { short: p.short });
  $("#proctors-roster").replaceChildren(
    h("li", { class: "list-title" }, pt("pr.roster")),
    ...p.roster.map((r) =>
      h("li", { class: "proctor", "data-staff": r.id, "data-present": String(r.present) },
        h("span", { class: "proctor-name" }, `${r.name}（${r.id}）`),
        h("span", { class: "badge", "data-tone": r.present ? "ok" : "off" }, pt(r.present ? "pr.present" : "pr.absent")),
      ),
    ),
  );
  const subs = $("#proctors-substitutes");
  subs.hidden = p.substitutes.length === 0;
  subs.replaceChildren(
    h("li", { class: "list-title" }, pt("pr.substitutes")),
    ...p.substitutes.map((s) =>
      h("li", { class: "proctor substitute", "data-staff": s.id, "data-approved": String(s.approved_by !== null) },
        h("span", { class: "proctor-name" }, `${s.name}（${s.id}）${hhmm(s.signed_in_at)}`),
        h("span", { class: "badge", "data-tone": s.approved_by ? "ok" : "wait" },
          s.approved_by ? pt("pr.sub-approved", { who: s.approved_by }) : pt("pr.sub-waiting")),
        s.provincial_notice ? notice(p) : null,
        s.approved_by
          ? null
          : h("button", { class: "btn btn-wide approve-open", type: "button", "data-staff": s.id }, pt("pr.approve-open")),
      ),
    ),
  );
  renderApproval();
}

function notice(p: RoomProctors): HTMLElement {
  return h("p", { class: "provincial-notice", role: "note" }, pt("pr.provincial", { deadline: hhmm(p.provincial_deadline) }));
}

function waiting(): SubstituteProctor | null {
  return shown?.substitutes.find((s) => s.id === approving && s.approved_by === null) ?? null;
}

function renderApproval(): void {
  const form = $("#substitute-approval");
  const sub = waiting();
  form.hidden = sub === null;
  if (!sub || !shown) {
    form.replaceChildren();
    return;
  }
  if (form.dataset.staff === sub.id && form.childElementCount > 0) return;
  form.dataset.staff = sub.id;
  form.replaceChildren(
    h("h4", { class: "approval-title" }, pt("pr.approve-title", { name: sub.name, id: sub.id })),
    ...(sub.provincial_notice ? [notice(shown)] : []),
    h("p", { class: "help" }, pt("pr.approve-who")),
    chiefs.length === 0
      ? h("p", { class: "help" }, pt("pr.no-chief"))
      : h("label", { class: "field" }, h("span", { class: "field-label" }, pt("pr.chief")),
          h("select", { id: "approve-chief", class: "field-input" },
            ...chiefs.map((c) => h("option", { value: c.id }, `${c.name}（${c.id}）`)))),
    field("approve-pin", pt("pr.chief-pin"), pinAttrs),
    h("button", { id: "approve-go", class: "btn btn-primary btn-wide btn-tall", type: "submit", disabled: chiefs.length === 0 }, pt("pr.approve")),
    h("button", { id: "approve-cancel", class: "btn btn-wide", type: "button" }, pt("pr.cancel")),
  );
}

/** Reads a PIN input and empties it: the PIN is never kept past the try. */
function takePin(id: string): string {
  const input = $<HTMLInputElement>(id);
  const pin = input.value;
  input.value = "";
  return pin;
}

async function signIn(): Promise<void> {
  const here = app.here;
  const button = $<HTMLButtonElement>("#proctors-sign-in");
  if (!here || button.disabled) return;
  const message = $("#proctors-message");
  const staff = $<HTMLInputElement>("#proctors-staff").value.trim().toUpperCase();
  const first = !$("#proctors-pin-again-field").hidden;
  const pin = takePin("#proctors-pin");
  const again = takePin("#proctors-pin-again");
  if (!staff) return say(message, "error", pt("pr.staff-needed"), UiCode.PinNeeded);
  if (!pin) return say(message, "error", pt("pr.pin-needed"), UiCode.PinNeeded);
  button.disabled = true;
  try {
    if (!first && !(await api.proctorHasPin(staff))) {
      // First sign-in on this device: the PIN typed is the one to set; ask for it again.
      renderForm(true);
      say(message, "info", pt("pr.first"));
      return;
    }
    if (first) {
      const problem = newPinProblem(pin, again);
      if (problem) {
        const key = problem === "mismatch" ? "pr.pin-mismatch" : problem === "empty" ? "pr.pin-needed" : "pr.pin-weak";
        return say(message, "error", pt(key), problem === "mismatch" ? UiCode.PinMismatch : ErrorCode.WeakPin);
      }
    }
    shown = await api.signInProctor(here.sitting, here.site, here.room, { staff, pin, pin_again: first ? again : null });
    const who = [...shown.roster, ...shown.substitutes].find((p) => p.id === staff);
    say(message, "ok", pt("pr.signed-in", { name: who ? `${who.name}（${staff}）` : staff }));
    $<HTMLInputElement>("#proctors-staff").value = "";
    renderForm(false);
  } catch (e) {
    sayError(message, e);
  } finally {
    $<HTMLButtonElement>("#proctors-sign-in").disabled = false;
  }
  render();
}

async function approve(): Promise<void> {
  const here = app.here;
  const sub = waiting();
  const button = $<HTMLButtonElement>("#approve-go");
  if (!here || !sub || button.disabled) return;
  const message = $("#proctors-message");
  const chief = $<HTMLSelectElement>("#approve-chief").value;
  const pin = takePin("#approve-pin");
  if (!pin) return say(message, "error", pt("pr.pin-needed"), UiCode.PinNeeded);
  button.disabled = true;
  try {
    shown = await api.approveSubstitute(here.sitting, here.site, here.room, sub.id, chief, pin);
    say(message, "ok", pt("pr.approved", { name: sub.name }));
    approving = null;
  } catch (e) {
    sayError(message, e);
  } finally {
    button.disabled = false;
  }
  render();
}
