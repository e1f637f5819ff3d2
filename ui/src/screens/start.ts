// Start: what is loaded, loading the demo exam or importing seating lists, and choosing the door
// this device stands at (sitting → site → room → proctor, each list filled from the one before).
// The last choice is remembered and offered again, so a restarted app is one tap from the door.
import { open } from "@tauri-apps/plugin-dialog";
import { api, asIpcError, type ImportReport, type StaffInfo } from "../ipc";
import { $, clear, h, say } from "../dom";
import { t } from "../i18n";
import { loadChoice, pick, saveChoice, type Choice } from "../prefs";
import { app, emit, go, on } from "../state";
import { refreshClock } from "./header";

const sel = {
  sitting: () => $<HTMLSelectElement>("#sitting"),
  site: () => $<HTMLSelectElement>("#site"),
  room: () => $<HTMLSelectElement>("#room"),
  proctor: () => $<HTMLSelectElement>("#proctor"),
};

let remembered: Partial<Choice> = {};
let proctors: StaffInfo[] = [];
let roomAddress = new Map<string, string>();
let counts = { sittings: 0, sites: 0 };
let generation = 0;

export function initStart(): void {
  remembered = loadChoice();
  $("#load-demo").addEventListener("click", () => void busy(loadDemo));
  $("#import-file").addEventListener("click", () => void busy(importFiles));
  sel.sitting().addEventListener("change", () => {
    remember();
    app.sitting = sel.sitting().value;
    void refreshClock();
    void refreshRooms();
  });
  sel.site().addEventListener("change", () => {
    remember();
    void refreshRooms();
  });
  sel.room().addEventListener("change", () => {
    remember();
    void refreshProctors();
  });
  sel.proctor().addEventListener("change", () => {
    remember();
    updateGo();
  });
  $<HTMLFormElement>("#choose").addEventListener("submit", (ev) => {
    ev.preventDefault();
    startDoor();
  });
  on("lang", () => {
    renderLoaded();
    void refreshLists();
  });
  // The site's catalogue may have arrived with a sync.
  on("changed", () => void refreshLists());
  void refreshLists().then(() => {
    document.body.dataset.ready = "true";
  });
}

async function busy(work: () => Promise<void>): Promise<void> {
  const buttons = [$<HTMLButtonElement>("#load-demo"), $<HTMLButtonElement>("#import-file")];
  if (buttons.some((b) => b.disabled)) return;
  for (const b of buttons) b.disabled = true;
  $("#screen-start").setAttribute("aria-busy", "true");
  try {
    await work();
  } finally {
    for (const b of buttons) b.disabled = false;
    $("#screen-start").removeAttribute("aria-busy");
  }
}

async function loadDemo(): Promise<void> {
  const msg = $("#start-message");
  clear($("#import-report"));
  try {
    const report = await api.loadDemo();
    say(msg, "ok", t("start.demo-loaded"));
    showReport(report);
  } catch (e) {
    const err = asIpcError(e);
    await refreshLists();
    // Loading the demo twice is refused by the import (all or nothing); the data is there.
    if (counts.sittings > 0) say(msg, "info", t("start.demo-already"), err.code, [err.message]);
    else say(msg, "error", err.message, err.code, err.details);
    return;
  }
  await refreshLists();
}

async function importFiles(): Promise<void> {
  const msg = $("#start-message");
  let paths: string[] | null;
  try {
    paths = await open({ multiple: true, filters: [{ name: t("start.dialog-filter"), extensions: ["csv", "xlsx"] }] });
  } catch (e) {
    say(msg, "error", asIpcError(e).message, asIpcError(e).code);
    return;
  }
  if (!paths || paths.length === 0) return;
  clear($("#import-report"));
  try {
    const report = await api.importFiles(paths, sel.sitting().value || null);
    say(msg, "ok", t("start.imported", { candidates: report.candidates, staff: report.staff }));
    showReport(report);
  } catch (e) {
    const err = asIpcError(e);
    say(msg, "error", `${t("start.import-failed")} ${err.message}`, err.code, err.details);
  }
  await refreshLists();
}

function showReport(r: ImportReport): void {
  const box = $("#import-report");
  box.replaceChildren(h("div", {},
    h("ul", { class: "report-files" },
      ...r.files.map((f) =>
        h("li", { class: "report-file" }, t("start.file-row", { file: f.file, kind: f.kind, rows: f.rows }) +
          (f.sittings.length ? ` · ${f.sittings.join("、")}` : "")),
      ),
    ),
    r.warnings.length
      ? h("ul", { class: "report-warnings" },
          ...r.warnings.map((w) => h("li", { class: "report-warning" }, t("start.warning", { ...w }))),
        )
      : null,
  ));
  box.hidden = false;
}

/** Refills every list from Rust, keeping (or restoring) the current choice. */
async function refreshLists(): Promise<void> {
  const n = ++generation;
  $("#choose").setAttribute("aria-busy", "true");
  try {
    const [sittings, sites] = await Promise.all([api.sittings(), api.sites()]);
    if (n !== generation) return;
    counts = { sittings: sittings.length, sites: sites.length };
    renderLoaded();
    fill(sel.sitting(), sittings.map((s) => ({
      value: s.sitting.label,
      text: `${s.sitting.label}（${s.sitting.date} ${s.sitting.start.slice(0, 5)}–${s.sitting.end.slice(0, 5)}）`,
    })), remembered.sitting);
    fill(sel.site(), sites.map((s) => ({ value: s.name, text: s.name })), remembered.site);
    // On the chief's overview the clock follows the overview's sitting, not this list's.
    if (app.screen !== "chief" && app.sitting !== sel.sitting().value) {
      app.sitting = sel.sitting().value;
      void refreshClock();
    }
    await refreshRooms();
  } catch (e) {
    say($("#start-message"), "error", asIpcError(e).message, asIpcError(e).code);
  } finally {
    if (n === generation) $("#choose").removeAttribute("aria-busy");
  }
}

async function refreshRooms(): Promise<void> {
  const sitting = sel.sitting().value;
  const site = sel.site().value;
  if (!sitting || !site) {
    fill(sel.room(), [], undefined);
    return refreshProctors();
  }
  try {
    const rooms = await api.rooms(sitting, site);
    roomAddress = new Map(rooms.map((r) => [r.number, r.address]));
    fill(sel.room(), rooms.map((r) => ({
      value: r.number,
      text: t("start.room-option", { room: r.number, candidates: r.candidates }),
    })), remembered.room);
  } catch (e) {
    say($("#start-message"), "error", asIpcError(e).message, asIpcError(e).code);
  }
  await refreshProctors();
}

async function refreshProctors(): Promise<void> {
  const site = sel.site().value;
  const room = sel.room().value;
  proctors = [];
  if (site && room) {
    try {
      proctors = (await api.staff(site, room)).filter((s) => s.role === "proctor");
    } catch (e) {
      say($("#start-message"), "error", asIpcError(e).message, asIpcError(e).code);
    }
  }
  fill(sel.proctor(), proctors.map((p) => ({ value: p.id, text: p.name })), remembered.proctor,
    site && room && proctors.length === 0 ? t("start.no-proctor") : undefined);
  updateGo();
}

function fill(select: HTMLSelectElement, options: Array<{ value: string; text: string }>, want: string | undefined, empty?: string): void {
  const value = pick(options.map((o) => o.value), select.value || want);
  select.replaceChildren(
    h("option", { value: "" }, empty ?? t("start.choose")),
    ...options.map((o) => h("option", { value: o.value }, o.text)),
  );
  select.value = value;
}

function remember(): void {
  remembered = {
    sitting: sel.sitting().value,
    site: sel.site().value,
    room: sel.room().value,
    proctor: sel.proctor().value,
  };
  saveChoice(remembered);
}

function renderLoaded(): void {
  $("#loaded").textContent = counts.sittings > 0 ? t("start.loaded", counts) : t("start.empty");
}

function updateGo(): void {
  const ok = [sel.sitting(), sel.site(), sel.room(), sel.proctor()].every((s) => s.value !== "");
  $<HTMLButtonElement>("#start-door").disabled = !ok;
}

function startDoor(): void {
  const proctor = proctors.find((p) => p.id === sel.proctor().value);
  const room = sel.room().value;
  if (!proctor || !room) return;
  remember();
  app.sitting = sel.sitting().value;
  app.here = {
    sitting: app.sitting,
    site: sel.site().value,
    room,
    roomAddress: roomAddress.get(room) ?? "",
    proctor,
  };
  void refreshClock();
  emit("here");
  go("door");
}
