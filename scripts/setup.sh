#!/usr/bin/env bash
# kitess setup: installs what the project needs on a fresh Debian machine (Node 20 already there),
# then builds the three kits into dist/. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n==> %s\n' "$*"; }

browser_found() {
  [ -n "${PUPPETEER_EXECUTABLE_PATH:-}" ] && [ -x "${PUPPETEER_EXECUTABLE_PATH}" ] && return 0
  for p in /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome-stable /usr/bin/google-chrome /opt/google/chrome/chrome; do
    [ -x "$p" ] && return 0
  done
  return 1
}

packages=()
browser_found || packages+=(chromium)
command -v pdfinfo >/dev/null 2>&1 || packages+=(poppler-utils)
command -v qpdf >/dev/null 2>&1 || packages+=(qpdf)
command -v gs >/dev/null 2>&1 || packages+=(ghostscript)

if [ ${#packages[@]} -gt 0 ]; then
  say "Installation des paquets Debian : ${packages[*]}"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "kitess : il faut être root (ou avoir sudo) pour installer ${packages[*]}." >&2
    exit 1
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}"
fi

say "Installation des dépendances npm"
# Debian's Chromium is used: puppeteer must not try to download its own browser.
export PUPPETEER_SKIP_DOWNLOAD=1
npm ci --no-audit --no-fund

say "Compilation"
npm run --silent compile

# The `kitess` command on the PATH, as the README and kitess's own messages write it; never replaces a command
# that is not this project's.
link=/usr/local/bin/kitess
if [ "$(id -u)" -eq 0 ] && { [ ! -e "$link" ] && [ ! -L "$link" ] || [ "$(basename "$(readlink "$link" 2>/dev/null)")" = kitess.js ]; }; then
  say "Commande kitess : $link"
  ln -sfn "$PWD/bin/kitess.js" "$link"
fi

say "Construction des trois kits dans dist/"
node bin/kitess.js build
