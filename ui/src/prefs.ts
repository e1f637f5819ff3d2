// The proctor's last choice of sitting, site, room and self, kept in localStorage so that a
// restarted app (a phone that slept, a crash) comes back to the same door in one tap.

export interface Choice {
  sitting: string;
  site: string;
  room: string;
  proctor: string;
}

const KEY = "examgate.choice";

export function loadChoice(storage: Pick<Storage, "getItem"> | null = safe()): Partial<Choice> {
  try {
    const raw = storage?.getItem(KEY);
    const v: unknown = raw ? JSON.parse(raw) : {};
    if (!v || typeof v !== "object") return {};
    const out: Partial<Choice> = {};
    for (const k of ["sitting", "site", "room", "proctor"] as const) {
      const x = (v as Record<string, unknown>)[k];
      if (typeof x === "string" && x) out[k] = x;
    }
    return out;
  } catch {
    return {};
  }
}

export function saveChoice(c: Partial<Choice>, storage: Pick<Storage, "setItem"> | null = safe()): void {
  try {
    storage?.setItem(KEY, JSON.stringify(c));
  } catch {
    // A full or disabled storage only costs the proctor a few taps next time.
  }
}

/** The option to select: the remembered one when it is still offered, else the only one, else none. */
export function pick(values: string[], remembered: string | undefined): string {
  if (remembered !== undefined && values.includes(remembered)) return remembered;
  return values.length === 1 ? values[0]! : "";
}

function safe(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}
