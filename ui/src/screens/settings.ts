// Settings: language; the exam time of the chosen sitting (a drill may set it freely, a real
// sitting only with its chief examiner's PIN; Rust decides and records it, the header shows it);
// the site server this device is connected to (or the button to connect it); and what this
// device is (database file, where its encryption key is kept, device id, version) for support calls.
import { api, asIpcError, ErrorCode, inApp } from "../ipc";
import type { ClockAuthority, StaffInfo } from "../bindings";
import { $, clear, h, say, sayError } from "../dom";
import { lang, t, type Lang } from "../i18n";
import { examTimeFromInput, formatTime, toInputValue } from "../clock";
import { clockErrorKey, clockState, needsChief, sittingKindKey } from "../exam-time";
import { app, on } from "../state";
import { refreshClock, switchLang } from "./header";
import { currentServer, openPanel, renderServer } from "./connect";

const CHINA_MIN = 480;

/** The chief examiners of the chosen site, who may authorise a real sitting's exam time. */
let chiefs: StaffInfo[] = [];

export function initSettings(): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>(".lang-choice")) {
    b.addEventListener("click", () => switchLang(b.dataset.lang as Lang));
  }
  $("#set-clock").addEventListener("click", () => void setClock());
  $("#reset-clock").addEventListener("click", () => void resetClock());
  $("#settings-connect").addEventListener("click", () => openPanel());
  on("server", renderServerGroup);
  on("lang", renderServerGroup);
  on("lang", renderStatus);
  on("clock", renderStatus);
  on("screen", () => {
    if (app.screen !== "settings") return;
    prefill();
    void loadChiefs();
    void showInfo();
  });
  renderStatus();
}

/** The site server this device is connected to, or "not connected" with the connect button. */
function renderServerGroup(): void {
  const view = currentServer();
  renderServer($("#settings-server"), view);
  $("#settings-connect").hidden = view !== null;
}

function offset(): number {
  return app.clock?.offsetMin ?? CHINA_MIN;
}

/** Puts the current exam time in the input, so moving it by a few minutes is a small edit. */
function prefill(): void {
  const input = $<HTMLInputElement>("#exam-time");
  if (input.value || !app.clock) return;
  input.value = toInputValue(app.clock.at(performance.now()), app.clock.offsetMin);
}

async function loadChiefs(): Promise<void> {
  const site = app.here?.site;
  try {
    chiefs = site ? (await api.staff(site, null)).filter((s) => s.role === "chief-examiner") : [];
  } catch {
    chiefs = [];
  }
  const select = $<HTMLSelectElement>("#clock-chief");
  const chosen = select.value;
  select.replaceChildren(...chiefs.map((c) => h("option", { value: c.id }, `${c.name} (${c.id})`)));
  if (chiefs.some((c) => c.id === chosen)) select.value = chosen;
  renderStatus();
}

function renderStatus(): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>(".lang-choice")) {
    b.setAttribute("aria-pressed", String(b.dataset.lang === lang()));
  }
  const view = app.clock?.view;
  $("#sitting-kind").textContent = t(sittingKindKey(view));
  const state = clockState(view);
  const status = $("#clock-status");
  status.textContent =
    state.kind === "device"
      ? t("settings.clock-is-device")
      : state.kind === "drill-set"
        ? t("settings.clock-is-set")
        : t("settings.clock-authorised", { who: state.by });
  status.dataset.set = String(state.kind !== "device");
  // A real sitting: the exam time is set only with a chief examiner and their PIN; without a
  // chief to choose, the field is disabled and says why.
  const real = needsChief(view);
  $("#clock-auth").hidden = !real;
  $("#clock-auth-help").textContent = t(chiefs.length ? "settings.chief-needed" : "settings.no-chiefs");
  const blocked = !view || (real && chiefs.length === 0);
  $<HTMLInputElement>("#exam-time").disabled = blocked;
  $<HTMLButtonElement>("#set-clock").disabled = blocked;
}

async function setClock(): Promise<void> {
  const msg = $("#settings-message");
  const view = app.clock?.view;
  if (!app.sitting || !view) {
    say(msg, "error", t("settings.kind-unknown"));
    return;
  }
  const value = examTimeFromInput($<HTMLInputElement>("#exam-time").value, offset());
  if (!value) {
    say(msg, "error", t("settings.bad-time"), ErrorCode.BadTime);
    return;
  }
  let authority: ClockAuthority | null = null;
  if (needsChief(view)) {
    const pinInput = $<HTMLInputElement>("#clock-pin");
    const chief = $<HTMLSelectElement>("#clock-chief").value;
    const pin = pinInput.value.trim();
    pinInput.value = "";
    if (!chief || !pin) {
      say(msg, "error", t("settings.chief-needed"));
      return;
    }
    authority = { chief, pin };
  }
  await guarded(async () => {
    await api.setClock(app.sitting, value, authority);
    await refreshClock();
    const shown = app.clock ? formatTime(app.clock.at(performance.now()), app.clock.offsetMin) : value;
    say(msg, "ok", t("settings.clock-saved", { time: shown }));
  });
}

async function resetClock(): Promise<void> {
  if (!app.sitting) return;
  await guarded(async () => {
    await api.setClock(app.sitting, null, null);
    await refreshClock();
    $<HTMLInputElement>("#exam-time").value = "";
    say($("#settings-message"), "ok", t("settings.clock-reset"));
  });
}

async function guarded(work: () => Promise<void>): Promise<void> {
  const buttons = [$<HTMLButtonElement>("#set-clock"), $<HTMLButtonElement>("#reset-clock")];
  if (buttons.some((b) => b.dataset.busy === "true")) return;
  for (const b of buttons) {
    b.dataset.busy = "true";
    b.disabled = true;
  }
  clear($("#settings-message"));
  try {
    await work();
  } catch (e) {
    const err = asIpcError(e);
    const key = clockErrorKey(err.code, currentServer() !== null);
    if (key) say($("#settings-message"), "error", t(key), err.code, [err.message]);
    else sayError($("#settings-message"), e);
  } finally {
    for (const b of buttons) {
      delete b.dataset.busy;
      b.disabled = false;
    }
    renderStatus();
  }
}

async function showInfo(): Promise<void> {
  try {
    const info = await api.appInfo();
    $("#info-db").textContent = info.db_path;
    $("#info-db-key").textContent = info.db_key;
    $("#info-device").textContent = info.device_id;
    $("#info-version").textContent = info.version;
    const key = info.signing_key;
    $("#info-signing-key").textContent = key.state === "ready" ? key.public_key : key.error.message;
    const orphans = info.orphan_photos;
    $("#info-orphans").textContent = orphans.length
      ? t("settings.orphans-some", { count: String(orphans.length), files: orphans.join("、") })
      : t("settings.orphans-none");
  } catch (e) {
    $("#info-db").textContent = inApp() ? asIpcError(e).message : t("settings.no-app");
  }
}
