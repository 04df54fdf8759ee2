/**
 * The tasks' help (every task: no `<STRING_WITHOUT_DEFAULT>`, required options marked, an example), a malformed key
 * as a one-line error, the stale-deployment message of shop:create and scripts/check-deployment.ts, and
 * `holder:claim` (claim, claim to another address, claim on several tokens, claim on all) against a hardhat node.
 */
import { expect } from "chai";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { getAddress } from "viem";
import { claimable, settleDay, readContract, shopAbi, type Address } from "../../../sdk/src/index.js";
import { TASK_HELP } from "../../../scripts/tasks/help/examples.js";
import { shareMallTasks } from "../../../scripts/tasks/index.js";
import { account, deployFactory, fund, makeShop, orders, providerAt, signerOf, ONE, DAY } from "../keeper/support.js";
import { startHardhatNode, type HardhatNode } from "../support/hardhat-node.js";
import { advanceTime, runCli, runJson } from "./support.js";

interface ClaimRun {
  holder: Address;
  recipient: Address;
  paid: { token: Address; amount: string }[];
  total: string;
  transaction: string | null;
}

describe("tasks: help, key and deployment errors, holder:claim", function () {
  this.timeout(300_000);
  let node: HardhatNode;
  let factory: Address;
  const tokens: Address[] = [];
  const holder = account(1);
  const other = account(2);

  before(async () => {
    node = await startHardhatNode();
    const provider = providerAt(node.url);
    factory = await deployFactory(provider);
    const merchant = signerOf(provider, 0);
    const shops: Address[] = [];
    for (const name of ["Tea", "Rice"]) {
      const { shop, token } = await makeShop(merchant, factory, name, 0);
      shops.push(shop);
      tokens.push(token);
      await orders(merchant, shop, [holder.address as Address, other.address as Address], [3n * ONE, ONE]);
      await fund(merchant, shop, ONE);
    }
    await advanceTime(node, DAY);
    for (const shop of shops) {
      const today = await readContract(merchant, { address: shop, abi: shopAbi, functionName: "today", args: [] });
      await settleDay(merchant, { shop, day: today - 1n });
    }
  });

  after(async () => {
    await node?.stop();
  });

  it("every task's --help marks required options, shows an example and no <STRING_WITHOUT_DEFAULT>", async () => {
    // Every registered task has its help entry (and no entry is for a task that is gone).
    const names = shareMallTasks.map((t) => t.id.join(" "));
    expect([...names].sort()).to.deep.equal(Object.keys(TASK_HELP).sort());
    const runs = await Promise.all(names.map((name) => runCli(node, [name, "--help"])));
    names.forEach((name, i) => {
      const { code, stdout } = runs[i];
      expect(code, name).to.equal(0);
      expect(stdout, name).to.not.include("STRING_WITHOUT_DEFAULT");
      expect(stdout, name).to.include(`Example:\n  ${TASK_HELP[name].example}`);
      for (const option of TASK_HELP[name].required) {
        const flag = `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
        expect(stdout, `${name} ${flag}`).to.match(new RegExp(`^  ${flag} .*\\(required\\)$`, "m"));
      }
    });
    // Help alone changes nothing: a task still runs with its options unset (and says what is missing).
    const run = await runCli(node, ["shop:create", "--network", "custom", "--utc-offset", "8"]);
    expect(run.code).to.equal(2);
    expect(run.stderr.trim()).to.equal("error: missing --name");
  });

  it("a malformed private key is a one-line error naming the variable", async () => {
    for (const key of ["0x1234", `0x${"zz".repeat(32)}`]) {
      const run = await runCli(node, ["days:settle", "--network", "custom", "--shop", tokens[0]], {
        SHAREMALL_PRIVATE_KEY: key,
      });
      expect(run.code, run.stderr).to.not.equal(0);
      const lines = run.stderr.trim().split("\n");
      expect(lines, run.stderr).to.have.length(1);
      expect(lines[0]).to.match(/^error: .*SHAREMALL_PRIVATE_KEY/);
    }
  });

  it("a stale Ignition deployment (chain reset under the same id) is detected, with how to deploy afresh", async () => {
    const dir = path.join("deploy", "deployments", "chain-31337");
    const kept = `${dir}.kept-${process.pid}`;
    const hadOne = await rename(dir, kept).then(
      () => true,
      () => false,
    );
    try {
      await mkdir(dir, { recursive: true });
      // An address with no code on this node: what a restarted node leaves behind.
      const gone = "0x000000000000000000000000000000000000dEaD";
      await writeFile(
        path.join(dir, "deployed_addresses.json"),
        JSON.stringify({ "ShareMall#ShareMallFactory": gone }),
      );
      const create = await runCli(node, ["shop:create", "--network", "custom", "--name", "X", "--utc-offset", "8"], {
        SHAREMALL_FACTORY: "",
      });
      expect(create.code).to.equal(2);
      expect(create.stderr).to.match(/chain-31337 is stale: the factory it records \(0x0+dEaD\) has no code/i);
      expect(create.stderr).to.include("--reset");
      expect(create.stderr.trim().split("\n")).to.have.length(1);
      const check = await runCli(node, ["run", "scripts/check-deployment.ts", "--network", "custom"]);
      expect(check.code, check.stdout + check.stderr).to.equal(3);
      expect(check.stderr).to.match(/stale/);
      await writeFile(
        path.join(dir, "deployed_addresses.json"),
        JSON.stringify({ "ShareMall#ShareMallFactory": factory }),
      );
      const fresh = await runCli(node, ["run", "scripts/check-deployment.ts", "--network", "custom"]);
      expect(fresh.code, fresh.stdout + fresh.stderr).to.equal(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
      if (hadOne) await rename(kept, dir);
    }
  });

  it("holder:claim claims one token, to another address, several tokens and all tokens; the coin arrives", async () => {
    const provider = providerAt(node.url);
    const reader = signerOf(provider, 1);
    const env = { SHAREMALL_PRIVATE_KEY: holder.privateKey, SHAREMALL_FACTORY: factory };
    const owed0 = await claimable(reader, { token: tokens[0], holder: holder.address });
    expect(owed0 > 0n).to.equal(true);
    const one = await runJson<ClaimRun>(node, "holder:claim", ["--token", tokens[0]], env);
    expect(one).to.deep.include({ holder: holder.address, recipient: holder.address, total: owed0.toString() });
    expect(await claimable(reader, { token: tokens[0], holder: holder.address })).to.equal(0n);

    // The other holder claims its share on the second token to a fresh address: it arrives there.
    const to = getAddress("0x00000000000000000000000000000000000a11ce");
    const owedOther = await claimable(reader, { token: tokens[1], holder: other.address });
    const otherEnv = { SHAREMALL_PRIVATE_KEY: other.privateKey, SHAREMALL_FACTORY: factory };
    const sent = await runCli(
      node,
      ["holder:claim", "--network", "custom", "--token", tokens[1], "--to", to],
      otherEnv,
    );
    expect(sent.code, sent.stderr).to.equal(0);
    expect(sent.stdout).to.match(new RegExp(`^Claimed [0-9,.]+ ETH for ${other.address}, sent to ${to}`, "m"));
    expect(await provider.getBalance(to)).to.equal(owedOther);

    // --all: one claimMany over the factory, paying what is left (the second token for the holder).
    const owed1 = await claimable(reader, { token: tokens[1], holder: holder.address });
    const all = await runJson<ClaimRun>(node, "holder:claim", ["--all"], env);
    expect(all.paid).to.deep.equal([{ token: tokens[1], amount: owed1.toString() }]);
    const none = await runCli(node, ["holder:claim", "--network", "custom", "--all"], env);
    expect(none.stdout.trim()).to.equal(`Nothing to claim for ${holder.address} on any token of the factory`);
    // --tokens: the other holder's first token, by list.
    const owedListed = await claimable(reader, { token: tokens[0], holder: other.address });
    const listed = await runJson<ClaimRun>(node, "holder:claim", ["--tokens", tokens[0]], otherEnv);
    expect(listed.total).to.equal(owedListed.toString());

    const gap = await runCli(
      node,
      ["holder:claim", "--network", "custom", "--tokens", `${tokens[0]},,${tokens[1]}`],
      env,
    );
    expect(gap.code).to.equal(2);
    expect(gap.stderr.trim()).to.equal("error: --tokens: entry 2 is empty (give addresses separated by commas)");

    const both = await runCli(node, ["holder:claim", "--network", "custom", "--token", tokens[0], "--all"], env);
    expect(both.code).to.equal(2);
    expect(both.stderr.trim()).to.equal("error: give one of --token, --tokens and --all");
  });
});
