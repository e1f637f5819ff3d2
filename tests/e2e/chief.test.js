// Two app windows against one real site server, as on the day: the office runs `examgate serve`
// with the demo exam and makes two one-time codes, one for a proctor of 襄阳电大校本部 room 01 and
// one for the site's chief examiner (Z02, no room). The door window vouches for a candidate whose
// face check failed and sends the photo; its approval panel, the chief's PIN not yet set at the
// server, says the PIN has not reached the device (an enrolled device never offers the first-use
// form) until the office sets it with `serve chief-pin` and 立即同步 brings it. The chief's window
// (a second tauri-driver, its own web storage) opens on 主考总览 and lists the pending
// verification with the stamped photo fetched from the server; the chief approves with the PIN;
// and the door's open card turns to 已入场 with no tap, carried by the background sync's long
// poll and the shell's `store-changed` event.
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import {
  DEMO,
  UI_TIMEOUT,
  attrIs,
  click,
  connect,
  loadDemoAndOpenDoor,
  message,
  screenshot,
  setExamTime,
  shown,
  vouchWithPhoto,
} from "./lib/app.js";
import { setChiefPin } from "./lib/server.js";
import { PEOPLE, closeSite, openSite, stepInBoth } from "./lib/site.js";

const { proctor: PROCTOR, chief: CHIEF } = PEOPLE;
const PIN = "246810";
const VOUCHED = DEMO.room01(9);
/** The door must show the chief's decision well within the UI bound (the issue asks for 3 s). */
const DECISION_BOUND_MS = 10_000;

describe("a door and the chief examiner, two windows, one site server", () => {
  let door;
  let chief;
  let server;
  let codes;
  let tapped = 0;
  const step = stepInBoth(() => ({ door, chief }));

  before(async () => {
    ({ server, codes, door, chief } = await openSite("chief"));
    // The chief's PIN is set at the site server only once the door waits for it (below).
  });
  after(async () => closeSite({ server, door, chief }));

  step("the door connects as room 01's proctor and vouches for a candidate with the photo", async () => {
    await connect(door, codes.door);
    await loadDemoAndOpenDoor(door);
    await setExamTime(door, DEMO.doorOpen);
    await vouchWithPhoto(door, VOUCHED);
  });

  step("the door's approval panel awaits the chief's PIN from the server, never offers to set one, and 立即同步 brings it", async () => {
    // Enrolled, and the office has not set the PIN yet: no first-use form (it would fail with
    // pin-set-at-server), the panel says so and offers 立即同步 (the door is online).
    await attrIs(door, "#approval", "data-step", "awaiting-pin");
    assert.equal(await (await door.$("#pin-setup")).isDisplayed(), false, "no set-the-PIN form on an enrolled device");
    const awaited = await shown(door, "#pin-awaited");
    assert.ok((await awaited.getText()).includes("examgate serve chief-pin"), await awaited.getText());
    // The office sets the chief's PIN at the site server; the door's sync brings it with the
    // catalogue, and the panel asks the chief for it.
    setChiefPin(server, CHIEF, PIN);
    await click(door, "#approval-sync");
    await attrIs(door, "#approval", "data-step", "enter-pin");
    await shown(door, "#approval-pin");
  });

  step("the chief's device, connected as the chief examiner, opens the overview of every room", async () => {
    await connect(chief, codes.chief);
    // Connected as the chief: the overview's tab appears, and the app opens there from now on.
    await click(chief, "#tab-chief");
    await shown(chief, "#screen-chief");
    // The site's catalogue arrives with the first sync: every room of the site is listed.
    await chief.waitUntil(async () => Number(await (await chief.$("#chief-rooms")).getAttribute("data-count")) >= 3, {
      timeout: UI_TIMEOUT,
      timeoutMsg: "the overview never listed the site's rooms",
    });
    // The header names the site and the chief, and runs the exam clock of the sitting on show.
    assert.equal((await (await chief.$("#context")).getText()).trim(), `${DEMO.site} · 主考 ${CHIEF}`);
    await chief.waitUntil(async () => (await (await chief.$("#clock")).getText()).trim() !== "--:--:--", {
      timeout: UI_TIMEOUT,
      timeoutMsg: "the chief's header shows no exam clock",
    });
    const room01 = await shown(chief, `#chief-rooms .chief-room[data-room="${DEMO.room}"]`);
    await chief.waitUntil(async () => (await room01.getAttribute("data-pending")) === "1", {
      timeout: UI_TIMEOUT,
      timeoutMsg: "room 01's tile never counted the pending verification",
    });
  });

  step("the pending verification shows who, where, the masked ID, who vouched, and the photo from the server", async () => {
    const item = await shown(chief, `#chief-pending .chief-item[data-student="${VOUCHED}"]`);
    const text = await item.getText();
    assert.ok(text.includes(VOUCHED), text);
    assert.ok(text.includes(`${DEMO.room} 考场 · 9 号座`), `room and seat: ${text}`);
    assert.match(text, /\*{4,}/, "the ID number is masked");
    assert.ok(text.includes(PROCTOR), `the proctor who vouched is named: ${text}`);
    await attrIs(chief, `.chief-item[data-student="${VOUCHED}"] .chief-photo`, "data-photo", "shown");
    const img = await chief.$(`.chief-item[data-student="${VOUCHED}"] .chief-photo img`);
    const size = await chief.waitUntil(
      async () => chief.execute((el) => (el.complete && el.naturalWidth > 0 ? [el.naturalWidth, el.naturalHeight] : null), img),
      { timeout: UI_TIMEOUT, timeoutMsg: "the photo fetched from the server was not shown" },
    );
    assert.deepEqual(size, [960, 720], "the stamped photo the door took");
    await chief.execute((el) => el.scrollIntoView({ block: "start" }), item);
    await screenshot(chief, "chief-overview");
  });

  step("the chief approves with the PIN on the chief's own device", async () => {
    await click(chief, `.chief-item[data-student="${VOUCHED}"] .chief-open`);
    // The PIN the office set at the server came with the catalogue: the panel asks for it.
    await shown(chief, '.chief-decide[data-step="enter-pin"]');
    await (await shown(chief, ".chief-pin")).setValue(PIN);
    const approve = await shown(chief, ".chief-approve");
    await approve.waitForEnabled({ timeout: UI_TIMEOUT });
    tapped = Date.now();
    await approve.click();
    await attrIs(chief, "#chief-message", "data-kind", "ok");
    await attrIs(chief, "#chief-message", "data-state", "admitted");
  });

  step("the door's open card shows 已入场 without a tap", async () => {
    const card = await door.$(`#card[data-student="${VOUCHED}"]`);
    await door.waitUntil(async () => (await card.getAttribute("data-state")) === "admitted", {
      timeout: DECISION_BOUND_MS,
      interval: 100,
      timeoutMsg: `the door's card did not show the chief's approval within ${DECISION_BOUND_MS} ms`,
    });
    const took = Date.now() - tapped;
    console.log(`[chief] the door showed the approval ${took} ms after the chief's tap`);
    assert.ok(took < DECISION_BOUND_MS, `${took} ms`);
    assert.ok((await (await door.$("#card-state")).getText()).includes("已入场"));
    await screenshot(door, "chief-door-admitted");
    // And the chief's overview no longer lists it.
    await chief.waitUntil(
      async () => !(await (await chief.$(`#chief-pending .chief-item[data-student="${VOUCHED}"]`)).isExisting()),
      { timeout: UI_TIMEOUT, timeoutMsg: "the approved verification stayed on the chief's list" },
    );
  });

  step("the overview switches to English like every screen", async () => {
    await click(chief, "#lang");
    await chief.waitUntil(async () => (await (await chief.$("#chief-title")).getText()).trim() === "Chief examiner's overview", {
      timeout: UI_TIMEOUT,
      timeoutMsg: "the overview's title did not switch to English",
    });
    const room01 = await shown(chief, `#chief-rooms .chief-room[data-room="${DEMO.room}"]`);
    assert.ok((await room01.getText()).includes("1 admitted"), await room01.getText());
    await screenshot(chief, "chief-overview-en");
  });

  step("the post-exam check counts the entry photo to check by 18 April, and 已核验 takes it off", async () => {
    // Still in English: one entry photo (the approved manual verification) is left to check.
    const line = await shown(chief, "#chief-postcheck-line");
    await chief.waitUntil(async () => (await line.getText()).trim() === "1 photo still to check by 18 April", {
      timeout: UI_TIMEOUT,
      timeoutMsg: `the post-exam check line said ${await line.getText()}`,
    });
    await click(chief, "#lang");
    await chief.waitUntil(async () => (await line.getText()).trim() === "还有 1 张照片须在 4 月 18 日前完成核验", {
      timeout: UI_TIMEOUT,
      timeoutMsg: `the post-exam check line said ${await line.getText()}`,
    });
    const item = await shown(chief, `#chief-postcheck-list .postcheck-item[data-student="${VOUCHED}"]`);
    assert.ok((await item.getText()).includes(`${VOUCHED}.jpg`), await item.getText());
    await click(chief, `.postcheck-item[data-student="${VOUCHED}"] .postcheck-mark`);
    await attrIs(chief, "#chief-postcheck-line", "data-remaining", "0");
    assert.equal((await line.getText()).trim(), "入场照片已全部核验（截止 4 月 18 日）");
    await attrIs(chief, "#chief-postcheck-message", "data-kind", "ok");
    await screenshot(chief, "chief-postcheck");
  });
});
