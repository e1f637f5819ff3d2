// The candidate card: who it is, where they sit, and the steps at the door (ticket, ID, face, then
// admit / vouch / refuse). What is shown and enabled comes from `cardView` (flow.ts); this module
// draws it and sends the acts. While a call is in flight every action is disabled, so a double tap
// sends one act; Rust refuses a second admission anyway and its message is shown as given.
import { api, asIpcError, type ActResult, type CandidateCard, type DoorAct } from "../ipc";
import { $, h, imageSlot, say, UiCode } from "../dom";
import { t } from "../i18n";
import { decidedElsewhereLine, documentLabel, faceLabel, resultLine, stateLabel, stateTone, wrongRoomLine, type ActLike } from "../labels";
import { cardView, idInputReady, initialFlow, step, type Flow, type FlowEvent } from "../flow";
import { isPastCutoff } from "../clock";
import { app, emit, on } from "../state";
import { currentPhase } from "./header";
import { buildApproval, initApproval, updateApproval, type Attempt } from "./approval";
import { buildResolve } from "./resolve";
import { buildCapture, captureOpen, closeCapture, initCapture, openCapture, update as updateCapture } from "./capture";

let card: CandidateCard | null = null;
let flow: Flow = initialFlow;
let onClose: () => void = () => {};
let onSent: () => void = () => {};
let lastCurrent = "";

/** `onClose`: the card was closed; `onSent`: a wrong-room candidate was sent on (ready for the next). */
export function initCard(opts: { onClose: () => void; onSent: () => void }): void {
  onClose = opts.onClose;
  onSent = opts.onSent;
  on("lang", () => card && build());
  on("phase", () => card && update());
  // Another device decided (the chief's approval arrived with the sync): show it without a tap.
  on("changed", () => {
    if (card && !flow.busy) void reloadSynced(card.student_number);
  });
  // Leaving the door screen turns the camera off.
  on("screen", () => app.screen !== "door" && closeCapture());
  initApproval({
    attempt,
    card: () => card,
    busy: () => flow.busy,
    decided: (c, a, result) => {
      if (card !== c) return;
      applied(c, a, result);
      $("#message").scrollIntoView?.({ block: "nearest" });
    },
    reload,
    update,
  });
  initCapture({
    attempt,
    card: () => card,
    busy: () => flow.busy,
    face: () => flow.faceReason,
    taken: (c, result, source) => {
      if (card !== c) return;
      // How the photo was taken, for the chief examiner (Rust's card says the same once read).
      const pending = result.state.state === "pending-manual-verification";
      applied({ ...c, manual_photo_source: pending ? source : null }, { act: "vouch" }, result);
      $("#message").scrollIntoView?.({ block: "nearest" });
    },
    reload,
  });
}

export function openCard(c: CandidateCard): void {
  card = c;
  flow = initialFlow;
  lastCurrent = "ticket";
  build();
  $("#results").hidden = true;
  $("#card").hidden = false;
  document.querySelector(".screens")?.scrollTo?.({ top: 0 });
  $("#screen-door").scrollTo?.({ top: 0 });
}

export function closeCard(): void {
  closeCapture();
  card = null;
  flow = initialFlow;
  const el = $("#card");
  el.hidden = true;
  el.replaceChildren();
  delete el.dataset.student;
  delete el.dataset.state;
  onClose();
}

function dispatch(ev: FlowEvent): void {
  flow = step(flow, ev);
  update();
  // On a phone the next step is often below the fold: bring it up as soon as it is next.
  const current = document.querySelector<HTMLElement>('#card .step[data-current="true"]');
  if (current && current.dataset.step !== lastCurrent) {
    lastCurrent = current.dataset.step ?? "";
    if (lastCurrent !== "ticket") current.scrollIntoView?.({ block: "nearest" });
  }
}

const registrationImage = imageSlot();

/** Shows the registration photo, read as raw bytes from the local database (no network). */
async function showPhoto(c: CandidateCard): Promise<void> {
  if (!c.photo || !app.here) return;
  const bytes = await api.registrationPhoto(app.here.sitting, c.student_number).catch(() => null);
  const img = document.querySelector<HTMLImageElement>("#card-photo img");
  if (!bytes || bytes.byteLength === 0 || !img || card !== c) return;
  registrationImage.show(img, bytes);
}

/** Builds the card's elements; `update` then sets what is shown, enabled and pressed. */
function build(): void {
  if (!card) return;
  const el = $("#card");
  const keep = {
    id: el.querySelector<HTMLInputElement>("#id-input")?.value ?? "",
    note: el.querySelector<HTMLInputElement>("#refuse-note")?.value ?? "",
    rejectNote: el.querySelector<HTMLInputElement>("#reject-note")?.value ?? "",
  };
  const fact = (label: string, value: string, cls = "", id?: string) =>
    h("div", { class: `fact ${cls}` }, h("dt", {}, label), h("dd", { id }, value));
  void showPhoto(card);
  closeCapture();
  el.replaceChildren(
    h("div", { class: "card-head" },
      h("h2", { id: "card-name", class: "card-name" }, card.name),
      h("span", { id: "card-state", class: "badge badge-big" }),
      h("button", { id: "close-card", class: "btn btn-small", type: "button" }, t("card.close")),
    ),
    h("dl", { class: "card-facts" },
      fact(t("card.seat"), String(card.seat), "fact-big"),
      fact(t("card.room"), t("context.room", { room: card.room }), "fact-big"),
      fact(t("card.student"), card.student_number, "mono"),
      fact(t("card.document"), documentLabel(card.document_kind)),
      fact(t("card.document-number"), card.document_masked, "fact-wide mono", "card-id"),
      fact(t("face.label"), faceLabel(card.face), "fact-wide", "card-face"),
    ),
    card.photo
      ? h("figure", { id: "card-photo", class: "photo", "data-photo": card.photo },
          h("img", { alt: t("card.photo", { file: card.photo }) }))
      : h("p", { class: "photo" }, t("card.no-photo")),
    h("div", { id: "wrong-room", class: "banner", "data-tone": "bad", role: "alert", hidden: true }),
    h("button", { id: "refuse-wrong-room", class: "btn btn-refuse btn-wide", type: "button", hidden: true }, t("card.refuse-wrong-room")),
    h("div", { id: "late-banner", class: "banner", "data-tone": "off", role: "note", hidden: true }, t("card.late")),
    h("p", { id: "card-final", class: "final-note", hidden: true }),
    buildResolve(card, app.here?.sitting ?? "", (fresh) => card?.student_number === fresh.student_number && openCard(fresh)) ?? "",
    buildApproval(keep.rejectNote),
    h("div", { id: "card-steps", class: "steps" },
      h("div", { class: "step", "data-step": "ticket" },
        h("p", { class: "step-title" }, t("step.ticket")),
        h("button", { id: "confirm-ticket", class: "btn btn-wide", type: "button" }, t("step.ticket.confirm")),
      ),
      h("div", { class: "step", "data-step": "id" },
        h("label", { class: "step-title", for: "id-input" }, t("step.id")),
        h("div", { class: "inline" },
          h("input", {
            id: "id-input", class: "field-input mono", type: "text", inputmode: "text", autocomplete: "off",
            autocapitalize: "characters", spellcheck: "false", maxlength: 32, placeholder: t("step.id.input"),
          }),
          h("button", { id: "check-id", class: "btn", type: "button" }, t("step.id.check")),
        ),
        h("p", { id: "id-result", class: "id-result", role: "status", hidden: true }),
      ),
      h("div", { class: "step", "data-step": "face" },
        h("p", { class: "step-title" }, t("step.face")),
        h("div", { class: "btn-row" },
          h("button", { id: "face-passed", class: "btn choice", type: "button", "data-tone": "ok" }, t("step.face.passed")),
          h("button", { id: "face-failed", class: "btn choice", type: "button", "data-tone": "bad" }, t("step.face.failed")),
        ),
        h("div", { id: "face-reasons", class: "btn-row", role: "group", "aria-label": t("face.reason"), hidden: true },
          h("button", { id: "face-reason-environment", class: "btn choice", type: "button" }, t("face.reason.environment")),
          h("button", { id: "face-reason-no-match", class: "btn choice", type: "button" }, t("face.reason.no-match")),
        ),
      ),
      h("div", { class: "step", "data-step": "decide" },
        h("p", { class: "step-title" }, t("step.decide")),
        h("button", { id: "admit", class: "btn btn-admit btn-wide", type: "button" }, t("act.admit")),
        h("button", { id: "vouch", class: "btn btn-wait btn-wide", type: "button", hidden: true }, t("act.vouch")),
        buildCapture(card),
        h("button", { id: "refuse", class: "btn btn-outline-bad btn-wide", type: "button", "aria-controls": "refuse-panel" }, t("act.refuse")),
        h("div", { id: "refuse-panel", class: "refuse-panel", hidden: true },
          h("button", { id: "refuse-document", class: "btn btn-refuse btn-wide", type: "button" }, t("act.refuse-document")),
          h("button", { id: "refuse-face", class: "btn btn-refuse btn-wide", type: "button", hidden: true }, t("act.refuse-face")),
          h("label", { class: "step-title", for: "refuse-note" }, t("act.refuse-note")),
          h("input", { id: "refuse-note", class: "field-input", type: "text", autocomplete: "off", maxlength: 200 }),
          h("button", { id: "refuse-other", class: "btn btn-refuse btn-wide", type: "button" }, t("act.refuse-other")),
        ),
      ),
    ),
  );
  $<HTMLInputElement>("#id-input", el).value = keep.id;
  $<HTMLInputElement>("#refuse-note", el).value = keep.note;
  wire(el);
  update();
}

function wire(el: HTMLElement): void {
  const click = (id: string, fn: () => void) => $(id, el).addEventListener("click", fn);
  click("#close-card", closeCard);
  click("#confirm-ticket", () => dispatch({ type: "confirm-ticket" }));
  click("#check-id", () => void checkId());
  click("#face-passed", () => dispatch({ type: "face", face: "passed" }));
  click("#face-failed", () => dispatch({ type: "face", face: "failed" }));
  click("#face-reason-environment", () => dispatch({ type: "face-reason", reason: "environment" }));
  click("#face-reason-no-match", () => dispatch({ type: "face-reason", reason: "no-match" }));
  click("#refuse-face", () => void act({ act: "refuse", reason: { reason: "face-mismatch" } }));
  click("#admit", () => void act({ act: "admit" }));
  click("#vouch", () => void beginVouch());
  click("#refuse", () => dispatch({ type: "toggle-refuse" }));
  click("#refuse-document", () => void act({ act: "refuse", reason: { reason: "document-mismatch" } }));
  click("#refuse-other", () => {
    const note = $<HTMLInputElement>("#refuse-note", el).value.trim();
    if (!note) {
      say($("#message"), "error", t("act.refuse-note-needed"), UiCode.NoteNeeded);
      $<HTMLInputElement>("#refuse-note", el).focus();
      return;
    }
    void act({ act: "refuse", reason: { reason: "other", note } });
  });
  click("#refuse-wrong-room", () => void wrongRoom());
  const idInput = $<HTMLInputElement>("#id-input", el);
  idInput.addEventListener("input", () => {
    $("#id-result", el).hidden = true;
    dispatch({ type: "id-edited" });
  });
  idInput.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.isComposing) {
      ev.preventDefault();
      void checkId();
    }
  });
}

/** Runs one call to Rust with every action disabled; null when another call is in flight. */
async function attempt<T>(work: () => Promise<T>): Promise<Attempt<T> | null> {
  if (flow.busy) return null;
  dispatch({ type: "busy" });
  try {
    return { ok: true, value: await work() };
  } catch (e) {
    return { ok: false, error: asIpcError(e) };
  } finally {
    dispatch({ type: "idle" });
  }
}

/** Like `attempt`, showing the error; null when it failed or another call was in flight. */
async function call<T>(work: () => Promise<T>): Promise<{ value: T } | null> {
  const r = await attempt(work);
  if (!r) return null;
  if (r.ok) return { value: r.value };
  say($("#message"), "error", r.error.message, r.error.code, r.error.details);
  return null;
}

async function checkId(): Promise<void> {
  const c = card;
  const here = app.here;
  if (!c || !here) return;
  const typed = $<HTMLInputElement>("#id-input").value;
  const out = $("#id-result");
  if (!idInputReady(typed)) {
    out.dataset.match = "";
    out.dataset.tone = "bad";
    out.textContent = t("step.id.too-short");
    out.hidden = false;
    return;
  }
  const answer = await call(() => api.checkDocument(here.sitting, c.student_number, typed));
  if (!answer || card !== c) return;
  const match = answer.value;
  out.dataset.match = match;
  out.dataset.tone = match === "mismatch" ? "bad" : "ok";
  out.textContent = t(`step.id.${match}`);
  out.hidden = false;
  dispatch({ type: "id-checked", match });
  (match === "mismatch" ? $("#refuse-panel") : out).scrollIntoView?.({ block: "nearest" });
}

/** Asks Rust first: after T+30 the candidate is refused as late right here, with no photo. */
async function beginVouch(): Promise<void> {
  const c = card;
  const here = app.here;
  if (!c || !here) return;
  const answer = await call(() => api.beginVouch(here.sitting, c.student_number, here.proctor.id));
  if (card !== c) return;
  if (!answer) {
    await reload(c.student_number);
    return;
  }
  if (answer.value) {
    applied(c, { act: "vouch" }, answer.value);
    return;
  }
  openCapture();
  update();
}

async function act(a: DoorAct): Promise<void> {
  const c = card;
  const here = app.here;
  if (!c || !here) return;
  const answer = await call(() => api.act(here.sitting, c.student_number, here.proctor.id, a));
  if (card !== c) return;
  if (!answer) {
    await reload(c.student_number);
    return;
  }
  applied(c, a, answer.value);
}

/** Shows the state an act (the proctor's, or the chief examiner's decision) produced. */
function applied(c: CandidateCard, a: ActLike, result: ActResult): void {
  card = { ...c, state: result.state };
  const line = resultLine(card, a, result);
  say($("#message"), "ok", t(line.key, line.params));
  $("#message").dataset.state = result.state.state;
  flow = result.state.state === "refused" ? step(flow, { type: "reset" }) : { ...flow, refusing: false };
  if (result.state.state === "refused") build();
  else update();
  emit("acted");
  void refreshFace(c.student_number);
}

/** The act changed the face-recognition record (Rust reads it from the acts): show it. */
async function refreshFace(student: string): Promise<void> {
  const here = app.here;
  if (!here) return;
  const fresh = await api.card(here.sitting, student).catch(() => null);
  if (!fresh || card?.student_number !== student) return;
  card = { ...card, face: fresh.face };
  const line = document.querySelector<HTMLElement>("#card-face");
  if (line) line.textContent = faceLabel(fresh.face);
  line?.setAttribute("data-face", fresh.face.result);
}

/** After a refused act, shows the state Rust holds (another device may have acted). */
async function reload(student: string): Promise<void> {
  const here = app.here;
  if (!here) return;
  try {
    const fresh = await api.card(here.sitting, student);
    if (card?.student_number === student) {
      card = fresh;
      update();
    }
  } catch {
    // The act's own error is already on screen.
  }
}

/** After the sync merged other devices' events: the card as Rust now holds it, and, when the
 * chief decided the pending verification meanwhile, the line that says so. */
async function reloadSynced(student: string): Promise<void> {
  const here = app.here;
  const before = card;
  if (!here || !before) return;
  try {
    const fresh = await api.card(here.sitting, student);
    if (card !== before) return; // the proctor moved on meanwhile
    const line = decidedElsewhereLine(before.state, fresh);
    card = fresh;
    if (line) {
      say($("#message"), "ok", t(line.key, line.params));
      $("#message").dataset.state = fresh.state.state;
    }
    // As after the proctor's own refusal: the steps start over for what comes next.
    if (fresh.state.state === "refused" && before.state.state !== "refused") {
      flow = step(flow, { type: "reset" });
      build();
    } else update();
  } catch {
    // The card stays as it was; the next change reads it again.
  }
}

async function wrongRoom(): Promise<void> {
  const c = card;
  const here = app.here;
  if (!c || !here) return;
  const done = await call(() => api.noteWrongRoom(here.sitting, c.student_number, here.proctor.id, here.room));
  if (!done || card !== c) return;
  say($("#message"), "ok", t("result.wrong-room", { name: c.name, room: c.room, address: c.room_address }));
  $("#message").dataset.room = c.room;
  closeCard();
  onSent();
  emit("acted");
}

function update(): void {
  const c = card;
  const here = app.here;
  if (!c || !here) return;
  const el = $("#card");
  const v = cardView(c, here, flow);
  el.dataset.student = c.student_number;
  el.dataset.state = c.state.state;
  el.dataset.tone = stateTone(c.state);
  el.dataset.mode = v.mode;
  el.setAttribute("aria-busy", flow.busy ? "true" : "false");
  const badge = $("#card-state", el);
  badge.textContent = stateLabel(c.state);
  badge.dataset.tone = stateTone(c.state);

  const wrong = wrongRoomLine(c, here);
  const banner = $("#wrong-room", el);
  banner.hidden = v.mode !== "wrong-room";
  banner.textContent = wrong ? t(wrong.key, wrong.params) : "";
  const wrongBtn = $<HTMLButtonElement>("#refuse-wrong-room", el);
  wrongBtn.hidden = v.mode !== "wrong-room";
  wrongBtn.disabled = !v.controlsEnabled;

  const phase = currentPhase();
  $("#late-banner", el).hidden = !(v.mode === "flow" && phase !== null && isPastCutoff(phase));
  const final = $("#card-final", el);
  final.hidden = v.finalNote === null;
  final.textContent = v.finalNote ? t(v.finalNote) : "";
  final.dataset.note = v.finalNote ?? "";
  $("#card-steps", el).hidden = v.mode !== "flow";

  for (const s of el.querySelectorAll<HTMLElement>(".step")) {
    s.dataset.current = String(s.dataset.step === v.current);
  }
  const ticket = $<HTMLButtonElement>("#confirm-ticket", el);
  ticket.textContent = t(v.ticketDone ? "step.ticket.done" : "step.ticket.confirm");
  ticket.setAttribute("aria-pressed", String(v.ticketDone));
  ticket.disabled = v.ticketDone || !v.controlsEnabled;
  ticket.dataset.done = String(v.ticketDone);
  $<HTMLInputElement>("#id-input", el).disabled = !v.controlsEnabled;
  $<HTMLButtonElement>("#check-id", el).disabled = !v.controlsEnabled;
  for (const face of ["passed", "failed"] as const) {
    const b = $<HTMLButtonElement>(`#face-${face}`, el);
    b.setAttribute("aria-pressed", String(flow.face === face));
    b.disabled = !v.controlsEnabled;
  }
  $("#face-reasons", el).hidden = !v.reasonShown;
  for (const reason of ["environment", "no-match"] as const) {
    const b = $<HTMLButtonElement>(`#face-reason-${reason}`, el);
    b.setAttribute("aria-pressed", String(flow.faceReason === reason));
    b.disabled = !v.controlsEnabled;
  }
  const refuseFace = $<HTMLButtonElement>("#refuse-face", el);
  refuseFace.hidden = !v.reasonShown;
  refuseFace.disabled = !v.controlsEnabled;
  $("#card-face", el).textContent = faceLabel(c.face);
  $("#card-face", el).dataset.face = c.face.result;
  const admit = $<HTMLButtonElement>("#admit", el);
  admit.hidden = !v.admitShown;
  admit.disabled = !v.admitEnabled;
  const vouch = $<HTMLButtonElement>("#vouch", el);
  // The panel stays open only while a vouch is still right (e.g. not after the ID was edited).
  if (captureOpen() && (!v.vouchShown || (!flow.busy && !v.vouchEnabled))) closeCapture();
  vouch.hidden = !v.vouchShown || captureOpen();
  vouch.disabled = !v.vouchEnabled;
  updateCapture();
  const refuse = $<HTMLButtonElement>("#refuse", el);
  refuse.hidden = !v.refuseShown;
  refuse.disabled = !v.controlsEnabled;
  refuse.setAttribute("aria-expanded", String(v.refusePanel));
  // After a mismatched ID the refusal choices sit right under the red line, not three steps down.
  const panel = $("#refuse-panel", el);
  const home = flow.id === "mismatch" ? $("#id-result", el) : refuse;
  if (panel.previousElementSibling !== home) home.after(panel);
  panel.hidden = !v.refusePanel;
  $<HTMLButtonElement>("#refuse-document", el).disabled = !v.controlsEnabled;
  $<HTMLButtonElement>("#refuse-other", el).disabled = !v.controlsEnabled;
  updateApproval(v.approvalShown, flow.busy);
}
