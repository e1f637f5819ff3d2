// Admitting at the door of 襄阳电大校本部 room 01 on the demo exam, with the exam time set to
// T−20 (the door open, nobody late): the whole check; the second admission that must not happen,
// whether tried from the screen, sent straight to Rust, or by a double tap; the wrong ID; and the
// tally, which has to add up to the room's seats.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  DEMO,
  UI_TIMEOUT,
  attrIs,
  checkId,
  click,
  confirmTicket,
  countIpcCalls,
  idLast4,
  invoke,
  ipcCalls,
  loadDemoAndOpenDoor,
  message,
  openCard,
  passChecks,
  setExamTime,
  shotOnFailure,
  shown,
  startApp,
  stopApp,
  tally,
  tallyList,
  tallyShows,
  wrongLast4,
} from "./lib/app.js";

const ADMITTED = DEMO.room01(2); // 2242200000100: searched as "0100"
const WRONG_ID = DEMO.room01(3); // 2242200000101
const DOUBLE_TAPPED = DEMO.room01(5); // 2242200000103

describe("admitting a candidate at the door", () => {
  let browser;
  let here;
  const step = (name, fn) => it(name, shotOnFailure(() => browser, name, fn));

  before(
    shotOnFailure(
      () => browser,
      "admit-before",
      async () => {
        ({ browser } = await startApp("admit"));
        here = await loadDemoAndOpenDoor(browser);
        await setExamTime(browser, DEMO.doorOpen);
      },
    ),
  );
  after(async () => stopApp(browser));

  step("a candidate is admitted by the last 4 digits of the ticket after both documents and the face check", async () => {
    await openCard(browser, ADMITTED.slice(-4), ADMITTED);
    await attrIs(browser, "#card", "data-state", "expected");
    const match = await passChecks(browser, "passed");
    assert.ok(match === "suffix" || match === "full", `the ID's own last 4 gave data-match=${match}`);
    await click(browser, "#admit");
    await attrIs(browser, `#card[data-student="${ADMITTED}"]`, "data-state", "admitted");
    const name = (await (await shown(browser, "#card-name")).getText()).trim();
    const ok = await message(browser, "ok");
    assert.ok(ok.text.includes(name), `the admission's message does not name ${name}: "${ok.text}"`);
  });

  step("a candidate already admitted is never admitted a second time", async () => {
    await openCard(browser, ADMITTED.slice(-4), ADMITTED);
    await attrIs(browser, "#card", "data-state", "admitted");
    const admit = await browser.$("#admit");
    if ((await admit.isDisplayed()) && (await admit.isEnabled())) {
      // The screen still offers the button: Rust must refuse the second admission.
      await admit.click();
      await message(browser, "error", "already-admitted");
    }
    await attrIs(browser, "#card", "data-state", "admitted");
    await tallyShows(browser, "admitted", 1);
    await click(browser, "#tab-door");
    await shown(browser, "#screen-door");
  });

  step("an admit that reaches Rust for a candidate already admitted is refused with already-admitted", async () => {
    // The screen hides the button; the rule must hold in Rust too (a second device, a stale screen).
    const answer = await invoke(browser, "act", {
      sitting: here.sitting,
      student: ADMITTED,
      actor: here.proctor,
      act: { act: "admit" },
    });
    assert.equal(answer.error?.code, "already-admitted", JSON.stringify(answer));
    assert.ok(answer.error.message.length > 0, "the refusal has no message for the proctor");
    await tallyShows(browser, "admitted", 1);
    await click(browser, "#tab-door");
  });

  step("a wrong ID number is refused with a clear message", async () => {
    await openCard(browser, WRONG_ID.slice(-4), WRONG_ID);
    await confirmTicket(browser);
    const wrong = wrongLast4(await idLast4(browser));
    assert.equal(await checkId(browser, wrong), "mismatch");
    const result = await shown(browser, "#id-result");
    assert.ok((await result.getText()).trim().length > 0, "the mismatch is shown without words");
    // No admission on a mismatched ID: the button is hidden or disabled and the state unchanged.
    const admit = await browser.$("#admit");
    assert.ok(!(await admit.isDisplayed()) || !(await admit.isEnabled()), "admit is offered after a wrong ID");
    await attrIs(browser, `#card[data-student="${WRONG_ID}"]`, "data-state", "expected");
  });

  step("a double tap on admit sends one admission", async () => {
    await openCard(browser, DOUBLE_TAPPED.slice(-4), DOUBLE_TAPPED);
    await passChecks(browser, "passed");
    const admit = await browser.$("#admit");
    await admit.waitForEnabled({ timeout: UI_TIMEOUT });
    await countIpcCalls(browser, "act");
    // Count the clicks the window receives, so the test cannot pass on a "double tap" that
    // delivered one click. (The second lands wherever the screen has moved the button to.)
    await browser.execute(() => {
      window.__e2eClicks = 0;
      document.addEventListener("click", () => (window.__e2eClicks += 1), { capture: true });
    });
    await admit.doubleClick();
    await attrIs(browser, `#card[data-student="${DOUBLE_TAPPED}"]`, "data-state", "admitted");
    await message(browser, "ok");
    assert.equal(await browser.execute(() => window.__e2eClicks), 2, "the double tap did not deliver two clicks");
    assert.equal(await ipcCalls(browser, "act"), 1, "a double tap sent the admission twice");
    await tallyShows(browser, "admitted", 2);
  });

  step("the tally adds up to the room's 25 seats with both admissions counted", async () => {
    const t = await tally(browser);
    assert.equal(t.admitted, 2);
    assert.equal(t.expected + t.admitted + t.pending + t.refused + t.absent, DEMO.roomSeats, JSON.stringify(t));
    assert.deepEqual((await tallyList(browser, "admitted")).sort(), [ADMITTED, DOUBLE_TAPPED].sort());
    const expected = await tallyList(browser, "expected");
    assert.equal(expected.length, t.expected);
    assert.ok(!expected.includes(ADMITTED), "an admitted candidate is still listed as expected");
  });
});
