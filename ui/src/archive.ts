// The chief examiner's photo archive (导出应急处理照片), the parts without a DOM: what the export
// panel shows at each step. The panel (screens/chief-export.ts) asks Rust to export; Rust opens
// the save dialog proposing the notice's name, downloads the site's archive from the site server
// and reports bytes received / total on a Channel; the panel shows a bar, then where the file went
// and how many photos it holds, or the server's refusal with one line per problem.
import { ErrorCode, type ArchiveProgress, type ArchiveSaved, type IpcError } from "./bindings";
import type { Key, Params } from "./i18n";

export interface Line {
  key: Key;
  params?: Params;
}

/** What the panel is doing: idle (the button), asking (the dialog is open or the server is
 * making the archive, before the first byte), receiving (the bar), saved, failed. */
export type ExportStep = "idle" | "asking" | "receiving" | "saved" | "failed";

const mb = (n: number) => (n / 1_048_576).toFixed(1);

/** The bar while the archive comes: percent and "12.3 / 45.6 MB". Before the first progress
 * report (the dialog, then the server making the archive) there is no bar yet, only a line. */
export function exportBar(p: ArchiveProgress | null): { percent: number | null; line: Line } {
  if (!p) return { percent: null, line: { key: "chief.export-making" } };
  if (p.total <= 0) return { percent: 100, line: { key: "chief.export-receiving", params: { received: mb(0), total: mb(0) } } };
  const received = Math.min(Math.max(p.received, 0), p.total);
  return {
    percent: Math.floor((received * 100) / p.total),
    line: { key: "chief.export-receiving", params: { received: mb(received), total: mb(p.total) } },
  };
}

/** The line once saved: where, and how many photos. */
export function savedLine(s: ArchiveSaved): Line {
  return { key: "chief.export-saved", params: { path: s.path, photos: s.photos } };
}

/** A failed export as the panel shows it: a hint for the codes the chief acts on, above Rust's
 * own message (the server's refusal's problems come in `details`, one line each). */
export function exportErrorKey(e: IpcError): Key | null {
  switch (e.code) {
    case ErrorCode.ArchiveRefused:
      return "chief.export-refused";
    case ErrorCode.ExportBusy:
      return "chief.export-busy";
    case ErrorCode.NotChiefExaminer:
      return "chief.export-not-chief";
    case ErrorCode.ServerUnreachable:
      return "chief.export-offline";
    default:
      return null;
  }
}
