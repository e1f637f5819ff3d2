import { describe, expect, it } from "vitest";
import { ErrorCode } from "./bindings";
import { MAX_PHOTO_BYTES, captureView, initialCapture, photoProblem, stateMoved, targetHeader } from "./capture";

const photo = { bytes: new Uint8Array([0xff, 0xd8, 0xff]), source: "file" as const };

describe("the fallback photo's capture", () => {
  it("offers the desktop camera only where the webview has one", () => {
    expect(captureView(initialCapture, { cameraApi: true, busy: false }).startShown).toBe(true);
    expect(captureView(initialCapture, { cameraApi: false, busy: false }).startShown).toBe(false);
    // The phone camera and the file picker are always there as the fallback.
    expect(captureView(initialCapture, { cameraApi: false, busy: false }).pickersShown).toBe(true);
  });

  it("shows the photo before it is sent, and sends nothing without one", () => {
    const none = captureView(initialCapture, { cameraApi: true, busy: false });
    expect(none.previewShown).toBe(false);
    expect(none.sendEnabled).toBe(false);
    const taken = captureView({ live: true, photo }, { cameraApi: true, busy: false });
    expect(taken.previewShown).toBe(true);
    expect(taken.sendEnabled).toBe(true);
    expect(taken.liveShown).toBe(false);
    expect(taken.pickersShown).toBe(false);
  });

  it("does not send twice while a photo is on its way", () => {
    const v = captureView({ live: false, photo }, { cameraApi: true, busy: true });
    expect(v.sendEnabled).toBe(false);
    expect(v.controlsEnabled).toBe(false);
  });

  it("refuses empty, oversized and non-image files before sending", () => {
    expect(photoProblem({ size: 0, type: "image/jpeg" })).toBe("empty");
    expect(photoProblem({ size: MAX_PHOTO_BYTES + 1, type: "image/jpeg" })).toBe("too-big");
    expect(photoProblem({ size: 10, type: "application/pdf" })).toBe("not-image");
    expect(photoProblem({ size: 10, type: "" })).toBeNull();
    expect(photoProblem({ size: 3_000_000, type: "image/jpeg" })).toBeNull();
  });

  it("encodes whose photo it is so a Chinese sitting label survives a header", () => {
    const target = { sitting: "2023春 第一次", student: "2023420100001", actor: "J2101", source: "phone" as const };
    const h = targetHeader(target);
    expect(h).toMatch(/^[\x21-\x7e]+$/);
    expect(JSON.parse(decodeURIComponent(h))).toEqual(target);
  });

  it("closes the panel when the candidate's state moved on, and asks for another photo otherwise", () => {
    for (const code of [ErrorCode.AlreadyAdmitted, ErrorCode.AlreadyAbsent, ErrorCode.AwaitingApproval, ErrorCode.Conflict]) {
      expect(stateMoved(code), code).toBe(true);
    }
    for (const code of [ErrorCode.TruncatedImage, ErrorCode.NotAnImage, ErrorCode.TooLarge, ErrorCode.Internal]) {
      expect(stateMoved(code), code).toBe(false);
    }
  });
});
