// Door: the one search box and its results. Typing runs the search after a 250 ms pause (Enter runs
// it at once; a barcode scanner is just fast typing ending in Enter). A whole 13-digit ticket with
// one hit opens the card directly; anything else lists big rows to tap.
import { api, type CandidateCard } from "../ipc";
import { $, clear, h, say, sayError, UiCode } from "../dom";
import { t } from "../i18n";
import { stateLabel, stateTone } from "../labels";
import { isFullTicket } from "../flow";
import { app, go, on } from "../state";
import { closeCard, initCard, openCard } from "./card";
import { initCountCheck } from "./countcheck";
import { initViolations } from "./violations";
import { initClose } from "./close";
import { mountTimeline } from "./timeline";
import { mountProctors } from "./proctors";

const DEBOUNCE_MS = 250;
let timer: ReturnType<typeof setTimeout> | undefined;
let asked = 0;
let shown: CandidateCard[] = [];

export function initDoor(): void {
  initCard({
    onClose: showResults,
    onSent: () => {
      $<HTMLInputElement>("#search").value = "";
      shown = [];
      renderResults([]);
    },
  });
  initCountCheck();
  initViolations();
  const input = $<HTMLInputElement>("#search");
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => void runSearch(input.value), DEBOUNCE_MS);
  });
  // Tapping the box after a candidate selects the old text, so the next one is typed over it.
  input.addEventListener("focus", () => input.select());
  input.addEventListener("keydown", (ev) => {
    if (ev.key !== "Enter" || ev.isComposing) return;
    ev.preventDefault();
    clearTimeout(timer);
    void runSearch(input.value);
  });
  $("#results").addEventListener("click", (ev) => {
    const row = (ev.target as HTMLElement).closest<HTMLElement>(".result");
    const found = shown.find((c) => c.student_number === row?.dataset.student);
    if (found) openCard(found);
  });
  mountTimeline($("#door-main"));
  mountProctors($("#door-main"));
  on("here", resetDoor);
  on("lang", () => renderResults(shown));
  on("screen", () => {
    if (app.screen === "door" && app.here && $("#card").hidden) input.focus();
  });
  resetDoor();
  initClose();
}

function resetDoor(): void {
  $("#door-need-room").hidden = app.here !== null;
  $("#door-main").hidden = app.here === null;
  $<HTMLInputElement>("#search").value = "";
  shown = [];
  renderResults([]);
  clear($("#message"));
  closeCard();
}

async function runSearch(raw: string): Promise<void> {
  const here = app.here;
  if (!here) return;
  const text = raw.trim();
  const n = ++asked;
  const results = $("#results");
  if (!text) {
    shown = [];
    renderResults([]);
    return;
  }
  results.setAttribute("aria-busy", "true");
  try {
    const found = await api.search(here.sitting, here.site, here.room, text);
    if (n !== asked) return; // a newer search is on its way
    // This room's candidates first, by seat; the others after (they will be sent on).
    const away = (c: CandidateCard) => (c.site !== here.site || c.room !== here.room ? 1 : 0);
    shown = [...found].sort((a, b) => away(a) - away(b) || a.seat - b.seat);
    results.dataset.query = text;
    const message = $("#message");
    if (found.length === 0) {
      closeCard();
      renderResults([]);
      say(message, "error", t("door.not-found"), UiCode.NotFound);
    } else if (found.length === 1 && isFullTicket(text) && found[0]!.student_number === text) {
      renderResults(shown);
      clear(message);
      openCard(found[0]!);
    } else {
      clear(message);
      closeCard();
      renderResults(shown);
    }
  } catch (e) {
    if (n !== asked) return;
    sayError($("#message"), e);
  } finally {
    if (n === asked) results.removeAttribute("aria-busy");
  }
}

function renderResults(cards: CandidateCard[]): void {
  const here = app.here;
  const results = $("#results");
  results.dataset.count = String(cards.length);
  if (cards.length === 0) delete results.dataset.query;
  results.replaceChildren(
    ...cards.map((c) => {
      const elsewhere = here !== null && (c.room !== here.room || c.site !== here.site);
      return h("button", {
        class: "result",
        type: "button",
        "data-student": c.student_number,
        "data-state": c.state.state,
        "data-elsewhere": elsewhere ? "true" : undefined,
      },
        h("span", { class: "result-main" },
          h("span", { class: "result-name" }, c.name),
          h("span", { class: "badge", "data-tone": stateTone(c.state) }, stateLabel(c.state)),
        ),
        h("span", { class: "result-meta" },
          h("span", { class: "result-seat" }, t("door.seat", { seat: c.seat })),
          h("span", { class: "result-room" }, t("context.room", { room: c.room })),
          elsewhere ? h("span", { class: "result-elsewhere" }, t("door.other-room")) : null,
        ),
        h("span", { class: "result-ids" }, `${c.student_number} · ${c.document_masked}`),
      );
    }),
  );
}

function showResults(): void {
  $("#results").hidden = false;
}

/** Opens the card of one student (from the tally's lists), switching to the door screen. */
export async function openStudent(student: string): Promise<void> {
  const here = app.here;
  if (!here) return;
  try {
    const card = await api.card(here.sitting, student);
    go("door");
    // The line above the card is about whoever was open before: not this candidate.
    clear($("#message"));
    openCard(card);
  } catch (e) {
    sayError($("#message"), e);
  }
}
