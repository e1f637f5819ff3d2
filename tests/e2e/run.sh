#!/usr/bin/env bash
# The real-window end-to-end tests: the built app (UI embedded) in a real WebKitGTK window on a
# virtual X display, driven over WebDriver (webdriverio → tauri-driver → WebKitWebDriver → app).
#
#   tests/e2e/run.sh                 build the UI and the app, then run every tests/e2e/*.test.js
#   tests/e2e/run.sh admit.test.js   only the named files (relative to tests/e2e/)
#   E2E_APP=path/to/examgate-app tests/e2e/run.sh   skip both builds and drive that binary
#   E2E_EXAMGATE=path/to/examgate   the office CLI the site-server tests run (default: built here)
#   E2E_KEEP_WORK=1 tests/e2e/run.sh  keep the run's temp dir (databases, tauri-driver's log)
#   E2E_UI_BUILT=1 tests/e2e/run.sh  ui/dist is current (scripts/test.sh just built it): skip that build
#
# Screenshots (the door screen portrait and landscape, and one per failed test) go to
# artifacts/e2e/. Exits non-zero when a test fails or anything on the way does.
#
# Shaped by what this machine taught us (shared/DESIGN.md):
# - Without a display the app hangs instead of failing: the script puts itself under `xvfb-run -a`
#   (a free display number, its own Xvfb that goes away with it) and every wait has a bound; the
#   node run has its own `timeout`, and scripts/test.sh puts one round the whole script.
# - tauri-driver is stopped with SIGTERM, never SIGKILL: SIGKILL orphans WebKitWebDriver, which
#   then holds its port for the next run. Ports are picked free each run, so a second run on the
#   same machine (a CI check beside a developer's run) does not collide with this one.
# - A plain `cargo build` binary loads the Vite dev server; `--features tauri/custom-protocol`
#   embeds ui/dist. The binary is copied out of target/ so a concurrent `cargo build` elsewhere in
#   the workspace cannot swap it for a dev-server build mid-run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [[ -n "${E2E_APP:-}" ]]; then
  # Relative to where the script was started, before it moves to the repo root.
  E2E_APP="$(cd "$(dirname "$E2E_APP")" && pwd)/$(basename "$E2E_APP")"
  export E2E_APP
fi
if [[ -n "${E2E_EXAMGATE:-}" ]]; then
  E2E_EXAMGATE="$(cd "$(dirname "$E2E_EXAMGATE")" && pwd)/$(basename "$E2E_EXAMGATE")"
  export E2E_EXAMGATE
fi
E2E_DIR="$ROOT/tests/e2e"
say() { printf '[e2e] %s\n' "$*" >&2; }

# ── 1. Outside a display: re-run this script under its own Xvfb. ───────────────────────────────
if [[ "${E2E_INSIDE_XVFB:-}" != 1 ]]; then
  if ! command -v xvfb-run >/dev/null 2>&1; then
    say "error: xvfb-run is missing (Debian package xvfb; scripts/setup.sh installs it)"
    exit 1
  fi
  # No session bus: the app under test keeps its database key in a file beside the database (the
  # tests check that), and a developer's real keyring never collects the test databases' keys.
  unset DBUS_SESSION_BUS_ADDRESS
  # The screen is larger than either window size the tests ask for (1280×800 and 390×844).
  E2E_INSIDE_XVFB=1 exec xvfb-run -a -s "-screen 0 1920x1200x24" \
    bash "${BASH_SOURCE[0]}" "$@"
fi

# ── 2. Tools. ───────────────────────────────────────────────────────────────────────────────────
find_tauri_driver() {
  local candidate
  for candidate in "$(command -v tauri-driver 2>/dev/null || true)" \
    "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver"; do
    if [[ -n "$candidate" && -x "$candidate" ]]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}
TAURI_DRIVER="$(find_tauri_driver)" || {
  say "error: tauri-driver not found (scripts/setup.sh installs it: cargo install tauri-driver --locked)"
  exit 1
}
NATIVE_DRIVER="$(command -v WebKitWebDriver 2>/dev/null)" || {
  say "error: WebKitWebDriver not found (Debian package webkit2gtk-driver; scripts/setup.sh installs it)"
  exit 1
}
if [[ ! -d "$ROOT/node_modules/webdriverio" ]]; then
  say "error: node_modules/webdriverio is missing: run scripts/setup.sh (npm ci) first"
  exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/examgate-e2e.XXXXXX")"
DRIVER_PIDS=()
cleanup() {
  local rc=$?
  local pid log
  for pid in "${DRIVER_PIDS[@]}"; do
    kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${DRIVER_PIDS[@]}"; do
    # Give it time to close the session and stop WebKitWebDriver; it exits on its own.
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    wait "$pid" 2>/dev/null || true
  done
  if ((rc != 0)); then
    for log in "$WORK"/tauri-driver*.log; do
      [[ -s "$log" ]] || continue
      say "$(basename "$log") (last 40 lines):"
      tail -n 40 "$log" >&2 || true
    done
  fi
  if [[ "${E2E_KEEP_WORK:-}" == 1 ]]; then
    say "kept $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# ── 3. The app, with the UI embedded. ───────────────────────────────────────────────────────────
cd "$ROOT"
if [[ -n "${E2E_APP:-}" ]]; then
  APP="$E2E_APP"
  say "driving the given binary $APP (no build)"
else
  if [[ "${E2E_UI_BUILT:-}" == 1 ]]; then
    say "the UI is already built (E2E_UI_BUILT=1): ui/dist as it is"
  else
    say "building the UI (npm run build)"
    npm run --silent build >"$WORK/ui-build.log" 2>&1 || {
      cat "$WORK/ui-build.log" >&2
      exit 1
    }
  fi
  say "building the app (cargo build -p examgate-app --features tauri/custom-protocol)"
  cargo build -q -p examgate-app --features tauri/custom-protocol
  TARGET_DIR="$(cargo metadata --format-version 1 --no-deps | node -e \
    'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
  APP="$WORK/examgate-app"
  cp "$TARGET_DIR/debug/examgate-app" "$APP"
fi
# The office CLI (`examgate serve`, `serve enroll`, `demo`) for the site-server tests: a debug
# build shares nearly every crate with the app's, so it costs little more than a link.
if [[ -n "${E2E_EXAMGATE:-}" ]]; then
  EXAMGATE="$E2E_EXAMGATE"
else
  say "building the office CLI (cargo build -p examgate-cli)"
  cargo build -q -p examgate-cli
  TARGET_DIR="${TARGET_DIR:-$(cargo metadata --format-version 1 --no-deps | node -e \
    'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')}"
  EXAMGATE="$WORK/examgate"
  cp "$TARGET_DIR/debug/examgate" "$EXAMGATE"
fi
[[ -x "$APP" ]] || {
  say "error: no app binary at $APP"
  exit 1
}

# ── 4. Two tauri-drivers on free ports. ───────────────────────────────────────────────────────
# Two, because a site-server test drives two app windows at once (a door and the chief examiner):
# one WebKitWebDriver holds one session. Each driver's apps get their own XDG dirs, so the two
# windows keep their web storage and app data apart as two phones would.
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
TAKEN=()
fresh_port() {
  local port
  for _ in $(seq 1 20); do
    port="$(free_port)"
    if [[ " ${TAKEN[*]} " != *" $port "* ]]; then
      TAKEN+=("$port")
      printf '%s\n' "$port"
      return 0
    fi
  done
  say "error: no free port after 20 tries"
  return 1
}

# start_driver N: tauri-driver number N (1, 2) on a fresh port; sets DRIVER_PORT_N.
start_driver() {
  local n=$1 port native xdg pid
  port="$(fresh_port)"
  native="$(fresh_port)"
  TAKEN+=("$port" "$native")
  if [[ "$n" == 1 ]]; then
    port="${E2E_PORT:-$port}"
    native="${E2E_NATIVE_PORT:-$native}"
    xdg="$WORK/xdg"
  else
    xdg="$WORK/xdg-$n"
  fi
  mkdir -p "$xdg/data" "$xdg/config" "$xdg/cache"
  say "starting tauri-driver $n on :$port (WebKitWebDriver on :$native), display $DISPLAY"
  # The app is tauri-driver's grandchild and inherits this environment: its own XDG dirs keep the
  # web view's storage and the app data dir of this run away from the user's real ones.
  XDG_DATA_HOME="$xdg/data" XDG_CONFIG_HOME="$xdg/config" XDG_CACHE_HOME="$xdg/cache" \
    "$TAURI_DRIVER" --port "$port" --native-port "$native" --native-driver "$NATIVE_DRIVER" \
    >"$WORK/tauri-driver$([[ "$n" == 1 ]] || echo "-$n").log" 2>&1 &
  pid=$!
  DRIVER_PIDS+=("$pid")
  for i in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      break
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      say "error: tauri-driver $n exited before listening"
      exit 1
    fi
    if ((i == 100)); then
      say "error: tauri-driver $n did not listen on :$port within 10 s"
      exit 1
    fi
    sleep 0.1
  done
  printf -v "DRIVER_PORT_$n" '%s' "$port"
}
# The save dialog's answer (src-tauri/src/save.rs): a native dialog cannot be driven over
# WebDriver, so the apps save the chief's photo archive here without asking, under the name the
# dialog would have proposed. Everything else about the export stays real.
SAVE_DIR="$WORK/saved"
mkdir -p "$SAVE_DIR"
export EXAMGATE_SAVE_DIR="$SAVE_DIR"
start_driver 1
start_driver 2

# ── 5. The tests: one file at a time, each with fresh databases. ───────────────────────────────
FILES=()
if (($# > 0)); then
  for f in "$@"; do FILES+=("$E2E_DIR/${f#tests/e2e/}"); done
else
  for f in "$E2E_DIR"/*.test.js; do FILES+=("$f"); done
fi
mkdir -p "$ROOT/artifacts/e2e"
rm -f "$ROOT"/artifacts/e2e/failed-*.png # last run's failures are not this run's

say "running ${#FILES[@]} test file(s)"
# --foreground keeps node in this process group: an outer `timeout` (scripts/test.sh) signals the
# whole group, and node must get that signal too, not sit in a group of its own.
E2E_APP_BINARY="$APP" E2E_EXAMGATE_BINARY="$EXAMGATE" E2E_WORK="$WORK" E2E_SAVE_DIR="$SAVE_DIR" E2E_DRIVER_PORT="$DRIVER_PORT_1" E2E_DRIVER_PORT_2="$DRIVER_PORT_2" E2E_ARTIFACTS="$ROOT/artifacts/e2e" \
  timeout --foreground --signal=TERM --kill-after=15 "${E2E_NODE_TIMEOUT:-600}" \
  node --test --test-concurrency=1 --test-timeout="${E2E_TEST_TIMEOUT_MS:-180000}" --test-reporter=spec "${FILES[@]}"
