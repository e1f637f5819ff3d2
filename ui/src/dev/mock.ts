// DEV ONLY: the browser preview, for layout work in a plain browser (`npm run dev`, then open
// `/?mock`). It has no rules. It replays answers the real door gave (preview.json, recorded from
// the Rust demo by `cargo test -p examgate-door --test preview`, which fails when the file is
// stale), finds a card in those answers, and rejects every act, decision and setting with
// ErrorCode.PreviewOnly: recording needs the app. main.ts imports this only when
// import.meta.env.DEV and not in the app, so the production bundle does not contain it.
import { mockIPC } from "@tauri-apps/api/mocks";
import { ErrorCode, type CandidateCard, type IpcError, type Tally } from "../bindings";
import { previewAnswer, type Preview } from "./preview";
import recorded from "./preview.json";

const preview = recorded as unknown as Preview;

function refuse(message: string): never {
  const e: IpcError = { code: ErrorCode.PreviewOnly, message, details: [] };
  throw e;
}

const CANNOT_RECORD = "浏览器预览不能记录，请在应用中操作 (the browser preview cannot record acts: run the app)";

/** The cards of the recorded tallies of `sitting` (and of one room when given). */
function cards(sitting: unknown, site?: unknown, room?: unknown): CandidateCard[] {
  return (preview.answers.tally ?? [])
    .filter((r) => r.args.sitting === sitting && (site === undefined || (r.args.site === site && r.args.room === room)))
    .flatMap((r) => Object.values(r.answer as Tally).flat());
}

/** Stand-ins for lookups the preview has no recording of (not the door's search: layout only). */
const derived: Record<string, (a: Record<string, unknown>) => unknown> = {
  card: (a) =>
    cards(a.sitting).find((c) => c.student_number === a.student) ?? refuse("浏览器预览没有这名考生 (not in the preview)"),
  search: (a) => {
    const text = String(a.text).trim();
    return cards(a.sitting, a.site, a.room).filter((c) => c.student_number.endsWith(text) || c.name.includes(text));
  },
  registration_photo: () => new ArrayBuffer(0),
  fallback_photo: () => new ArrayBuffer(0),
  // Not connected to a site server: the preview talks to nothing.
  server_link: () => null,
  sync_status: () => ({
    state: "not-enrolled", pending: 0, photos_pending: 0, upload: null, last_sync_at: null, offline_since: null,
    last_error: null, clock: null, clock_warning: false,
  }),
};

/** What the preview answers to `cmd`: a recorded answer, a stand-in lookup, or a refusal. */
export function previewHandler(cmd: string, args: Record<string, unknown>): unknown {
  const answer = previewAnswer(preview, cmd, args);
  if (answer.found) return answer.value;
  const standIn = derived[cmd];
  if (standIn) return standIn(args);
  if (cmd in preview.answers) refuse("浏览器预览没有这项数据 (the browser preview has no recording of this)");
  return refuse(CANNOT_RECORD);
}

export function installMock(): void {
  mockIPC(async (cmd, args) => previewHandler(cmd, (args ?? {}) as Record<string, unknown>));
}
