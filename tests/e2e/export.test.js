// The photo archive from the chief examiner's screen, in real windows against a real site server:
// a door of 襄阳电大校本部 room 01 vouches for a candidate with a photo, which its background sync
// uploads; the chief's window (connected as the site's chief examiner) shows the photo fetched from
// the server, taps 导出应急处理照片, and the archive lands under the notice's name with the
// student's `<student number>.jpg` inside, read back with `unzip -l` and Python's zipfile. Then the
// server's copy of the photo is removed (as a lost file would be) and the next export is refused,
// the screen naming the student, and no archive written.
//
// The one seam: a native save dialog cannot be driven over WebDriver, so tests/e2e/run.sh sets
// EXAMGATE_SAVE_DIR and the app saves there under the name the dialog would have proposed
// (src-tauri/src/save.rs). The server, the upload, the download and the ZIP are real.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe } from "node:test";
import {
  DEMO,
  UI_TIMEOUT,
  attrIs,
  click,
  connect,
  loadDemoAndOpenDoor,
  message,
  screenshot,
  setExamTime,
  shown,
  vouchWithPhoto,
} from "./lib/app.js";
import { closeSite, openSite, stepInBoth } from "./lib/site.js";

const VOUCHED = DEMO.room01(9);
/** The notice's name of 襄阳电大校本部's archive of the first sitting of spring 2023. */
const NAME = "襄阳电大校本部23春第一次学位英语考试应急处理照片.zip";

function saveDir() {
  const dir = process.env.E2E_SAVE_DIR;
  if (!dir) throw new Error("E2E_SAVE_DIR is not set: run the e2e tests through tests/e2e/run.sh");
  return dir;
}

describe("the chief examiner exports the site's photo archive from the overview", () => {
  let door;
  let chief;
  let server;
  let codes;
  const step = stepInBoth(() => ({ door, chief }));

  before(async () => {
    ({ server, codes, door, chief } = await openSite("export"));
    for (const f of readdirSync(saveDir())) rmSync(join(saveDir(), f), { force: true });
  });
  after(async () => closeSite({ server, door, chief }));

  step("the door vouches for a candidate with a photo, and the chief's overview shows it from the server", async () => {
    await connect(door, codes.door);
    await loadDemoAndOpenDoor(door);
    await setExamTime(door, DEMO.doorOpen);
    await vouchWithPhoto(door, VOUCHED);

    await connect(chief, codes.chief);
    await click(chief, "#tab-chief");
    await shown(chief, "#screen-chief");
    // Shown: the server holds the photo the door uploaded.
    await attrIs(chief, `.chief-item[data-student="${VOUCHED}"] .chief-photo`, "data-photo", "shown");
  });

  step("导出应急处理照片 saves the archive under the notice's name with the student's photo inside", async () => {
    const button = await shown(chief, "#chief-export-button");
    assert.equal((await button.getText()).trim(), "导出应急处理照片");
    await click(chief, "#chief-export-button");
    await attrIs(chief, "#chief-export", "data-state", "saved");
    const saved = join(saveDir(), NAME);
    assert.equal(await (await chief.$("#chief-export")).getAttribute("data-path"), saved);
    assert.equal(await (await chief.$("#chief-export")).getAttribute("data-photos"), "1");
    const text = await (await shown(chief, "#chief-export-message")).getText();
    assert.ok(text.includes(saved) && text.includes("1 张照片"), text);
    await screenshot(chief, "chief-export-saved");

    assert.ok(existsSync(saved), `${saved} exists`);
    assert.deepEqual(readdirSync(saveDir()), [NAME], "only the archive: no temporary file beside it");
    const listing = execFileSync("unzip", ["-l", saved], { encoding: "utf8" });
    assert.ok(listing.includes(`${VOUCHED}.jpg`), listing);
    const check = execFileSync(
      "/usr/bin/python3",
      ["-c", "import sys,zipfile,json; z=zipfile.ZipFile(sys.argv[1]); print(json.dumps([z.testzip(), z.namelist()]))", saved],
      { encoding: "utf8" },
    );
    const [bad, names] = JSON.parse(check);
    assert.equal(bad, null, "every CRC checks");
    assert.deepEqual(names.filter((n) => n.endsWith(".jpg")), [`${VOUCHED}.jpg`]);
  });

  step("with the server's photo gone the export is refused, naming the student, and nothing is written", async () => {
    rmSync(join(saveDir(), NAME));
    const photos = join(server.data, "photos");
    for (const f of readdirSync(photos).filter((f) => f.endsWith(".jpg"))) rmSync(join(photos, f));
    await click(chief, "#chief-export-button");
    await attrIs(chief, "#chief-export", "data-state", "failed");
    await attrIs(chief, "#chief-export-message", "data-code", "archive-refused");
    const problems = await chief.$$("#chief-export-message .details li");
    assert.equal(problems.length, 1);
    const line = await problems[0].getText();
    assert.ok(line.includes(VOUCHED) && line.includes("缺失"), line);
    assert.deepEqual(readdirSync(saveDir()), [], "no archive, no temporary file");
    await screenshot(chief, "chief-export-refused");
  });

  step("the panel switches to English like every screen", async () => {
    await click(chief, "#lang");
    await chief.waitUntil(async () => (await (await chief.$("#chief-export-button")).getText()).trim() === "Export emergency photos", {
      timeout: UI_TIMEOUT,
      timeoutMsg: "the export button did not switch to English",
    });
    const text = await (await shown(chief, "#chief-export-message")).getText();
    assert.ok(text.includes("Have the rooms of the photos below sync"), text);
  });
});
