// The fallback photo and the chief examiner's approval (DOMAIN.md step 4), at the door of
// 襄阳电大校本部 room 01, exam time T−20: face recognition fails, the proctor vouches and takes
// the photo (a file chosen in the photo picker, as on a machine without a camera), the candidate
// waits for the chief examiner, who sets a PIN at first use and approves with it. A wrong PIN and
// a proctor's credential are refused; the signed, stamped photo is on disk and is what the chief
// is shown.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  DEMO,
  SEAT_PHOTO,
  UI_TIMEOUT,
  attrIs,
  click,
  invoke,
  loadDemoAndOpenDoor,
  message,
  openCard,
  passChecks,
  screenshot,
  setExamTime,
  shotOnFailure,
  shown,
  startApp,
  stopApp,
  tallyList,
  tallyShows,
} from "./lib/app.js";

const VOUCHED = DEMO.room01(9); // 2242200000107
const LATE = DEMO.room01(11); // 2242200000109
const PIN = "246810";

describe("the fallback photo and the chief examiner's approval", () => {
  let browser;
  let db;
  let here;
  let signer;
  const step = (name, fn) => it(name, shotOnFailure(() => browser, name, fn));

  before(
    shotOnFailure(
      () => browser,
      "photo-before",
      async () => {
        ({ browser, db } = await startApp("photo"));
        here = await loadDemoAndOpenDoor(browser);
        await setExamTime(browser, DEMO.doorOpen);
      },
    ),
  );
  after(async () => stopApp(browser));

  step("a failed face check, vouched for, asks for the photo before anything is recorded", async () => {
    await openCard(browser, VOUCHED.slice(-4), VOUCHED);
    const match = await passChecks(browser, "failed");
    assert.ok(match === "suffix" || match === "full", `the ID's own last 4 gave data-match=${match}`);
    await click(browser, "#vouch");
    await shown(browser, "#capture");
    // Nothing is recorded by opening the camera panel: the candidate is still expected.
    await attrIs(browser, "#card", "data-state", "expected");
    const { ok } = await invoke(browser, "card", { sitting: here.sitting, student: VOUCHED });
    assert.equal(ok.state.state, "expected");
  });

  step("the desktop camera is offered (the shell turned WebKitGTK's media streams on); without one the proctor is told to use a file", async () => {
    // navigator.mediaDevices exists only when the shell enabled media streams: the button shows.
    await click(browser, "#camera-start");
    // Xvfb has no camera: the request is answered, no device is found, and the message says what
    // to do instead. The file and phone-camera pickers stay offered.
    const { text } = await message(browser, "error", "no-camera");
    assert.ok(text.includes("选择照片文件"), `the no-camera message does not point to the file picker: "${text}"`);
    await shown(browser, "#photo-pickers");
  });

  step("the photo taken is shown first, then sent: the candidate awaits the chief examiner", async () => {
    // A file input takes a path typed into it (WebDriver's "send keys" to a file input).
    const picker = await browser.$("#photo-file");
    await picker.addValue(SEAT_PHOTO);
    await attrIs(browser, "#capture", "data-photo", "file");
    const preview = await shown(browser, "#photo-preview");
    await browser.waitUntil(async () => browser.execute((img) => img.complete && img.naturalWidth === 960, preview), {
      timeout: UI_TIMEOUT,
      timeoutMsg: "the chosen photo was not shown before sending",
    });
    // Decoded and painted before the picture is taken of it.
    await browser.executeAsync((el, done) => {
      el.scrollIntoView({ block: "center" });
      el.decode().then(() => requestAnimationFrame(() => requestAnimationFrame(() => done(true))), () => done(false));
    }, preview);
    await screenshot(browser, "capture-panel");
    await click(browser, "#photo-send");
    await attrIs(browser, `#card[data-student="${VOUCHED}"]`, "data-state", "pending-manual-verification");
    await message(browser, "ok");
    // Stored beside the database as <student number>.jpg, with its signature.
    const photo = join(dirname(db), "photos", DEMO.sitting, `${VOUCHED}.jpg`);
    assert.ok(existsSync(photo), `no photo at ${photo}`);
    const sidecar = JSON.parse(readFileSync(`${photo}.sig.json`, "utf8"));
    assert.equal(sidecar.metadata.student, VOUCHED);
    assert.equal(sidecar.metadata.site, DEMO.site);
    // The exam clock was set to 08:40:00 and runs on from there: the photo is stamped with it.
    assert.match(sidecar.metadata.time, /^2023-04-15T08:4\d:\d\d\+08:00$/);
    assert.match(sidecar.signature, /^[0-9a-f]{128}$/);
    signer = sidecar.public_key;
  });

  step("the chief examiner sees the stamped photo, the one on disk", async () => {
    await shown(browser, "#approval");
    const img = await shown(browser, "#approval-photo img");
    const size = await browser.waitUntil(
      async () => browser.execute((el) => (el.complete && el.naturalWidth > 0 ? [el.naturalWidth, el.naturalHeight] : null), img),
      { timeout: UI_TIMEOUT, timeoutMsg: "the approval panel did not show the photo" },
    );
    assert.deepEqual(size, [960, 720], "the photo shown is not the stored one (scaled only above 2560 px)");
    // A photo chosen from a file is flagged for a closer look.
    await attrIs(browser, "#approval-source", "data-source", "file");
    await shown(browser, "#approval-source");
    // The stamp is the photo's bottom band: bring it into the screenshot.
    await browser.execute((el) => el.scrollIntoView({ block: "end" }), img);
    await screenshot(browser, "approval-panel");
  });

  step("the room tally lists the candidate as pending approval", async () => {
    await tallyShows(browser, "pending", 1);
    assert.deepEqual(await tallyList(browser, "pending"), [VOUCHED]);
    await click(browser, "#tab-door");
    await openCard(browser, VOUCHED.slice(-4), VOUCHED);
    await shown(browser, "#approval");
  });

  step("the site office sets the chief's PIN at first use on this device", async () => {
    await shown(browser, "#pin-setup");
    await (await shown(browser, "#pin-new")).setValue(PIN);
    await (await shown(browser, "#pin-new-confirm")).setValue(PIN);
    await click(browser, "#pin-set");
    await shown(browser, "#pin-entry");
  });

  step("a wrong PIN is refused and the candidate stays pending", async () => {
    await (await shown(browser, "#approval-pin")).setValue("135790");
    await click(browser, "#approve");
    await message(browser, "error", "wrong-pin");
    await attrIs(browser, "#card", "data-state", "pending-manual-verification");
  });

  step("a proctor's credential can never approve, even sent straight to Rust", async () => {
    const { error } = await invoke(browser, "decide_with_pin", {
      sitting: here.sitting,
      student: VOUCHED,
      chief: here.proctor,
      pin: PIN,
      act: { act: "approve" },
    });
    assert.equal(error?.code, "not-chief-examiner");
    const { ok } = await invoke(browser, "card", { sitting: here.sitting, student: VOUCHED });
    assert.equal(ok.state.state, "pending-manual-verification");
  });

  step("the chief examiner approves with the PIN and the candidate is admitted", async () => {
    await (await shown(browser, "#approval-pin")).setValue(PIN);
    await click(browser, "#approve");
    await attrIs(browser, `#card[data-student="${VOUCHED}"]`, "data-state", "admitted");
    const ok = await message(browser, "ok");
    assert.ok(ok.text.length > 0);
    await tallyShows(browser, "pending", 0);
    assert.ok((await tallyList(browser, "admitted")).includes(VOUCHED));
  });

  step("settings show the key that signed the photo, for the office's trust list", async () => {
    await click(browser, "#tab-settings");
    const key = await shown(browser, "#info-signing-key");
    await browser.waitUntil(async () => (await key.getText()).trim() === signer, {
      timeout: UI_TIMEOUT,
      timeoutMsg: `settings do not show the signing key ${signer}`,
    });
  });

  step("after T+30 a vouch refuses the latecomer at once: no camera, marked absent", async () => {
    await setExamTime(browser, DEMO.afterCutoff);
    await openCard(browser, LATE.slice(-4), LATE);
    await passChecks(browser, "failed");
    await click(browser, "#vouch");
    await attrIs(browser, `#card[data-student="${LATE}"]`, "data-state", "absent");
    assert.equal(await (await browser.$("#capture")).isDisplayed(), false, "the camera panel opened for a latecomer");
    assert.ok(!existsSync(join(dirname(db), "photos", DEMO.sitting, `${LATE}.jpg`)));
  });
});
