// The room's day in the real window, as reusable steps (the whole-sitting test calls them too):
// the face result on the card, the 30-minute count check with its photos, and a violation
// recorded and edited. Every step waits on the screen's own attributes, never on time.
import assert from "node:assert/strict";
import { SEAT_PHOTO, UI_TIMEOUT, attrIs, choose, click, openCard, passChecks, shown } from "./app.js";

/** Admits `student` at the door with recognition passed. */
export async function admit(browser, student) {
  await openCard(browser, student.slice(-4), student);
  await passChecks(browser, "passed");
  await click(browser, "#admit");
  await attrIs(browser, `#card[data-student="${student}"]`, "data-state", "admitted");
}

/** On an open pending card: the chief examiner's PIN (set at first use when `setUp`) approves. */
export async function approveOnCard(browser, student, pin, { setUp = false } = {}) {
  if (setUp) {
    await (await shown(browser, "#pin-new")).setValue(pin);
    await (await shown(browser, "#pin-new-confirm")).setValue(pin);
    await click(browser, "#pin-set");
  }
  await (await shown(browser, "#approval-pin")).setValue(pin);
  await click(browser, "#approve");
  await attrIs(browser, `#card[data-student="${student}"]`, "data-state", "admitted");
}

/** Waits until the open card's face-recognition line (人脸识别) reads `want`, e.g. "通过" or
 * "未通过（环境原因）" (Rust reads it from the acts just recorded). */
export async function faceLineIs(browser, want) {
  const el = await shown(browser, "#card-face");
  await browser.waitUntil(async () => (await el.getText()).trim() === want, {
    timeout: UI_TIMEOUT,
    timeoutMsg: `the card's 人脸识别 never read "${want}" (last "${await el.getText()}")`,
  });
}

/** Opens the count-check panel from the door screen (the banner, or its button). */
export async function openCountCheck(browser) {
  await click(browser, "#tab-door");
  const panel = await browser.$("#count-panel");
  if (!(await panel.isDisplayed())) await click(browser, "#count-open");
  return shown(browser, "#count-panel");
}

/**
 * Types the platform's sign-in count and compares it. Returns what the panel shows: the
 * difference, the photos missing and the students listed as not passing recognition.
 */
export async function doCountCheck(browser, typed) {
  await openCountCheck(browser);
  const input = await shown(browser, "#count-platform");
  await input.setValue(typed);
  await click(browser, "#count-record");
  await shown(browser, "#count-result");
  return countResult(browser);
}

/** What the count-check panel shows now. */
export async function countResult(browser) {
  const result = await shown(browser, "#count-result");
  const notPassed = await browser.execute(() =>
    [...document.querySelectorAll("#count-not-passed .count-row")].map((r) => r.dataset.student),
  );
  return {
    difference: Number(await result.getAttribute("data-difference")),
    missing: Number(await result.getAttribute("data-missing")),
    notPassed,
    text: (await result.getText()).trim(),
  };
}

/** Takes the 30-minute check photo of `student` (the seat photo fixture as the camera's). */
export async function takeCountCheckPhoto(browser, student) {
  await openCountCheck(browser);
  const input = await browser.$(`#count-photo-${student}`);
  await input.waitForExist({ timeout: UI_TIMEOUT, timeoutMsg: `no photo button for ${student}` });
  await input.addValue(SEAT_PHOTO);
  await attrIs(browser, `.count-row[data-student="${student}"]`, "data-photographed", "true");
}

/** Waits until the door's count-check banner is in state `want` ("not-yet" and "done" are not
 * shown; "due", "photos-missing", "stale" are); returns its text. */
export async function countBannerIs(browser, want) {
  await click(browser, "#tab-door");
  const banner = await attrIs(browser, "#count-banner", "data-banner", want);
  const visible = want !== "not-yet" && want !== "done";
  assert.equal(await banner.isDisplayed(), visible, `the banner in state ${want} is ${visible ? "shown" : "hidden"}`);
  return (await banner.getText()).trim();
}

/** Opens the violations panel on the door screen. */
export async function openViolations(browser) {
  await click(browser, "#tab-door");
  const panel = await browser.$("#violation-panel");
  if (!(await panel.isDisplayed())) await click(browser, "#violation-open");
  return shown(browser, "#violation-list");
}

async function fillViolation(browser, { kind, what, at, marked }) {
  if (kind) await click(browser, `#violation-kind-${kind}`);
  if (what !== undefined) {
    const box = await shown(browser, "#violation-what");
    await box.clearValue();
    await box.setValue(what);
  }
  if (at) {
    const input = await shown(browser, "#violation-at");
    await browser.execute((el, v) => {
      el.value = v;
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }, input, at);
  }
  if (marked !== undefined) {
    const box = await browser.$("#violation-marked");
    if ((await box.isSelected()) !== marked) await box.click();
  }
  await click(browser, "#violation-save");
}

/** Records a violation of `student`: kind (discipline, cheating, impersonation, disturbance,
 * other), what happened, the time (HH:MM), the 一平台 tick. Waits for it in the room's list. */
export async function recordViolation(browser, student, violation) {
  await openViolations(browser);
  await click(browser, "#violation-new");
  await choose(browser, "#violation-student", student);
  await fillViolation(browser, violation);
  await shown(browser, `#violation-list li[data-student="${student}"]`);
  await shown(browser, '#violation-message[data-kind="ok"]');
}

/** Edits `student`'s (first) violation with the fields given; waits for the list to show it. */
export async function editViolation(browser, student, changes) {
  await openViolations(browser);
  await click(browser, `#violation-list li[data-student="${student}"] button[data-edit]`);
  await fillViolation(browser, changes);
  if (changes.marked !== undefined) {
    await attrIs(browser, `#violation-list li[data-student="${student}"]`, "data-marked", String(changes.marked));
  }
  await shown(browser, '#violation-message[data-kind="ok"]');
}

/** The room's violations as the list shows them. */
export async function violations(browser) {
  await openViolations(browser);
  return browser.execute(() =>
    [...document.querySelectorAll("#violation-list li[data-student]")].map((li) => ({
      student: li.dataset.student,
      marked: li.dataset.marked === "true",
      text: li.textContent ?? "",
    })),
  );
}
