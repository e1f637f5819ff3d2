// Closing the room (关闭考场): after the end of the exam the door screen offers it. The panel lists
// what is still unresolved, in words a proctor reads (who, which seat, what is missing); each item
// can be waived by the chief examiner at this device (主考豁免: staff number, PIN, reason), one item
// per waiver. 关闭考场 is enabled when nothing is left open; Rust decides (the end by the exam
// time, each item, once) and its refusal is shown as given. Once closed the panel says 已关闭.
import { api, type ClosingLine, type ClosingView } from "../ipc";
import { $, h, say, sayError } from "../dom";
import { lang, type Lang } from "../i18n";
import { app, emit, on } from "../state";
import { closeCard } from "./card";
import { currentPhase } from "./header";

const TEXT = {
  open: { zh: "关闭考场", en: "Close the room" },
  title: { zh: "关闭考场", en: "Close the room" },
  nothing: { zh: "没有未处理的事项，可以关闭考场。", en: "Nothing is unresolved: the room can be closed." },
  left: { zh: "还有 {n} 项未处理：逐项处理，或请主考豁免。", en: "{n} items unresolved: resolve each, or have the chief examiner waive it." },
  "pending-approval": { zh: "{who}：人工核验尚待主考审批", en: "{who}: manual verification awaits the chief examiner" },
  "missing-count-check-photo": { zh: "{who}：缺少 30 分钟核对照片（考生与监考员合照）", en: "{who}: no 30-minute check photo (candidate with proctor)" },
  "unmarked-violation": { zh: "{who}：违规记录尚未勾选“已在一平台标记”", en: "{who}: a violation not yet ticked as marked on the platform" },
  conflict: { zh: "{who}：多台设备记录冲突，须主考裁定", en: "{who}: devices disagree; the chief examiner must settle it" },
  "count-check-not-done": { zh: "30 分钟人数核对尚未完成", en: "The 30-minute count check is not done" },
  who: { zh: "{name}（座位 {seat}）", en: "{name} (seat {seat})" },
  waived: { zh: "已由主考 {chief} 豁免：{reason}", en: "Waived by chief examiner {chief}: {reason}" },
  waive: { zh: "主考豁免", en: "Chief examiner waives" },
  chief: { zh: "主考工号", en: "Chief examiner's staff number" },
  pin: { zh: "主考口令", en: "Chief examiner's PIN" },
  reason: { zh: "豁免原因", en: "Reason for the waiver" },
  "waive-go": { zh: "确认豁免", en: "Waive" },
  cancel: { zh: "取消", en: "Cancel" },
  close: { zh: "关闭考场", en: "Close the room" },
  closed: { zh: "已关闭（{by}，{at}）", en: "Closed ({by}, {at})" },
  "closed-ok": { zh: "考场已关闭。", en: "The room is closed." },
  "waived-ok": { zh: "已豁免。", en: "Waived." },
} as const satisfies Record<string, Record<Lang, string>>;

type TextKey = keyof typeof TEXT;

function tx(key: TextKey, params: Record<string, string | number> = {}): string {
  return TEXT[key][lang()].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

let view: ClosingView | null = null;
let busy = false;
let asked = 0;

export function initClose(): void {
  const main = $("#door-main");
  main.append(
    h("button", { id: "close-open", class: "btn btn-wide close-open", type: "button", hidden: true }),
    h("section", { id: "close-panel", class: "close-panel", "aria-labelledby": "close-title", hidden: true }),
  );
  $("#close-open").addEventListener("click", () => {
    const panel = $("#close-panel");
    panel.hidden = !panel.hidden;
    if (panel.hidden) {
      $("#results").hidden = false;
      return;
    }
    // The panel takes the place of the card and the results: one thing at a time at the door.
    closeCard();
    $("#results").hidden = true;
    panel.scrollIntoView?.({ block: "start" });
    void refresh();
  });
  const showEntry = () => {
    const ended = currentPhase() === "ended";
    const entry = $("#close-open");
    entry.textContent = tx("open");
    entry.hidden = !ended;
    if (!ended) $("#close-panel").hidden = true;
  };
  on("phase", showEntry);
  on("clock", showEntry);
  on("here", () => {
    view = null;
    $("#close-panel").hidden = true;
    showEntry();
  });
  on("lang", () => {
    showEntry();
    render();
  });
  // Another device's events arrived: read the room again, unless the chief is typing a waiver
  // (a redraw would drop what they typed; their own waiver redraws the panel when it is sent).
  on("changed", () => !$("#close-panel").hidden && !typing() && void refresh());
  showEntry();
}

function typing(): boolean {
  return [...document.querySelectorAll<HTMLElement>("#close-panel .close-waive-form")].some((f) => !f.hidden);
}

async function refresh(): Promise<void> {
  const here = app.here;
  if (!here) return;
  const n = ++asked;
  try {
    const fresh = await api.roomClosing(here.sitting, here.site, here.room);
    if (n !== asked) return;
    view = fresh;
  } catch (e) {
    render();
    sayError($("#close-message"), e);
    return;
  }
  render();
}

function itemText(line: ClosingLine): string {
  const who = tx("who", { name: line.name ?? "", seat: line.seat ?? "" });
  return tx(line.item.kind, { who });
}

function itemStudent(line: ClosingLine): string | undefined {
  return line.item.kind === "count-check-not-done" ? undefined : line.item.student;
}

function render(): void {
  const panel = $("#close-panel");
  const keep = panel.querySelector<HTMLElement>("#close-message");
  const closed = view?.closed_by ?? null;
  panel.dataset.closed = String(closed !== null);
  panel.replaceChildren(
    h("h2", { id: "close-title", class: "screen-title" }, tx("title")),
    closed !== null
      ? h("p", { id: "close-closed", class: "banner", "data-tone": "ok", role: "status" },
          tx("closed", { by: closed, at: (view?.closed_at ?? "").slice(11, 16) }))
      : h("p", { id: "close-status", class: "close-status", "data-open": view?.open ?? "" },
          view === null ? "" : view.open === 0 ? tx("nothing") : tx("left", { n: view.open })),
    h("ul", { id: "close-items", class: "close-items" }, ...(view?.lines ?? []).map((line, i) => itemRow(line, i, closed !== null))),
    keep ?? h("div", { id: "close-message", class: "message", role: "status", "aria-live": "polite", hidden: true }),
    closed !== null
      ? ""
      : h("button", { id: "close-room", class: "btn btn-primary btn-wide", type: "button", disabled: busy || view === null || view.open > 0 }, tx("close")),
  );
  panel.querySelector("#close-room")?.addEventListener("click", () => void closeRoom());
}

function itemRow(line: ClosingLine, i: number, closed: boolean): HTMLElement {
  const waiver = line.waiver;
  const row = h("li", {
    class: "close-item",
    "data-kind": line.item.kind,
    "data-student": itemStudent(line),
    "data-waived": String(waiver !== null),
  },
    h("p", { class: "close-item-text" }, itemText(line)),
    waiver
      ? h("p", { class: "close-item-waived" }, tx("waived", { chief: waiver.chief, reason: waiver.reason }))
      : null,
  );
  if (waiver || closed) return row;
  const field = (name: string, label: string, attrs: Record<string, string>) =>
    h("label", { class: "step-title" }, label,
      h("input", { class: `field-input close-${name}`, autocomplete: "off", ...attrs }));
  const form = h("div", { class: "close-waive-form", hidden: true },
    field("chief", tx("chief"), { type: "text", inputmode: "text" }),
    field("pin", tx("pin"), { type: "password", inputmode: "numeric" }),
    field("reason", tx("reason"), { type: "text" }),
    h("div", { class: "actions" },
      h("button", { class: "btn btn-primary close-waive-go", type: "button" }, tx("waive-go")),
      h("button", { class: "btn close-waive-cancel", type: "button" }, tx("cancel")),
    ),
  );
  const open = h("button", { class: "btn close-waive", type: "button", "data-index": i }, tx("waive"));
  open.addEventListener("click", () => {
    form.hidden = false;
    open.hidden = true;
    $<HTMLInputElement>(".close-chief", form).focus();
  });
  $(".close-waive-cancel", form).addEventListener("click", () => {
    form.hidden = true;
    open.hidden = false;
  });
  $(".close-waive-go", form).addEventListener("click", () => void waive(line, form));
  row.append(open, form);
  return row;
}

async function waive(line: ClosingLine, form: HTMLElement): Promise<void> {
  const here = app.here;
  if (!here || busy) return;
  const value = (cls: string) => $<HTMLInputElement>(cls, form).value;
  busy = true;
  const go = $<HTMLButtonElement>(".close-waive-go", form);
  go.disabled = true;
  try {
    view = await api.waiveClosingItem(
      here.sitting, here.site, here.room, value(".close-chief").trim(), value(".close-pin"), line.item, value(".close-reason"),
    );
    busy = false;
    render();
    say($("#close-message"), "ok", tx("waived-ok"));
    emit("acted");
  } catch (e) {
    busy = false;
    go.disabled = false;
    $<HTMLInputElement>(".close-pin", form).value = "";
    sayError($("#close-message"), e);
  }
}

async function closeRoom(): Promise<void> {
  const here = app.here;
  if (!here || busy) return;
  busy = true;
  render();
  try {
    view = await api.closeRoom(here.sitting, here.site, here.room, here.proctor.id);
    busy = false;
    render();
    say($("#close-message"), "ok", tx("closed-ok"));
    emit("acted");
  } catch (e) {
    busy = false;
    render();
    sayError($("#close-message"), e);
  }
}
