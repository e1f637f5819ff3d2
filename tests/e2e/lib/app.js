// The door app as a test sees it: start the real binary in a real window with a fresh database,
// and the few gestures every flow repeats (load the demo, pick the room, set the exam time, find a
// candidate, take them through the checks, read the tally). Each helper waits for the screen to
// show the outcome it caused, with a bound, instead of sleeping: WebKitGTK renders when it
// renders, and a test that guesses how long that takes is flaky on a loaded 2-core machine.
//
// Started by tests/e2e/run.sh, which sets E2E_APP_BINARY, E2E_DRIVER_PORT, E2E_WORK and
// E2E_ARTIFACTS; a test file run on its own without them fails with a message saying so.
import { mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

/** A 960×720 JPEG standing in for the camera's photo of candidate and proctor at the seat. */
export const SEAT_PHOTO = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "seat-photo.jpg");

/** The bound of every wait for the UI (a call into Rust plus a render). */
export const UI_TIMEOUT = Number(process.env.E2E_UI_TIMEOUT_MS ?? 15_000);

/** The demo exam (crates/examgate-demo/src/lib.rs) as the tests use it. */
export const DEMO = {
  sitting: "2023春 第一次",
  sites: ["湖北开放大学开放教育学院", "襄阳电大校本部", "宜昌电大校本部"],
  /** 襄阳电大校本部: the running number continues after site 1's 25 + 30 + 43 = 98 seats. */
  site: "襄阳电大校本部",
  room: "01",
  roomSeats: 25,
  /** Site 2, room 01 holds running numbers 99..=123; room 02 holds 124..=153. */
  room01: (n) => `22422${String(98 + n).padStart(8, "0")}`,
  room02: (n) => `22422${String(123 + n).padStart(8, "0")}`,
  /** Before the start, the door open, not late (T−20). */
  doorOpen: "2023-04-15T08:40:00",
  /** One minute after the late cut-off (T+30). */
  afterCutoff: "2023-04-15T09:31:00",
};

function env(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run the e2e tests through tests/e2e/run.sh`);
  }
  return value;
}

/**
 * Starts the app in a new WebDriver session on a database of its own (`--db`), so every test
 * file begins from an empty app whatever ran before it. `driver: 2` starts it through run.sh's
 * second tauri-driver (its own XDG dirs): a second window beside the first, as a second phone.
 */
export async function startApp(name, { driver = 1 } = {}) {
  const portVar = driver === 2 ? "E2E_DRIVER_PORT_2" : "E2E_DRIVER_PORT";
  const dir = join(env("E2E_WORK"), name);
  mkdirSync(dir, { recursive: true });
  const db = join(dir, "examgate.db");
  const browser = await remote({
    hostname: "127.0.0.1",
    port: Number(env(portVar)),
    logLevel: "error",
    connectionRetryTimeout: 60_000,
    connectionRetryCount: 1,
    waitforTimeout: UI_TIMEOUT,
    capabilities: {
      "tauri:options": { application: env("E2E_APP_BINARY"), args: ["--db", db] },
    },
  });
  await appReady(browser);
  // The web view keeps localStorage (the last room chosen, the language) per user, not per
  // database: forget it so this file starts as a first launch would, whatever ran before.
  const kept = await browser.execute(() => {
    const n = localStorage.length;
    localStorage.clear();
    return n;
  });
  if (kept > 0) {
    await browser.refresh();
    await appReady(browser);
  }
  return { browser, db };
}

/** The page has loaded and the start screen has filled its lists from Rust. */
async function appReady(browser) {
  await browser.waitUntil(
    async () =>
      browser.execute(() => document.readyState === "complete" && document.body.dataset.ready === "true"),
    { timeout: UI_TIMEOUT, timeoutMsg: "the app's page did not finish loading (body[data-ready])" },
  );
}

export async function stopApp(browser) {
  if (browser) {
    await browser.deleteSession().catch(() => {});
  }
}

/** Saves a screenshot to artifacts/e2e/NAME.png and returns its path and size in bytes. */
export async function screenshot(browser, name) {
  const dir = env("E2E_ARTIFACTS");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await browser.saveScreenshot(path);
  return { path, bytes: statSync(path).size };
}

/**
 * A test step that leaves a screenshot named after itself in artifacts/e2e/failed-*.png when it
 * fails, so a red CI run shows what the window looked like.
 */
export function shotOnFailure(getBrowser, name, fn) {
  return async (...args) => {
    try {
      await fn(...args);
    } catch (err) {
      const browser = getBrowser();
      if (browser) {
        const slug = name.replace(/[^\p{L}\p{N}]+/gu, "-").slice(0, 80);
        await screenshot(browser, `failed-${slug}`).catch(() => {});
      }
      throw err;
    }
  };
}

// ── Reading the screen ──────────────────────────────────────────────────────────────────────────

export async function shown(browser, selector) {
  const el = await browser.$(selector);
  await el.waitForDisplayed({ timeout: UI_TIMEOUT, timeoutMsg: `${selector} was not shown` });
  return el;
}

export async function click(browser, selector) {
  const el = await shown(browser, selector);
  await el.waitForEnabled({ timeout: UI_TIMEOUT, timeoutMsg: `${selector} stayed disabled` });
  await el.scrollIntoView({ block: "center" }).catch(() => {});
  await el.click();
}

/** Waits until `selector` has the attribute `name` equal to `value`; returns the element. */
export async function attrIs(browser, selector, name, value) {
  const el = await browser.$(selector);
  let last;
  await browser.waitUntil(
    async () => {
      last = (await el.isExisting()) ? await el.getAttribute(name) : "(absent)";
      return last === value;
    },
    { timeout: UI_TIMEOUT, timeoutMsg: `${selector}[${name}] stayed ${last}, expected ${value}` },
  );
  return el;
}

/**
 * Chooses the option of a <select> whose value is `want`, or whose text is or begins with it
 * (the sitting's option reads "2023春 第一次（2023-04-15 09:00–11:00）"); `null` takes the first
 * real option. Returns the chosen option's text.
 */
export async function choose(browser, selector, want) {
  const select = await shown(browser, selector);
  // Options arrive from Rust after the previous choice: wait for the wanted one.
  await browser.waitUntil(
    async () =>
      browser.execute(
        (el, w) =>
          [...el.options].some(
            (o) => o.value !== "" && !o.disabled && (w === null || o.value === w || o.text.trim().startsWith(w)),
          ),
        select,
        want,
      ),
    { timeout: UI_TIMEOUT, timeoutMsg: `${selector} never offered ${want ?? "an option"}` },
  );
  // A <select>'s popup is a native GTK menu that WebDriver cannot click into: set the value as
  // the browser would and fire the same events a person's choice fires.
  const chosen = await browser.execute(
    (el, w) => {
      const options = [...el.options].filter((o) => o.value !== "" && !o.disabled);
      const option =
        w === null
          ? options[0]
          : (options.find((o) => o.value === w) ??
            options.find((o) => o.text.trim() === w) ??
            options.find((o) => o.text.trim().startsWith(w)));
      if (!option) return null;
      el.value = option.value;
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
      return option.text.trim();
    },
    select,
    want,
  );
  if (chosen === null) throw new Error(`${selector}: no option ${want}`);
  return chosen;
}

/** The number a tally button shows (its `.count-n`, else its whole text). */
export async function count(browser, selector) {
  const el = await shown(browser, selector);
  const number = await el.$(".count-n");
  const text = ((await number.isExisting()) ? await number.getText() : await el.getText()).trim();
  const n = Number.parseInt(text.replace(/[^\d]/g, ""), 10);
  if (Number.isNaN(n)) throw new Error(`${selector} shows "${text}", not a number`);
  return n;
}

// ── The gestures ────────────────────────────────────────────────────────────────────────────────

/** Start screen: load the demo exam and choose sitting, site, room and the first proctor. */
export async function loadDemoAndOpenDoor(browser, { site = DEMO.site, room = DEMO.room } = {}) {
  await shown(browser, "#screen-start");
  await click(browser, "#load-demo");
  await choose(browser, "#sitting", DEMO.sitting);
  await choose(browser, "#site", site);
  await choose(browser, "#room", room);
  await choose(browser, "#proctor", null);
  const proctor = await (await browser.$("#proctor")).getValue();
  await click(browser, "#start-door");
  await shown(browser, "#screen-door");
  return { sitting: DEMO.sitting, site, room, proctor };
}

/**
 * Calls one of the app's commands over its real IPC, as the UI's `invoke` does, and returns
 * `{ok}` or `{error}` (the `{code, message}` the shell sends). For the rules Rust must hold even
 * when the screen would not have let the call through.
 */
export async function invoke(browser, command, args) {
  // The answer crosses WebDriver as JSON text: WebKitWebDriver fails to serialise the rejected
  // IPC error object itself ("[object Object]").
  const text = await browser.executeAsync(
    (cmd, a, done) => {
      window.__TAURI_INTERNALS__.invoke(cmd, a).then(
        (ok) => done(JSON.stringify({ ok })),
        (error) => done(JSON.stringify({ error })),
      );
    },
    command,
    args,
  );
  return JSON.parse(text);
}

/**
 * Starts counting the webview's IPC requests for `command`; read the count with `ipcCalls`.
 * Tauri's `invoke` is a read-only property, but on Linux it sends each call as a fetch of
 * `ipc://localhost/<command>`, and `fetch` can be wrapped.
 */
export async function countIpcCalls(browser, command) {
  await browser.execute((cmd) => {
    const calls = (window.__e2eCalls ??= {});
    calls[cmd] = 0;
    if (window.__e2eFetch) return;
    const original = window.fetch;
    window.__e2eFetch = original;
    window.fetch = (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      const m = /^(?:ipc:\/\/localhost|https?:\/\/ipc\.localhost)\/([^/?#]+)/.exec(url);
      const name = m ? decodeURIComponent(m[1]) : null;
      if (name !== null && name in calls) calls[name] += 1;
      return original(input, init);
    };
  }, command);
}

/** How many IPC requests for `command` the webview sent since `countIpcCalls`. */
export async function ipcCalls(browser, command) {
  return browser.execute((cmd) => window.__e2eCalls?.[cmd] ?? 0, command);
}

/** Settings: set the app's exam time (YYYY-MM-DDTHH:MM:SS, the exam's local time). */
export async function setExamTime(browser, value) {
  await click(browser, "#tab-settings");
  const input = await shown(browser, "#exam-time");
  // datetime-local has no typeable text field in WebKitGTK: set it as the picker would.
  await browser.execute(
    (el, v) => {
      el.value = v;
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
    },
    input,
    value,
  );
  await click(browser, "#set-clock");
  await shown(browser, "#clock-set");
  await click(browser, "#tab-door");
  await shown(browser, "#screen-door");
}

/** Door: type into the search box and press Enter. */
export async function search(browser, text) {
  const box = await shown(browser, "#search");
  await box.clearValue();
  await box.setValue(text);
  await browser.keys("Enter");
}

/** Door: search `text`, pick `student` from the results (unless the card opened directly). */
export async function openCard(browser, text, student) {
  await search(browser, text);
  const row = await browser.$(`.result[data-student="${student}"]`);
  const card = await browser.$(`#card[data-student="${student}"]`);
  await browser.waitUntil(async () => (await row.isDisplayed()) || (await card.isDisplayed()), {
    timeout: UI_TIMEOUT,
    timeoutMsg: `searching "${text}" showed neither a result nor the card for ${student}`,
  });
  if (!(await card.isDisplayed())) {
    await row.click();
  }
  await card.waitForDisplayed({ timeout: UI_TIMEOUT, timeoutMsg: `the card of ${student} did not open` });
  return card;
}

/**
 * The last 4 characters of the candidate's document number, as the card shows them (masked:
 * first 6 and last 4 visible). Read from `#card-id`, else from any `*`-masked number on the card.
 */
export async function idLast4(browser) {
  const text = await browser.execute(() => {
    const byId = document.querySelector("#card-id");
    if (byId) return byId.textContent ?? "";
    const card = document.querySelector("#card");
    return card ? card.textContent ?? "" : "";
  });
  const m = /[*•＊]{2,}\s*([0-9A-Za-z]{4})/.exec(text);
  if (!m) throw new Error(`no masked document number on the card: "${text.slice(0, 200)}"`);
  return m[1];
}

/** Four characters that are not `last4` (each digit shifted by one, a letter turned into 0). */
export function wrongLast4(last4) {
  return [...last4].map((c) => (/\d/.test(c) ? String((Number(c) + 1) % 10) : "0")).join("");
}

export async function confirmTicket(browser) {
  await click(browser, "#confirm-ticket");
}

/** Types the ID characters, checks them, and returns the `#id-result[data-match]` it shows. */
export async function checkId(browser, typed) {
  const input = await shown(browser, "#id-input");
  await input.clearValue();
  await input.setValue(typed);
  await click(browser, "#check-id");
  const result = await shown(browser, "#id-result[data-match]");
  return result.getAttribute("data-match");
}

/**
 * The card's three checks as a proctor does them: confirm the ticket, type the ID's own last 4
 * characters, record face recognition as `face` ("passed" or "failed"). Returns the ID check's
 * `data-match` ("suffix" or "full" when it matched).
 */
export async function passChecks(browser, face, reason = "environment") {
  await confirmTicket(browser);
  const match = await checkId(browser, await idLast4(browser));
  await click(browser, `#face-${face}`);
  // A failed recognition is recorded with the proctor's reason (环境原因 / 人脸不匹配).
  if (face === "failed") await click(browser, `#face-reason-${reason}`);
  return match;
}

/** Waits for `#message` of the given kind (and code, when given); returns its text and code. */
export async function message(browser, kind, code) {
  const selector = code ? `#message[data-kind="${kind}"][data-code="${code}"]` : `#message[data-kind="${kind}"]`;
  const el = await shown(browser, selector);
  return { text: (await el.getText()).trim(), code: await el.getAttribute("data-code") };
}

/** Tally screen: the five counts, read from the screen. */
export async function tally(browser) {
  await click(browser, "#tab-tally");
  await shown(browser, "#screen-tally");
  const out = {};
  for (const key of ["expected", "admitted", "pending", "refused", "absent"]) {
    out[key] = await count(browser, `#count-${key}`);
  }
  return out;
}

/** Tally screen: the students listed behind one count (the list shows one bucket at a time). */
export async function tallyList(browser, key) {
  await click(browser, `#count-${key}`);
  await attrIs(browser, "#tally-list", "data-bucket", key);
  const students = [];
  for (const row of await browser.$$("#tally-list .tally-row[data-student]")) {
    students.push(await row.getAttribute("data-student"));
  }
  return students;
}

/** Tally screen: waits until `key`'s count equals `n` (the screen may refresh after a call). */
export async function tallyShows(browser, key, n) {
  await click(browser, "#tab-tally");
  let last;
  await browser.waitUntil(
    async () => {
      last = await count(browser, `#count-${key}`);
      return last === n;
    },
    { timeout: UI_TIMEOUT, timeoutMsg: `the tally's ${key} stayed ${last}, expected ${n}` },
  );
}

// ── The site server ─────────────────────────────────────────────────────────────────────────────

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

/** Start → 连接考点服务器 with `code`; waits for 已连接. */
export async function connect(browser, code) {
  await click(browser, "#tab-start");
  await click(browser, "#connect-open");
  await paste(browser, code);
  await click(browser, "#connect-submit");
  await attrIs(browser, "#connect-message", "data-kind", "ok");
  await attrIs(browser, "#start-server", "data-connected", "true");
}

/**
 * At the door: opens `student`'s card by the ticket's last four digits, records that face
 * recognition failed, vouches and sends the seat photo from a file; waits until the card says
 * the candidate awaits the chief examiner.
 */
export async function vouchWithPhoto(browser, student) {
  await openCard(browser, student.slice(-4), student);
  await passChecks(browser, "failed");
  await click(browser, "#vouch");
  await shown(browser, "#capture");
  await (await browser.$("#photo-file")).addValue(SEAT_PHOTO);
  await attrIs(browser, "#capture", "data-photo", "file");
  await click(browser, "#photo-send");
  await attrIs(browser, `#card[data-student="${student}"]`, "data-state", "pending-manual-verification");
  await message(browser, "ok");
}
