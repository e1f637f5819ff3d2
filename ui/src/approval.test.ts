import { describe, expect, it } from "vitest";
import type { ServerView, StaffInfo, SyncState, SyncView } from "./bindings";
import {
  approvalView as viewOn, chiefsLoaded, chiefsOf, initialApproval, linkOf, lockLeft, lockSecondsFrom, locked,
  newPinProblem, pinEntered, pinKnown, preselectChief, rejectNoteReady, STANDALONE, type Approval, type Link,
} from "./approval";

const SITE = "湖北开放大学开放教育学院";
const proctor = (id: string, room = "01"): StaffInfo => ({ id, name: `监考${id}`, role: "proctor", site: SITE, room });
const chief = (id: string): StaffInfo => ({ id, name: `主考${id}`, role: "chief-examiner", site: SITE, room: null });
const staff = [proctor("J2101"), chief("Z02"), proctor("J2102")];

const ready = (has: boolean): Approval => pinKnown(chiefsLoaded(initialApproval, staff), "Z02", has);
/** The panel on a standalone device (no site server), as every device was before enrolling. */
const approvalView = (a: Approval, now: number, busy: boolean) => viewOn(a, now, busy, STANDALONE);

const ENROLLED_ONLINE: Link = { enrolled: true, online: true };
const ENROLLED_OFFLINE: Link = { enrolled: true, online: false };
const server: ServerView = {
  url: "https://192.168.1.10:8443", urls: ["https://192.168.1.10:8443"], fingerprint: "AB12 CD34", site: SITE,
  room: "01", role: "proctor", staff: "J2101", enrolled_at: "2026-11-29T07:30:00+08:00",
};
const sync = (state: SyncState): SyncView => ({
  state, pending: 0, photos_pending: 0, upload: null, last_sync_at: null, offline_since: null, last_error: null,
  clock: null, clock_warning: false,
});

describe("who may approve a manual verification", () => {
  it("lists only the site's chief examiners, never a proctor", () => {
    expect(chiefsOf(staff).map((s) => s.id)).toEqual(["Z02"]);
  });

  it("preselects the only chief examiner", () => {
    expect(chiefsLoaded(initialApproval, staff).chief).toBe("Z02");
  });

  it("keeps the chief chosen before when the list is read again, else takes the first", () => {
    const two = [chief("Z03"), chief("Z01")];
    expect(preselectChief(chiefsOf(two), "Z03")).toBe("Z03");
    expect(preselectChief(chiefsOf(two), "Z09")).toBe("Z01");
    expect(preselectChief([], "Z03")).toBeNull();
  });
});

describe("which step of the approval panel shows", () => {
  it("waits while the chief list or the chief's PIN status is being read", () => {
    expect(approvalView(initialApproval, 0, false).step).toBe("loading");
    expect(approvalView(chiefsLoaded(initialApproval, staff), 0, false).step).toBe("loading");
  });

  it("says so when the roster has no chief examiner", () => {
    expect(approvalView(chiefsLoaded(initialApproval, [proctor("J2101")]), 0, false).step).toBe("no-chief");
  });

  it("on a standalone device, asks the site office to set a PIN at first use", () => {
    const v = approvalView(ready(false), 0, false);
    expect(v.step).toBe("set-pin");
    expect(v.setEnabled).toBe(true);
    expect(v.decideEnabled).toBe(false);
  });

  it("asks the chief for the PIN once one is set", () => {
    const v = approvalView(ready(true), 0, false);
    expect(v.step).toBe("enter-pin");
    expect(v.decideEnabled).toBe(true);
  });

  it("disables approve and reject while a call is in flight, so a double tap sends once", () => {
    expect(approvalView(ready(true), 0, true).decideEnabled).toBe(false);
    expect(approvalView(ready(false), 0, true).setEnabled).toBe(false);
  });

  it("keeps the chief select usable except while a call is in flight", () => {
    expect(approvalView(ready(true), 0, false).chiefEnabled).toBe(true);
    expect(approvalView(ready(true), 0, true).chiefEnabled).toBe(false);
    expect(approvalView(initialApproval, 0, false).chiefEnabled).toBe(false);
  });
});

describe("on a device enrolled with a site server, the chief's PIN comes only from the server", () => {
  it("never offers to set a PIN: a chief without one here is awaited from the server", () => {
    for (const link of [ENROLLED_ONLINE, ENROLLED_OFFLINE]) {
      const v = viewOn(ready(false), 0, false, link);
      expect(v.step).toBe("awaiting-pin");
      expect(v.setEnabled).toBe(false);
      expect(v.decideEnabled).toBe(false);
    }
  });

  it("offers 立即同步 while the PIN is awaited and the device is online, not while offline", () => {
    expect(viewOn(ready(false), 0, false, ENROLLED_ONLINE)).toMatchObject({ syncShown: true, syncEnabled: true });
    expect(viewOn(ready(false), 0, false, ENROLLED_OFFLINE)).toMatchObject({ syncShown: false, syncEnabled: false });
  });

  it("keeps 立即同步 from being pressed twice while a call is in flight", () => {
    expect(viewOn(ready(false), 0, true, ENROLLED_ONLINE)).toMatchObject({ syncShown: true, syncEnabled: false });
  });

  it("asks the chief for the PIN once a sync brought it", () => {
    const v = viewOn(ready(true), 0, false, ENROLLED_ONLINE);
    expect(v).toMatchObject({ step: "enter-pin", decideEnabled: true, syncShown: false, setEnabled: false });
  });

  it("offers 立即同步 nowhere but the awaited PIN, and never on a standalone device", () => {
    expect(viewOn(ready(false), 0, false, STANDALONE)).toMatchObject({ step: "set-pin", syncShown: false });
    expect(viewOn(chiefsLoaded(initialApproval, staff), 0, false, ENROLLED_ONLINE).syncShown).toBe(false);
    expect(viewOn(chiefsLoaded(initialApproval, [proctor("J2101")]), 0, false, ENROLLED_ONLINE).syncShown).toBe(false);
  });

  it("knows the device is enrolled from its server link, and online unless the header says 离线", () => {
    expect(linkOf(null, null)).toEqual(STANDALONE);
    expect(linkOf(null, sync("not-enrolled"))).toEqual(STANDALONE);
    for (const state of ["never", "synced", "pending", "failed"] as const) {
      expect(linkOf(server, sync(state)), state).toEqual(ENROLLED_ONLINE);
    }
    expect(linkOf(server, sync("offline"))).toEqual(ENROLLED_OFFLINE);
    // The sync state not read yet: enrolled all the same (no set-PIN form), 立即同步 not offered.
    expect(linkOf(server, null)).toEqual(ENROLLED_OFFLINE);
  });
});

describe("a locked PIN", () => {
  it("disables approve and reject for the seconds Rust gave, then enables them again", () => {
    const a = locked(ready(true), "Z02", 300, 10_000);
    expect(approvalView(a, 10_000, false)).toMatchObject({ decideEnabled: false, lockSecs: 300 });
    expect(approvalView(a, 10_000 + 299_001, false)).toMatchObject({ decideEnabled: false, lockSecs: 1 });
    expect(approvalView(a, 10_000 + 300_000, false)).toMatchObject({ decideEnabled: true, lockSecs: 0 });
  });

  it("locks only the chief who was locked", () => {
    const two = pinKnown(pinKnown(chiefsLoaded(initialApproval, [chief("Z01"), chief("Z02")]), "Z01", true), "Z02", true);
    const a = locked(two, "Z02", 300, 0);
    expect(approvalView(a, 0, false).decideEnabled).toBe(true);
    expect(approvalView({ ...a, chief: "Z02" }, 0, false).decideEnabled).toBe(false);
  });

  it("reads the seconds from Rust's message, in either language", () => {
    expect(lockSecondsFrom("口令错误次数过多，已锁定，请 287 秒后再试 (too many wrong PINs: locked, try again in 287 s)")).toBe(287);
    expect(lockSecondsFrom("locked, try again in 42 s")).toBe(42);
  });

  it("falls back to the five-minute lock when the message has no seconds", () => {
    expect(lockSecondsFrom("locked")).toBe(300);
  });

  it("counts whole seconds left, rounding up, and none when not locked", () => {
    expect(lockLeft(5_500, 0)).toBe(6);
    expect(lockLeft(5_000, 6_000)).toBe(0);
    expect(lockLeft(undefined, 0)).toBe(0);
  });
});

describe("what the chief and the site office type", () => {
  it("accepts a new PIN of at least 6 digits typed the same twice", () => {
    expect(newPinProblem("246810", "246810")).toBeNull();
    expect(newPinProblem("12345678", "12345678")).toBeNull();
  });

  it("refuses a new PIN shorter than 6 digits", () => {
    expect(newPinProblem("12345", "12345")).toBe("too-short");
  });

  it("refuses a new PIN with anything but digits", () => {
    expect(newPinProblem("12345a", "12345a")).toBe("not-digits");
    expect(newPinProblem("123 456", "123 456")).toBe("not-digits");
  });

  it("refuses two new PINs that differ", () => {
    expect(newPinProblem("246810", "246811")).toBe("mismatch");
    expect(newPinProblem("246810", "")).toBe("mismatch");
  });

  it("asks for a new PIN when none was typed", () => {
    expect(newPinProblem("", "")).toBe("empty");
  });

  it("leaves judging an entered PIN to Rust, which counts the tries", () => {
    expect(pinEntered("")).toBe(false);
    expect(pinEntered("1")).toBe(true);
  });

  it("needs a reason to reject", () => {
    expect(rejectNoteReady("  ")).toBe(false);
    expect(rejectNoteReady("照片不清")).toBe(true);
  });
});
