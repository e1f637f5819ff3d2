// The header every screen shares: where this device stands (sitting, site, room, proctor), the
// exam clock with its phase and countdown, the badge of a set exam time (a drill's), the banner
// naming the chief examiner who changed a real sitting's exam time, and the language switch.
// The clock is asked of Rust when the sitting changes, after it is set, and every 30 s; between
// asks it runs on the monotonic clock, redrawn every second.
import { api, asIpcError } from "../ipc";
import { RunningClock, countdownAt, formatDuration, formatTime } from "../clock";
import { $, translateStatic } from "../dom";
import { lang, setLang, t, type Lang } from "../i18n";
import { app, emit, on } from "../state";
import type { Phase } from "../bindings";
import { clockState } from "../exam-time";
import { isChief } from "../chief";
import { currentServer } from "./connect";

const RESYNC_MS = 30_000;
let lastPhase: Phase | null = null;
let asked = 0;

export function initHeader(): void {
  $("#lang").addEventListener("click", () => switchLang(lang() === "zh" ? "en" : "zh"));
  on("here", renderContext);
  on("server", renderContext);
  on("lang", () => {
    renderContext();
    renderClock();
  });
  setInterval(renderClock, 1000);
  setInterval(() => void refreshClock(), RESYNC_MS);
  renderContext();
  renderClock();
}

export function switchLang(next: Lang): void {
  setLang(next);
  document.documentElement.lang = next === "zh" ? "zh-CN" : "en";
  translateStatic();
  emit("lang");
}

/** Reads the clock of `app.sitting` from Rust again (after a change of sitting or of exam time). */
export async function refreshClock(): Promise<void> {
  const sitting = app.sitting;
  if (!sitting) {
    app.clock = null;
    renderClock();
    return;
  }
  const n = ++asked;
  try {
    const view = await api.clock(sitting);
    if (n !== asked) return; // a newer ask is on its way
    app.clock = new RunningClock(view, performance.now());
  } catch (e) {
    console.warn("clock:", asIpcError(e).message);
  }
  renderClock();
  emit("clock");
}

function renderContext(): void {
  const el = $("#context");
  const here = app.here;
  if (!here) {
    // The chief examiner's device stands at no door: the header names the site and the chief.
    const server = currentServer();
    el.textContent = isChief(server) && server
      ? t("context.chief", { site: server.site, staff: server.staff })
      : t("context.none");
    return;
  }
  el.textContent = [
    here.sitting,
    here.site,
    t("context.room", { room: here.room }),
    t("context.proctor", { name: here.proctor.name }),
  ].join(" · ");
}

function renderClock(): void {
  const clock = app.clock;
  const clockEl = $("#clock");
  const phaseEl = $("#phase");
  const countEl = $("#countdown");
  renderClockState();
  if (!clock) {
    clockEl.textContent = t("clock.none");
    phaseEl.textContent = "";
    countEl.textContent = "";
    delete phaseEl.dataset.phase;
    return;
  }
  const mono = performance.now();
  const now = clock.at(mono);
  clockEl.textContent = formatTime(now, clock.offsetMin);
  clockEl.dataset.now = new Date(now).toISOString();
  const phase = clock.phaseAt(mono);
  phaseEl.textContent = t(`phase.${phase}`);
  phaseEl.dataset.phase = phase;
  document.body.dataset.phase = phase;
  if (clock.timeline) {
    const c = countdownAt(clock.timeline, now);
    countEl.dataset.kind = c.kind;
    countEl.dataset.secs = String(c.secs);
    countEl.textContent =
      c.kind === "past-cutoff" ? t("countdown.past-cutoff") : t(`countdown.${c.kind}`, { time: formatDuration(c.secs) });
  }
  if (phase !== lastPhase) {
    lastPhase = phase;
    emit("phase");
  }
}

/** The badge of a set exam time and, on a real sitting, who authorised it: on every screen. */
function renderClockState(): void {
  const state = clockState(app.clock?.view);
  const badge = $("#clock-set");
  badge.hidden = state.kind === "device";
  badge.textContent = t(state.kind === "authorised" ? "clock.authorised" : "clock.set");
  const banner = $("#clock-override");
  banner.hidden = state.kind !== "authorised";
  banner.textContent = state.kind === "authorised" ? t("clock.override", { who: state.by }) : "";
}

/** The phase now, or null when no clock is known yet. */
export function currentPhase(): Phase | null {
  return app.clock ? app.clock.phaseAt(performance.now()) : null;
}
