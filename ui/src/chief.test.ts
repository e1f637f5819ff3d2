import { describe, expect, it } from "vitest";
import { ErrorCode, type PendingApproval, type RoomCounts, type ServerView } from "./bindings";
import { askAgain, firstScreen, isChief, photoSlot, pickSitting, roomCounts, roomTotal, siteTotals, vouchedLine } from "./chief";
import { translate } from "./i18n";

const server: ServerView = {
  url: "https://10.0.0.2:8740",
  urls: ["https://10.0.0.2:8740"],
  fingerprint: "AB12",
  site: "襄阳电大校本部",
  room: null,
  role: "chief-examiner",
  staff: "Z02",
  enrolled_at: "2026-11-29T08:00:00+08:00",
};

const room = (over: Partial<RoomCounts>): RoomCounts => ({
  room: "01", address: "教学楼201室", expected: 0, admitted: 0, pending: 0, refused: 0, absent: 0, conflict: 0,
  count_check: null, violations: [], present: 0, closed_by: null, ...over,
});

const pending: PendingApproval = {
  card: {
    student_number: "2242200000107", name: "李雷", document_kind: "resident-id", document_masked: "420102********1234",
    site: "襄阳电大校本部", room: "01", room_address: "教学楼201室", seat: 9, photo: null,
    state: { state: "pending-manual-verification" }, manual_photo_source: "camera", face: { result: "failed", reason: "environment" },
  },
  vouched_by: "J2101",
  vouched_by_name: "王芳",
  vouched_at: "2023-04-15T08:41:07+08:00",
};

describe("the chief examiner's overview", () => {
  it("opens on a chief's device, and only there", () => {
    expect(isChief(server)).toBe(true);
    expect(firstScreen(server)).toBe("chief");
    expect(firstScreen({ ...server, role: "proctor", room: "01" })).toBe("start");
    expect(firstScreen(null)).toBe("start");
  });

  it("counts a room and the whole site", () => {
    const a = room({ expected: 20, admitted: 3, pending: 1, absent: 1 });
    const b = room({ room: "02", expected: 28, admitted: 2, conflict: 1 });
    expect(roomTotal(a)).toBe(25);
    expect(siteTotals([a, b])).toEqual({ expected: 48, admitted: 5, pending: 1, refused: 0, absent: 1, conflict: 1 });
  });

  it("lists a room's non-zero counts after the total and the admitted, so a pending one stands out", () => {
    const words = roomCounts(room({ expected: 20, admitted: 3, pending: 2 })).map((c) =>
      translate("zh", c.key, { n: c.n }),
    );
    expect(words).toEqual(["应到 25", "已入场 3", "待批 2", "未到 20"]);
    expect(roomCounts(room({})).map((c) => c.bucket)).toEqual(["total", "admitted"]);
  });

  it("says who vouched and when, by name and staff number", () => {
    const line = vouchedLine(pending);
    expect(translate("zh", line.key, line.params)).toBe("监考 王芳（J2101） 于 08:41 提交人工核验");
    const unnamed = vouchedLine({ ...pending, vouched_by_name: null });
    expect(translate("en", unnamed.key, unnamed.params)).toBe("Vouched for by J2101 at 08:41");
  });

  it("shows the photo, 照片上传中 while the server lacks it, and asks again until it arrives", () => {
    expect(photoSlot({ bytes: new Uint8Array([0xff, 0xd8]) })).toBe("shown");
    expect(photoSlot({ bytes: new ArrayBuffer(0) })).toBe("none");
    expect(photoSlot({ error: ErrorCode.PhotoUploading })).toBe("uploading");
    expect(photoSlot({ error: ErrorCode.ServerUnreachable })).toBe("error");
    expect(translate("zh", "chief.photo-uploading")).toBe("照片上传中");
    expect(askAgain(undefined)).toBe(true);
    expect(askAgain("uploading")).toBe(true);
    expect(askAgain("shown")).toBe(false);
    expect(askAgain("loading")).toBe(false);
  });

  it("keeps the sitting chosen before while it is offered", () => {
    expect(pickSitting(["2023春 第一次", "2023春 第二次"], "2023春 第二次")).toBe("2023春 第二次");
    expect(pickSitting(["2023春 第一次"], "gone")).toBe("2023春 第一次");
    expect(pickSitting([], null)).toBeNull();
  });
});
