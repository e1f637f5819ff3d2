#!/usr/bin/env bash
# Regenerates every app icon in icons/ from the one source, icons/source.svg, with the Tauri CLI
# (ui/node_modules, so run scripts/setup.sh first). Keeps only what the desktop bundles use
# (tauri.conf.json bundle.icon): Linux PNGs, Windows ICO, macOS ICNS. Android/iOS and the
# Windows Store (Appx) logos are dropped until those targets exist; rerun without pruning then.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT/ui"
npx --no-install tauri icon ../icons/source.svg -o ../icons
cd "$ROOT/icons"
rm -rf android ios Square*Logo.png StoreLogo.png 64x64.png
ls -1 "$ROOT/icons"
