/**
 * Wrong-chain protection: `requireChain` (and the `chainId` option of `fromEthers`/`fromViem`) refuses to read or
 * send on another chain than the shop's, naming both chains, and re-checks right before every transaction and
 * signature because a browser wallet can switch networks at any time.
 */
import { expect } from "chai";
import { createPublicClient, createWalletClient, custom, type Address as ViemAddress } from "viem";
import {
  claim,
  fetchShopDays,
  fromEthers,
  fromViem,
  InvalidChainIdError,
  recordOrders,
  requireChain,
  WrongChainError,
  type Hex,
  type Transport,
} from "../../../sdk/src/index.js";
import { hashOf, load, ONE, type Deployment } from "../fixture.js";

const HARDHAT_CHAIN = 31_337n;

/** Runs `run`, expects a WrongChainError for `expected`, and checks that `who` sent nothing. */
async function wrongChain(d: Deployment, who: string, expected: bigint, run: () => Promise<unknown>): Promise<void> {
  const nonce = await d.ethers.provider.getTransactionCount(who);
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(caught).to.be.instanceOf(WrongChainError);
  const error = caught as WrongChainError;
  expect(error.code).to.equal("WRONG_CHAIN");
  expect(error.expected).to.equal(expected);
  expect(error.actual).to.equal(HARDHAT_CHAIN);
  expect(error.message).to.contain(`chain ${HARDHAT_CHAIN}, expected chain ${expected}`);
  expect(await d.ethers.provider.getTransactionCount(who)).to.equal(nonce);
}

describe("SDK wrong-chain protection (requireChain, fromEthers/fromViem chainId)", function () {
  it("fromEthers with another chainId refuses reads and writes with WrongChainError and sends nothing", async function () {
    const d = await load();
    const shop = await d.shop.getAddress();
    const t = fromEthers(d.operator, { chainId: 8453 });
    await wrongChain(d, d.operator.address, 8453n, () =>
      recordOrders(t, {
        shop,
        orders: [{ orderId: 1n, orderHash: hashOf("x"), customer: d.signers[4].address, amount: ONE }],
      }),
    );
    await wrongChain(d, d.operator.address, 8453n, () => fetchShopDays(t, { shop }));
  });

  it("fromViem with another chainId refuses a claim with WrongChainError and sends nothing", async function () {
    const d = await load();
    const holder = d.signers[4];
    const transport = custom(
      {
        request: ({ method, params }: { method: string; params?: unknown }) =>
          d.ethers.provider.send(method, (params ?? []) as unknown[]),
      },
      { retryCount: 0 },
    );
    const publicClient = createPublicClient({ transport, pollingInterval: 10 });
    const walletClient = createWalletClient({ transport, account: holder.address as ViemAddress, pollingInterval: 10 });
    const t = fromViem({ publicClient, walletClient, chainId: 1n });
    const token = await d.token.getAddress();
    await wrongChain(d, holder.address, 1n, () => claim(t, { token }));
  });

  it("requireChain on the right chain lets everything through (reads and a recorded order)", async function () {
    const d = await load();
    const shop = await d.shop.getAddress();
    const t = requireChain(fromEthers(d.operator), { chainId: HARDHAT_CHAIN });
    expect(await t.chainId()).to.equal(HARDHAT_CHAIN);
    const { chunks } = await recordOrders(t, {
      shop,
      orders: [{ orderId: 2n, orderHash: hashOf("right chain"), customer: d.signers[4].address, amount: ONE }],
    });
    expect(chunks).to.have.length(1);
    expect((await d.shop.dayRecord(await d.shop.today())).orderCount).to.equal(1n);
  });

  it("requireChain re-checks before every send: a wallet that switched networks after the first read is refused", async function () {
    const d = await load();
    const inner = fromEthers(d.operator);
    let chain = HARDHAT_CHAIN;
    const sent: Hex[] = [];
    const switching: Transport = {
      ...inner,
      chainId: async () => chain,
      send: async (call) => {
        sent.push(call.data);
        return inner.send(call);
      },
    };
    const t = requireChain(switching, { chainId: HARDHAT_CHAIN });
    expect(await t.blockNumber()).to.be.a("bigint"); // first check passes
    chain = 10n; // the user switches the wallet to another network
    let caught: unknown;
    try {
      await t.send({ to: d.operator.address as Hex, data: "0x" });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(WrongChainError);
    expect((caught as WrongChainError).actual).to.equal(10n);
    expect(sent).to.deep.equal([]);
  });

  it("requireChain refuses a malformed chain id up front", async function () {
    const t = fromEthers((await load()).ethers.provider);
    for (const bad of [0, -1, 1.5, "abc", ""]) {
      expect(() => requireChain(t, { chainId: bad as never })).to.throw(InvalidChainIdError);
    }
  });
});
