// The chief examiner's overview (主考总览, #screen-chief): on a device enrolled as the site's chief
// examiner the app opens here. Every room of the site at a glance, the manual verifications
// waiting across the site (who, where, the ID masked, who vouched and when, the stamped photo
// fetched from the site server or 照片上传中), and the conflicts between devices. The chief opens
// one pending verification and approves or rejects it with the PIN (set by the office at the site
// server, `examgate serve chief-pin`, and brought by the sync), on this device. The overview
// is read again when the background sync merges other devices' events (`changed`), after each
// decision, and when the screen opens. Photos live only as object URLs in this page.
import { api, asIpcError, ErrorCode, type PendingApproval, type RoomCounts, type SiteOverview } from "../ipc";
import { $, clear, h, say, UiCode } from "../dom";
import { t } from "../i18n";
import { stateLabel, stateTone } from "../labels";
import { roomDay } from "./chief-roomday";
import { askAgain, isChief, photoSlot, pickSitting, roomCounts, siteTotals, vouchedLine, type PhotoSlot } from "../chief";
import { pinEntered, rejectNoteReady } from "../approval";
import { app, emit, on } from "../state";
import { currentServer } from "./connect";
import { refreshClock } from "./header";
import { initChiefExport } from "./chief-export";
import { keptResolve } from "./resolve";

/** A fallback while the screen is open, should a `changed` event be missed (a local read). */
const POLL_MS = 15_000;
/** While a photo is still uploading from the room's device, ask the server again this often. */
const UPLOADING_RETRY_MS = 3_000;
const SITTING_KEY = "examgate.chief.sitting";

let overview: SiteOverview | null = null;
let asked = 0;
/** The photo of each pending student: its slot and object URL (released when it leaves the list). */
const photos = new Map<string, { slot: PhotoSlot; url: string | null }>();
/** The pending verification whose decision panel is open. */
let open: string | null = null;
let hasPin: boolean | null = null;
let busy = false;

const msg = () => $("#chief-message");

export function initChief(): void {
  initChiefExport(() => $<HTMLSelectElement>("#chief-sitting").value);
  $<HTMLSelectElement>("#chief-sitting").addEventListener("change", (ev) => {
    const value = (ev.target as HTMLSelectElement).value;
    try {
      localStorage.setItem(SITTING_KEY, value);
    } catch {
      // No storage: the choice lasts until the app closes.
    }
    overview = null;
    open = null;
    void refreshAll();
  });
  $("#chief-pending").addEventListener("click", (ev) => {
    const target = ev.target as HTMLElement;
    const item = target.closest<HTMLElement>(".chief-item");
    const student = item?.dataset.student;
    if (!student) return;
    if (target.closest(".chief-open")) toggle(student);
    else if (target.closest(".chief-approve")) void decide(student, "approve");
    else if (target.closest(".chief-reject")) void decide(student, "reject");
    else if (target.closest(".note-chip")) {
      const note = $<HTMLInputElement>(".chief-reject-note", item);
      note.value = target.closest<HTMLElement>(".note-chip")?.dataset.note ?? "";
    }
  });
  on("server", () => {
    $("#tab-chief").hidden = !isChief(currentServer());
    hasPin = null;
    if (app.screen === "chief") void refreshAll();
  });
  on("screen", () => {
    if (app.screen === "chief") void refreshAll();
  });
  on("changed", () => {
    if (app.screen === "chief") void refreshAll();
  });
  on("lang", render);
  setInterval(() => {
    if (app.screen === "chief") void refreshOverview();
  }, POLL_MS);
}

/** The sittings (the catalogue may have arrived with a sync), then the overview. */
async function refreshAll(): Promise<void> {
  const server = currentServer();
  $("#chief-need").hidden = isChief(server);
  try {
    const sittings = (await api.sittings()).map((s) => s.sitting.label);
    const select = $<HTMLSelectElement>("#chief-sitting");
    const previous = select.value || storedSitting();
    const chosen = pickSitting(sittings, previous);
    if (select.dataset.options !== sittings.join("\n")) {
      select.replaceChildren(...sittings.map((s) => h("option", { value: s }, s)));
      select.dataset.options = sittings.join("\n");
    }
    if (chosen !== null) select.value = chosen;
    // Away from any door, the header's exam clock follows the sitting the overview shows.
    if (app.here === null && select.value && app.sitting !== select.value) {
      app.sitting = select.value;
      void refreshClock();
    }
  } catch (e) {
    say(msg(), "error", asIpcError(e).message, asIpcError(e).code);
  }
  await refreshOverview();
}

function storedSitting(): string | null {
  try {
    return localStorage.getItem(SITTING_KEY);
  } catch {
    return null;
  }
}

async function refreshOverview(): Promise<void> {
  const sitting = $<HTMLSelectElement>("#chief-sitting").value;
  if (!sitting || !isChief(currentServer())) {
    overview = null;
    render();
    return;
  }
  const n = ++asked;
  try {
    const fresh = await api.siteOverview(sitting);
    if (n !== asked) return;
    overview = fresh;
  } catch (e) {
    if (n !== asked) return;
    say(msg(), "error", asIpcError(e).message, asIpcError(e).code);
  }
  if (open !== null && !overview?.pending.some((p) => p.card.student_number === open)) open = null;
  forgetPhotos();
  render();
  for (const p of overview?.pending ?? []) {
    if (askAgain(photos.get(p.card.student_number)?.slot)) void loadPhoto(sitting, p.card.student_number);
  }
  // The PIN set at the site server arrives with a sync: ask again until this device has it.
  if (open !== null && hasPin !== true) void askPin();
}

/** Releases the photos of candidates no longer pending. */
function forgetPhotos(): void {
  const still = new Set((overview?.pending ?? []).map((p) => p.card.student_number));
  for (const [student, photo] of photos) {
    if (still.has(student)) continue;
    if (photo.url) URL.revokeObjectURL(photo.url);
    photos.delete(student);
  }
}

async function loadPhoto(sitting: string, student: string): Promise<void> {
  if (photos.get(student)?.slot === "loading") return;
  photos.set(student, { slot: "loading", url: null });
  renderPhoto(student);
  let slot: PhotoSlot;
  let url: string | null = null;
  try {
    const bytes = await api.pendingPhoto(sitting, student);
    slot = photoSlot({ bytes });
    if (slot === "shown") url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: "image/jpeg" }));
  } catch (e) {
    slot = photoSlot({ error: asIpcError(e).code });
  }
  photos.set(student, { slot, url });
  renderPhoto(student);
  if (slot === "uploading") {
    setTimeout(() => {
      const still = overview?.sitting === sitting && overview.pending.some((p) => p.card.student_number === student);
      if (still && app.screen === "chief" && photos.get(student)?.slot === "uploading") void loadPhoto(sitting, student);
    }, UPLOADING_RETRY_MS);
  }
}

function render(): void {
  const rooms = overview?.rooms ?? [];
  const totals = siteTotals(rooms);
  const total = totals.expected + totals.admitted + totals.pending + totals.refused + totals.absent + totals.conflict;
  $("#chief-site").textContent = overview
    ? t("chief.site", { site: overview.site, rooms: rooms.length, total, admitted: totals.admitted })
    : "";
  renderRooms(rooms);
  renderPending(overview?.pending ?? []);
  const conflicts = overview?.conflicts ?? [];
  const list = $("#chief-conflicts");
  list.hidden = conflicts.length === 0;
  $("#chief-conflicts-title").hidden = conflicts.length === 0;
  list.dataset.count = String(conflicts.length);
  list.replaceChildren(
    ...conflicts.map((c) =>
      h("li", { class: "chief-item", "data-student": c.student_number, "data-room": c.room },
        h("h4", { class: "chief-item-name" }, c.name, " ",
          h("span", { class: "badge", "data-tone": stateTone(c.state) }, stateLabel(c.state))),
        h("p", { class: "chief-item-facts" },
          t("chief.where", { room: c.room, seat: c.seat }), h("br"),
          h("span", { class: "mono" }, t("chief.student", { student: c.student_number }))),
        keptResolve(c, $<HTMLSelectElement>("#chief-sitting").value, () => void refreshOverview()),
      )),
  );
}

function renderRooms(rooms: RoomCounts[]): void {
  const list = $("#chief-rooms");
  list.dataset.count = String(rooms.length);
  list.replaceChildren(
    ...rooms.map((r) =>
      h("li", {
        class: "chief-room", "data-room": r.room, "data-admitted": r.admitted, "data-pending": r.pending,
        "data-absent": r.absent, "data-conflict": r.conflict, "data-present": r.present,
        "data-closed": String(r.closed_by !== null), title: r.address,
      },
        h("div", { class: "chief-room-name" }, t("chief.room", { room: r.room })),
        h("div", { class: "chief-room-counts" },
          ...roomCounts(r).map((c) =>
            h("span", { "data-tone": c.tone, "data-bucket": c.bucket, "data-n": c.n }, t(c.key, { n: c.n }))),
        ),
        roomDay(r),
      )),
  );
}

function renderPending(pending: PendingApproval[]): void {
  const list = $("#chief-pending");
  list.dataset.count = String(pending.length);
  // What the chief is typing stays across a refresh (a sync may land mid-PIN); only in the inputs.
  const typed = [".chief-pin", ".chief-reject-note"].map((sel) => {
    const el = document.querySelector<HTMLInputElement>(sel);
    return { sel, value: el?.value ?? "", focused: el !== null && document.activeElement === el };
  });
  if (pending.length === 0) {
    list.replaceChildren(h("li", { class: "tally-empty" }, t("chief.pending-none")));
    return;
  }
  list.replaceChildren(
    ...pending.map((p) => {
      const c = p.card;
      const v = vouchedLine(p);
      return h("li", { class: "chief-item", "data-student": c.student_number, "data-room": c.room, "data-state": c.state.state },
        h("h4", { class: "chief-item-name" }, c.name),
        h("p", { class: "chief-item-facts" },
          h("strong", {}, t("chief.where", { room: c.room, seat: c.seat })), h("br"),
          h("span", { class: "mono" }, t("chief.student", { student: c.student_number })), h("br"),
          h("span", { class: "mono chief-document" }, t("chief.document", { number: c.document_masked })), h("br"),
          h("span", { class: "chief-vouched" }, t(v.key, v.params)),
          c.manual_photo_source === "file"
            ? h("span", { class: "approval-source", "data-tone": "bad" }, " · ", t("approval.source.file"))
            : null,
        ),
        h("figure", { class: "chief-photo", "data-photo": photos.get(c.student_number)?.slot ?? "loading" },
          h("img", { alt: t("chief.photo") }),
          h("p", { class: "chief-photo-note" }),
        ),
        h("button", { class: "btn btn-primary btn-wide btn-tall chief-open", type: "button", "aria-expanded": String(open === c.student_number) }, t("chief.decide")),
        open === c.student_number ? decidePanel() : null,
      );
    }),
  );
  for (const { sel, value, focused } of typed) {
    const el = document.querySelector<HTMLInputElement>(sel);
    if (!el) continue;
    el.value = value;
    if (focused) el.focus();
  }
  for (const p of pending) renderPhoto(p.card.student_number);
}

function renderPhoto(student: string): void {
  const fig = document.querySelector<HTMLElement>(`.chief-item[data-student="${student}"] .chief-photo`);
  if (!fig) return;
  const photo = photos.get(student);
  const slot = photo?.slot ?? "loading";
  fig.dataset.photo = slot;
  const img = $<HTMLImageElement>("img", fig);
  if (photo?.url) {
    if (img.src !== photo.url) img.src = photo.url;
  } else img.removeAttribute("src");
  const notes: Record<PhotoSlot, Parameters<typeof t>[0]> = {
    loading: "chief.photo-loading",
    shown: "chief.photo",
    uploading: "chief.photo-uploading",
    none: "chief.photo-none",
    error: "chief.photo-error",
  };
  $(".chief-photo-note", fig).textContent = t(notes[slot]);
}

/** The decision panel under the open verification: the PIN with approve and reject, or, while
 * this device has no PIN for the chief (the office sets it at the site server, it comes with a
 * sync), what to do. */
function decidePanel(): HTMLElement {
  const chief = currentServer()?.staff ?? "";
  if (hasPin === false) {
    return h("div", { class: "chief-decide", "data-step": "no-pin" },
      h("p", { class: "banner", "data-tone": "bad", role: "alert" }, t("chief.no-pin", { chief })));
  }
  const pinInput = h("input", {
    class: "field-input pin-input mono chief-pin", type: "password", inputmode: "numeric", autocomplete: "off",
    autocapitalize: "off", spellcheck: "false", maxlength: 32, disabled: busy,
  });
  return h("div", { class: "chief-decide", "data-step": hasPin ? "enter-pin" : "loading" },
    h("label", { class: "step-title" }, t("chief.pin", { chief }), pinInput),
    h("button", { class: "btn btn-admit btn-wide btn-tall chief-approve", type: "button", disabled: busy || !hasPin }, t("approval.approve")),
    h("label", { class: "step-title" }, t("approval.reject-note"),
      h("input", { class: "field-input chief-reject-note", type: "text", autocomplete: "off", maxlength: 200, disabled: busy })),
    h("div", { class: "note-chips", role: "group", "aria-label": t("approval.note.label") },
      ...(["approval.note.unclear", "approval.note.not-person"] as const).map((k) =>
        h("button", { class: "btn btn-small note-chip", type: "button", "data-note": t(k), disabled: busy }, t(k))),
    ),
    h("button", { class: "btn btn-refuse btn-wide btn-tall chief-reject", type: "button", disabled: busy || !hasPin }, t("approval.reject")),
  );
}

function toggle(student: string): void {
  open = open === student ? null : student;
  clear(msg());
  render();
  if (open !== null) {
    void askPin();
    document.querySelector<HTMLInputElement>(".chief-pin")?.focus();
  }
}

async function askPin(): Promise<void> {
  const chief = currentServer()?.staff;
  if (!chief) return;
  try {
    hasPin = await api.hasPin(chief);
  } catch (e) {
    say(msg(), "error", asIpcError(e).message, asIpcError(e).code);
  }
  render();
}

async function decide(student: string, kind: "approve" | "reject"): Promise<void> {
  const chief = currentServer()?.staff;
  const sitting = overview?.sitting;
  const p = overview?.pending.find((x) => x.card.student_number === student);
  const pinEl = document.querySelector<HTMLInputElement>(".chief-pin");
  const noteEl = document.querySelector<HTMLInputElement>(".chief-reject-note");
  if (!chief || !sitting || !p || !pinEl || busy) return;
  const note = noteEl?.value.trim() ?? "";
  if (kind === "reject" && !rejectNoteReady(note)) {
    say(msg(), "error", t("approval.note-needed"), UiCode.NoteNeeded);
    noteEl?.focus();
    return;
  }
  const pin = pinEl.value;
  // Cleared before it is sent: a PIN never stays on screen, right or wrong.
  pinEl.value = "";
  if (!pinEntered(pin)) {
    say(msg(), "error", t("approval.pin-needed"), UiCode.PinNeeded);
    pinEl.focus();
    return;
  }
  busy = true;
  render();
  try {
    const act = kind === "approve" ? ({ act: "approve" } as const) : ({ act: "reject", note } as const);
    const result = await api.decideWithPin(sitting, student, chief, pin, act);
    say(msg(), "ok", t(kind === "approve" ? "chief.approved" : "chief.rejected", { name: p.card.name }));
    msg().dataset.state = result.state.state;
    msg().dataset.student = student;
    open = null;
    // A decision is an act: the sync line and the post-exam check read again.
    emit("acted");
  } catch (e) {
    const err = asIpcError(e);
    if (err.code === ErrorCode.NoPin) hasPin = false;
    say(msg(), "error", err.message, err.code, err.details);
  } finally {
    busy = false;
  }
  await refreshOverview();
}
