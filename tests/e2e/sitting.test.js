// One room through a whole sitting, in two real windows against one real site server, with the
// exam clock set explicitly at each step (the demo's sittings are drills): at T−55 staff are in
// the room and both proctors of room 01 sign in with their PINs; at T−20 candidates are admitted
// and one whose face recognition failed is vouched for with the seat photo, which the chief
// examiner approves on their own device; at T+31 the banner asks for the count check, the platform
// is one short (the manual verification), its photo is taken, a latecomer is refused and the rest
// are marked absent; a violation is recorded and then ticked as marked on the platform; after the
// end the room closes with nothing left unresolved. The chief examiner's overview, fed only by the
// sync, then shows the door's own numbers: admitted, absent, the count check, the violation and
// the closed room.
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import {
  DEMO,
  UI_TIMEOUT,
  attrIs,
  click,
  connect,
  loadDemoAndOpenDoor,
  openCard,
  passChecks,
  screenshot,
  setExamTime,
  shown,
  tally,
  tallyShows,
  vouchWithPhoto,
} from "./lib/app.js";
import { setChiefPin } from "./lib/server.js";
import { closeSite, openSite, stepInBoth } from "./lib/site.js";
import { STAFF, signInProctor, staffing, tickStep } from "./lib/proctors.js";
import {
  admit,
  countBannerIs,
  doCountCheck,
  editViolation,
  faceLineIs,
  recordViolation,
  takeCountCheckPhoto,
  violations,
} from "./lib/count.js";
import { closeRoom, closingItems, openClosing } from "./lib/close.js";

const [PROCTOR, SECOND] = STAFF.roster;
const CHIEF = STAFF.chief;
const CHIEF_PIN = "246810";
const PINS = { [PROCTOR]: "135790", [SECOND]: "864202" };
const ADMITTED = [DEMO.room01(1), DEMO.room01(2), DEMO.room01(3)];
const VOUCHED = DEMO.room01(4);
const LATECOMER = DEMO.room01(5);
const OFFENDER = DEMO.room01(2);
/** The sync carries the door's acts to the server and on to the chief's device in the background. */
const SYNC_BOUND_MS = 30_000;

describe("one room through a whole sitting, and the chief examiner's overview after the sync", () => {
  let door;
  let chief;
  let server;
  let codes;
  let doorTally;
  const step = stepInBoth(() => ({ door, chief }));

  before(async () => {
    ({ server, codes, door, chief } = await openSite("sitting"));
    setChiefPin(server, CHIEF, CHIEF_PIN);
  });
  after(async () => closeSite({ server, door, chief }));

  step("T−55: staff are in the room and both proctors of room 01 sign in with their PINs", async () => {
    await connect(door, codes.door);
    await loadDemoAndOpenDoor(door);
    await setExamTime(door, "2023-04-15T08:05:00");
    await tickStep(door, "staff-in-room");
    for (const who of [PROCTOR, SECOND]) await signInProctor(door, who, PINS[who]);
    assert.deepEqual(await staffing(door), { needed: 2, counted: 2, short: 0 });
  });

  step("T−20: the notice is read, three candidates are admitted and one is vouched for with the seat photo", async () => {
    await setExamTime(door, DEMO.doorOpen);
    await tickStep(door, "notice");
    for (const s of ADMITTED) await admit(door, s);
    await vouchWithPhoto(door, VOUCHED);
    await faceLineIs(door, "未通过（环境原因）");
    await tallyShows(door, "pending", 1);
  });

  step("the chief examiner approves the manual verification on their own device", async () => {
    await connect(chief, codes.chief);
    await click(chief, "#tab-chief");
    const item = await chief.$(`#chief-pending .chief-item[data-student="${VOUCHED}"]`);
    await item.waitForDisplayed({ timeout: SYNC_BOUND_MS, timeoutMsg: "the vouch never reached the chief's overview" });
    await click(chief, `.chief-item[data-student="${VOUCHED}"] .chief-open`);
    await shown(chief, '.chief-decide[data-step="enter-pin"]');
    await (await shown(chief, ".chief-pin")).setValue(CHIEF_PIN);
    const approve = await shown(chief, ".chief-approve");
    await approve.waitForEnabled({ timeout: UI_TIMEOUT });
    await approve.click();
    await attrIs(chief, "#chief-message", "data-state", "admitted");
    // The door hears of it through the sync.
    await door.waitUntil(async () => (await tally(door)).admitted === 4, {
      timeout: SYNC_BOUND_MS,
      timeoutMsg: "the chief's approval never reached the door",
    });
  });

  step("T+31: the banner asks for the count check; the platform is one short and its photo is taken", async () => {
    await setExamTime(door, DEMO.afterCutoff);
    await countBannerIs(door, "due");
    const result = await doCountCheck(door, "3");
    assert.equal(result.difference, 1, result.text);
    assert.deepEqual(result.notPassed, [VOUCHED], "the manual verification is listed by name");
    await takeCountCheckPhoto(door, VOUCHED);
    await countBannerIs(door, "done");
  });

  step("T+31: a latecomer is refused and marked absent, then the rest are marked absent in one step", async () => {
    await openCard(door, LATECOMER.slice(-4), LATECOMER);
    await passChecks(door, "passed");
    await click(door, "#admit");
    await attrIs(door, `#card[data-student="${LATECOMER}"]`, "data-state", "absent");
    await click(door, "#tab-tally");
    await click(door, "#mark-absent");
    await click(door, "#mark-absent-confirm");
    await tallyShows(door, "expected", 0);
    await tallyShows(door, "absent", DEMO.roomSeats - 4);
    await click(door, "#tab-door");
  });

  step("a violation is recorded, then ticked as marked on the platform", async () => {
    await setExamTime(door, "2023-04-15T09:50:00");
    await recordViolation(door, OFFENDER, { kind: "cheating", what: "携带手机并查看", at: "09:48", marked: false });
    await editViolation(door, OFFENDER, { marked: true });
    const listed = await violations(door);
    assert.equal(listed.length, 1);
    assert.equal(listed[0].marked, true);
  });

  step("after the end nothing is unresolved and the room closes", async () => {
    await setExamTime(door, "2023-04-15T11:01:00");
    await openClosing(door);
    assert.deepEqual(await closingItems(door), []);
    const closed = await closeRoom(door);
    assert.match(closed, /已关闭/);
    doorTally = await tally(door);
    assert.deepEqual(
      { admitted: doorTally.admitted, absent: doorTally.absent, expected: doorTally.expected, pending: doorTally.pending },
      { admitted: 4, absent: DEMO.roomSeats - 4, expected: 0, pending: 0 },
    );
    await screenshot(door, "sitting-door-closed");
  });

  step("the chief examiner's overview shows the door's numbers after the sync", async () => {
    // The overview redraws on every poll: read the tile afresh each time.
    const read = () =>
      chief.execute((room) => {
        const tile = document.querySelector(`#chief-rooms .chief-room[data-room="${room}"]`);
        if (!tile) return null;
        const at = (sel, name) => tile.querySelector(sel)?.getAttribute(name) ?? null;
        return {
          closed: tile.dataset.closed,
          admitted: Number(tile.dataset.admitted),
          absent: Number(tile.dataset.absent),
          pending: Number(tile.dataset.pending),
          present: Number(tile.dataset.present),
          platform: Number(at(".chief-count-check", "data-platform")),
          real: Number(at(".chief-count-check", "data-real")),
          violations: Number(at(".chief-violations", "data-n")),
          marked: [...tile.querySelectorAll(".chief-violation-list li")].map((li) => [li.dataset.student, li.dataset.marked]),
        };
      }, DEMO.room);
    let seen;
    await chief.waitUntil(async () => (seen = await read())?.closed === "true", {
      timeout: SYNC_BOUND_MS,
      timeoutMsg: "the room's close never reached the chief's overview",
    });
    assert.deepEqual(seen, {
      closed: "true",
      admitted: doorTally.admitted,
      absent: doorTally.absent,
      pending: 0,
      present: 2,
      platform: 3,
      real: 4,
      violations: 1,
      marked: [[OFFENDER, "true"]],
    });
    await chief.execute((room) => document.querySelector(`.chief-room[data-room="${room}"]`)?.scrollIntoView({ block: "start" }), DEMO.room);
    await screenshot(chief, "sitting-chief-overview");
  });
});
