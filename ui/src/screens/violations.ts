// Violations on the door screen (annex 4, 违规情况登记表): at any time the proctor records one for a
// candidate of the room: the kind (违纪 / 作弊 / 替考 / 扰考 / 其他), what happened, when (exam
// time, HH:MM), the proctors present and the 一平台已标记 tick. Each can be edited; every edit is an
// event naming the first record, and the list shows each as last edited. Rust checks the form and
// that the candidate is this room's. Once the room is closed (read at each load) the list stays
// readable and the form and the edit buttons go away.
import { api, type CandidateCard, type StaffInfo, type ViolationCategory, type ViolationView } from "../ipc";
import { $, h, say, sayError, UiCode } from "../dom";
import { t } from "../i18n";
import { formatTime } from "../clock";
import { hhmmOf, violationAt } from "../countcheck";
import { app, on } from "../state";

const KINDS: ViolationCategory[] = ["discipline", "cheating", "impersonation", "disturbance", "other"];

let list: ViolationView[] = [];
let cards: CandidateCard[] = [];
let staff: StaffInfo[] = [];
let closed = false;
let busy = false;
/** The form: null when closed; `edits` is the first record's id when editing. */
let form: { edits: ViolationView | null } | null = null;

export function initViolations(): void {
  $("#count-open").after(h("button", { id: "violation-open", class: "btn", type: "button" }, t("violation.open")));
  $("#count-panel").after(
    h("section", { id: "violation-panel", class: "count-panel", "aria-labelledby": "violation-title", hidden: true }),
  );
  $("#violation-open").addEventListener("click", () => {
    const panel = $("#violation-panel");
    panel.hidden = !panel.hidden;
    form = null;
    if (!panel.hidden) void load();
  });
  on("here", () => {
    $("#violation-panel").hidden = true;
    form = null;
  });
  on("changed", () => !$("#violation-panel").hidden && !form && void load());
  on("lang", () => {
    $("#violation-open").textContent = t("violation.open");
    render();
  });
}


async function load(): Promise<void> {
  const here = app.here;
  if (!here) return;
  try {
    const [v, tally, people, closedBy] = await Promise.all([
      api.roomViolations(here.sitting, here.site, here.room),
      api.tally(here.sitting, here.site, here.room),
      api.staff(here.site, here.room),
      api.roomClosedBy(here.sitting, here.site, here.room),
    ]);
    list = v;
    // Once the room is closed its violations are final: no form, no edits.
    closed = closedBy !== null;
    if (closed) form = null;
    cards = [...tally.admitted, ...tally.pending, ...tally.expected, ...tally.refused, ...tally.absent, ...tally.conflict]
      .sort((a, b) => a.seat - b.seat);
    staff = people.filter((p) => p.room !== null);
  } catch (e) {
    render();
    sayError($("#violation-message"), e);
    return;
  }
  render();
}

function render(): void {
  const panel = $("#violation-panel");
  if (panel.hidden) return;
  panel.replaceChildren(
    h("h3", { id: "violation-title", class: "approval-title" }, t("violation.title")),
    h("div", { id: "violation-message", class: "message", role: "status", hidden: true }),
    closed ? h("p", { class: "hint" }, t("violation.closed")) : h("span", {}),
    h("ul", { id: "violation-list", class: "count-list", "data-count": String(list.length) },
      ...(list.length ? list.map(item) : [h("li", { class: "tally-empty" }, t("violation.none"))])),
    form ? formEl() : closed ? h("span", {}) : h("button", { id: "violation-new", class: "btn btn-primary btn-wide", type: "button" }, t("violation.new")),
  );
  panel.querySelector("#violation-new")?.addEventListener("click", () => {
    form = { edits: null };
    render();
  });
  for (const b of panel.querySelectorAll<HTMLButtonElement>("button[data-edit]")) {
    b.addEventListener("click", () => {
      form = { edits: list.find((v) => v.id === b.dataset.edit) ?? null };
      render();
    });
  }
  if (form) wireForm(panel);
}

function item(v: ViolationView): HTMLElement {
  const w = v.violation;
  return h("li", { class: "count-row", "data-id": v.id, "data-student": v.student, "data-marked": String(w.platform_marked) },
    h("span", { class: "tally-seat" }, t("door.seat", { seat: v.seat })),
    h("span", { class: "tally-name" }, v.name),
    h("span", { class: "badge", "data-tone": "bad" }, t(`violation.kind.${w.category}`)),
    h("span", { class: "violation-what" }, `${hhmmOf(w.at)} ${w.what}`),
    h("span", { class: "result-ids" }, `${t("violation.proctors")}：${w.proctors.map(staffName).join("、")}`),
    h("span", { class: "badge", "data-tone": w.platform_marked ? "ok" : "wait" }, t(w.platform_marked ? "violation.marked" : "violation.unmarked")),
    v.edits > 0 ? h("span", { class: "hint" }, t("violation.edited", { n: v.edits, who: v.edited_by })) : h("span", {}),
    closed ? h("span", {}) : h("button", { class: "btn btn-small", type: "button", "data-edit": v.id }, t("violation.edit")),
  );
}

/** "宋军 (J2101)" for a staff number on the room's roster, else the number itself. */
function staffName(id: string): string {
  const p = staff.find((s) => s.id === id);
  return p ? `${p.name} (${id})` : id;
}

function nowHhmm(): string {
  const c = app.clock;
  return c ? formatTime(c.at(performance.now()), c.offsetMin).slice(0, 5) : "";
}

function formEl(): HTMLElement {
  const was = form?.edits ?? null;
  const w = was?.violation;
  const me = app.here?.proctor.id ?? "";
  const present = new Set(w?.proctors ?? [me]);
  return h("div", { id: "violation-form", class: "violation-form" },
    h("label", { class: "step-title", for: "violation-student" }, t("violation.student")),
    h("select", { id: "violation-student", class: "field-input", disabled: was !== null },
      h("option", { value: "" }, "—"),
      ...cards.map((c) => h("option", { value: c.student_number, selected: c.student_number === was?.student },
        `${c.seat} · ${c.name} · ${c.student_number}`))),
    h("p", { class: "step-title" }, t("violation.kind")),
    h("div", { id: "violation-kinds", class: "btn-row", role: "radiogroup" },
      ...KINDS.map((k) => h("button", {
        id: `violation-kind-${k}`, class: "btn choice", type: "button", "data-kind": k,
        "aria-pressed": String((w?.category ?? "discipline") === k),
      }, t(`violation.kind.${k}`)))),
    h("label", { class: "step-title", for: "violation-what" }, t("violation.what")),
    h("textarea", { id: "violation-what", class: "field-input", rows: 3, maxlength: 500 }),
    h("label", { class: "step-title", for: "violation-at" }, t("violation.at")),
    h("input", { id: "violation-at", class: "field-input", type: "time", value: w ? hhmmOf(w.at) : nowHhmm() }),
    h("p", { class: "step-title" }, t("violation.proctors")),
    h("div", { id: "violation-proctors", class: "btn-row" },
      ...staff.map((p) => h("label", { class: "btn choice" },
        h("input", { type: "checkbox", value: p.id, checked: present.has(p.id), "data-proctor": p.id }),
        ` ${p.name} (${p.id})`))),
    h("label", { class: "btn choice btn-wide" },
      h("input", { id: "violation-marked", type: "checkbox", checked: w?.platform_marked ?? false }),
      ` ${t("violation.marked")}`),
    h("button", { id: "violation-save", class: "btn btn-primary btn-wide btn-tall", type: "button" }, t("violation.save")),
    h("button", { id: "violation-cancel", class: "btn btn-small", type: "button" }, t("violation.cancel")),
  );
}

function wireForm(panel: HTMLElement): void {
  const what = $<HTMLTextAreaElement>("#violation-what", panel);
  what.value = form?.edits?.violation.what ?? "";
  for (const b of panel.querySelectorAll<HTMLButtonElement>("#violation-kinds button")) {
    b.addEventListener("click", () => {
      for (const o of panel.querySelectorAll<HTMLButtonElement>("#violation-kinds button")) {
        o.setAttribute("aria-pressed", String(o === b));
      }
    });
  }
  $("#violation-save", panel).addEventListener("click", () => void save(panel));
  $("#violation-cancel", panel).addEventListener("click", () => {
    form = null;
    render();
  });
  what.focus();
}

async function save(panel: HTMLElement): Promise<void> {
  const here = app.here;
  const clock = app.clock;
  if (!here || !clock || !form || busy || closed) return;
  const editing = form.edits;
  const student = editing?.student ?? $<HTMLSelectElement>("#violation-student", panel).value;
  const message = $("#violation-message", panel);
  if (!student) return say(message, "error", t("violation.pick"), UiCode.NoteNeeded);
  const kind = panel.querySelector<HTMLElement>('#violation-kinds button[aria-pressed="true"]')?.dataset.kind;
  const at = violationAt($<HTMLInputElement>("#violation-at", panel).value, clock.view.timeline.start, clock.offsetMin);
  const violation = {
    category: (kind ?? "other") as ViolationCategory,
    what: $<HTMLTextAreaElement>("#violation-what", panel).value,
    // An unreadable time goes to Rust as it is and comes back refused with its message.
    at: at ?? $<HTMLInputElement>("#violation-at", panel).value,
    proctors: [...panel.querySelectorAll<HTMLInputElement>("input[data-proctor]:checked")].map((i) => i.value),
    platform_marked: $<HTMLInputElement>("#violation-marked", panel).checked,
  };
  busy = true;
  try {
    list = await api.recordViolation(here.sitting, here.site, here.room, student, here.proctor.id, violation, editing?.id ?? null);
    form = null;
    render();
    const name = list.find((v) => v.student === student)?.name ?? student;
    say($("#violation-message"), "ok", t("violation.saved", { name }));
  } catch (e) {
    sayError(message, e);
  } finally {
    busy = false;
  }
}


