// Past T+30 the door closes: a latecomer who still passes every check is refused as late and
// marked absent (缺考), and the count check marks everyone not yet seen as absent.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  DEMO,
  UI_TIMEOUT,
  attrIs,
  click,
  loadDemoAndOpenDoor,
  openCard,
  passChecks,
  screenshot,
  setExamTime,
  shotOnFailure,
  shown,
  startApp,
  stopApp,
  tally,
  tallyShows,
} from "./lib/app.js";

const LATECOMER = DEMO.room01(4); // 2242200000102

describe("after the late cut-off (T+30)", () => {
  let browser;
  let before1;
  const step = (name, fn) => it(name, shotOnFailure(() => browser, name, fn));

  before(
    shotOnFailure(
      () => browser,
      "late-before",
      async () => {
        ({ browser } = await startApp("late"));
        await loadDemoAndOpenDoor(browser);
        await setExamTime(browser, DEMO.afterCutoff);
      },
    ),
  );
  after(async () => stopApp(browser));

  step("the clock shows the exam time that was set", async () => {
    await shown(browser, "#clock-set");
    const clock = await (await shown(browser, "#clock")).getText();
    assert.match(clock, /09:31/, `the clock shows "${clock}", not the exam time set`);
    before1 = await tally(browser);
    await click(browser, "#tab-door");
  });

  step("settings say the demo's sitting is a drill, on drill time", async () => {
    await click(browser, "#tab-settings");
    const kind = await (await shown(browser, "#sitting-kind")).getText();
    assert.match(kind, /演练/, `the sitting's kind reads "${kind}"`);
    const status = await (await shown(browser, "#clock-status")).getText();
    assert.match(status, /演练时间/, `the clock status reads "${status}"`);
    await screenshot(browser, "settings-drill");
    await click(browser, "#tab-door");
  });

  step("a latecomer is refused as late and marked absent", async () => {
    await openCard(browser, LATECOMER.slice(-4), LATECOMER);
    await passChecks(browser, "passed");
    await click(browser, "#admit");
    await attrIs(browser, `#card[data-student="${LATECOMER}"]`, "data-state", "absent");
    const msg = await browser.$("#message");
    await browser.waitUntil(async () => (await msg.isDisplayed()) && (await msg.getText()).includes("迟到"), {
      timeout: UI_TIMEOUT,
      timeoutMsg: "no message saying the candidate is late (迟到)",
    });
  });

  step("the latecomer is counted absent, not admitted", async () => {
    await tallyShows(browser, "absent", before1.absent + 1);
    const t = await tally(browser);
    assert.equal(t.admitted, 0);
    assert.equal(t.expected, before1.expected - 1);
  });

  step("marking the rest absent leaves nobody expected", async () => {
    await click(browser, "#tab-tally");
    await click(browser, "#mark-absent");
    await click(browser, "#mark-absent-confirm");
    await tallyShows(browser, "expected", 0);
    await tallyShows(browser, "absent", DEMO.roomSeats);
  });

  step("the tally adds up to the room's 25 seats", async () => {
    const t = await tally(browser);
    assert.equal(t.expected + t.admitted + t.pending + t.refused + t.absent, DEMO.roomSeats, JSON.stringify(t));
  });
});
