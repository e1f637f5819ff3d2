// Connecting this device to the site server (Start screen, #server-box): a big button opens the
// panel; the enrollment code comes pasted as text, scanned with the camera (frames go to Rust,
// which decodes the QR code), or from a picture of the QR code. Rust enrolls; the panel then shows
// what the device is connected as (site, room, role, staff, server address, fingerprint), and so
// does Settings (renderServer). Failures are told apart by their ErrorCode (connect.ts).
import { api, asIpcError, type IpcError, type ServerView } from "../ipc";
import { $, clear, h, say, UiCode } from "../dom";
import { t } from "../i18n";
import { afterFrame, enrollErrorKey, roleKey, serverFacts } from "../connect";
import { cameraApi, closeCamera, grabFrame, openCamera } from "../camera";
import { photoProblem, type PhotoProblem } from "../capture";
import { emit, go, on } from "../state";

/** The server this device is enrolled with, as last read from Rust; null when none. */
let server: ServerView | null = null;

export function currentServer(): ServerView | null {
  return server;
}

const PROBLEM_CODE: Record<PhotoProblem, UiCode> = {
  empty: UiCode.PhotoEmpty,
  "too-big": UiCode.PhotoTooBig,
  "not-image": UiCode.PhotoNotImage,
};

let busy = false;
let stream: MediaStream | null = null;
/** Bumped when a scan starts or stops: a frame answered for an earlier scan is dropped. */
let scan = 0;
/** Between two frames sent to Rust while scanning (the UI's pace, not a wait for an outcome). */
const FRAME_GAP_MS = 250;

const msg = () => $("#connect-message");

export function initConnect(): void {
  $("#connect-open").addEventListener("click", () => openPanel());
  $("#connect-cancel").addEventListener("click", () => closePanel());
  $("#connect-submit").addEventListener("click", () => void submit());
  $("#connect-scan").addEventListener("click", () => void startScan());
  $("#connect-scan-stop").addEventListener("click", () => stopScan());
  const file = $<HTMLInputElement>("#connect-file");
  file.addEventListener("change", () => {
    const chosen = file.files?.[0];
    file.value = "";
    if (chosen) void fromFile(chosen);
  });
  on("lang", renderStart);
  void refreshServer();
}

/** Reads the server link from Rust again and redraws every place that shows it. */
export async function refreshServer(): Promise<void> {
  try {
    server = await api.serverLink();
  } catch {
    server = null;
  }
  renderStart();
  emit("server");
}

/** Opens the connect panel on the Start screen (also from Settings' button). */
export function openPanel(): void {
  go("start");
  $("#connect-panel").hidden = false;
  $("#connect-open").hidden = true;
  clear(msg());
  $("#connect-code").focus();
  $("#connect-panel").scrollIntoView?.({ block: "nearest" });
}

function closePanel(): void {
  stopScan();
  $("#connect-panel").hidden = true;
  $("#connect-open").hidden = false;
}

/** Draws `view` (or "not connected") into `el`: the facts as a list, each marked `data-fact`. */
export function renderServer(el: HTMLElement, view: ServerView | null): void {
  el.dataset.connected = String(view !== null);
  if (!view) {
    el.replaceChildren(h("p", { class: "server-none" }, t("server.none")));
    return;
  }
  const facts = serverFacts(
    view,
    (room) => room ?? t("server.room-all"),
    (role) => t(roleKey(role)),
  );
  el.replaceChildren(
    h("p", { class: "server-connected" }, t("server.connected")),
    h("dl", { class: "facts server-facts" },
      ...facts.map(([key, value]) =>
        h("div", { class: key === "server.fingerprint" ? "fact fact-wide" : "fact", "data-fact": key.slice(7) },
          h("dt", {}, t(key)),
          h("dd", { class: key === "server.fingerprint" ? "mono fingerprint" : undefined }, value),
        ),
      ),
    ),
  );
}

function renderStart(): void {
  renderServer($("#start-server"), server);
  $("#connect-open").textContent = t(server ? "connect.reconnect" : "connect.open");
  $("#connect-open").classList.toggle("btn-primary", server === null);
}

function setBusy(on: boolean): void {
  busy = on;
  $("#connect-panel").setAttribute("aria-busy", String(on));
  for (const id of ["#connect-submit", "#connect-scan", "#connect-cancel"]) {
    $<HTMLButtonElement>(id).disabled = on;
  }
  $<HTMLInputElement>("#connect-file").disabled = on;
}

function showError(err: IpcError): void {
  const key = enrollErrorKey(err.code);
  if (key) say(msg(), "error", t(key), err.code, [err.message]);
  else say(msg(), "error", err.message, err.code, err.details);
}

async function submit(): Promise<void> {
  if (busy) return;
  const code = $<HTMLTextAreaElement>("#connect-code").value.trim();
  if (!code) {
    say(msg(), "error", t("connect.empty"), UiCode.CodeNeeded);
    return;
  }
  const name = $<HTMLInputElement>("#connect-name").value.trim();
  stopScan();
  setBusy(true);
  say(msg(), "info", t("connect.busy"));
  try {
    const done = await api.enroll(code, name || null);
    server = done.server;
    $<HTMLTextAreaElement>("#connect-code").value = "";
    closePanel();
    renderStart();
    emit("server");
    say(msg(), "ok", t("connect.done"));
  } catch (e) {
    showError(asIpcError(e));
  } finally {
    setBusy(false);
  }
}

/** A code read from a QR code: shown in the text box, then connected at once. */
async function connectWith(code: string): Promise<void> {
  $<HTMLTextAreaElement>("#connect-code").value = code;
  say(msg(), "info", t("connect.read"));
  await submit();
}

async function fromFile(file: File): Promise<void> {
  if (busy) return;
  const problem = photoProblem(file);
  if (problem) {
    say(msg(), "error", t(`capture.${problem}`), PROBLEM_CODE[problem]);
    return;
  }
  stopScan();
  setBusy(true);
  let code: string;
  try {
    code = await api.readEnrollQr(new Uint8Array(await file.arrayBuffer()));
  } catch (e) {
    showError(asIpcError(e));
    return;
  } finally {
    setBusy(false);
  }
  await connectWith(code);
}

async function startScan(): Promise<void> {
  if (busy || stream) return;
  const mine = ++scan;
  if (!cameraApi()) {
    say(msg(), "error", t("connect.no-camera", { why: "getUserMedia" }), UiCode.NoCamera);
    return;
  }
  let opened: MediaStream;
  try {
    opened = await openCamera();
  } catch (e) {
    if (mine === scan) {
      say(msg(), "error", t("connect.no-camera", { why: e instanceof Error ? e.message : String(e) }), UiCode.NoCamera);
    }
    return;
  }
  const video = $<HTMLVideoElement>("#connect-video");
  if (mine !== scan || $("#connect-panel").hidden) {
    closeCamera(opened, null);
    return;
  }
  stream = opened;
  video.srcObject = stream;
  $("#connect-camera").hidden = false;
  clear(msg());
  void scanFrames(mine, video);
}

/** Sends one frame at a time to Rust until a code is read or the scan stops. */
async function scanFrames(mine: number, video: HTMLVideoElement): Promise<void> {
  while (mine === scan) {
    const frame = await grabFrame(video, 0.85);
    if (mine !== scan) return;
    if (frame) {
      try {
        const code = await api.readEnrollQr(frame);
        if (mine !== scan) return;
        stopScan();
        await connectWith(code);
        return;
      } catch (e) {
        if (mine !== scan) return;
        const err = asIpcError(e);
        const step = afterFrame(err.code);
        if (step !== "quiet") showError(err);
        if (step === "stop") {
          stopScan();
          return;
        }
      }
    }
    await new Promise((done) => setTimeout(done, FRAME_GAP_MS));
  }
}

function stopScan(): void {
  scan++;
  closeCamera(stream, document.querySelector<HTMLVideoElement>("#connect-video"));
  stream = null;
  $("#connect-camera").hidden = true;
}
