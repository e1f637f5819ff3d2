// The desktop camera, shared by the two panels that use it: the fallback photo (screens/
// capture.ts) and scanning an enrollment code's QR code (screens/connect.ts). getUserMedia with
// the back camera preferred, video only (the shell answers WebKitGTK's permission request for
// video and nothing else); a frame is taken from the preview as a JPEG for Rust.

/** Whether the webview offers getUserMedia at all. */
export const cameraApi = (): boolean => typeof navigator !== "undefined" && !!navigator.mediaDevices?.getUserMedia;

/** Opens the camera (the back one where there is a choice). Rejects when there is none or it is denied. */
export function openCamera(): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({
    video: { facingMode: "environment", width: { ideal: 1920 }, height: { ideal: 1080 } },
    audio: false,
  });
}

/** Stops every track of `stream` and detaches it from `video`. */
export function closeCamera(stream: MediaStream | null, video: HTMLVideoElement | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
  if (video) video.srcObject = null;
}

/** The preview's current frame as JPEG bytes, or null while the camera shows nothing yet. */
export async function grabFrame(video: HTMLVideoElement, quality = 0.92): Promise<Uint8Array | null> {
  if (video.videoWidth === 0) return null;
  const canvas = document.createElement("canvas");
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext("2d")?.drawImage(video, 0, 0);
  const blob = await new Promise<Blob | null>((done) => canvas.toBlob(done, "image/jpeg", quality));
  return blob ? new Uint8Array(await blob.arrayBuffer()) : null;
}
