#!/usr/bin/env bash
# Runs the app on a fresh demo database: setup, write the demo exam with the office CLI, then build
# the app with the UI embedded and open its window on that database.
#
#   bash scripts/run-demo.sh              # database: ${XDG_DATA_HOME:-~/.local/share}/examgate/demo.db
#   bash scripts/run-demo.sh --db PATH    # or EXAMGATE_DEMO_DB=PATH
#   bash scripts/run-demo.sh --play       # the first sitting already played out (examgate demo
#                                         # --play), in ${XDG_DATA_HOME:-~/.local/share}/examgate/demo-day/
#
# The database is deleted and written anew on every run. The app is a debug build with the UI
# embedded (tauri/custom-protocol), the same binary `npx tauri build --debug --no-bundle` makes, so
# no dev server is involved; for live-reload UI work use `npx tauri dev -- -- --db PATH` instead.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DB="${EXAMGATE_DEMO_DB:-}"
PLAY=()
while (($#)); do
  case "$1" in
    --play) PLAY=(--play); shift ;;
    --db) DB="${2:?--db needs a path}"; shift 2 ;;
    --db=*) DB="${1#--db=}"; shift ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "run-demo: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}/examgate"
if [[ -z "$DB" ]]; then
  if ((${#PLAY[@]})); then DB="$DATA_HOME/demo-day/demo.db"; else DB="$DATA_HOME/demo.db"; fi
fi

say() { printf '[run-demo] %s\n' "$*"; }

if [[ "$(uname -s)" == Linux && -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
  say "error: no display (DISPLAY/WAYLAND_DISPLAY unset): run it on a desktop, or under 'xvfb-run -a'"
  exit 1
fi

bash scripts/setup.sh

say "writing a fresh demo database: $DB"
mkdir -p "$(dirname "$DB")"
rm -f "$DB" "$DB-wal" "$DB-shm"
# A previous played day's photos go with it; a folder that holds no played day is never touched.
BESIDE="$(dirname "$DB")"
if [[ -f "$BESIDE/demo-device-keys.txt" ]]; then
  rm -rf "$BESIDE/photos" "$BESIDE/demo-device-keys.txt"
fi
cargo run -q -p examgate-cli -- demo --db "$DB" "${PLAY[@]}"

say "building the UI"
npm run --silent build

say "building and starting the app (a cold build takes a few minutes)"
exec cargo run -q -p examgate-app --features tauri/custom-protocol -- --db "$DB"
