#!/usr/bin/env bash
# `npm run test:app`: only the end-to-end tests of the holder page (app/), in headless Chromium against a local
# hardhat node. `npm test` runs them too, with everything else.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/ensure-chromium.sh
exec npx hardhat test mocha test/mocha/browser/app.test.ts "$@"
