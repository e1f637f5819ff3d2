// What the screens share: the room this device stands at (sitting, site, room, proctor), the
// running exam clock, and the screen on show; plus a tiny event bus so a screen can react when
// another changes them (an act changes the tally; a new clock changes the countdown).
import type { StaffInfo } from "./bindings";
import type { RunningClock } from "./clock";

export interface Here {
  sitting: string;
  site: string;
  room: string;
  roomAddress: string;
  proctor: StaffInfo;
}

export type Screen = "start" | "door" | "tally" | "settings" | "chief";

export const app: {
  here: Here | null;
  /** The sitting whose clock is shown (the chosen one, even before the door screen opens). */
  sitting: string;
  clock: RunningClock | null;
  screen: Screen;
} = { here: null, sitting: "", clock: null, screen: "start" };

/** `changed`: the background sync merged other devices' events (Rust's `store-changed`): the
 * open screens read again what they show. `sync`: the sync state was read again (the header's
 * line, e.g. 离线). */
export type AppEvent = "here" | "clock" | "phase" | "lang" | "screen" | "acted" | "server" | "changed" | "sync";

const listeners = new Map<AppEvent, Array<() => void>>();

export function on(ev: AppEvent, fn: () => void): void {
  listeners.set(ev, [...(listeners.get(ev) ?? []), fn]);
}

export function emit(ev: AppEvent): void {
  for (const fn of listeners.get(ev) ?? []) fn();
}

export function go(screen: Screen): void {
  app.screen = screen;
  document.body.dataset.screen = screen;
  for (const tab of document.querySelectorAll<HTMLElement>(".tab")) {
    const on = tab.dataset.screen === screen;
    tab.setAttribute("aria-current", on ? "page" : "false");
  }
  emit("screen");
}
