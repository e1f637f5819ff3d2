#!/usr/bin/env bash
# One-time (and every-time: it is idempotent) setup of a machine for examgate:
#   1. the Debian packages Tauri 2 needs to build and run on Linux, plus what the real-window tests
#      use (Xvfb, WebKitWebDriver) and a CJK font so Chinese renders in the webview;
#   2. the npm packages (the ui's build tools, the Tauri CLI, webdriverio), from package-lock.json;
#   3. tauri-driver, the WebDriver server the real-window tests talk to (Linux only), from crates.io.
# Installs only what is missing: a second run does nothing and takes about a second. Needs no
# stdin (works with CI=true). On a machine without apt-get (macOS, Windows) it skips step 1.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '[setup] %s\n' "$*"; }

APT_PACKAGES=(
  build-essential
  libwebkit2gtk-4.1-dev
  libxdo-dev
  libssl-dev
  libayatana-appindicator3-dev
  librsvg2-dev
  xvfb
  xauth # xvfb-run needs it, and xvfb only recommends it
  webkit2gtk-driver
  fonts-wqy-microhei
  cmake # libjpeg-turbo, the photo pipeline's JPEG codec, is built from source
  nasm  # ... with its SIMD code (the build fails without it rather than run 3x slower)
  dbus          # dbus-daemon: the keystore tests start a private session bus
  gnome-keyring # the Secret Service the app keeps the database key in; tested on that bus
  libimage-exiftool-perl # the photo tests read the stamped EXIF back with exiftool too
  python3 # the archive tests read the ZIP and its manifest back with Python's zipfile and csv
  unzip   # ... and with `unzip -l`
  zip     # `examgate bench export` (and its test) times `zip -0 -q` as the anchor
  python3-openpyxl # the XLSX exports are read back with openpyxl, not with the writer
)

install_debian_packages() {
  if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
    say "no apt-get here: skipping system packages (see the Tauri 2 prerequisites for this OS)"
    return 0
  fi
  local missing=() pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  if ((${#missing[@]} == 0)); then
    say "Debian packages: all ${#APT_PACKAGES[@]} present"
    return 0
  fi
  local sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    sudo=(sudo)
  fi
  say "installing Debian packages: ${missing[*]}"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" </dev/null
}

check_tools() {
  local tool
  for tool in cargo node npm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      say "error: '$tool' is not on PATH (need the Rust toolchain from rust-toolchain.toml and Node.js >= 20.19)"
      exit 1
    fi
  done
  # Vite 7 needs Node 20.19+ (or 22.12+).
  if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)'; then
    say "error: Node.js $(node --version) is too old: Vite 7 needs 20.19 or newer"
    exit 1
  fi
}

install_npm_packages() {
  # npm writes node_modules/.package-lock.json on every install; when it is newer than the
  # committed lock (and package.json), node_modules already matches and `npm ci` is skipped.
  local stamp=node_modules/.package-lock.json
  if [[ -f "$stamp" && ! package-lock.json -nt "$stamp" && ! package.json -nt "$stamp" ]]; then
    say "npm packages: up to date"
    return 0
  fi
  say "npm ci"
  npm ci --no-audit --no-fund </dev/null
}

# tauri-driver sits between the tests' WebDriver client and Debian's WebKitWebDriver. It is a
# cargo binary, not a Debian or npm package: built once (1–2 minutes on 2 cores) into
# $CARGO_HOME/bin, where tests/e2e/run.sh looks for it even when that is not on PATH. Pinned so
# every machine drives the app through the same version.
TAURI_DRIVER_VERSION=2.1.0
install_tauri_driver() {
  if [[ "$(uname -s)" != Linux ]]; then
    say "tauri-driver: skipped (the real-window tests run on Linux only)"
    return 0
  fi
  local installed="${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver"
  if command -v tauri-driver >/dev/null 2>&1 || [[ -x "$installed" ]]; then
    say "tauri-driver: present"
    return 0
  fi
  say "cargo install tauri-driver@$TAURI_DRIVER_VERSION --locked (once, 1–2 minutes)"
  cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked </dev/null
}

install_debian_packages
check_tools
install_npm_packages
install_tauri_driver
say "done"
