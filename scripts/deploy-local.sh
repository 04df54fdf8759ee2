#!/usr/bin/env bash
# `npm run deploy:local`: deploys the ShareMall module with Ignition to the `hardhat node` on localhost. When the
# deployment recorded for the chain is stale (the node was restarted: same chain id, no code at the recorded
# addresses), it deploys afresh with --reset instead of letting Ignition report "nothing new to deploy".
# Extra arguments go to `ignition deploy` (e.g. `npm run deploy:local -- --parameters deploy/parameters/x.json`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
status=0
npx hardhat run scripts/check-deployment.ts --network localhost || status=$?
reset=()
if [ "$status" -eq 3 ]; then
  echo "deploy:local: deploying afresh (--reset)" >&2
  reset=(--reset)
elif [ "$status" -ne 0 ]; then
  exit "$status"
fi
exec npx hardhat ignition deploy deploy/modules/ShareMall.ts --network localhost ${reset[@]+"${reset[@]}"} "$@"
