#!/usr/bin/env bash
# `npm run app:screenshots`: runs the holder page's browser tests with APP_SCREENSHOTS=1, which saves the main
# states as docs/images/app-*.png (see docs/app.md). Chinese text needs a CJK font: as root, installs Debian's
# fonts-wqy-microhei when no CJK font is present.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v fc-list >/dev/null && [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "app-screenshots: no CJK font found; installing fonts-wqy-microhei..." >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >&2
  else
    echo "app-screenshots: warning: no CJK font installed, the Chinese screenshot will show boxes" >&2
    echo "  (Debian/Ubuntu: sudo apt-get install -y fonts-wqy-microhei)." >&2
  fi
fi
APP_SCREENSHOTS=1 exec bash scripts/test-app.sh "$@"
