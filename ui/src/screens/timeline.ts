// The room's timeline strip on the door screen (issue 11, item 1): each step of the day with its
// time, missed ones first in red, then what is due now and what comes next; a missed or due step
// has a big 完成 ✓ button that records the tick (a room act that syncs). Rust decides the states
// from the exam time in force (a drill's set time too); the strip reads them again when the room,
// the clock or the log changes, and every 30 s so a step's time passing shows.
import "./proctors.css";
import { api, type RoomTimeline, type TimelineStep } from "../ipc";
import { $, h, say, sayError } from "../dom";
import { formatTime, parseRfc3339 } from "../clock";
import { pt, stateLabel, stepLabel, stepTone, tickable } from "../proctors-text";
import { app, on } from "../state";

const REREAD_MS = 30_000;
let shown: RoomTimeline | null = null;
let asked = 0;

/** Builds the strip at the top of `parent` and keeps it current. */
export function mountTimeline(parent: HTMLElement): void {
  const el = h("section", { id: "timeline", class: "timeline", "aria-labelledby": "timeline-title" },
    h("h3", { id: "timeline-title", class: "group-title" }),
    h("ol", { id: "timeline-steps", class: "timeline-steps" }),
    h("div", { id: "timeline-message", class: "message", role: "status", "aria-live": "polite", hidden: true }),
  );
  parent.prepend(el);
  el.addEventListener("click", (ev) => {
    const btn = (ev.target as HTMLElement).closest<HTMLButtonElement>("button.tick");
    if (btn?.dataset.step) void tick(btn, btn.dataset.step as TimelineStep);
  });
  for (const ev of ["here", "clock", "phase", "changed", "acted"] as const) on(ev, () => void refresh());
  on("lang", render);
  setInterval(() => void refresh(), REREAD_MS);
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
    const fresh = await api.roomTimeline(here.sitting, here.site, here.room);
    if (n !== asked) return;
    shown = fresh;
  } catch (e) {
    if (n === asked) sayError($("#timeline-message"), e);
  }
  render();
}

function hhmm(rfc: string | null): string {
  const at = rfc ? parseRfc3339(rfc) : null;
  return at ? formatTime(at.ms, at.offsetMin).slice(0, 5) : "";
}

function render(): void {
  const el = $("#timeline");
  el.hidden = shown === null;
  $("#timeline-title").textContent = pt("tl.title");
  const steps = shown?.steps ?? [];
  el.dataset.missed = String(steps.filter((s) => s.state === "missed").length);
  $("#timeline-steps").replaceChildren(
    ...steps.map((s) =>
      h("li", { class: "step", "data-step": s.step, "data-state": s.state },
        h("span", { class: "step-time" }, hhmm(s.at)),
        h("span", { class: "step-label" }, stepLabel(s.step)),
        h("span", { class: "badge", "data-tone": stepTone(s.state) }, stateLabel(s.state)),
        s.ticked_by ? h("span", { class: "step-done" }, pt("tl.done-by", { who: s.ticked_by, time: hhmm(s.ticked_at) })) : null,
        tickable(s.state)
          ? h("button", { class: "btn btn-primary tick", type: "button", "data-step": s.step }, pt("tl.tick"))
          : null,
      ),
    ),
  );
}

async function tick(btn: HTMLButtonElement, step: TimelineStep): Promise<void> {
  const here = app.here;
  if (!here || btn.disabled) return;
  btn.disabled = true;
  try {
    shown = await api.tickStep(here.sitting, here.site, here.room, here.proctor.id, step);
    say($("#timeline-message"), "ok", pt("tl.ticked", { step: stepLabel(step) }));
  } catch (e) {
    sayError($("#timeline-message"), e);
  } finally {
    btn.disabled = false;
  }
  render();
}
