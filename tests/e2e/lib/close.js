// Closing the room (关闭考场) and the chief examiner's waiver (主考豁免), as steps a whole-sitting
// test can call: the panel is reached from the door screen once the exam time is past the end.
import { UI_TIMEOUT, click, invoke, shown } from "./app.js";

/** The staff number of `site`'s chief examiner, read from the app's roster. */
export async function chiefOf(browser, site) {
  const r = await invoke(browser, "staff", { site, room: null });
  if (r.error) throw new Error(`staff: ${r.error.code} ${r.error.message}`);
  const chief = r.ok.find((s) => s.role === "chief-examiner");
  if (!chief) throw new Error(`no chief examiner at ${site}`);
  return chief.id;
}

/** Sets `chief`'s PIN on this (standalone) device, as the site office does at first use. */
export async function setChiefPin(browser, chief, pin) {
  const r = await invoke(browser, "set_pin", { chief, pin });
  if (r.error && r.error.code !== "pin-already-set") throw new Error(`set_pin: ${r.error.code} ${r.error.message}`);
}

/** Door screen: opens the closing panel and waits until it has read the room. */
export async function openClosing(browser) {
  await click(browser, "#close-open");
  await shown(browser, "#close-panel");
  await browser.waitUntil(
    async () => (await browser.$("#close-closed").isExisting()) || ((await (await browser.$("#close-status")).getAttribute("data-open")) ?? "") !== "",
    { timeout: UI_TIMEOUT, timeoutMsg: "the closing panel never showed the room's items" },
  );
}

/** The panel's items as shown: `{kind, student, waived, text}`. */
export async function closingItems(browser) {
  return browser.execute(() =>
    [...document.querySelectorAll("#close-items .close-item")].map((li) => ({
      kind: li.dataset.kind,
      student: li.dataset.student ?? null,
      waived: li.dataset.waived === "true",
      text: li.querySelector(".close-item-text")?.textContent ?? "",
    })),
  );
}

function itemSelector({ kind, student }) {
  return `#close-items .close-item[data-kind="${kind}"]${student ? `[data-student="${student}"]` : ""}`;
}

/**
 * The chief examiner waives one item at this device: staff number, PIN and reason typed into the
 * item's 主考豁免 form. Waits until the item shows as waived, or, with `expect` set to an error
 * code, until the panel's message carries that code (the item stays open).
 */
export async function waiveItem(browser, item, { chief, pin, reason }, { expect = null } = {}) {
  const row = itemSelector(item);
  const formOpen = await browser.execute((sel) => {
    const form = document.querySelector(`${sel} .close-waive-form`);
    return form !== null && !form.hidden;
  }, row);
  if (!formOpen) await click(browser, `${row} .close-waive`);
  for (const [cls, value] of [["chief", chief], ["pin", pin], ["reason", reason]]) {
    const input = await shown(browser, `${row} .close-${cls}`);
    await input.clearValue();
    if (value) await input.setValue(value);
  }
  await click(browser, `${row} .close-waive-go`);
  if (expect) {
    await shown(browser, `#close-message[data-kind="error"][data-code="${expect}"]`);
    return;
  }
  // The panel redraws when the waiver is recorded: read the row afresh each time.
  await browser.waitUntil(
    () => browser.execute((sel) => document.querySelector(sel)?.getAttribute("data-waived") === "true", row),
    { timeout: UI_TIMEOUT, timeoutMsg: `${row} never showed as waived` },
  );
}

/** Closes the room from the panel and waits for 已关闭. Returns the closed line's text. */
export async function closeRoom(browser) {
  await click(browser, "#close-room");
  const closed = await shown(browser, "#close-closed");
  return (await closed.getText()).trim();
}
