// The browser preview's recording (preview.json: answers the real door gave, recorded by
// `cargo test -p examgate-door --test preview`) and how a call finds its answer there: only a
// recording with exactly the same arguments answers (a missing argument counts as null, as a
// Rust `Option` reads it). Pure, so it is tested without a browser.

export interface Recorded {
  args: Record<string, unknown>;
  answer: unknown;
}

export interface Preview {
  recorded_at: string;
  answers: Record<string, Recorded[]>;
}

export type Lookup = { found: true; value: unknown } | { found: false };

function sameArgs(recorded: Record<string, unknown>, sent: Record<string, unknown>): boolean {
  const keys = new Set([...Object.keys(recorded), ...Object.keys(sent)]);
  return [...keys].every((k) => JSON.stringify(recorded[k] ?? null) === JSON.stringify(sent[k] ?? null));
}

/** The recorded answer of `cmd` called with `args`, if the door was asked exactly that. */
export function previewAnswer(p: Preview, cmd: string, args: Record<string, unknown>): Lookup {
  const hit = p.answers[cmd]?.find((r) => sameArgs(r.args, args));
  return hit ? { found: true, value: hit.answer } : { found: false };
}
