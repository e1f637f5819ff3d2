// The fallback photo panel (#capture) on the card: after failed face recognition the proctor
// vouches and photographs candidate and proctor together at the seat (DOMAIN.md step 4). The
// desktop camera (getUserMedia; the shell answers WebKitGTK's permission request), the phone's
// camera app (<input capture="environment">) or a photo file; the photo is shown, then sent to
// Rust as raw bytes, where it is stamped, signed and stored and the candidate becomes "pending".
// What is shown and enabled comes from `captureView` (capture.ts).
import { api, type ActResult, type CandidateCard, type ErrorCode, type FaceFailure } from "../ipc";
import { $, h, imageSlot, say, UiCode } from "../dom";
import { t } from "../i18n";
import { captureView, initialCapture, photoProblem, stateMoved, type Capture, type PhotoProblem, type PhotoSource } from "../capture";
import { app } from "../state";
import { cameraApi, closeCamera, grabFrame, openCamera } from "../camera";
import type { Attempt } from "./approval";

/** What the card lends the panel (as for the approval panel). */
export interface CaptureHost {
  attempt<T>(work: () => Promise<T>): Promise<Attempt<T> | null>;
  card(): CandidateCard | null;
  busy(): boolean;
  /** Why face recognition failed, as the proctor stated it on the card. */
  face(): FaceFailure | null;
  /** The photo (from `source`) was taken: the card shows the new state. */
  taken(c: CandidateCard, result: ActResult, source: PhotoSource): void;
  reload(student: string): Promise<void>;
}

let host: CaptureHost | null = null;
let capture: Capture = initialCapture;
let stream: MediaStream | null = null;
const previewImage = imageSlot();
/** Bumped whenever the panel opens or closes: an answer (camera, frame, file) that arrives for an
 * earlier opening is dropped, and a camera it opened is stopped at once. */
let opening = 0;
let starting = false;

export function initCapture(h: CaptureHost): void {
  host = h;
}

/** Builds the (hidden) panel for the card `c`. */
export function buildCapture(c: CandidateCard): HTMLElement {
  const picker = (id: string, label: string, attrs: Record<string, string>) =>
    h("label", { class: "btn btn-wide file-button", for: id },
      label,
      h("input", { id, class: "visually-hidden", type: "file", ...attrs }));
  const el = h("section", { id: "capture", class: "capture", "aria-labelledby": "capture-title", hidden: true },
    h("h3", { id: "capture-title", class: "approval-title" }, t("capture.title")),
    h("p", { class: "approval-intro" }, t("capture.intro", { seat: c.seat })),
    h("button", { id: "camera-start", class: "btn btn-primary btn-wide", type: "button" }, t("capture.camera")),
    h("div", { id: "camera-live", class: "camera-live", hidden: true },
      h("video", { id: "camera-view", class: "camera-view", autoplay: true, playsinline: true, muted: true }),
      h("button", { id: "camera-shoot", class: "btn btn-primary btn-wide btn-tall", type: "button" }, t("capture.shoot")),
    ),
    h("div", { id: "photo-pickers", class: "photo-pickers" },
      picker("photo-capture", t("capture.phone"), { accept: "image/*", capture: "environment" }),
      picker("photo-file", t("capture.file"), { accept: "image/jpeg,image/png" }),
    ),
    h("figure", { id: "photo-preview-box", class: "photo-preview", hidden: true },
      h("img", { id: "photo-preview", alt: t("capture.preview") }),
    ),
    h("button", { id: "photo-send", class: "btn btn-wait btn-wide btn-tall", type: "button", hidden: true }, t("capture.send")),
    h("button", { id: "photo-retake", class: "btn btn-wide", type: "button", hidden: true }, t("capture.retake")),
    h("button", { id: "capture-cancel", class: "btn btn-small", type: "button" }, t("capture.cancel")),
  );
  wire(el);
  return el;
}

function wire(el: HTMLElement): void {
  $("#camera-start", el).addEventListener("click", () => void startCamera());
  $("#camera-shoot", el).addEventListener("click", () => void shoot());
  for (const [id, source] of [["#photo-capture", "phone"], ["#photo-file", "file"]] as const) {
    const input = $<HTMLInputElement>(id, el);
    input.addEventListener("change", () => {
      const file = input.files?.[0];
      input.value = "";
      if (file) void chosen(file, source);
    });
  }
  $("#photo-send", el).addEventListener("click", () => void send());
  $("#photo-retake", el).addEventListener("click", () => {
    setPhoto(null);
    update();
  });
  $("#capture-cancel", el).addEventListener("click", () => closeCapture());
}

export function openCapture(): void {
  const el = document.querySelector<HTMLElement>("#capture");
  if (!el) return;
  opening++;
  capture = initialCapture;
  el.hidden = false;
  update();
  el.scrollIntoView?.({ block: "nearest" });
}

/** Hides the panel, stops the camera, forgets the photo (the card closed, or it was sent). */
export function closeCapture(): void {
  opening++;
  stopCamera();
  setPhoto(null);
  capture = initialCapture;
  const el = document.querySelector<HTMLElement>("#capture");
  if (el) el.hidden = true;
}

export function captureOpen(): boolean {
  return document.querySelector<HTMLElement>("#capture")?.hidden === false;
}

function error(message: string, code: ErrorCode | UiCode): void {
  say($("#message"), "error", message, code);
}

async function startCamera(): Promise<void> {
  if (starting || stream) return;
  const mine = opening;
  starting = true;
  update();
  let opened: MediaStream;
  try {
    opened = await openCamera();
  } catch (e) {
    if (mine === opening) error(t("capture.no-camera", { why: e instanceof Error ? e.message : String(e) }), UiCode.NoCamera);
    return;
  } finally {
    starting = false;
  }
  const video = document.querySelector<HTMLVideoElement>("#camera-view");
  if (mine !== opening || !video || !captureOpen()) {
    // The panel closed (or reopened) while the camera was starting: do not leave it on.
    for (const track of opened.getTracks()) track.stop();
    update();
    return;
  }
  stream = opened;
  video.srcObject = stream;
  capture = { ...capture, live: true };
  update();
}

function stopCamera(): void {
  closeCamera(stream, document.querySelector<HTMLVideoElement>("#camera-view"));
  stream = null;
  capture = { ...capture, live: false };
}

/** One frame of the preview as a JPEG (the pipeline re-encodes at q85 after stamping). */
async function shoot(): Promise<void> {
  const mine = opening;
  const video = document.querySelector<HTMLVideoElement>("#camera-view");
  if (!video) return error(t("capture.not-ready"), UiCode.CameraNotReady);
  const bytes = await grabFrame(video);
  if (mine !== opening) return;
  if (!bytes) return error(t("capture.not-ready"), UiCode.CameraNotReady);
  setPhoto({ bytes, source: "camera" });
  stopCamera();
  update();
}

const PROBLEM_CODE: Record<PhotoProblem, UiCode> = {
  empty: UiCode.PhotoEmpty,
  "too-big": UiCode.PhotoTooBig,
  "not-image": UiCode.PhotoNotImage,
};

async function chosen(file: File, source: PhotoSource): Promise<void> {
  const mine = opening;
  const problem = photoProblem(file);
  if (problem) return error(t(`capture.${problem}`), PROBLEM_CODE[problem]);
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (mine !== opening) return;
  setPhoto({ bytes, source });
  update();
}

function setPhoto(photo: Capture["photo"]): void {
  capture = { ...capture, photo };
  const img = document.querySelector<HTMLImageElement>("#photo-preview");
  if (!img) return;
  previewImage.show(img, photo?.bytes ?? null);
  if (photo) img.dataset.source = photo.source;
}

async function send(): Promise<void> {
  const c = host?.card();
  const here = app.here;
  const photo = capture.photo;
  if (!host || !c || !here || !photo || host.busy()) return;
  const face = host.face() ?? undefined;
  const target = { sitting: here.sitting, student: c.student_number, actor: here.proctor.id, source: photo.source, face };
  const r = await host.attempt(() => api.takePhoto(target, photo.bytes));
  if (!r || host.card()?.student_number !== c.student_number) return;
  if (r.ok) {
    closeCapture();
    host.taken(c, r.value, photo.source);
    return;
  }
  error(r.error.message, r.error.code);
  // The photo itself was refused (corrupt, too large…): take another. Otherwise the state moved.
  if (stateMoved(r.error.code)) {
    closeCapture();
    await host.reload(c.student_number);
  } else {
    setPhoto(null);
  }
  update();
}

/** Sets what the panel shows from `captureView`. */
export function update(): void {
  const el = document.querySelector<HTMLElement>("#capture");
  if (!el || el.hidden) return;
  const busy = host?.busy() ?? false;
  const v = captureView(capture, { cameraApi: cameraApi(), busy });
  el.dataset.photo = capture.photo ? capture.photo.source : "";
  $("#camera-start", el).hidden = !v.startShown;
  $("#camera-live", el).hidden = !v.liveShown;
  $("#photo-pickers", el).hidden = !v.pickersShown;
  $("#photo-preview-box", el).hidden = !v.previewShown;
  const sendBtn = $<HTMLButtonElement>("#photo-send", el);
  sendBtn.hidden = !v.previewShown;
  sendBtn.disabled = !v.sendEnabled;
  const retake = $<HTMLButtonElement>("#photo-retake", el);
  retake.hidden = !v.previewShown;
  retake.disabled = !v.controlsEnabled;
  for (const id of ["#camera-start", "#camera-shoot", "#capture-cancel"]) {
    $<HTMLButtonElement>(id, el).disabled = !v.controlsEnabled;
  }
  if (starting) $<HTMLButtonElement>("#camera-start", el).disabled = true;
  for (const id of ["#photo-capture", "#photo-file"]) $<HTMLInputElement>(id, el).disabled = !v.controlsEnabled;
}
