#!/usr/bin/env bash
# Makes sure the holder page's browser tests (test/mocha/browser/) have a Chromium: Debian's /usr/bin/chromium (or
# CHROMIUM_PATH). Installs Debian's chromium package with apt-get when it is missing and this runs as root;
# otherwise stops with instructions. playwright-core drives it: no browser download.
set -euo pipefail

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "ensure-chromium: $chromium not found; installing Debian's chromium..." >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  else
    echo "ensure-chromium: Chromium not found at $chromium." >&2
    echo "  Install it (Debian/Ubuntu: sudo apt-get install -y chromium), or set CHROMIUM_PATH to a Chromium or" >&2
    echo "  Chrome binary, then run the tests again." >&2
    exit 1
  fi
fi
if [ ! -x "$chromium" ]; then
  echo "ensure-chromium: Chromium is still missing at $chromium after installing; set CHROMIUM_PATH." >&2
  exit 1
fi
