// The fallback photo's capture, as data: which controls the capture panel shows, whether a chosen
// file can be sent, and the header that says whose photo it is. The panel (screens/capture.ts)
// only draws this. Three ways in, best first: the desktop camera (getUserMedia), the phone's own
// camera app (<input capture>), a photo file. Whatever the source, the proctor sees the photo
// before it is sent, and it goes to Rust as raw bytes (never base64 JSON).
import { ErrorCode, type PhotoSource, type PhotoTarget } from "./bindings";

export type { PhotoSource };

export interface Capture {
  /** The camera preview is running. */
  live: boolean;
  /** The photo taken or chosen, waiting for "send"; null before one exists. */
  photo: { bytes: Uint8Array; source: PhotoSource } | null;
}

export const initialCapture: Capture = { live: false, photo: null };

/** Refused in the UI before anything is sent: Rust refuses what is corrupt or too large in pixels. */
export const MAX_PHOTO_BYTES = 40 * 1024 * 1024;

export type PhotoProblem = "empty" | "too-big" | "not-image";

/** Why a chosen file cannot be the photo, or null. The type may be empty (some pickers omit it). */
export function photoProblem(file: { size: number; type: string }): PhotoProblem | null {
  if (file.size === 0) return "empty";
  if (file.size > MAX_PHOTO_BYTES) return "too-big";
  if (file.type !== "" && !file.type.startsWith("image/")) return "not-image";
  return null;
}

export interface CaptureView {
  /** "Open the camera": the webview has getUserMedia and the preview is not running. */
  startShown: boolean;
  /** The preview and its shutter button. */
  liveShown: boolean;
  /** The phone-camera and file pickers (hidden while a photo waits to be sent). */
  pickersShown: boolean;
  /** The photo taken, with "send" and "retake". */
  previewShown: boolean;
  sendEnabled: boolean;
  controlsEnabled: boolean;
}

export function captureView(c: Capture, env: { cameraApi: boolean; busy: boolean }): CaptureView {
  const waiting = c.photo !== null;
  return {
    startShown: env.cameraApi && !c.live && !waiting,
    liveShown: c.live && !waiting,
    pickersShown: !waiting,
    previewShown: waiting,
    sendEnabled: waiting && !env.busy,
    controlsEnabled: !env.busy,
  };
}

/**
 * Whether a refused photo was refused because the candidate's state moved on (another device
 * decided meanwhile): the panel closes and the card is read again. Any other refusal was the
 * photo's own (corrupt, too large…) or the device's: take another.
 */
export function stateMoved(code: ErrorCode): boolean {
  switch (code) {
    case ErrorCode.AlreadyAdmitted:
    case ErrorCode.AlreadyAbsent:
    case ErrorCode.AwaitingApproval:
    case ErrorCode.Conflict:
      return true;
    default:
      return false;
  }
}

/** The PHOTO_TARGET_HEADER value: the target as JSON, percent-encoded (sitting labels are Chinese). */
export function targetHeader(target: PhotoTarget): string {
  return encodeURIComponent(JSON.stringify(target));
}
