// The room's timeline and the proctors present, in a real window with the drill's exam time set
// explicitly: a missed step shows first and is ticked; proctors sign in with staff number and PIN
// (set at the first sign-in, typed twice); the room is short while a substitute waits for the
// chief examiner, whose PIN (never a proctor's) approves them; the provincial office's notice
// shows for a substitute past T−2h; a proctor who finds a PIN they never set has it reset by the
// chief examiner's PIN and sets their own. Attacks go through the real IPC too.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  invoke,
  loadDemoAndOpenDoor,
  screenshot,
  setExamTime,
  shotOnFailure,
  shown,
  startApp,
  stopApp,
} from "./lib/app.js";
import {
  STAFF,
  approveSubstitute,
  proctorsMessage,
  resetProctorPin,
  signInProctor,
  staffing,
  stepIs,
  tickStep,
  timelineStates,
} from "./lib/proctors.js";

const CHIEF_PIN = "975310";

describe("the room's timeline and its proctors", () => {
  let browser;
  let here;
  const step = (name, fn) => it(name, shotOnFailure(() => browser, name, fn));

  before(
    shotOnFailure(
      () => browser,
      "proctors-before",
      async () => {
        ({ browser } = await startApp("proctors"));
        here = await loadDemoAndOpenDoor(browser);
        await setExamTime(browser, "2023-04-15T08:35:00");
      },
    ),
  );
  after(async () => stopApp(browser));

  step("at T−25 the missed T−60 step is first, the notice is due, and ticking it is recorded", async () => {
    await stepIs(browser, "staff-in-room", "missed");
    const states = await timelineStates(browser);
    assert.deepEqual(states[0], ["staff-in-room", "missed"]);
    assert.deepEqual(states[1], ["notice", "due"]);
    await tickStep(browser, "notice");
    await tickStep(browser, "staff-in-room");
    const early = await invoke(browser, "tick_step", { ...here, actor: here.proctor, step: "end" });
    assert.equal(early.error?.code, "step-not-due");
  });

  step("a roster proctor signs in with a PIN set at first use; the room is still one short", async () => {
    assert.equal(await signInProctor(browser, STAFF.roster[0], "135790"), "ok");
    assert.deepEqual(await staffing(browser), { needed: 2, counted: 1, short: 1 });
    await shown(browser, "#proctors-short");
    assert.equal(await signInProctor(browser, STAFF.roster[0], "135790", { expect: "error" }), "already-signed-in");
    assert.equal(await signInProctor(browser, STAFF.otherSite, "135790", { expect: "error" }), "not-of-site");
  });

  step("a substitute does not count until the chief approves, and is told of the provincial rule", async () => {
    assert.equal(await signInProctor(browser, STAFF.otherRoom, "246802"), "ok");
    await shown(browser, `#proctors .substitute[data-staff="${STAFF.otherRoom}"][data-approved="false"] .provincial-notice`);
    assert.equal((await staffing(browser)).short, 1);
    const byProctor = await invoke(browser, "approve_substitute", {
      ...here, proctor: STAFF.otherRoom, chief: STAFF.roster[0], pin: "135790",
    });
    assert.equal(byProctor.error?.code, "not-chief-examiner");
    // The site office sets the chief's PIN at first use on this standalone device.
    assert.equal((await invoke(browser, "set_pin", { chief: STAFF.chief, pin: CHIEF_PIN })).error, undefined);
    await approveSubstitute(browser, STAFF.otherRoom, STAFF.chief, CHIEF_PIN);
    assert.deepEqual(await staffing(browser), { needed: 2, counted: 2, short: 0 });
    assert.match(await proctorsMessage(browser, "ok"), /批准/);
    await (await shown(browser, "#proctors")).scrollIntoView();
    await screenshot(browser, "door-proctors");
  });

  step("the chief resets a PIN a colleague set first, and the proctor sets their own and signs in", async () => {
    const proctor = STAFF.roster[1];
    // A colleague reached the device first and set this proctor's PIN, signing in at room 02.
    const colleague = await invoke(browser, "sign_in_proctor", {
      ...here, room: "02", signIn: { staff: proctor, pin: "111111", pin_again: "111111" },
    });
    assert.equal(colleague.error, undefined);
    assert.equal(await signInProctor(browser, proctor, "864200", { expect: "error" }), "wrong-pin");
    // Not with a proctor's credentials, nor a wrong chief PIN.
    assert.equal(await resetProctorPin(browser, proctor, STAFF.roster[0], "135790"), "not-chief-examiner");
    assert.equal(await resetProctorPin(browser, proctor, STAFF.chief, "000000"), "wrong-pin");
    assert.equal(await resetProctorPin(browser, proctor, STAFF.chief, CHIEF_PIN), "ok");
    assert.match(await proctorsMessage(browser, "ok"), /重置/);
    assert.equal(await signInProctor(browser, proctor, "864200"), "ok");
    assert.deepEqual(await staffing(browser), { needed: 2, counted: 3, short: 0 });
  });
});
