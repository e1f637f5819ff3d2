// Entry point: language first (so nothing flashes in the wrong one), then each screen wires
// itself to the static markup in index.html, then the Start screen. In a plain browser opened
// with `?mock` during development, the browser preview (dev/mock.ts) replays answers recorded
// from the Rust door and refuses every act; the production build never contains it
// (import.meta.env.DEV is false there). A device enrolled as the site's chief examiner opens on
// the chief's overview; any other on Start. Rust's `store-changed` (the background sync merged
// other devices' events) becomes the `changed` event the open screens read again on.
import "./style.css";
import { listen } from "@tauri-apps/api/event";
import { inApp } from "./ipc";
import { emit, go, type Screen } from "./state";
import { initHeader, switchLang } from "./screens/header";
import { loadLang } from "./i18n";
import { initStart } from "./screens/start";
import { initDoor } from "./screens/door";
import { initTally } from "./screens/tally";
import { initSettings } from "./screens/settings";
import { currentServer, initConnect, refreshServer } from "./screens/connect";
import { initChief } from "./screens/chief";
import { initPostCheck } from "./screens/postcheck";
import { firstScreen } from "./chief";

/** The Tauri event Rust emits when the background sync merged other devices' events
 * (src-tauri's STORE_CHANGED_EVENT). */
const STORE_CHANGED = "store-changed";
import { initSync } from "./screens/sync";

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
  initConnect();
  initSync();
  initChief();
  initPostCheck();
  if (inApp()) void listen(STORE_CHANGED, () => emit("changed"));
  for (const tab of document.querySelectorAll<HTMLButtonElement>(".tab")) {
    tab.addEventListener("click", () => go(tab.dataset.screen as Screen));
  }
  await refreshServer();
  go(firstScreen(currentServer()));
}

void boot();
