#!/usr/bin/env bash
# Installs the exact dependency tree of package-lock.json, once. Hardhat 3 needs Node >= 22: the pinned npm package
# `node` provides it, and the install itself must run under it (under Node 20, npm skips the simulator's native
# package). Re-runs only when package-lock.json changes.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.sharemall-setup
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
node_version=$(node -p "require('./package.json').devDependencies.node")
echo "setup: installing dependencies with Node ${node_version} (first run only)..." >&2
npx -y -p "node@${node_version}" npm ci --no-audit --no-fund >&2
echo "$want" >"$stamp"
