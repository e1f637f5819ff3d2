// The 30-minute count check on the door screen (DOMAIN.md step 5). After T+30 by the exam clock a
// banner stays above the search until the room's check is done and its photos taken. The panel
// takes the platform's face-recognition sign-in count as typed (Rust parses it: digits, at most
// the room's list), then lists by name who was admitted without passing recognition and the
// difference; each candidate who did not sign in is photographed with the proctor at the seat
// (the device's camera, the phone's camera app or a file, sent raw to the same stamping pipeline
// as the vouch's photo, kind "30-minute check"). Marking the rest absent stays on the tally screen, one confirmed step.
import { api, type CountCheckRow, type CountCheckView } from "../ipc";
import { $, clear, h, say, sayError } from "../dom";
import { t } from "../i18n";
import { faceLabel } from "../labels";
import { bannerLine, differenceLine, hhmmOf } from "../countcheck";
import { photoProblem, type PhotoSource } from "../capture";
import { cameraApi, closeCamera, grabFrame, openCamera } from "../camera";
import { app, on } from "../state";

let view: CountCheckView | null = null;
let asked = 0;
let busy = false;
/** The device camera, live for one candidate's photo. */
let live: { student: string; stream: MediaStream } | null = null;

export function initCountCheck(): void {
  const main = $("#door-main");
  main.prepend(
    h("button", { id: "count-banner", class: "banner banner-button", type: "button", "data-tone": "wait", role: "alert", hidden: true }),
  );
  $("#search").before(
    h("div", { id: "room-tools", class: "btn-row" },
      h("button", { id: "count-open", class: "btn", type: "button" }, t("count.open")),
    ),
  );
  $("#results").before(
    h("section", { id: "count-panel", class: "count-panel", "aria-labelledby": "count-title", hidden: true }),
  );
  $("#count-banner").addEventListener("click", () => open());
  $("#count-open").addEventListener("click", () => ($("#count-panel").hidden ? open() : close()));
  on("here", () => {
    view = null;
    close();
    void refresh();
  });
  for (const ev of ["acted", "changed", "phase", "screen"] as const) on(ev, () => void refresh());
  // Leaving the door screen turns the camera off, as the card's photo panel does.
  on("screen", () => {
    if (app.screen !== "door" && live) {
      stopCamera();
      render();
    }
  });
  on("lang", () => {
    $("#count-open").textContent = t("count.open");
    render();
  });
}

function open(): void {
  $("#count-panel").hidden = false;
  render();
  $("#count-panel").scrollIntoView?.({ block: "nearest" });
}

function close(): void {
  stopCamera();
  const panel = $("#count-panel");
  panel.hidden = true;
  panel.replaceChildren();
}

async function refresh(): Promise<void> {
  const here = app.here;
  if (!here) return;
  const n = ++asked;
  try {
    const fresh = await api.countCheck(here.sitting, here.site, here.room);
    if (n !== asked) return;
    view = fresh;
  } catch {
    return;
  }
  render();
}

function render(): void {
  const banner = $("#count-banner");
  const line = view ? bannerLine(view.banner) : null;
  banner.hidden = line === null;
  banner.textContent = line ? t(line.key, line.params) : "";
  banner.dataset.banner = view?.banner.banner ?? "";
  const panel = $("#count-panel");
  if (panel.hidden || !view) return;
  const v = view;
  const keep = panel.querySelector<HTMLInputElement>("#count-platform")?.value ?? "";
  const message = panel.querySelector<HTMLElement>("#count-message");
  panel.replaceChildren(
    h("h3", { id: "count-title", class: "approval-title" }, t("count.title")),
    v.due
      ? h("div", { class: "inline" },
          h("label", { class: "sr-only", for: "count-platform" }, t("count.platform")),
          h("input", {
            id: "count-platform", class: "field-input", type: "text", inputmode: "numeric",
            autocomplete: "off", maxlength: 12, placeholder: t("count.platform"),
          }),
          h("button", { id: "count-record", class: "btn btn-primary", type: "button" }, t(v.latest ? "count.redo" : "count.record")),
        )
      : h("p", { id: "count-not-yet", class: "hint" }, t("count.not-yet", { time: app.clock ? hhmmOf(app.clock.view.timeline.late_cutoff) : "T+30" })),
    message ?? h("div", { id: "count-message", class: "message", role: "status", hidden: true }),
    ...(live
      ? [h("div", { id: "count-camera", class: "camera-live", "data-student": live.student },
          h("video", { id: "count-camera-view", class: "camera-view", autoplay: true, playsinline: true, muted: true }),
          h("button", { id: "count-camera-shoot", class: "btn btn-primary btn-wide btn-tall", type: "button" }, t("capture.shoot")),
          h("button", { id: "count-camera-cancel", class: "btn btn-small", type: "button" }, t("capture.cancel")))]
      : []),
    ...comparison(v),
    h("button", { id: "count-close", class: "btn btn-small", type: "button" }, t("count.close")),
  );
  const input = panel.querySelector<HTMLInputElement>("#count-platform");
  if (input) {
    input.value = keep;
    input.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && !ev.isComposing) void record();
    });
  }
  panel.querySelector("#count-record")?.addEventListener("click", () => void record());
  $("#count-close", panel).addEventListener("click", close);
  const video = panel.querySelector<HTMLVideoElement>("#count-camera-view");
  if (video && live) video.srcObject = live.stream;
  panel.querySelector("#count-camera-shoot")?.addEventListener("click", () => void shoot());
  panel.querySelector("#count-camera-cancel")?.addEventListener("click", () => {
    stopCamera();
    render();
  });
  for (const b of panel.querySelectorAll<HTMLButtonElement>("button[data-camera]")) {
    b.addEventListener("click", () => void startCamera(b.dataset.camera ?? ""));
  }
  for (const file of panel.querySelectorAll<HTMLInputElement>("input[data-student]")) {
    file.addEventListener("change", () => {
      const chosen = file.files?.[0];
      file.value = "";
      if (chosen && file.dataset.student) void photo(file.dataset.student, chosen);
    });
  }
}

function comparison(v: CountCheckView): HTMLElement[] {
  const c = v.comparison;
  if (!v.latest || !c) return [];
  const diff = differenceLine(c);
  const byStudent = new Map(v.admitted.map((r) => [r.card.student_number, r]));
  const notPassed = c.not_passed.map((s) => byStudent.get(s)).filter((r): r is CountCheckRow => !!r);
  const others = v.admitted.filter((r) => !c.not_passed.includes(r.card.student_number));
  const showOthers = c.unexplained > 0 || others.some((r) => r.photographed);
  return [
    h("div", { id: "count-result", class: "count-result", "data-difference": String(c.difference), "data-missing": String(c.photos_missing) },
      h("p", { class: "count-line" }, t("count.result", { platform: c.platform_count, real: c.real_count })),
      h("p", { id: "count-difference", class: "count-line", "data-tone": c.difference === 0 ? "ok" : "bad" }, t(diff.key, diff.params)),
      h("p", { class: "hint" }, t("count.done", { time: hhmmOf(v.latest.at), who: v.latest.actor })),
    ),
    h("h4", { class: "step-title" }, t("count.not-passed")),
    h("ul", { id: "count-not-passed", class: "count-list" },
      ...(notPassed.length ? notPassed.map(row) : [h("li", { class: "tally-empty" }, t("count.not-passed-none"))])),
    c.unexplained > 0 ? h("p", { id: "count-unexplained", class: "banner", "data-tone": "bad" }, t("count.unexplained", { n: c.unexplained })) : h("span", {}),
    showOthers ? h("h4", { class: "step-title" }, t("count.others")) : h("span", {}),
    showOthers ? h("ul", { id: "count-others", class: "count-list" }, ...others.map(row)) : h("span", {}),
  ];
}

function row(r: CountCheckRow): HTMLElement {
  const c = r.card;
  return h("li", { class: "count-row", "data-student": c.student_number, "data-photographed": String(r.photographed) },
    h("span", { class: "tally-seat" }, t("door.seat", { seat: c.seat })),
    h("span", { class: "tally-name" }, c.name),
    h("span", { class: "result-ids" }, `${c.student_number} · ${c.document_masked} · ${t("face.label")}：${faceLabel(c.face)}`),
    !r.photographed && cameraApi()
      ? h("button", { class: "btn btn-wait btn-wide", type: "button", "data-camera": c.student_number }, t("capture.camera"))
      : null,
    r.photographed
      ? h("span", { class: "badge", "data-tone": "ok" }, t("count.photo-taken"))
      : h("label", { class: "btn btn-wait btn-wide file-button", for: `count-photo-${c.student_number}` },
          t("count.photo"),
          h("input", {
            id: `count-photo-${c.student_number}`, class: "visually-hidden", type: "file",
            accept: "image/*", capture: "environment", "data-student": c.student_number,
          })),
  );
}

function message(): HTMLElement {
  return $("#count-message");
}

async function record(): Promise<void> {
  const here = app.here;
  const input = document.querySelector<HTMLInputElement>("#count-platform");
  if (!here || !input || busy) return;
  busy = true;
  try {
    view = await api.recordCountCheck(here.sitting, here.site, here.room, here.proctor.id, input.value);
    input.value = "";
    clear(message());
    render();
  } catch (e) {
    sayError(message(), e);
  } finally {
    busy = false;
  }
}

async function startCamera(student: string): Promise<void> {
  if (live || busy || !student) return;
  try {
    live = { student, stream: await openCamera() };
  } catch (e) {
    say(message(), "error", t("capture.no-camera", { why: e instanceof Error ? e.message : String(e) }));
    return;
  }
  render();
}

function stopCamera(): void {
  closeCamera(live?.stream ?? null, document.querySelector<HTMLVideoElement>("#count-camera-view"));
  live = null;
}

async function shoot(): Promise<void> {
  const video = document.querySelector<HTMLVideoElement>("#count-camera-view");
  const student = live?.student;
  if (!video || !student) return;
  const bytes = await grabFrame(video);
  if (!bytes) return say(message(), "error", t("capture.not-ready"));
  stopCamera();
  await send(student, bytes, "camera");
}

async function photo(student: string, file: File): Promise<void> {
  const problem = photoProblem(file);
  if (problem) return say(message(), "error", t(`capture.${problem}`));
  await send(student, new Uint8Array(await file.arrayBuffer()), "phone");
}

/** Sends one candidate's photo to Rust (stamped, signed, recorded as the check's photo). */
async function send(student: string, bytes: Uint8Array, source: PhotoSource): Promise<void> {
  const here = app.here;
  if (!here || busy) return;
  busy = true;
  try {
    const target = {
      sitting: here.sitting, student, actor: here.proctor.id, source,
      site: here.site, room: here.room,
    };
    view = await api.takeCountCheckPhoto(target, bytes);
    const name = view.admitted.find((r) => r.card.student_number === student)?.card.name ?? student;
    render();
    say(message(), "ok", t("count.photo-sent", { name }));
  } catch (e) {
    sayError(message(), e);
  } finally {
    busy = false;
  }
}
