import { createRequire } from "node:module";
import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { configVariable, defineConfig } from "hardhat/config";
import taskHelp from "./scripts/tasks/help/plugin.js";
import { shareMallTasks } from "./scripts/tasks/index.js";

const require = createRequire(import.meta.url);

/** The compiler comes from the pinned npm package `solc`, so builds never download anything. */
const SOLC_VERSION = "0.8.30";
const SOLC_PATH = require.resolve("solc/soljson.js");

/** Chain id of the `custom` network, from SHAREMALL_CHAIN_ID: Hardhat then refuses an RPC URL of another chain. */
const CUSTOM_CHAIN_ID =
  process.env.SHAREMALL_CHAIN_ID !== undefined && process.env.SHAREMALL_CHAIN_ID !== ""
    ? Number(process.env.SHAREMALL_CHAIN_ID)
    : undefined;

function settings(runs: number) {
  return { optimizer: { enabled: true, runs }, evmVersion: "prague" };
}

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers, taskHelp],
  solidity: {
    // 200 runs for everything by default; the contracts whose code runs on every order, settlement, claim and
    // transfer (the four shop contracts and the token; the modules deployed by another contract are compiled with it) are tuned for execution instead, within 4 KiB of headroom
    // under the 24,576-byte limit each (`npm run sizes` checks it).
    compilers: [{ version: SOLC_VERSION, path: SOLC_PATH, settings: settings(200) }],
    overrides: {
      "contracts/payouts/DividendToken.sol": { version: SOLC_VERSION, path: SOLC_PATH, settings: settings(10_000) },
      "contracts/shop/Shop.sol": { version: SOLC_VERSION, path: SOLC_PATH, settings: settings(10_000) },
      "contracts/shop/ShopAdmin.sol": { version: SOLC_VERSION, path: SOLC_PATH, settings: settings(10_000) },
      "contracts/shop/ShopPayments.sol": { version: SOLC_VERSION, path: SOLC_PATH, settings: settings(10_000) },
      "contracts/shop/ShopLens.sol": { version: SOLC_VERSION, path: SOLC_PATH, settings: settings(10_000) },
      // The gas benchmark's baseline ERC-20, compiled like the token it is compared with.
      "contracts/test/PlainERC20.sol": { version: SOLC_VERSION, path: SOLC_PATH, settings: settings(10_000) },
      "contracts/test/bench/ReferenceDividendToken.sol": {
        version: SOLC_VERSION,
        path: SOLC_PATH,
        settings: settings(10_000),
      },
      "contracts/test/bench/ReferenceMerkleDistributor.sol": {
        version: SOLC_VERSION,
        path: SOLC_PATH,
        settings: settings(10_000),
      },
    },
  },
  paths: {
    tests: { mocha: "test/mocha", solidity: "test/solidity" },
    ignition: "deploy",
  },
  // `ignition deploy ... --strategy create2` deploys through the CreateX factory at the same address on every chain
  // that has CreateX, from this salt (the deployer does not matter); the default strategy uses plain CREATE.
  ignition: {
    strategyConfig: {
      create2: { salt: "0x5368617265004d616c6c2d76310000000000000000000000000000000000000a" },
    },
  },
  typechain: {
    outDir: "types/ethers-contracts",
  },
  // Campaign sizes and measured times: docs/testing.md.
  test: {
    solidity: {
      profiles: {
        // CI and `npm test`. A fixed seed makes every run replay the same fuzz and invariant sequences (no flaky
        // runs), from a fixed start time (2030-01-01T00:00:00Z), so day boundaries do not depend on the clock.
        // Invariants: 160 runs x depth 64 = 10,240 handler calls per invariant function.
        default: {
          fuzz: { runs: 256, seed: "0x5368617265004d616c6c" },
          blockTimestamp: 1_893_456_000n,
          invariant: { runs: 160, depth: 64, failOnRevert: false },
        },
        // `npm run coverage`: coverage counts lines, not calls, so a small campaign is enough.
        coverage: {
          fuzz: { runs: 64, seed: "0x5368617265004d616c6c" },
          blockTimestamp: 1_893_456_000n,
          invariant: { runs: 16, depth: 64, failOnRevert: false },
        },
        // `npm run fuzz` (`hardhat test solidity --test-profile long`): a long local campaign, 10,000 fuzz runs and
        // 1,000 runs x depth 200 = 200,000 calls per invariant, from SHAREMALL_FUZZ_SEED or a new random seed.
        long: {
          fuzz: {
            runs: 10_000,
            seed:
              process.env.SHAREMALL_FUZZ_SEED ??
              `0x${Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("")}`,
          },
          blockTimestamp: 1_893_456_000n,
          invariant: { runs: 1_000, depth: 200, failOnRevert: false },
        },
      },
    },
  },
  networks: {
    hardhatMainnet: { type: "edr-simulated", chainType: "l1" },
    // A `hardhat node` (or anvil) on this machine, signing with its unlocked development accounts.
    localhost: { type: "http", chainType: "l1", url: "http://127.0.0.1:8545" },
    // Any other chain, from configuration variables (hardhat-keystore first, then environment variables):
    // SHAREMALL_RPC_URL, SHAREMALL_PRIVATE_KEY (the deployer / merchant key) and, optionally, SHAREMALL_CHAIN_ID.
    custom: {
      type: "http",
      chainType: "l1",
      url: configVariable("SHAREMALL_RPC_URL"),
      accounts: [configVariable("SHAREMALL_PRIVATE_KEY")],
      ...(CUSTOM_CHAIN_ID !== undefined ? { chainId: CUSTOM_CHAIN_ID } : {}),
    },
  },
  // Merchant tooling: shop:create, token:create, rules:schedule, roles:grant, orders:record, orders:anchor,
  // days:settle, shop:report (docs/cli.md).
  tasks: shareMallTasks,
});
