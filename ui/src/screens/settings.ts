// Settings: language, the exam-time override (demos and tests set the app's clock instead of
// waiting for it; Rust holds the override, the header shows the "demo time" badge), and what
// this device is (database file, device id, version) for support calls.
import { api, asIpcError, inApp } from "../ipc";
import { $, clear, say, sayError } from "../dom";
import { lang, t, type Lang } from "../i18n";
import { examTimeFromInput, formatTime, toInputValue } from "../clock";
import { app, on } from "../state";
import { refreshClock, switchLang } from "./header";

const CHINA_MIN = 480;

export function initSettings(): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>(".lang-choice")) {
    b.addEventListener("click", () => switchLang(b.dataset.lang as Lang));
  }
  $("#set-clock").addEventListener("click", () => void setClock());
  $("#reset-clock").addEventListener("click", () => void resetClock());
  on("lang", renderStatus);
  on("clock", renderStatus);
  on("screen", () => {
    if (app.screen !== "settings") return;
    prefill();
    void showInfo();
  });
  renderStatus();
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

function renderStatus(): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>(".lang-choice")) {
    b.setAttribute("aria-pressed", String(b.dataset.lang === lang()));
  }
  const set = app.clock?.view.set ?? false;
  const status = $("#clock-status");
  status.textContent = t(set ? "settings.clock-is-set" : "settings.clock-is-device");
  status.dataset.set = String(set);
}

async function setClock(): Promise<void> {
  const msg = $("#settings-message");
  const value = examTimeFromInput($<HTMLInputElement>("#exam-time").value, offset());
  if (!value) {
    say(msg, "error", t("settings.bad-time"), "bad-time");
    return;
  }
  await guarded(async () => {
    await api.setClock(value);
    await refreshClock();
    const shown = app.clock ? formatTime(app.clock.at(performance.now()), app.clock.offsetMin) : value;
    say(msg, "ok", t("settings.clock-saved", { time: shown }));
  });
}

async function resetClock(): Promise<void> {
  await guarded(async () => {
    await api.setClock(null);
    await refreshClock();
    $<HTMLInputElement>("#exam-time").value = "";
    say($("#settings-message"), "ok", t("settings.clock-reset"));
  });
}

async function guarded(work: () => Promise<void>): Promise<void> {
  const buttons = [$<HTMLButtonElement>("#set-clock"), $<HTMLButtonElement>("#reset-clock")];
  if (buttons.some((b) => b.disabled)) return;
  for (const b of buttons) b.disabled = true;
  clear($("#settings-message"));
  try {
    await work();
  } catch (e) {
    sayError($("#settings-message"), e);
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

async function showInfo(): Promise<void> {
  try {
    const info = await api.appInfo();
    $("#info-db").textContent = info.db_path;
    $("#info-device").textContent = info.device_id;
    $("#info-version").textContent = info.version;
    $("#info-signing-key").textContent = "Ok" in info.signing_key ? info.signing_key.Ok : info.signing_key.Err;
    const orphans = info.orphan_photos;
    $("#info-orphans").textContent = orphans.length
      ? t("settings.orphans-some", { count: String(orphans.length), files: orphans.join("、") })
      : t("settings.orphans-none");
  } catch (e) {
    $("#info-db").textContent = inApp() ? asIpcError(e).message : t("settings.no-app");
  }
}
