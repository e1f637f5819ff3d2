// Sync on screen: the header's line (已同步 / 待上传 N 条事件 / 离线（自 HH:MM）) and clock warning
// on every screen, and in Settings the last sync, the clock offset and 立即同步. Rust syncs in
// the background (every ~30 s and right after each door act); this asks Rust for the state every
// few seconds, after each act and after a connection, and never waits on the network itself
// except when the proctor taps 立即同步.
import { api, asIpcError, type SyncView } from "../ipc";
import { $, clear, say } from "../dom";
import { t } from "../i18n";
import { clockValue, clockWarning, hhmm, syncErrorKey, syncLine, uploadBar, type Line } from "../sync";
import { app, emit, on } from "../state";

/** How often the header re-reads the state from Rust (a local read, no network). */
const STATUS_POLL_MS = 5_000;
/** How often while photos upload, so the bar moves. */
const UPLOAD_POLL_MS = 500;
let uploadTimer: ReturnType<typeof setTimeout> | undefined;

let view: SyncView | null = null;
let asked = 0;

/** The sync state as last read from Rust; null before the first read or when it failed. */
export function currentSync(): SyncView | null {
  return view;
}

const words = (l: Line) => t(l.key, l.params);

export function initSync(): void {
  $("#sync-now").addEventListener("click", () => void syncNow());
  on("acted", () => void refreshSync());
  on("server", () => void refreshSync());
  on("changed", () => void refreshSync());
  on("lang", render);
  on("screen", () => {
    if (app.screen === "settings") void refreshSync();
  });
  setInterval(() => void refreshSync(), STATUS_POLL_MS);
  void refreshSync();
}

export async function refreshSync(): Promise<void> {
  const n = ++asked;
  try {
    const got = await api.syncStatus();
    if (n !== asked) return;
    view = got;
  } catch {
    if (n !== asked) return;
    view = null;
  }
  render();
  emit("sync");
}

function render(): void {
  const line = view ? syncLine(view) : null;
  const el = $("#sync-line");
  el.hidden = line === null;
  el.dataset.photos = String(view?.photos_pending ?? 0);
  renderUpload();
  el.textContent = line ? words(line) : "";
  el.dataset.state = view?.state ?? "";
  el.dataset.pending = String(view?.pending ?? 0);
  if (view?.last_error) el.title = view.last_error;
  else el.removeAttribute("title");
  const warning = view ? clockWarning(view) : null;
  const warn = $("#clock-warning");
  warn.hidden = warning === null;
  warn.textContent = warning ? words(warning) : "";

  const box = $("#sync-box");
  box.hidden = !view || view.state === "not-enrolled";
  if (!view) return;
  $("#sync-state").textContent = line ? words(line) : "";
  $("#sync-last").textContent = view.last_sync_at
    ? `${view.last_sync_at.slice(0, 10)} ${hhmm(view.last_sync_at)}:${view.last_sync_at.slice(17, 19)}`
    : t("sync.last-never");
  $("#sync-clock").textContent = words(clockValue(view.clock));
  $("#sync-clock").dataset.warning = String(view.clock_warning);
  const problem = $("#sync-problem");
  problem.hidden = !view.last_error;
  $("#sync-error").textContent = view.last_error ?? "";
}

/** The photo upload's bar under the sync line; while it runs, the state is read more often. */
function renderUpload(): void {
  const bar = uploadBar(view);
  const box = $("#upload-progress");
  box.hidden = bar === null;
  box.dataset.percent = String(bar?.percent ?? 0);
  $<HTMLProgressElement>("#upload-bar").value = bar?.percent ?? 0;
  $("#upload-text").textContent = bar ? words(bar.line) : "";
  if (bar && uploadTimer === undefined) {
    uploadTimer = setTimeout(() => {
      uploadTimer = undefined;
      void refreshSync();
    }, UPLOAD_POLL_MS);
  }
}

async function syncNow(): Promise<void> {
  const button = $<HTMLButtonElement>("#sync-now");
  if (button.disabled) return;
  button.disabled = true;
  const msg = $("#sync-message");
  say(msg, "info", t("sync.busy"));
  try {
    view = await api.syncNow();
    asked++;
    say(msg, "ok", t("sync.done"));
  } catch (e) {
    const err = asIpcError(e);
    const key = syncErrorKey(err.code);
    if (key) say(msg, "error", t(key), err.code, [err.message]);
    else say(msg, "error", err.message, err.code, err.details);
    await refreshSync();
  } finally {
    button.disabled = false;
    render();
    emit("sync");
  }
  if (msg.dataset.kind === "ok") setTimeout(() => clear(msg), STATUS_POLL_MS);
}
