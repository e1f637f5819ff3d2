// The door screen's timeline strip and 监考签到 panel as a test drives them, for proctors.test.js
// and the coordinator's whole-sitting test: read the strip, tick a step, sign a proctor in with
// staff number and PIN (setting it, typed twice, at their first sign-in on the device), and have
// the chief examiner approve a substitute with the chief's PIN. Each waits, with a bound, for the
// screen to show what it caused.
import { UI_TIMEOUT, attrIs, click, shown } from "./app.js";

/** The demo's 襄阳电大校本部 room 01 (25 seats): its roster, a proctor of room 02, its chief. */
export const STAFF = { roster: ["J2101", "J2102"], otherRoom: "J2201", otherSite: "J3101", chief: "Z02" };

/** The strip's steps top to bottom, as [step, state] (missed ones come first). */
export async function timelineStates(browser) {
  await shown(browser, "#timeline");
  return browser.execute(() =>
    [...document.querySelectorAll("#timeline .step")].map((li) => [li.dataset.step, li.dataset.state]),
  );
}

/** Waits until the strip shows `step` in `state`. */
export async function stepIs(browser, step, state) {
  return attrIs(browser, `#timeline .step[data-step="${step}"]`, "data-state", state);
}

/** Ticks `step` (its 完成 ✓ button) and waits until the strip shows it done. */
export async function tickStep(browser, step) {
  await click(browser, `#timeline .step[data-step="${step}"] button.tick`);
  await stepIs(browser, step, "done");
}

/** Waits for the panel's message of `kind` (and `code`); returns its text. */
export async function proctorsMessage(browser, kind, code) {
  const sel = code
    ? `#proctors-message[data-kind="${kind}"][data-code="${code}"]`
    : `#proctors-message[data-kind="${kind}"]`;
  return (await shown(browser, sel)).getText();
}

/**
 * Signs `staff` in with `pin`. At their first sign-in on this device the panel asks for the PIN
 * twice (it does so itself: no flag needed). Resolves when the panel lists them present
 * (`expect: "ok"`), or with the error code it showed otherwise (`expect: "error"`).
 */
export async function signInProctor(browser, staff, pin, { expect = "ok" } = {}) {
  await (await shown(browser, "#proctors-staff")).setValue(staff);
  await (await shown(browser, "#proctors-pin")).setValue(pin);
  // Forget the last answer, so the wait below sees this one.
  await browser.execute(() => {
    const m = document.querySelector("#proctors-message");
    m.hidden = true;
    delete m.dataset.kind;
  });
  await click(browser, "#proctors-sign-in");
  // Either the first-use field appears (type both again) or the answer comes.
  const again = await browser.$("#proctors-pin-again-field");
  const message = await browser.$("#proctors-message[data-kind]");
  await browser.waitUntil(async () => (await again.isDisplayed()) || (await message.isDisplayed()), {
    timeout: UI_TIMEOUT,
    timeoutMsg: `signing in ${staff} showed neither the PIN-again field nor a message`,
  });
  if (await again.isDisplayed()) {
    await (await shown(browser, "#proctors-pin")).setValue(pin);
    await (await shown(browser, "#proctors-pin-again")).setValue(pin);
    await click(browser, "#proctors-sign-in");
  }
  if (expect === "ok") {
    await shown(browser, `#proctors [data-staff="${staff}"]:is([data-present="true"], .substitute)`);
    return "ok";
  }
  const el = await shown(browser, '#proctors-message[data-kind="error"]');
  return el.getAttribute("data-code");
}

/** The panel's numbers: seats needed, counted and short (data attributes of #proctors). */
export async function staffing(browser) {
  const el = await shown(browser, "#proctors");
  const n = async (a) => Number(await el.getAttribute(a));
  return { needed: await n("data-needed"), counted: await n("data-counted"), short: await n("data-short") };
}

/** The chief examiner approves the substitute `staff` with `pin` typed into the panel's form. */
export async function approveSubstitute(browser, staff, chief, pin) {
  await click(browser, `#proctors .substitute[data-staff="${staff}"] button.approve-open`);
  await shown(browser, "#substitute-approval");
  await browser.execute(
    (id) => {
      const s = document.querySelector("#approve-chief");
      s.value = id;
      s.dispatchEvent(new Event("change", { bubbles: true }));
    },
    chief,
  );
  await (await shown(browser, "#approve-pin")).setValue(pin);
  await click(browser, "#approve-go");
  await attrIs(browser, `#proctors .substitute[data-staff="${staff}"]`, "data-approved", "true");
}

/**
 * The chief examiner `chief` resets the proctor `staff`'s PIN with `pin` typed into the panel's
 * 主考重置口令 form. Resolves with "ok" when the panel says so, or with the error code it showed.
 */
export async function resetProctorPin(browser, staff, chief, pin) {
  await browser.execute(() => {
    const m = document.querySelector("#proctors-message");
    m.hidden = true;
    delete m.dataset.kind;
  });
  if (!(await (await browser.$("#proctor-reset")).isDisplayed())) await click(browser, "#reset-open");
  await (await shown(browser, "#reset-proctor")).setValue(staff);
  await (await shown(browser, "#reset-chief")).setValue(chief);
  await (await shown(browser, "#reset-pin")).setValue(pin);
  await click(browser, "#reset-go");
  const el = await shown(browser, "#proctors-message[data-kind]");
  return (await el.getAttribute("data-kind")) === "ok" ? "ok" : el.getAttribute("data-code");
}
