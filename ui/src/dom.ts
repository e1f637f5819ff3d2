// Small DOM helpers: find an element that must exist, build one, and translate the static
// markup (elements marked with data-i18n*). No framework: the screens are a handful of forms.
import { isKey, t } from "./i18n";

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

/** Shows a status line: `data-kind` ok/error/info and `data-code` for a Rust error code. */
export function say(el: HTMLElement, kind: MessageKind, text: string, code?: string, details: string[] = []): void {
  el.dataset.kind = kind;
  if (code) el.dataset.code = code;
  else delete el.dataset.code;
  el.replaceChildren(text);
  if (details.length) el.append(h("ul", { class: "details" }, ...details.map((d) => h("li", {}, d))));
  el.hidden = false;
}

export function clear(el: HTMLElement): void {
  el.replaceChildren();
  delete el.dataset.kind;
  delete el.dataset.code;
  el.hidden = true;
}
