// Connecting the app to a real site server, as on the day: the office runs `examgate serve`,
// writes the demo exam into the server's database and makes a one-time code for a proctor with
// `examgate serve enroll`; the proctor pastes the code into the Start screen's connect panel.
// The app shows 已连接 with the site, and Settings shows the site and the certificate fingerprint
// the server printed. The same code a second time is refused as spent, shown by its code. Then
// the door admits a candidate: the background sync sends the event at once, the server holds it
// (`examgate serve devices` counts the device's events), and the header says 已同步.
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
} from "./lib/app.js";
import { examgate, issueCode, startServer } from "./lib/server.js";

const STAFF = "P-E2E-01";
const ADMITTED = DEMO.room01(4);

/** The events of the device enrolled for STAFF that the server holds, from `examgate serve devices`. */
function eventsHeld(server) {
  const devices = examgate(["serve", "devices", "--data", server.data]);
  const row = devices.split("\n").find((l) => l.includes(STAFF));
  const m = row && /已收事件 \(events held\) (\d+)/.exec(row);
  if (!m) throw new Error(`no events-held column for ${STAFF}: ${devices}`);
  return Number(m[1]);
}

/** Waits (bounded) until the server holds more than `than` events of the device. */
async function serverHoldsMore(server, than) {
  const deadline = Date.now() + UI_TIMEOUT;
  let held = eventsHeld(server);
  while (held <= than) {
    if (Date.now() > deadline) throw new Error(`the server still holds ${held} events of the device, expected more than ${than}`);
    await new Promise((done) => setTimeout(done, 200));
    held = eventsHeld(server);
  }
  return held;
}

/** Puts `text` in the code box as a paste does (one input event), not key by key. */
async function paste(browser, text) {
  const box = await shown(browser, "#connect-code");
  await browser.execute(
    (el, v) => {
      el.value = v;
      el.dispatchEvent(new Event("input", { bubbles: true }));
    },
    box,
    text,
  );
}

describe("connecting to the site server", () => {
  let browser;
  let server;
  let code;
  const step = (name, fn) => it(name, shotOnFailure(() => browser, name, fn));

  before(async () => {
    server = await startServer("site-server");
    examgate(["demo", "--db", `${server.data}/site.db`]);
    code = issueCode(server, { site: DEMO.site, room: DEMO.room, staff: STAFF });
    ({ browser } = await startApp("site-server"));
  });
  after(async () => {
    await stopApp(browser);
    await server?.stop();
  });

  step("a fresh device says it is not connected, on Start and in Settings", async () => {
    await attrIs(browser, "#start-server", "data-connected", "false");
    await click(browser, "#tab-settings");
    await attrIs(browser, "#settings-server", "data-connected", "false");
    await shown(browser, "#settings-connect");
  });

  step("a pasted code connects the device and Start shows what it is connected as", async () => {
    await click(browser, "#settings-connect"); // takes the proctor to Start, panel open
    await shown(browser, "#connect-panel");
    await paste(browser, code);
    await click(browser, "#connect-submit");
    await attrIs(browser, "#connect-message", "data-kind", "ok");
    await attrIs(browser, "#start-server", "data-connected", "true");
    const site = await (await shown(browser, '#start-server [data-fact="site"] dd')).getText();
    assert.equal(site.trim(), DEMO.site);
    const staff = await (await shown(browser, '#start-server [data-fact="staff"] dd')).getText();
    assert.equal(staff.trim(), STAFF);
    assert.equal(await (await browser.$("#connect-panel")).isDisplayed(), false);
  });

  step("Settings show the site, the server's address and the fingerprint the server printed", async () => {
    await click(browser, "#tab-settings");
    await attrIs(browser, "#settings-server", "data-connected", "true");
    const text = async (fact) =>
      (await (await shown(browser, `#settings-server [data-fact="${fact}"] dd`)).getText()).trim();
    assert.equal(await text("site"), DEMO.site);
    assert.equal(await text("room"), DEMO.room);
    assert.equal(await text("url"), server.url);
    const fingerprint = await text("fingerprint");
    assert.equal(fingerprint.replace(/\s+/g, " "), server.grouped, "the grouped form the server printed");
    assert.equal(fingerprint.replace(/\s+/g, "").toLowerCase(), server.fingerprint);
    assert.equal(await (await browser.$("#settings-connect")).isDisplayed(), false);
    await browser.execute(() => document.querySelector("#settings-server-group")?.scrollIntoView({ block: "start" }));
    const shot = await screenshot(browser, "site-server-settings");
    assert.ok(shot.bytes > 4096, `the screenshot is only ${shot.bytes} bytes`);
  });

  step("the server lists the device under the proctor's staff number, its clock measured", async () => {
    const devices = examgate(["serve", "devices", "--data", server.data]);
    const row = devices.split("\n").find((l) => l.includes(STAFF));
    assert.ok(row, `no device row for ${STAFF}: ${devices}`);
    assert.ok(row.includes(DEMO.site) && row.includes("proctor"), row);
    assert.ok(row.includes("时钟偏差 (clock)"), `the clock was not measured: ${row}`);
  });

  step("the same code a second time is refused as spent and the device stays connected", async () => {
    await click(browser, "#tab-start");
    await click(browser, "#connect-open");
    await paste(browser, code);
    await click(browser, "#connect-submit");
    await browser.$('#connect-message[data-kind="error"][data-code="enroll-code-spent"]').waitForDisplayed({
      timeout: UI_TIMEOUT,
      timeoutMsg: "a spent code was not refused with enroll-code-spent",
    });
    await attrIs(browser, "#start-server", "data-connected", "true");
  });

  step("an admission at the door reaches the server at once and the header says 已同步", async () => {
    await loadDemoAndOpenDoor(browser);
    await setExamTime(browser, DEMO.doorOpen);
    const before = eventsHeld(server);
    await openCard(browser, ADMITTED.slice(-4), ADMITTED);
    await passChecks(browser, "passed");
    await click(browser, "#admit");
    await attrIs(browser, `#card[data-student="${ADMITTED}"]`, "data-state", "admitted");
    const after = await serverHoldsMore(server, before);
    assert.equal(after, before + 1, "exactly the admission was added");
    await browser.$('#sync-line[data-state="synced"][data-pending="0"]').waitForDisplayed({
      timeout: UI_TIMEOUT,
      timeoutMsg: "the header did not come to say 已同步",
    });
    assert.equal((await (await browser.$("#sync-line")).getText()).trim(), "已同步");
    await click(browser, "#tab-settings");
    await shown(browser, "#sync-box");
    await browser.execute(() => document.querySelector("#settings-server-group")?.scrollIntoView({ block: "start" }));
    await screenshot(browser, "site-server-synced");
  });
});
