// Room tally: how many candidates are expected, admitted, pending approval, refused, absent (and in
// conflict, when devices disagreed), each count a button that lists who is behind it. After T+30
// the room marks everyone still expected as absent, behind a confirm step.
import { api, type Tally } from "../ipc";
import { $, clear, h, say, sayError } from "../dom";
import { t } from "../i18n";
import { stateLabel, stateTone } from "../labels";
import { isPastCutoff } from "../clock";
import { app, on } from "../state";
import { currentPhase } from "./header";
import { openStudent } from "./door";

type Bucket = keyof Tally;
const BUCKETS: Bucket[] = ["expected", "admitted", "pending", "refused", "absent", "conflict"];

let tally: Tally | null = null;
let bucket: Bucket = "expected";
let asked = 0;

export function initTally(): void {
  for (const b of BUCKETS) {
    $(`#count-${b}`).addEventListener("click", () => {
      bucket = b;
      render();
    });
  }
  $("#mark-absent").addEventListener("click", askMarkAbsent);
  $("#mark-absent-cancel").addEventListener("click", () => {
    $("#mark-absent-panel").hidden = true;
  });
  $("#mark-absent-confirm").addEventListener("click", () => void markAbsent());
  $("#tally-list").addEventListener("click", (ev) => {
    const row = (ev.target as HTMLElement).closest<HTMLElement>(".tally-row");
    if (row?.dataset.student) void openStudent(row.dataset.student);
  });
  on("here", () => {
    tally = null;
    bucket = "expected";
    clear($("#tally-message"));
    $("#mark-absent-panel").hidden = true;
    void refreshTally();
  });
  on("acted", () => void refreshTally());
  on("changed", () => void refreshTally());
  on("screen", () => void refreshTally());
  on("phase", renderMarkAbsent);
  on("clock", renderMarkAbsent);
  on("lang", render);
  render();
}

async function refreshTally(): Promise<void> {
  const here = app.here;
  if (!here) {
    render();
    return;
  }
  const n = ++asked;
  try {
    const fresh = await api.tally(here.sitting, here.site, here.room);
    if (n !== asked) return;
    tally = fresh;
  } catch (e) {
    sayError($("#tally-message"), e);
  }
  render();
}

function render(): void {
  for (const b of BUCKETS) {
    const btn = $(`#count-${b}`);
    const n = tally?.[b].length ?? 0;
    btn.dataset.count = String(n);
    $(".count-n", btn).textContent = String(n);
    btn.setAttribute("aria-pressed", String(b === bucket));
    btn.setAttribute("aria-label", `${t(`tally.${b}`)} ${n}`);
  }
  $("#count-conflict").hidden = (tally?.conflict.length ?? 0) === 0;
  const list = $("#tally-list");
  list.dataset.bucket = bucket;
  $("#tally-list-title").textContent = `${t(`tally.${bucket}`)} · ${tally?.[bucket].length ?? 0}`;
  const rows = [...(tally?.[bucket] ?? [])].sort((a, b) => a.seat - b.seat);
  list.replaceChildren(
    ...(rows.length === 0
      ? [h("li", { class: "tally-empty" }, t("tally.empty"))]
      : rows.map((c) =>
          h("li", { class: "tally-row", "data-student": c.student_number, "data-state": c.state.state },
            h("button", { class: "tally-open", type: "button" },
              h("span", { class: "tally-seat" }, t("door.seat", { seat: c.seat })),
              h("span", { class: "tally-name" }, c.name),
              h("span", { class: "badge", "data-tone": stateTone(c.state) }, stateLabel(c.state)),
              // A pending candidate waits for the chief examiner: the row opens the approval panel.
              c.state.state === "pending-manual-verification"
                ? h("span", { class: "tally-decide" }, t("tally.decide"))
                : null,
            ),
          ),
        )),
  );
  renderMarkAbsent();
}

function renderMarkAbsent(): void {
  const phase = currentPhase();
  const show = app.here !== null && phase !== null && isPastCutoff(phase);
  $("#mark-absent").hidden = !show;
  if (!show) $("#mark-absent-panel").hidden = true;
}

function askMarkAbsent(): void {
  $("#mark-absent-ask").textContent = t("tally.mark-absent-ask", { n: tally?.expected.length ?? 0 });
  $("#mark-absent-panel").hidden = false;
}

async function markAbsent(): Promise<void> {
  const here = app.here;
  const confirm = $<HTMLButtonElement>("#mark-absent-confirm");
  if (!here || confirm.disabled) return;
  confirm.disabled = true;
  try {
    const n = await api.markRemainingAbsent(here.sitting, here.site, here.room, here.proctor.id);
    say($("#tally-message"), "ok", t("tally.marked", { n }));
    $("#tally-message").dataset.marked = String(n);
    $("#mark-absent-panel").hidden = true;
    bucket = "absent";
  } catch (e) {
    sayError($("#tally-message"), e);
  } finally {
    confirm.disabled = false;
  }
  await refreshTally();
}
