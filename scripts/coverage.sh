#!/usr/bin/env bash
# `npm run coverage`: the contract tests under coverage instrumentation, then the gate (scripts/coverage-gate.ts:
# >= 95 % of lines and statements of every file of contracts/, mocks excluded).
# Two runs, kept in coverage/runs/: the mocha tests that exercise the contracts in-process (not the SDK, tooling,
# demo and browser suites, which drive them through a separate node or process that coverage does not see), and the
# Solidity tests with the small `coverage` campaign profile (coverage counts lines, not calls). docs/testing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

rm -rf coverage/runs
mkdir -p coverage/runs
mocha_files=()
for f in test/mocha/*.test.ts test/mocha/security/*.test.ts test/mocha/coverage/*.test.ts; do
  [ "$f" = test/mocha/demo.test.ts ] || mocha_files+=("$f")
done
echo "coverage: ${#mocha_files[@]} mocha test files" >&2
npx hardhat test mocha --coverage "${mocha_files[@]}" 2>&1 | tee coverage/runs/mocha.txt
cp coverage/lcov.info coverage/runs/mocha.lcov
npx hardhat test solidity --coverage --test-profile coverage 2>&1 | tee coverage/runs/solidity.txt
cp coverage/lcov.info coverage/runs/solidity.lcov
node scripts/coverage-gate.ts
