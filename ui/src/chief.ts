// The chief examiner's overview (主考总览), as pure logic: whether this device opens on it (it is
// enrolled as the site's chief examiner), how a room's counts and the site's totals read, how a
// pending verification says who vouched and when, what the photo slot shows for each answer
// (the photo, 照片上传中 while the server lacks it, or the error), and which sitting to show.
// The screen (screens/chief.ts) only draws this; Rust holds every rule and checks every PIN.
import { ErrorCode, type PendingApproval, type RoomCounts, type ServerView } from "./bindings";
import type { Key, Params } from "./i18n";
import { hhmm } from "./sync";

/** This device is enrolled as the site's chief examiner: it opens on the overview. */
export function isChief(server: ServerView | null): boolean {
  return server?.role === "chief-examiner";
}

/** The screen the app opens on: the chief's overview for a chief's device, else Start. */
export function firstScreen(server: ServerView | null): "chief" | "start" {
  return isChief(server) ? "chief" : "start";
}

/** How many candidates a room lists in all. */
export function roomTotal(r: RoomCounts): number {
  return r.expected + r.admitted + r.pending + r.refused + r.absent + r.conflict;
}

/** The whole site's counts, room by room added up. */
export function siteTotals(rooms: readonly RoomCounts[]): Omit<RoomCounts, "room" | "address" | "count_check" | "violations" | "present" | "closed_by"> {
  const sum = { expected: 0, admitted: 0, pending: 0, refused: 0, absent: 0, conflict: 0 };
  for (const r of rooms) {
    sum.expected += r.expected;
    sum.admitted += r.admitted;
    sum.pending += r.pending;
    sum.refused += r.refused;
    sum.absent += r.absent;
    sum.conflict += r.conflict;
  }
  return sum;
}

export type Tone = "ok" | "wait" | "bad" | "off" | "conflict" | "neutral";

/** A room's counts as the tile lists them: only the ones that are not zero, besides 应到 and 已入场. */
export function roomCounts(r: RoomCounts): Array<{ key: Key; n: number; tone: Tone; bucket: string }> {
  const all: Array<{ key: Key; n: number; tone: Tone; bucket: string; always?: boolean }> = [
    { key: "chief.count.total", n: roomTotal(r), tone: "neutral", bucket: "total", always: true },
    { key: "chief.count.admitted", n: r.admitted, tone: "ok", bucket: "admitted", always: true },
    { key: "chief.count.pending", n: r.pending, tone: "wait", bucket: "pending" },
    { key: "chief.count.expected", n: r.expected, tone: "neutral", bucket: "expected" },
    { key: "chief.count.absent", n: r.absent, tone: "off", bucket: "absent" },
    { key: "chief.count.refused", n: r.refused, tone: "bad", bucket: "refused" },
    { key: "chief.count.conflict", n: r.conflict, tone: "conflict", bucket: "conflict" },
  ];
  return all.filter((c) => c.always || c.n > 0).map(({ key, n, tone, bucket }) => ({ key, n, tone, bucket }));
}

/** "监考 王芳（J2101）于 08:41 担保": who vouched and when (HH:MM of the door device's clock). */
export function vouchedLine(p: PendingApproval): { key: Key; params: Params } {
  const who = p.vouched_by_name ? `${p.vouched_by_name}（${p.vouched_by}）` : p.vouched_by;
  return { key: "chief.vouched", params: { who, time: hhmm(p.vouched_at) } };
}

/** What the photo slot of a pending verification shows. */
export type PhotoSlot = "loading" | "shown" | "uploading" | "none" | "error";

/** The slot after the photo's bytes arrived (empty: no photo recorded) or the call failed. */
export function photoSlot(answer: { bytes: ArrayBuffer | Uint8Array } | { error: ErrorCode }): PhotoSlot {
  if ("bytes" in answer) return answer.bytes.byteLength > 0 ? "shown" : "none";
  return answer.error === ErrorCode.PhotoUploading ? "uploading" : "error";
}

/** Whether a slot is worth asking again on the next refresh (the upload may have finished). */
export function askAgain(slot: PhotoSlot | undefined): boolean {
  return slot === undefined || slot === "uploading" || slot === "error";
}

/** The sitting to show: the one chosen before when still offered, else the first. */
export function pickSitting(offered: readonly string[], previous: string | null): string | null {
  if (previous !== null && offered.includes(previous)) return previous;
  return offered[0] ?? null;
}
