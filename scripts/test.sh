#!/usr/bin/env bash
# The one test command: setup, build the UI, the UI's unit tests, every Rust test in the
# workspace, then the real-window end-to-end tests once they exist. Stops at the first failure
# with a non-zero exit; prints one summary line at the end.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '[test] %s\n' "$*"; }
STARTED=$SECONDS
STEPS=()
step() {
  local name=$1
  shift
  say "── $name"
  local t0=$SECONDS
  "$@"
  STEPS+=("$name $((SECONDS - t0))s")
}
on_exit() {
  local rc=$?
  if ((rc != 0)); then
    say "FAILED (exit $rc) after $((SECONDS - STARTED))s; passed steps: ${STEPS[*]:-none}"
  fi
}
trap on_exit EXIT

# Real-window end-to-end tests (the app under Xvfb, driven over WebDriver by tauri-driver and
# WebKitWebDriver): tests/e2e/run.sh builds the app with the UI embedded (`cargo build -p
# examgate-app --features tauri/custom-protocol`), puts itself under `xvfb-run -a` and runs
# tests/e2e/*.test.js with node's test runner. The outer `timeout` is there because without a
# display the app hangs instead of failing; it signals the whole process group, so tauri-driver
# gets its SIGTERM and takes WebKitWebDriver down with it. Screenshots land in artifacts/e2e/.
run_e2e_tests() {
  if [[ ! -d tests/e2e ]]; then
    say "no tests/e2e yet: skipping the real-window tests"
    return 0
  fi
  if [[ -x tests/e2e/run.sh ]]; then
    # The UI was built (and type-checked) by the ui-build step above: run.sh need not build it again.
    E2E_UI_BUILT=1 timeout --signal=TERM --kill-after=30 "${E2E_TIMEOUT:-900}" tests/e2e/run.sh
  else
    say "error: tests/e2e exists but has no executable tests/e2e/run.sh to start it"
    return 1
  fi
}

step setup bash scripts/setup.sh
step ui-build npm run --silent build
step ui-test npm test
step cargo-test cargo test --workspace
step e2e run_e2e_tests

say "all passed in $((SECONDS - STARTED))s: ${STEPS[*]}"
