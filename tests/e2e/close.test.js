// Closing the room (关闭考场) with the exam clock set explicitly: before the end the door offers no
// closing and Rust refuses one sent anyway; after the end the panel lists what is unresolved in
// words (the candidate awaiting approval, their missing 30-minute photo, the count check not
// done), a proctor's own credentials and an empty reason waive nothing, the chief examiner waives
// each item with the PIN, and the room closes once (已关闭).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  DEMO,
  attrIs,
  click,
  invoke,
  loadDemoAndOpenDoor,
  openCard,
  passChecks,
  screenshot,
  setExamTime,
  shotOnFailure,
  startApp,
  stopApp,
  vouchWithPhoto,
} from "./lib/app.js";
import { chiefOf, closeRoom, closingItems, openClosing, setChiefPin, waiveItem } from "./lib/close.js";

const PIN = "246810";
const ADMITTED = DEMO.room01(1);
const VOUCHED = DEMO.room01(2);

describe("closing the room", () => {
  let browser;
  let here;
  let chief;
  const step = (name, fn) => it(name, shotOnFailure(() => browser, name, fn));
  const closeNow = () => invoke(browser, "close_room", { sitting: here.sitting, site: here.site, room: here.room, actor: here.proctor });

  before(
    shotOnFailure(
      () => browser,
      "close-before",
      async () => {
        ({ browser } = await startApp("close"));
        here = await loadDemoAndOpenDoor(browser);
        await setExamTime(browser, DEMO.doorOpen);
        chief = await chiefOf(browser, here.site);
        await setChiefPin(browser, chief, PIN);
      },
    ),
  );
  after(async () => stopApp(browser));

  step("one candidate is admitted and one awaits the chief's approval", async () => {
    await openCard(browser, ADMITTED.slice(-4), ADMITTED);
    await passChecks(browser, "passed");
    await click(browser, "#admit");
    await attrIs(browser, `#card[data-student="${ADMITTED}"]`, "data-state", "admitted");
    await vouchWithPhoto(browser, VOUCHED);
  });

  step("before the end the door offers no closing and a close sent anyway is refused", async () => {
    await setExamTime(browser, "2023-04-15T10:59:00");
    assert.equal(await (await browser.$("#close-open")).isDisplayed(), false, "关闭考场 shown before the end");
    const r = await closeNow();
    assert.equal(r.error?.code, "too-early-to-close", JSON.stringify(r));
  });

  step("after the end the panel lists each unresolved item in words and will not close", async () => {
    await setExamTime(browser, "2023-04-15T11:01:00");
    await openClosing(browser);
    const items = await closingItems(browser);
    assert.deepEqual(
      items.map((i) => [i.kind, i.student, i.waived]),
      [
        ["pending-approval", VOUCHED, false],
        ["missing-count-check-photo", VOUCHED, false],
        ["count-check-not-done", null, false],
      ],
    );
    assert.match(items[0].text, /人工核验尚待主考审批/);
    assert.match(items[0].text, /座位/);
    assert.match(items[2].text, /30 分钟人数核对/);
    assert.equal(await (await browser.$("#close-room")).isEnabled(), false, "关闭考场 enabled with items open");
    const r = await closeNow();
    assert.equal(r.error?.code, "unresolved", JSON.stringify(r));
    await screenshot(browser, "close-unresolved");
  });

  step("a proctor's own credentials and an empty reason waive nothing", async () => {
    const item = { kind: "count-check-not-done" };
    await waiveItem(browser, item, { chief: here.proctor, pin: PIN, reason: "忘了做" }, { expect: "not-chief-examiner" });
    await waiveItem(browser, item, { chief, pin: PIN, reason: "   " }, { expect: "waiver-needs-reason" });
    await waiveItem(browser, item, { chief, pin: "000000", reason: "平台故障" }, { expect: "wrong-pin" });
    assert.ok((await closingItems(browser)).every((i) => !i.waived), "an item shows as waived");
  });

  step("the chief waives each item with the PIN and the room closes once", async () => {
    const creds = { chief, pin: PIN, reason: "主考现场核实" };
    await waiveItem(browser, { kind: "pending-approval", student: VOUCHED }, creds);
    await waiveItem(browser, { kind: "missing-count-check-photo", student: VOUCHED }, creds);
    await waiveItem(browser, { kind: "count-check-not-done" }, creds);
    const closed = await closeRoom(browser);
    assert.match(closed, /已关闭/);
    await screenshot(browser, "close-closed");
    const again = await closeNow();
    assert.equal(again.error?.code, "room-closed", JSON.stringify(again));
  });
});
