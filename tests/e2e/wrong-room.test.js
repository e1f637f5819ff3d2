// A candidate who is on the site's list but seated in another room is turned away at this door,
// and the screen names the room they belong in, so the proctor can send them there; a ticket
// number on nobody's list gets a plain "not found".
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  DEMO,
  click,
  loadDemoAndOpenDoor,
  message,
  openCard,
  search,
  setExamTime,
  shotOnFailure,
  shown,
  startApp,
  stopApp,
  tally,
  tallyList,
} from "./lib/app.js";

const ELSEWHERE = DEMO.room02(5); // 2242200000128: 襄阳电大校本部, room 02
const UNKNOWN = "2242999999999"; // 13 digits, on no list

describe("a candidate at the wrong door", () => {
  let browser;
  const step = (name, fn) => it(name, shotOnFailure(() => browser, name, fn));

  before(
    shotOnFailure(
      () => browser,
      "wrong-room-before",
      async () => {
        ({ browser } = await startApp("wrong-room"));
        await loadDemoAndOpenDoor(browser);
        await setExamTime(browser, DEMO.doorOpen);
      },
    ),
  );
  after(async () => stopApp(browser));

  step("an unknown ticket number gets a clear not-found message", async () => {
    await search(browser, UNKNOWN);
    const notFound = await message(browser, "error", "not-found");
    assert.ok(notFound.text.length > 0, "the not-found message is empty");
    assert.equal(await (await browser.$("#card")).isDisplayed(), false, "a card opened for an unknown ticket");
  });

  step("a candidate from another room is refused here and the right room is named", async () => {
    await openCard(browser, ELSEWHERE, ELSEWHERE);
    const banner = await shown(browser, "#wrong-room");
    const text = await banner.getText();
    assert.match(text, /02/, `the wrong-room banner does not name room 02: "${text}"`);
    const admit = await browser.$("#admit");
    assert.ok(!(await admit.isDisplayed()) || !(await admit.isEnabled()), "admit is offered at the wrong door");
    await click(browser, "#refuse-wrong-room");
    // The proctor is told where to send them: the message names room 02 too.
    const sent = await message(browser, "ok");
    assert.match(sent.text, /02/, `the message after turning them away does not name room 02: "${sent.text}"`);
  });

  step("turning away a candidate of another room leaves this room's tally untouched", async () => {
    const t = await tally(browser);
    assert.deepEqual(t, { expected: DEMO.roomSeats, admitted: 0, pending: 0, refused: 0, absent: 0 });
    for (const key of ["expected", "refused"]) {
      const students = await tallyList(browser, key);
      assert.ok(!students.includes(ELSEWHERE), `a room-02 candidate is listed as ${key} in room 01's tally`);
    }
  });
});
