// A door and the chief examiner's phone against one real site server, as chief.test.js,
// export.test.js and sitting.test.js use them: `examgate serve` on loopback with the demo exam in
// its database, a one-time code for room 01's proctor and one for the site's chief examiner, and
// two app windows (the chief's on a second tauri-driver, phone-sized). A failing step leaves a
// screenshot of both windows.
import { it } from "node:test";
import { DEMO, shotOnFailure, startApp, stopApp } from "./app.js";
import { examgate, issueCode, startServer } from "./server.js";

/** Room 01's proctor and the site's chief examiner (crates/examgate-demo: Z + the site's number). */
export const PEOPLE = { proctor: "J2101", chief: "Z02" };

/** Starts the server with the demo, makes both codes and opens both windows (named after `name`). */
export async function openSite(name) {
  const server = await startServer(name);
  examgate(["demo", "--db", `${server.data}/site.db`]);
  const codes = {
    door: issueCode(server, { site: DEMO.site, room: DEMO.room, staff: PEOPLE.proctor }),
    chief: issueCode(server, { site: DEMO.site, staff: PEOPLE.chief, role: "chief" }),
  };
  const { browser: door } = await startApp(`${name}-door`);
  const { browser: chief } = await startApp(`${name}-chief`, { driver: 2 });
  await chief.setWindowSize(390, 844);
  return { server, codes, door, chief };
}

/** Closes both windows and stops the server (whatever of them was opened). */
export async function closeSite(site) {
  await stopApp(site?.door);
  await stopApp(site?.chief);
  await site?.server?.stop();
}

/** A test step that screenshots both windows (`windows()` → {door, chief}) when it fails. */
export function stepInBoth(windows) {
  return (name, fn) =>
    it(name, async () => {
      try {
        await fn();
      } catch (err) {
        for (const [who, b] of Object.entries(windows())) {
          await shotOnFailure(() => b, `${who}-${name}`, async () => {
            throw err;
          })().catch(() => {});
        }
        throw err;
      }
    });
}
