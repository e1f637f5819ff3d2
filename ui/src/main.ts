// Entry point: language first (so nothing flashes in the wrong one), then each screen wires
// itself to the static markup in index.html, then the Start screen. In a plain browser opened
// with `?mock` during development, the browser preview (dev/mock.ts) replays answers recorded
// from the Rust door and refuses every act; the production build never contains it
// (import.meta.env.DEV is false there).
import "./style.css";
import { inApp } from "./ipc";
import { go, type Screen } from "./state";
import { initHeader, switchLang } from "./screens/header";
import { loadLang } from "./i18n";
import { initStart } from "./screens/start";
import { initDoor } from "./screens/door";
import { initTally } from "./screens/tally";
import { initSettings } from "./screens/settings";

async function boot(): Promise<void> {
  if (import.meta.env.DEV && !inApp() && new URLSearchParams(location.search).has("mock")) {
    const { installMock } = await import("./dev/mock");
    installMock();
  }
  switchLang(loadLang());
  initHeader();
  initDoor();
  initTally();
  initSettings();
  initStart();
  for (const tab of document.querySelectorAll<HTMLButtonElement>(".tab")) {
    tab.addEventListener("click", () => go(tab.dataset.screen as Screen));
  }
  go("start");
}

void boot();
