// The door screen with a candidate's card open, as a phone held upright (390×844) and a laptop
// (1280×800) show it: saved to artifacts/e2e/ for people to look at, and checked here to be real
// pictures of a rendered screen, with the card on it, in a window of the size asked for.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  DEMO,
  UI_TIMEOUT,
  loadDemoAndOpenDoor,
  openCard,
  screenshot,
  setExamTime,
  shotOnFailure,
  startApp,
  stopApp,
} from "./lib/app.js";

const SHOWN = DEMO.room01(7); // 2242200000105

/** PNG width and height from the IHDR chunk. */
async function pngSize(path) {
  const { readFile } = await import("node:fs/promises");
  const bytes = await readFile(path);
  assert.equal(bytes.subarray(1, 4).toString("latin1"), "PNG", `${path} is not a PNG`);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe("the door screen at phone and laptop sizes", () => {
  let browser;
  const step = (name, fn) => it(name, shotOnFailure(() => browser, name, fn));

  before(
    shotOnFailure(
      () => browser,
      "screenshots-before",
      async () => {
        ({ browser } = await startApp("screenshots"));
        await loadDemoAndOpenDoor(browser);
        await setExamTime(browser, DEMO.doorOpen);
        await openCard(browser, SHOWN.slice(-4), SHOWN);
      },
    ),
  );
  after(async () => stopApp(browser));

  for (const [name, width, height] of [
    ["door-portrait-390x844", 390, 844],
    ["door-landscape-1280x800", 1280, 800],
  ]) {
    step(`the door screen with a card open fits ${width}×${height}`, async () => {
      await browser.setWindowSize(width, height);
      await browser.waitUntil(
        async () => {
          const [w, h] = await browser.execute(() => [window.innerWidth, window.innerHeight]);
          return w === width && h === height;
        },
        { timeout: UI_TIMEOUT, timeoutMsg: `the window did not become ${width}×${height}` },
      );
      // Nothing wider than the window: no sideways scrolling at the door.
      const overflow = await browser.execute(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `the page is ${overflow}px wider than the ${width}px window`);
      const card = await browser.$(`#card[data-student="${SHOWN}"]`);
      await card.scrollIntoView({ block: "nearest" });
      assert.ok(await card.isDisplayed({ withinViewport: true }), "the card is not in view");
      const shot = await screenshot(browser, name);
      assert.ok(shot.bytes > 8 * 1024, `${shot.path} is only ${shot.bytes} bytes`);
      const size = await pngSize(shot.path);
      // The screenshot is of the viewport, in device pixels (scale 1 under Xvfb).
      assert.deepEqual(size, { width, height }, `${shot.path} is ${size.width}×${size.height}`);
    });
  }
});
