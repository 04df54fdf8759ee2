#!/usr/bin/env bash
# `npm run fuzz`: the Solidity tests with the long campaign (test profile `long` in hardhat.config.ts: 10,000 fuzz
# runs, 1,000 runs x depth 200 per invariant), from SHAREMALL_FUZZ_SEED or a new random seed, printed first so that
# a failing campaign can be replayed. For a spare machine or a night (docs/testing.md). Extra arguments go to
# `hardhat test solidity` (e.g. one test file).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
SHAREMALL_FUZZ_SEED=${SHAREMALL_FUZZ_SEED:-0x$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')}
export SHAREMALL_FUZZ_SEED
echo "fuzz seed: $SHAREMALL_FUZZ_SEED (replay: SHAREMALL_FUZZ_SEED=$SHAREMALL_FUZZ_SEED npm run fuzz)"
exec npx hardhat test solidity --test-profile long "$@"
