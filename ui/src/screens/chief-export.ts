// The export panel of 主考总览 (#chief-export): the button 导出应急处理照片 saves the site's
// emergency-photo archive of the sitting on show. Rust opens the save dialog (proposing the
// notice's file name), downloads the archive from the site server and reports bytes received /
// total on a Channel; the panel shows the bar, then the saved path and photo count, or why not
// (the server's refusal lists each missing or altered photo). What is shown at each step comes
// from ../archive (tested without a DOM).
import { Channel } from "@tauri-apps/api/core";
import { api, asIpcError, type ArchiveProgress, type ErrorCode } from "../ipc";
import { $, clear, say } from "../dom";
import { t } from "../i18n";
import { exportBar, exportErrorKey, savedLine, type ExportStep, type Line } from "../archive";
import { on } from "../state";

let step: ExportStep = "idle";
let progress: ArchiveProgress | null = null;
/** What the message says once done, kept to say it again in the other language. */
let outcome: { kind: "ok" | "error"; line: Line | null; message: string; code?: ErrorCode; details: string[] } | null = null;

const panel = () => $("#chief-export");
const msg = () => $("#chief-export-message");

/** Wires the button; `sitting` reads the sitting the overview shows. */
export function initChiefExport(sitting: () => string): void {
  $("#chief-export-button").addEventListener("click", () => void exportArchive(sitting()));
  on("lang", render);
  render();
}

async function exportArchive(sitting: string): Promise<void> {
  if (!sitting || step === "asking" || step === "receiving") return;
  step = "asking";
  progress = null;
  outcome = null;
  clear(msg());
  render();
  const channel = new Channel<ArchiveProgress>();
  channel.onmessage = (p) => {
    // A report that arrives after the answer (the channel and the answer are separate messages)
    // must not turn a finished export back into a bar.
    if (step !== "asking" && step !== "receiving") return;
    progress = p;
    step = "receiving";
    render();
  };
  try {
    const saved = await api.exportArchive(sitting, channel);
    if (saved === null) {
      step = "idle";
    } else {
      step = "saved";
      panel().dataset.path = saved.path;
      panel().dataset.photos = String(saved.photos);
      outcome = { kind: "ok", line: savedLine(saved), message: "", details: [] };
    }
  } catch (e) {
    const err = asIpcError(e);
    step = "failed";
    const hint = exportErrorKey(err);
    outcome = { kind: "error", line: hint ? { key: hint } : null, message: err.message, code: err.code, details: err.details };
  }
  render();
}

function render(): void {
  const busy = step === "asking" || step === "receiving";
  panel().dataset.state = step;
  $<HTMLButtonElement>("#chief-export-button").disabled = busy;
  const bar = $<HTMLProgressElement>("#chief-export-bar");
  const status = $("#chief-export-status");
  const shown = busy ? exportBar(progress) : null;
  bar.hidden = shown === null || shown.percent === null;
  bar.value = shown?.percent ?? 0;
  status.hidden = shown === null;
  status.textContent = shown ? t(shown.line.key, shown.line.params) : "";
  if (!outcome) return;
  const head = outcome.line ? t(outcome.line.key, outcome.line.params) : "";
  if (outcome.kind === "ok") say(msg(), "ok", head);
  else {
    // Rust's message says what happened; the hint, what to do.
    const text = head ? `${outcome.message} ${head}` : outcome.message;
    say(msg(), "error", text, outcome.code, outcome.details);
  }
}
