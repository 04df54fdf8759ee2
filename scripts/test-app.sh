#!/usr/bin/env bash
# `npm run test:app`: end-to-end tests of the holder page (app/) in headless Chromium against a local hardhat node.
# Needs Debian's Chromium at /usr/bin/chromium (or CHROMIUM_PATH); installs it with apt-get when missing and
# running as root, otherwise stops with instructions. playwright-core drives it: no browser download.
set -euo pipefail
cd "$(dirname "$0")/.."

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "test-app: $chromium not found; installing Debian's chromium..." >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  else
    echo "test-app: Chromium not found at $chromium." >&2
    echo "  Install it (Debian/Ubuntu: sudo apt-get install -y chromium), or set CHROMIUM_PATH to a Chromium or" >&2
    echo "  Chrome binary, then run npm run test:app again." >&2
    exit 1
  fi
fi
if [ ! -x "$chromium" ]; then
  echo "test-app: Chromium is still missing at $chromium after installing; set CHROMIUM_PATH." >&2
  exit 1
fi
export CHROMIUM_PATH="$chromium"

bash scripts/setup.sh
exec npx hardhat test mocha test/browser/app.test.ts "$@"
