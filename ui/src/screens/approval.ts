// The chief examiner's approval panel (#approval) on the card of a candidate awaiting manual
// verification (人工核验): choose the chief (the site's chief examiners, the only one preselected),
// and either the site office sets the chief's PIN at first use (a standalone device only), or, on
// a device enrolled with a site server, the panel says the PIN has not reached this device yet
// (the office sets it with `examgate serve chief-pin`, a sync brings it; 立即同步 when online),
// or the chief types the PIN and approves or rejects. Which step shows and what is enabled comes
// from `approvalView` (approval.ts). The chiefs and their PINs are read again when the panel
// appears and whenever a sync merged something (`changed`). The PIN lives only in its input and
// is cleared before each try is sent; Rust checks it, counts wrong tries and locks. Results and
// errors go to #message like every act.
import { api, ErrorCode, type ActResult, type CandidateCard, type DoorAct, type IpcError } from "../ipc";
import { $, h, imageSlot, say, sayError, UiCode, type MessageKind } from "../dom";
import { t } from "../i18n";
import {
  approvalView, chiefsLoaded, initialApproval, linkOf, lockSecondsFrom, locked, newPinProblem, pinEntered, pinKnown,
  rejectNoteReady, type Approval, type Link, type PinProblem,
} from "../approval";
import { syncErrorKey } from "../sync";
import { app, on } from "../state";
import { currentServer, refreshServer } from "./connect";
import { currentSync, refreshSync } from "./sync";

export type Attempt<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/** What the card lends the panel: its busy-guarded call, its state, and what to do after a decision. */
export interface ApprovalHost {
  /** Runs one call with the whole card disabled; null when another call is in flight. */
  attempt<T>(work: () => Promise<T>): Promise<Attempt<T> | null>;
  card(): CandidateCard | null;
  busy(): boolean;
  /** The chief decided: the card shows the new state. */
  decided(c: CandidateCard, act: DoorAct, result: ActResult): void;
  /** Reads the card again from Rust (another device may have decided). */
  reload(student: string): Promise<void>;
  /** Redraws the card (and with it this panel). */
  update(): void;
}

let host: ApprovalHost | null = null;
let approval: Approval = initialApproval;
/** Bumped by each fresh read of the chiefs, so a late answer for an older one is dropped. */
let generation = 0;
let ticker: ReturnType<typeof setInterval> | undefined;
/** The link the panel was last drawn with: a new sync state redraws it only when this changes. */
let drawnLink: Link | null = null;

/** The code each problem of a new PIN shows with: Rust's own where Rust would refuse it too. */
const PROBLEM_CODE: Record<PinProblem, ErrorCode | UiCode> = {
  empty: UiCode.PinNeeded,
  "not-digits": ErrorCode.WeakPin,
  "too-short": ErrorCode.WeakPin,
  mismatch: UiCode.PinMismatch,
};

export function initApproval(h: ApprovalHost): void {
  host = h;
  // Another site (or a new database): forget its chiefs; locks are Rust's and come back on a try.
  on("here", () => {
    approval = initialApproval;
    generation++;
  });
  // A sync merged events or a new catalogue: the PIN set at the server may have arrived.
  on("changed", () => {
    if (panelShown()) reread();
  });
  // Enrolled (or re-enrolled) meanwhile: the PINs now come from the server.
  on("server", () => {
    if (!panelShown()) return;
    host?.update();
    reread();
  });
  // Online or offline: 立即同步 comes and goes with the header's line.
  on("sync", () => {
    const link = currentLink();
    if (panelShown() && (drawnLink?.enrolled !== link.enrolled || drawnLink.online !== link.online)) host?.update();
  });
}

function panelShown(): boolean {
  const el = document.querySelector<HTMLElement>("#approval");
  return el !== null && !el.hidden;
}

function currentLink(): Link {
  return linkOf(currentServer(), currentSync());
}

/** Builds the panel's elements (hidden until `updateApproval` shows it); keeps a typed reason. */
export function buildApproval(keepNote = ""): HTMLElement {
  const pinInput = (id: string) =>
    h("input", {
      id, class: "field-input pin-input mono", type: "password", inputmode: "numeric", autocomplete: "off",
      autocapitalize: "off", spellcheck: "false", maxlength: 32,
    });
  const el = h("section", { id: "approval", class: "approval", "aria-labelledby": "approval-title", hidden: true },
    h("h3", { id: "approval-title", class: "approval-title" }, t("approval.title")),
    h("p", { class: "approval-intro" }, t("approval.intro")),
    h("figure", { id: "approval-photo", class: "photo-preview", hidden: true },
      h("img", { alt: t("approval.photo") })),
    h("p", { id: "approval-source", class: "approval-source", hidden: true }),
    h("label", { class: "field approval-chief" },
      h("span", { class: "field-label" }, t("approval.chief")),
      h("select", { id: "approval-chief", class: "field-input" }),
    ),
    h("p", { id: "approval-loading", class: "help", hidden: true }, t("approval.loading")),
    h("p", { id: "approval-no-chief", class: "banner", "data-tone": "bad", role: "alert", hidden: true }, t("approval.no-chief")),
    h("p", { id: "approval-status", class: "approval-status", hidden: true }),
    h("div", { id: "pin-setup", class: "pin-setup", hidden: true },
      h("p", { class: "pin-setup-title" }, t("approval.set.title")),
      h("p", { class: "help" }, t("approval.set.help")),
      h("label", { class: "step-title", for: "pin-new" }, t("approval.set.new")),
      pinInput("pin-new"),
      h("label", { class: "step-title", for: "pin-new-confirm" }, t("approval.set.confirm")),
      pinInput("pin-new-confirm"),
      h("button", { id: "pin-set", class: "btn btn-primary btn-wide", type: "button" }, t("approval.set.go")),
    ),
    h("div", { id: "pin-awaited", class: "pin-awaited", hidden: true },
      h("p", { class: "banner", "data-tone": "bad", role: "alert" }, t("approval.awaiting-pin")),
      h("button", { id: "approval-sync", class: "btn btn-primary btn-wide", type: "button", hidden: true }, t("sync.now")),
    ),
    h("div", { id: "pin-entry", class: "pin-entry", hidden: true },
      h("p", { id: "approval-who", class: "approval-who" }, t("approval.who")),
      h("label", { class: "step-title", for: "approval-pin" }, t("approval.pin")),
      pinInput("approval-pin"),
      h("p", { id: "approval-lock", class: "banner approval-lock", "data-tone": "bad", role: "timer", hidden: true }),
      h("button", { id: "approve", class: "btn btn-admit btn-wide btn-tall", type: "button" }, t("approval.approve")),
      h("div", { class: "reject-box" },
        h("label", { class: "step-title", for: "reject-note" }, t("approval.reject-note")),
        h("input", { id: "reject-note", class: "field-input", type: "text", autocomplete: "off", maxlength: 200 }),
        h("div", { class: "note-chips", role: "group", "aria-label": t("approval.note.label") },
          ...(["approval.note.unclear", "approval.note.not-person"] as const).map((k) =>
            h("button", { class: "btn btn-small note-chip", type: "button", "data-note": t(k) }, t(k))),
        ),
        h("button", { id: "reject", class: "btn btn-refuse btn-wide btn-tall", type: "button" }, t("approval.reject")),
      ),
    ),
  );
  $<HTMLInputElement>("#reject-note", el).value = keepNote;
  wire(el);
  return el;
}

function wire(el: HTMLElement): void {
  $<HTMLSelectElement>("#approval-chief", el).addEventListener("change", (ev) => {
    approval = { ...approval, chief: (ev.target as HTMLSelectElement).value || null };
    host?.update();
    askPin(generation);
  });
  $("#pin-set", el).addEventListener("click", () => void setPin());
  $("#approval-sync", el).addEventListener("click", () => void syncNow());
  $("#approve", el).addEventListener("click", () => void decide("approve"));
  $("#reject", el).addEventListener("click", () => void decide("reject"));
  for (const chip of el.querySelectorAll<HTMLButtonElement>(".note-chip")) {
    chip.addEventListener("click", () => {
      const note = $<HTMLInputElement>("#reject-note", el);
      note.value = chip.dataset.note ?? "";
      note.focus();
    });
  }
}

/** Shows or hides the panel and sets what is enabled; reads the chiefs again each time it shows. */
export function updateApproval(shown: boolean, busy: boolean): void {
  const el = document.querySelector<HTMLElement>("#approval");
  if (!el) return;
  const appearing = shown && el.hidden;
  el.hidden = !shown;
  if (!shown) {
    stopTicker();
    return;
  }
  // What is known stays on screen while it is read again (a PIN may have been set meanwhile).
  if (appearing) refresh();
  const link = currentLink();
  drawnLink = link;
  const v = approvalView(approval, performance.now(), busy, link);
  el.dataset.step = v.step;
  const source = host?.card()?.manual_photo_source ?? null;
  const sourceEl = $("#approval-source", el);
  sourceEl.hidden = source === null;
  sourceEl.textContent = source === null ? "" : t(`approval.source.${source}`);
  sourceEl.dataset.source = source ?? "";
  sourceEl.dataset.tone = source === "file" ? "bad" : "";
  el.dataset.chief = approval.chief ?? "";

  const select = $<HTMLSelectElement>("#approval-chief", el);
  const chiefs = approval.chiefs ?? [];
  const ids = chiefs.map((c) => c.id).join(",");
  if (select.dataset.ids !== ids) {
    select.replaceChildren(...chiefs.map((c) => h("option", { value: c.id }, `${c.name}（${c.id}）`)));
    select.dataset.ids = ids;
  }
  if (approval.chief !== null) select.value = approval.chief;
  select.disabled = !v.chiefEnabled;
  $(".approval-chief", el).hidden = chiefs.length === 0;

  $("#approval-loading", el).hidden = v.step !== "loading";
  $("#approval-no-chief", el).hidden = v.step !== "no-chief";
  $("#pin-setup", el).hidden = v.step !== "set-pin";
  $("#pin-entry", el).hidden = v.step !== "enter-pin";
  for (const id of ["#pin-new", "#pin-new-confirm"]) $<HTMLInputElement>(id, el).disabled = busy;
  $<HTMLButtonElement>("#pin-set", el).disabled = !v.setEnabled;
  $("#pin-awaited", el).hidden = v.step !== "awaiting-pin";
  const sync = $<HTMLButtonElement>("#approval-sync", el);
  sync.hidden = !v.syncShown;
  sync.disabled = !v.syncEnabled;

  const lock = $("#approval-lock", el);
  lock.hidden = v.lockSecs === 0;
  lock.dataset.secs = String(v.lockSecs);
  lock.textContent = v.lockSecs > 0 ? t("approval.locked", { secs: v.lockSecs }) : "";
  $<HTMLInputElement>("#approval-pin", el).disabled = busy || v.lockSecs > 0;
  $<HTMLButtonElement>("#approve", el).disabled = !v.decideEnabled;
  $<HTMLButtonElement>("#reject", el).disabled = !v.decideEnabled;
  $<HTMLInputElement>("#reject-note", el).disabled = busy;
  for (const chip of el.querySelectorAll<HTMLButtonElement>(".note-chip")) chip.disabled = busy;
  if (v.lockSecs > 0) startTicker();
  else stopTicker();
}

const manualImage = imageSlot();

/** Shows the stamped photo the chief is asked to approve (Rust checks it is the one signed). */
function showPhoto(n: number): void {
  const here = app.here;
  const c = host?.card();
  if (!here || !c) return;
  api.fallbackPhoto(here.sitting, c.student_number).then(
    (bytes) => {
      const fig = document.querySelector<HTMLElement>("#approval-photo");
      const img = fig?.querySelector("img");
      if (n !== generation || !fig || !img || bytes.byteLength === 0) return;
      manualImage.show(img, bytes);
      fig.hidden = false;
    },
    (e: unknown) => {
      if (n === generation) showError(e);
    },
  );
}

/** Reads the site's chief examiners, then whether the chosen one has a PIN on this device. */
function refresh(): void {
  const here = app.here;
  if (!here) return;
  const n = ++generation;
  showPhoto(n);
  readChiefs(n);
}

/** Reads the chiefs and the chosen one's PIN again, keeping the photo (after a sync). */
function reread(): void {
  readChiefs(generation);
}

function readChiefs(n: number): void {
  const here = app.here;
  if (!here) return;
  api.staff(here.site, null).then(
    (staff) => {
      if (n !== generation) return;
      approval = chiefsLoaded(approval, staff);
      host?.update();
      askPin(n);
    },
    (e: unknown) => {
      if (n === generation) showError(e);
    },
  );
}

function askPin(n: number): void {
  const chief = approval.chief;
  if (chief === null) return;
  api.hasPin(chief).then(
    (has) => {
      if (n !== generation) return;
      approval = pinKnown(approval, chief, has);
      host?.update();
    },
    (e: unknown) => {
      if (n === generation) showError(e);
    },
  );
}

function showError(e: unknown): void {
  sayError($("#message"), e);
}

/** The same line inside the panel, next to the PIN the chief is typing (#message may be off screen). */
function status(kind: MessageKind, text: string): void {
  const el = document.querySelector<HTMLElement>("#approval-status");
  if (!el) return;
  el.dataset.kind = kind;
  el.textContent = text;
  el.hidden = false;
}

function tell(kind: MessageKind, text: string, code?: ErrorCode | UiCode): void {
  say($("#message"), kind, text, code);
  status(kind, text);
}

async function setPin(): Promise<void> {
  const c = host?.card();
  const chief = approval.chief;
  if (!host || !c || chief === null || host.busy()) return;
  const first = $<HTMLInputElement>("#pin-new");
  const second = $<HTMLInputElement>("#pin-new-confirm");
  const pin = first.value;
  const again = second.value;
  first.value = "";
  second.value = "";
  const problem = newPinProblem(pin, again);
  if (problem) {
    tell("error", t(`approval.set.${problem}`), PROBLEM_CODE[problem]);
    first.focus();
    return;
  }
  const r = await host.attempt(() => api.setPin(chief, pin));
  if (!r) return;
  if (r.ok) {
    approval = pinKnown(approval, chief, true);
    host.update();
    tell("ok", t("result.pin-set"));
    document.querySelector<HTMLInputElement>("#approval-pin")?.focus();
    return;
  }
  tell("error", r.error.message, r.error.code);
  if (r.error.code === ErrorCode.PinAlreadySet) approval = pinKnown(approval, chief, true);
  // Enrolled since the panel was drawn: read the link again, and the form gives way.
  if (r.error.code === ErrorCode.PinSetAtServer) void refreshServer();
  host.update();
}

/** 立即同步 while the chief's PIN is awaited from the site server; then the PIN is asked again. */
async function syncNow(): Promise<void> {
  if (!host || host.busy()) return;
  tell("info", t("sync.busy"));
  const r = await host.attempt(() => api.syncNow());
  if (!r) return;
  void refreshSync();
  if (r.ok) tell("ok", t("sync.done"));
  else {
    const key = syncErrorKey(r.error.code);
    tell("error", key ? `${t(key)}：${r.error.message}` : r.error.message, r.error.code);
  }
  reread();
}

async function decide(kind: "approve" | "reject"): Promise<void> {
  const c = host?.card();
  const here = app.here;
  const chief = approval.chief;
  if (!host || !c || !here || chief === null || host.busy()) return;
  const pinEl = $<HTMLInputElement>("#approval-pin");
  const noteEl = $<HTMLInputElement>("#reject-note");
  const note = noteEl.value.trim();
  if (kind === "reject" && !rejectNoteReady(note)) {
    tell("error", t("approval.note-needed"), UiCode.NoteNeeded);
    noteEl.focus();
    return;
  }
  const pin = pinEl.value;
  // Cleared before it is sent: a PIN never stays on screen, right or wrong.
  pinEl.value = "";
  if (!pinEntered(pin)) {
    tell("error", t("approval.pin-needed"), UiCode.PinNeeded);
    pinEl.focus();
    return;
  }
  const act: DoorAct = kind === "approve" ? { act: "approve" } : { act: "reject", note };
  const r = await host.attempt(() => api.decideWithPin(here.sitting, c.student_number, chief, pin, act));
  if (!r || host.card()?.student_number !== c.student_number) return;
  if (r.ok) {
    host.decided(c, act, r.value);
    return;
  }
  const err = r.error;
  tell("error", err.message, err.code);
  switch (err.code) {
    case ErrorCode.PinLocked:
      approval = locked(approval, chief, lockSecondsFrom(err.message), performance.now());
      break;
    case ErrorCode.NoPin:
      approval = pinKnown(approval, chief, false);
      break;
    case ErrorCode.NothingToApprove:
      await host.reload(c.student_number);
      return;
  }
  host.update();
  if (err.code === ErrorCode.WrongPin) document.querySelector<HTMLInputElement>("#approval-pin")?.focus();
}

function startTicker(): void {
  if (ticker !== undefined) return;
  ticker = setInterval(() => host?.update(), 1000);
}

function stopTicker(): void {
  if (ticker === undefined) return;
  clearInterval(ticker);
  ticker = undefined;
}
