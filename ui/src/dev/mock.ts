// DEV ONLY: a fake backend for looking at the screens in a plain browser (`vite ui`, then open
// `/?mock`, optionally `&at=2023-04-15T09:31:00%2B08:00` to start the clock there, `&demo` to start
// with the demo loaded). main.ts imports this only when import.meta.env.DEV and not in the app,
// so the production bundle does not contain it. It imitates the Rust commands loosely (same
// shapes, same error codes) with a few rooms of made-up candidates; the real rules live in Rust.
import { mockIPC } from "@tauri-apps/api/mocks";
import type {
  ActResult, CandidateCard, CandidateState, ClockView, DocumentKind, DoorAct, ImportReport,
  IpcError, RoomInfo, SiteInfo, SittingInfo, StaffInfo, Tally,
} from "../bindings";
import { maskIdNumber } from "../mask";
import { formatOffset, parseRfc3339, toInputValue } from "../clock";

const SITES: SiteInfo[] = [
  { name: "湖北开放大学开放教育学院", address: "湖北省武汉市东湖新技术开发区软件园路2号", rooms: 3 },
  { name: "襄阳电大校本部", address: "襄阳市襄城区尹集东街东街66号", rooms: 3 },
  { name: "宜昌电大校本部", address: "宜昌市西陵区果园一路3号", rooms: 3 },
];
const ROOMS: Array<[string, number]> = [["01", 25], ["02", 30], ["03", 43]];
const SITTINGS: SittingInfo[] = [
  { id: 1, offset: 28800, drill: true, sitting: { exam: "学士学位英语考试", label: "2023春 第一次", date: "2023-04-15", start: "09:00:00", end: "11:00:00", paper: "11908" } },
  { id: 2, offset: 28800, drill: true, sitting: { exam: "学士学位英语考试", label: "2023春 第二次", date: "2023-05-20", start: "09:00:00", end: "11:00:00", paper: "11908" } },
];
const SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐";
const GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "晓东", "思远"];

interface Person {
  card: CandidateCard;
  id: string;
}

function checkChar(first17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * w[i]!, 0);
  return "10X98765432"[sum % 11]!;
}

function people(): Person[] {
  const out: Person[] = [];
  SITES.forEach((site, si) => {
    ROOMS.forEach(([room, seats], ri) => {
      for (let seat = 1; seat <= seats; seat++) {
        const k = si * 1000 + ri * 100 + seat;
        const student = `22310${si + 1}${room}${String(seat).padStart(5, "0")}`;
        const first = `420${si + 1}0${ri + 1}19${80 + (k % 20)}${String((k % 12) + 1).padStart(2, "0")}${String((k % 28) + 1).padStart(2, "0")}${String(k % 1000).padStart(3, "0")}`;
        let kind: DocumentKind = "resident-id";
        let id = first + checkChar(first);
        if (seat === 7) { kind = "passport"; id = `E${String(10000000 + k)}`; }
        if (seat === 11) { kind = "hk-macau-travel-permit"; id = `H${String(60000000 + k)}`; }
        out.push({
          id,
          card: {
            student_number: student,
            name: SURNAMES[k % SURNAMES.length]! + GIVEN[(k * 7) % GIVEN.length]!,
            document_kind: kind,
            document_masked: maskIdNumber(id),
            site: site.name,
            room,
            room_address: `${site.address} ${room} 考场（${room === "03" ? "实验楼 3 楼" : "教学楼 2 楼"}）`,
            seat,
            photo: seat % 5 === 0 ? `${student}.jpg` : null,
            state: { state: "expected" },
            manual_photo_source: null,
          },
        });
      }
    });
  });
  return out;
}

function fail(code: string, message: string, details: string[] = []): never {
  const e: IpcError = { code, message, details };
  throw e;
}

export function installMock(): void {
  const params = new URLSearchParams(location.search);
  let loaded = params.has("demo");
  const folk = people();
  const at = params.get("at");
  let clockSet: { ms: number; since: number } | null = at ? { ms: parseRfc3339(at)?.ms ?? Date.now(), since: performance.now() } : null;
  const nowMs = () => (clockSet ? clockSet.ms + (performance.now() - clockSet.since) : Date.now());
  const sittingOf = (label: string) => SITTINGS.find((s) => s.sitting.label === label) ?? fail("unknown-sitting", `没有考试场次 ${label} (unknown sitting)`);
  const rfc = (ms: number) => `${toInputValue(ms, 480)}${formatOffset(480)}`;
  const timeline = (label: string) => {
    const s = sittingOf(label).sitting;
    const start = parseRfc3339(`${s.date}T${s.start}+08:00`)!.ms;
    const end = parseRfc3339(`${s.date}T${s.end}+08:00`)!.ms;
    return { staff: start - 3600e3, notice: start - 1800e3, start, cutoff: start + 1800e3, end };
  };
  const find = (student: string) => folk.find((p) => p.card.student_number === student) ?? fail("unknown-candidate", `没有学号为 ${student} 的考生 (unknown candidate)`);
  const pins = new Map<string, { pin: string; failures: number; lockedUntil: number }>();
  const presetPin = params.get("pin");
  if (presetPin) SITES.forEach((_, si) => pins.set(`C${si}`, { pin: presetPin, failures: 0, lockedUntil: 0 }));
  const chiefOnly = (id: string) =>
    /^C\d+$/.test(id) ? id : fail("not-chief-examiner", `只有主考可以设置口令或审批 (${id} is not a chief examiner)`);
  const need = () => (loaded ? undefined : fail("database", "尚未载入座次表 (no seating list loaded)"));

  const commands: Record<string, (a: Record<string, unknown>) => unknown> = {
    app_info: () => ({ db_path: "/home/proctor/.local/share/org.examgate.door/examgate.sqlite3", device_id: "dev-mock-7f3a", version: "0.1.0-mock", db_key: "文件 /home/proctor/.local/share/org.examgate.door/examgate.sqlite3.key（仅本用户可读；本机没有可用的系统密钥库）(a file readable by this user only; no system keystore available on this machine)", orphan_photos: [] }),
    load_demo: (): ImportReport => {
      if (loaded) fail("import", "导入失败：演示考试已载入 (import failed: the demo exam is already loaded)", ["demo.csv:2: 学号: 2231010100001 已存在 (already imported)"]);
      loaded = true;
      return {
        files: [{ file: "demo-考场座次表.csv", kind: "seating-list", rows: folk.length, sittings: ["2023春 第一次", "2023春 第二次"] },
          { file: "demo-监考安排.csv", kind: "staff-roster", rows: 30, sittings: [] }],
        candidates: folk.length, staff: 30,
        warnings: [{ site: "宜昌电大校本部", room: "03", seats: 43, needed: 4, assigned: 3 }],
      };
    },
    import_files: () => fail("import", "导入失败：2 处错误 (import failed: 2 errors)", [
      "座次表.xlsx:14: 证件号码: 校验位不符 (check character does not match)",
      "座次表.xlsx:27: 学号: 应为 13 位数字 (must be 13 digits)",
    ]),
    sittings: () => (loaded ? SITTINGS : []),
    sites: () => (loaded ? SITES : []),
    rooms: (a): RoomInfo[] => {
      need();
      const site = SITES.find((s) => s.name === a.site)!;
      return ROOMS.map(([n, seats]) => ({ site: site.name, number: n, address: `${site.address} ${n} 考场`, seats, candidates: folk.filter((p) => p.card.site === site.name && p.card.room === n).length }));
    },
    staff: (a): StaffInfo[] => {
      need();
      const si = SITES.findIndex((s) => s.name === a.site);
      const room = a.room as string | null;
      const n = room === "03" ? 4 : 2;
      const list: StaffInfo[] = Array.from({ length: n }, (_, i) => ({ id: `P${si}${room}${i}`, name: `${SURNAMES[(si * 5 + i * 3 + Number(room ?? 0)) % SURNAMES.length]}老师${i + 1}`, role: "proctor", site: a.site as string, room }));
      return [...list, { id: `C${si}`, name: "主考 周明", role: "chief-examiner", site: a.site as string, room: null }];
    },
    clock: (a): ClockView => {
      const tl = timeline(a.sitting as string);
      const now = nowMs();
      const phase = now < tl.staff ? "before-staff" : now < tl.notice ? "preparing" : now < tl.start ? "door-open" : now <= tl.cutoff ? "started" : now < tl.end ? "late-cutoff-passed" : "ended";
      return {
        now: rfc(now), set: clockSet !== null, drill: true, set_by: null, phase,
        timeline: { staff_in_room: rfc(tl.staff), notice: rfc(tl.notice), start: rfc(tl.start), late_cutoff: rfc(tl.cutoff), end: rfc(tl.end) },
        to_start_secs: Math.round((tl.start - now) / 1000), to_cutoff_secs: Math.round((tl.cutoff - now) / 1000), to_end_secs: Math.round((tl.end - now) / 1000),
      };
    },
    set_clock: (a) => {
      const v = a.examTime as string | null;
      if (v === null) clockSet = null;
      else clockSet = { ms: parseRfc3339(v)?.ms ?? fail("bad-time", `无法识别的时间 ${v} (not a time)`), since: performance.now() };
      return null;
    },
    search: (a): CandidateCard[] => {
      need();
      const text = String(a.text).trim().toUpperCase();
      const site = folk.filter((p) => p.card.site === a.site);
      let hits: Person[];
      if (/^\d{13}$/.test(text)) hits = site.filter((p) => p.card.student_number === text);
      else if (/^\d{1,3}$/.test(text)) hits = site.filter((p) => p.card.room === a.room && p.card.seat === Number(text));
      else if (/^[0-9A-Z]{4,6}$/.test(text)) hits = site.filter((p) => p.card.student_number.endsWith(text) || p.id.endsWith(text));
      else hits = site.filter((p) => p.card.name.includes(String(a.text).trim()) || p.id === text);
      return hits.slice(0, 20).map((p) => p.card);
    },
    card: (a) => find(a.student as string).card,
    check_document: (a) => {
      const p = find(a.student as string);
      const typed = String(a.typed).trim().toUpperCase();
      return typed === p.id ? "full" : typed.length >= 4 && p.id.endsWith(typed) ? "suffix" : "mismatch";
    },
    act: (a): ActResult => {
      const p = find(a.student as string);
      const act = a.act as DoorAct;
      const s = p.card.state;
      const late = nowMs() > timeline(a.sitting as string).cutoff;
      if (s.state === "admitted") fail("already-admitted", "该考生已入场 (already admitted)");
      if (s.state === "absent") fail("already-absent", "该考生已记为缺考 (already marked absent)");
      if (s.state === "pending-manual-verification") fail("awaiting-approval", "该考生正在等待主考审批人工核验 (awaiting the chief examiner's approval)");
      if (act.act === "vouch") fail("photo-needed", "人工核验须先拍摄考生与监考员在座位的合照 (vouching needs the photo)");
      let next: CandidateState;
      if (act.act === "admit" && late) next = { state: "absent", refused_late: true };
      else if (act.act === "admit") next = { state: "admitted", manual: false };
      else if (act.act === "refuse") next = { state: "refused", reason: act.reason };
      else fail("unexpected", `mock: ${act.act} not imitated`);
      p.card = { ...p.card, state: next };
      return { event: act.act, state: next };
    },
    note_wrong_room: () => null,
    // The photo pipeline (decode, stamp, sign) is Rust's; the mock cannot see the request's header.
    take_photo: () => fail("unexpected", "mock: the fallback photo is taken only in the app"),
    fallback_photo: () => new ArrayBuffer(0),
    begin_vouch: (a): ActResult | null => {
      const p = find(a.student as string);
      if (p.card.state.state === "admitted") fail("already-admitted", "该考生已入场 (already admitted)");
      if (nowMs() <= timeline(a.sitting as string).cutoff) return null;
      const next: CandidateState = { state: "absent", refused_late: true };
      p.card = { ...p.card, state: next };
      return { event: "refused-late", state: next };
    },
    // Chief examiners' PINs, kept in plain memory (Rust keeps argon2 hashes); `&pin=246810` in the
    // URL presets every chief's PIN. Same codes and messages as Rust: 5 wrong tries lock 5 minutes.
    has_pin: (a) => pins.has(a.chief as string),
    set_pin: (a) => {
      const chief = chiefOnly(a.chief as string);
      const pin = String(a.pin);
      if (pin.length < 6 || !/^\d+$/.test(pin)) fail("weak-pin", "口令须为至少 6 位数字 (a PIN is at least 6 digits)");
      if (pins.has(chief)) fail("pin-already-set", `主考 ${chief} 在本设备已设置口令；如需重设请由考点办公室操作 (this chief's PIN is already set on this device)`);
      pins.set(chief, { pin, failures: 0, lockedUntil: 0 });
      return null;
    },
    decide_with_pin: (a): ActResult => {
      const chief = chiefOnly(a.chief as string);
      const held = pins.get(chief) ?? fail("no-pin", `主考 ${chief} 尚未在本设备设置口令，请考点办公室先设置 (no PIN set for this chief on this device yet)`);
      const now = nowMs();
      if (now < held.lockedUntil) {
        const seconds = Math.max(1, Math.floor((held.lockedUntil - now) / 1000));
        fail("pin-locked", `口令错误次数过多，已锁定，请 ${seconds} 秒后再试 (too many wrong PINs: locked, try again in ${seconds} s)`);
      }
      if (String(a.pin) !== held.pin) {
        held.failures += 1;
        if (held.failures >= 5) {
          held.failures = 0;
          held.lockedUntil = now + 300e3;
          fail("pin-locked", "口令错误次数过多，已锁定，请 300 秒后再试 (too many wrong PINs: locked, try again in 300 s)");
        }
        fail("wrong-pin", `口令错误，还可再试 ${5 - held.failures} 次 (wrong PIN: ${5 - held.failures} tries left)`);
      }
      held.failures = 0;
      held.lockedUntil = 0;
      const p = find(a.student as string);
      if (p.card.state.state !== "pending-manual-verification") fail("nothing-to-approve", "该考生没有待审批的人工核验 (nothing to approve for this candidate)");
      const act = a.act as DoorAct;
      let next: CandidateState;
      if (act.act === "approve") next = { state: "admitted", manual: true };
      else if (act.act === "reject") next = { state: "refused", reason: { reason: "manual-verification-rejected" } };
      else fail("pin", "口令处理失败 (PIN error): only approve or reject");
      p.card = { ...p.card, state: next };
      return { event: act.act, state: next };
    },
    tally: (a): Tally => {
      const room = folk.filter((p) => p.card.site === a.site && p.card.room === a.room).map((p) => p.card);
      const by = (...s: string[]) => room.filter((c) => s.includes(c.state.state));
      return { expected: by("expected"), admitted: by("admitted"), pending: by("pending-manual-verification"), refused: by("refused"), absent: by("absent"), conflict: by("conflict") };
    },
    mark_remaining_absent: (a) => {
      if (nowMs() <= timeline(a.sitting as string).cutoff) fail("too-early-for-absent", "开考 30 分钟后才能记缺考 (absence is marked only after 30 minutes past the start)");
      const left = folk.filter((p) => p.card.site === a.site && p.card.room === a.room && (p.card.state.state === "expected" || p.card.state.state === "refused"));
      for (const p of left) p.card = { ...p.card, state: { state: "absent", refused_late: false } };
      return left.length;
    },
    "plugin:dialog|open": () => ["/home/proctor/座次表.xlsx"],
  };

  mockIPC(async (cmd, args) => {
    await new Promise((r) => setTimeout(r, 80)); // a little latency, to see the busy states
    const f = commands[cmd];
    if (!f) fail("unexpected", `mock: no command ${cmd}`);
    return f((args ?? {}) as Record<string, unknown>);
  });
  // For scripted looks (screenshots): the made-up ID numbers, which the screens never show whole.
  (window as unknown as { __mockIds: () => Record<string, string> }).__mockIds = () =>
    Object.fromEntries(folk.map((p) => [p.card.student_number, p.id]));
}
