// The app starts as a real window on the database it was given: the precondition of every other
// e2e test, kept on its own so a broken start fails here with a plain message, not as a timeout
// in the middle of a door flow.
import assert from "node:assert/strict";
import { existsSync, openSync, readSync, closeSync, statSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { UI_TIMEOUT, click, screenshot, shotOnFailure, startApp, stopApp } from "./lib/app.js";

describe("the app window", () => {
  let browser;
  let db;
  before(async () => {
    ({ browser, db } = await startApp("window"));
  });
  after(async () => stopApp(browser));

  it(
    "opens with the examgate title and the start screen's content",
    shotOnFailure(
      () => browser,
      "window-opens",
      async () => {
        assert.match(await browser.getTitle(), /examgate/);
        const body = await browser.$("body");
        await browser.waitUntil(async () => (await body.getText()).trim().length > 0, {
          timeout: UI_TIMEOUT,
          timeoutMsg: "the window stayed blank",
        });
        const shot = await screenshot(browser, "window-start");
        assert.ok(shot.bytes > 4096, `the start screenshot is only ${shot.bytes} bytes`);
      },
    ),
  );

  it(
    "opens the database named by --db, not the one in the app data dir",
    shotOnFailure(
      () => browser,
      "window-db",
      async () => {
        await click(browser, "#tab-settings");
        const shownDb = await browser.$("#info-db");
        await browser.waitUntil(async () => (await shownDb.getText()).trim() === db, {
          timeout: UI_TIMEOUT,
          timeoutMsg: `settings do not show the database ${db}`,
        });
        assert.ok(existsSync(db), `no database file at ${db}`);
      },
    ),
  );

  it(
    "settings say where the database key lives; the database is encrypted and owner-only",
    shotOnFailure(
      () => browser,
      "window-db-key",
      async () => {
        await click(browser, "#tab-settings");
        const shown = await browser.$("#info-db-key");
        const key = `${db}.key`;
        await browser.waitUntil(async () => (await shown.getText()).includes(key), {
          timeout: UI_TIMEOUT,
          timeoutMsg: `settings do not name the key file ${key}`,
        });
        assert.match(await shown.getText(), /仅本用户可读/);
        // On disk: no SQLite header (SQLCipher encrypts every page), and both files are 0600.
        const head = Buffer.alloc(16);
        const fd = openSync(db, "r");
        try {
          readSync(fd, head, 0, 16, 0);
        } finally {
          closeSync(fd);
        }
        assert.notEqual(head.toString("latin1"), "SQLite format 3\0", "the database file is plaintext");
        for (const path of [db, key]) {
          assert.equal(statSync(path).mode & 0o777, 0o600, `${path} is not owner-only`);
        }
      },
    ),
  );

  it(
    "the language switch turns the screens into English and back into Chinese",
    shotOnFailure(
      () => browser,
      "window-lang",
      async () => {
        const tab = await browser.$("#tab-door");
        const textIs = async (want) =>
          browser.waitUntil(async () => (await tab.getText()).trim() === want, {
            timeout: UI_TIMEOUT,
            timeoutMsg: `the door tab does not read ${want}`,
          });
        await textIs("入场");
        await click(browser, "#lang");
        await textIs("Door");
        assert.equal(await browser.execute(() => document.documentElement.lang), "en");
        await click(browser, "#lang");
        await textIs("入场");
      },
    ),
  );
});
