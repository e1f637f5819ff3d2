// Small DOM helpers: find an element that must exist, build one, and translate the static
// markup (elements marked with data-i18n*). No framework: the screens are a handful of forms.
import { isKey, t } from "./i18n";
import { asIpcError, type ErrorCode } from "./ipc";

export function $<T extends HTMLElement = HTMLElement>(selector: string, root: ParentNode = document): T {
  const el = root.querySelector<T>(selector);
  if (!el) throw new Error(`missing element ${selector}`);
  return el;
}

type Attrs = Record<string, string | number | boolean | undefined>;

/** Creates `<tag>` with attributes (`class`, `data-*`, `aria-*`, booleans) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Array<Node | string | null | undefined | false>
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c);
  }
  return el;
}

/** Fills text, placeholders and labels of elements marked `data-i18n`, `data-i18n-placeholder`, `data-i18n-label`. */
export function translateStatic(root: ParentNode = document): void {
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n]")) {
    const k = el.dataset.i18n!;
    if (isKey(k)) el.textContent = t(k);
  }
  for (const el of root.querySelectorAll<HTMLInputElement>("[data-i18n-placeholder]")) {
    const k = el.dataset.i18nPlaceholder!;
    if (isKey(k)) el.placeholder = t(k);
  }
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n-label]")) {
    const k = el.dataset.i18nLabel!;
    if (isKey(k)) el.setAttribute("aria-label", t(k));
  }
}

export type MessageKind = "ok" | "error" | "info";

/** Codes of the screens' own errors (checks made before anything is sent to Rust, or the
 * webview's camera), beside Rust's `ErrorCode`s; end-to-end tests wait for them in `data-code`. */
export const UiCode = {
  NotFound: "not-found",
  NoCamera: "no-camera",
  CameraNotReady: "camera-not-ready",
  PhotoEmpty: "photo-empty",
  PhotoTooBig: "photo-too-big",
  PhotoNotImage: "photo-not-image",
  PinNeeded: "pin-needed",
  PinMismatch: "pin-mismatch",
  NoteNeeded: "note-needed",
} as const;
export type UiCode = (typeof UiCode)[keyof typeof UiCode];

/** Shows a status line: `data-kind` ok/error/info and `data-code` for an error code. */
export function say(
  el: HTMLElement, kind: MessageKind, text: string, code?: ErrorCode | UiCode, details: string[] = [],
): void {
  el.dataset.kind = kind;
  if (code) el.dataset.code = code;
  else delete el.dataset.code;
  el.replaceChildren(text);
  if (details.length) el.append(h("ul", { class: "details" }, ...details.map((d) => h("li", {}, d))));
  el.hidden = false;
}

/** Shows a rejected call's `{code, message, details}` in `el`. */
export function sayError(el: HTMLElement, e: unknown): void {
  const err = asIpcError(e);
  say(el, "error", err.message, err.code, err.details);
}

/**
 * An <img> fed with bytes from Rust (a photo): one object URL at a time, the previous one
 * released; no bytes clears the image.
 */
export function imageSlot(): { show(img: HTMLImageElement, bytes: ArrayBuffer | Uint8Array | null): void } {
  let url: string | null = null;
  return {
    show(img, bytes) {
      if (url) URL.revokeObjectURL(url);
      url = null;
      if (bytes && bytes.byteLength > 0) {
        url = URL.createObjectURL(new Blob([bytes as BlobPart]));
        img.src = url;
      } else {
        img.removeAttribute("src");
      }
    },
  };
}

export function clear(el: HTMLElement): void {
  el.replaceChildren();
  delete el.dataset.kind;
  delete el.dataset.code;
  el.hidden = true;
}
