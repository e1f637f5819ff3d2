// The room's day after T+30 in the real window, on the exam clock set explicitly: face
// recognition recorded with its reason, the 30-minute count check (refused before T+30 and for
// absurd counts, then a mismatch listed by name and its photos), and a violation recorded, edited
// and ticked as marked on the platform.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DEMO, invoke, loadDemoAndOpenDoor, setExamTime, shotOnFailure, startApp, stopApp, vouchWithPhoto, screenshot } from "./lib/app.js";
import {
  admit, approveOnCard, countBannerIs, countResult, doCountCheck, editViolation, faceLineIs, recordViolation,
  takeCountCheckPhoto, violations,
} from "./lib/count.js";

const PIN = "246810";
const [A, B, VOUCHED] = [DEMO.room01(1), DEMO.room01(2), DEMO.room01(3)];
const OTHER_ROOM = DEMO.room02(1);

describe("the room's day: face result, count check, violations", () => {
  let browser;
  let here;
  const step = (name, fn) => it(name, shotOnFailure(() => browser, name, fn));

  before(
    shotOnFailure(() => browser, "count-before", async () => {
      ({ browser } = await startApp("count"));
      here = await loadDemoAndOpenDoor(browser);
      await setExamTime(browser, DEMO.doorOpen);
    }),
  );
  after(async () => stopApp(browser));

  step("the card records face recognition passed, or failed with the proctor's reason", async () => {
    await admit(browser, A);
    await faceLineIs(browser, "通过");
    await admit(browser, B);
    await vouchWithPhoto(browser, VOUCHED);
    await faceLineIs(browser, "未通过（环境原因）");
    await approveOnCard(browser, VOUCHED, PIN, { setUp: true });
    // Approval admits the candidate; recognition still failed, and the record says so.
    await faceLineIs(browser, "未通过（环境原因）");
  });

  step("before T+30 there is no banner and Rust refuses a count check", async () => {
    await countBannerIs(browser, "not-yet");
    const { error } = await invoke(browser, "record_count_check", {
      sitting: here.sitting, site: here.site, room: here.room, actor: here.proctor, typed: "3",
    });
    assert.equal(error?.code, "too-early-for-count-check");
  });

  step("at T+30 the banner stays; absurd counts are refused with a typed code", async () => {
    await setExamTime(browser, DEMO.afterCutoff);
    await countBannerIs(browser, "due");
    for (const typed of ["-1", "1e9", "abc", "999"]) {
      const { error } = await invoke(browser, "record_count_check", {
        sitting: here.sitting, site: here.site, room: here.room, actor: here.proctor, typed,
      });
      assert.equal(error?.code, "bad-count", typed);
    }
  });

  step("a count mismatch lists the manual verification by name and asks for the photos", async () => {
    const r = await doCountCheck(browser, "1");
    assert.equal(r.difference, 2);
    assert.deepEqual(r.notPassed, [VOUCHED]);
    assert.equal(r.missing, 2);
    await countBannerIs(browser, "photos-missing");
    await screenshot(browser, "count-check");
  });

  step("the photos of those who did not sign in end the banner", async () => {
    await takeCountCheckPhoto(browser, VOUCHED);
    await takeCountCheckPhoto(browser, B);
    assert.equal((await countResult(browser)).missing, 0);
    await countBannerIs(browser, "done");
  });

  step("a violation is recorded, edited and ticked as marked on the platform", async () => {
    await recordViolation(browser, A, { kind: "cheating", what: "偷看手机", at: "09:40" });
    await editViolation(browser, A, { what: "偷看手机，已收缴", marked: true });
    const list = await violations(browser);
    assert.equal(list.length, 1, "an edit is not a second violation");
    assert.ok(list[0].marked);
    assert.match(list[0].text, /偷看手机，已收缴/);
    const { error } = await invoke(browser, "record_violation", {
      sitting: here.sitting, site: here.site, room: here.room, student: OTHER_ROOM, actor: here.proctor,
      violation: { category: "other", what: "x", at: "2023-04-15T09:40:00+08:00", proctors: [here.proctor], platform_marked: false },
      edits: null,
    });
    assert.equal(error?.code, "not-in-room");
    await screenshot(browser, "violations");
  });
});
