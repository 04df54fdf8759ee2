import { expect } from "chai";
import { AbiCoder, Interface, parseEther, ZeroAddress, type ParamType } from "ethers";
import { createPublicClient, createWalletClient, custom, type Address as ViemAddress, type Hex as ViemHex } from "viem";
import {
  CONTRACT_ERROR_MESSAGES,
  ContractRevertError,
  decodeContractError,
  dividendTokenAbi,
  shareMallFactoryAbi,
  shopAbi,
  toContractError,
} from "../../../sdk/src/index.js";
import {
  dayOf,
  DAY,
  dividendOf,
  load,
  nextDay,
  ONE,
  order,
  signedReceipt,
  WUYOU_RULES,
  type Deployment,
} from "../fixture.js";

const SOURCES = [
  ["Shop", shopAbi],
  ["DividendToken", dividendTokenAbi],
  ["ShareMallFactory", shareMallFactoryAbi],
] as const;

/** Every custom error of the ABIs, with the first contract that declares it. */
function abiErrors(): { contract: string; iface: Interface; name: string }[] {
  const seen = new Set<string>();
  const errors: { contract: string; iface: Interface; name: string }[] = [];
  for (const [contract, abi] of SOURCES) {
    const iface = new Interface(abi);
    iface.forEachError((fragment) => {
      if (seen.has(fragment.name)) return;
      seen.add(fragment.name);
      errors.push({ contract, iface, name: fragment.name });
    });
  }
  return errors;
}

/** A recognisable sample value of an ABI type (distinct per position, so swapped arguments would show). */
function sample(param: ParamType, i: number): unknown {
  if (param.type === "address") return `0x${(i + 1).toString(16).padStart(40, "a")}`;
  if (param.type.startsWith("uint")) return BigInt(i + 1) * 10n ** 17n + 7n;
  if (param.type.startsWith("int")) return -BigInt(i + 1) * 3600n;
  if (param.type === "bytes32") return `0x${(i + 1).toString(16).padStart(64, "b")}`;
  if (param.type === "string") return `text ${i}`;
  if (param.type === "bool") return true;
  throw new Error(`no sample for ${param.type}`);
}

async function caught(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return expect.fail("expected a revert");
}

function viemClients(d: Deployment) {
  const transport = custom({
    request: ({ method, params }: { method: string; params?: unknown }) =>
      d.ethers.provider.send(method, (params ?? []) as unknown[]),
  });
  return { publicClient: createPublicClient({ transport }), walletClient: createWalletClient({ transport }) };
}

/** Decodes the ethers error and the viem error of the same revert; checks they agree and returns the decoded one. */
function sameRevert(ethersError: unknown, viemError: unknown): ContractRevertError {
  const fromEthers = toContractError(ethersError);
  const fromViem = toContractError(viemError);
  expect(fromEthers, `ethers error not decoded: ${String(ethersError)}`).to.be.instanceOf(ContractRevertError);
  expect(fromViem, `viem error not decoded: ${String(viemError)}`).to.be.instanceOf(ContractRevertError);
  expect(fromViem!.errorName).to.equal(fromEthers!.errorName);
  expect(fromViem!.args).to.deep.equal(fromEthers!.args);
  expect(fromViem!.message).to.equal(fromEthers!.message);
  expect(fromViem!.contract).to.equal(fromEthers!.contract);
  expect(fromViem!.data).to.equal(fromEthers!.data);
  return fromEthers!;
}

const addr = (value: string): ViemAddress => value as ViemAddress;

describe("SDK contract errors (decodeContractError, toContractError)", () => {
  describe("the message table", () => {
    it("CONTRACT_ERROR_MESSAGES has a template for every custom error of the ABIs, and no other", () => {
      const names = abiErrors().map((e) => e.name);
      expect(names.length).to.be.greaterThan(60);
      // Core v2's new errors are among them, and v1's removed ones are gone.
      for (const name of [
        "ShopNoTokens",
        "ShopInvalidOrderId",
        "ShopOrderIdUsed",
        "ShopDayCapacityExceeded",
        "ShopBalanceOverflow",
        "ShopBatchOrderIdOutOfRange",
        "FactoryUnexpectedToken",
        "InvalidInitialization",
      ]) {
        expect(names, name).to.include(name);
      }
      for (const name of ["ShopBatchIndexOutOfRange", "ShopLeafAlreadyMinted", "InvalidShortString", "StringTooLong"]) {
        expect(names, name).to.not.include(name);
      }
      const missing = names.filter((name) => !Object.hasOwn(CONTRACT_ERROR_MESSAGES, name));
      expect(missing, "errors without a message template").to.deep.equal([]);
      expect(Object.keys(CONTRACT_ERROR_MESSAGES).sort()).to.deep.equal([...names].sort());
    });

    it("decodeContractError decodes every ABI error with its contract, named args and a filled-in message", () => {
      for (const { contract, iface, name } of abiErrors()) {
        const fragment = iface.getError(name)!;
        const values = fragment.inputs.map(sample);
        const data = iface.encodeErrorResult(fragment, values);
        const error = decodeContractError(data);
        expect(error, name).to.be.instanceOf(ContractRevertError);
        expect(error!.errorName).to.equal(name);
        expect(error!.contract).to.equal(contract);
        expect(error!.code).to.equal("CONTRACT_REVERT");
        expect(error!.selector).to.equal(fragment.selector);
        expect(Object.keys(error!.args)).to.deep.equal(fragment.inputs.map((input) => input.name));
        const args = error!.args as Record<string, unknown>;
        fragment.inputs.forEach((input, i) => {
          const expected = values[i];
          if (input.type === "address")
            expect(args[input.name]).to.equal(
              AbiCoder.defaultAbiCoder().decode(
                ["address"],
                AbiCoder.defaultAbiCoder().encode(["address"], [expected]),
              )[0],
            );
          else expect(args[input.name]).to.deep.equal(expected);
        });
        expect(error!.message, name)
          .to.be.a("string")
          .and.not.match(/undefined|\[object|NaN/);
        expect(error!.message.length, name).to.be.greaterThan(10);
      }
    });

    it("formats ShopSettlementUnderfunded amounts in coin with the day", () => {
      const iface = new Interface(shopAbi);
      const data = iface.encodeErrorResult("ShopSettlementUnderfunded", [
        20786n,
        parseEther("1.2"),
        parseEther("0.5"),
        parseEther("0.7"),
      ]);
      const error = decodeContractError(data)!;
      expect(error.message).to.equal(
        "Day 20786 is underfunded: 1.2 coin required beyond the escrow, 0.5 available, 0.7 missing — " +
          "deposit or send the missing amount",
      );
      expect(error.is("ShopSettlementUnderfunded")).to.equal(true);
      expect(error.is("ShopDayNotOver")).to.equal(false);
    });

    it("formats the order-id errors of core v2 with the ids", () => {
      const iface = new Interface(shopAbi);
      const range = decodeContractError(
        iface.encodeErrorResult("ShopBatchOrderIdOutOfRange", [`0x${"ab".repeat(32)}`, 999n, 1001n, 5n]),
      )!;
      expect(range.message).to.equal(
        "Order id 999 is not in batch 0xabababab…abab, whose 5 orders have the ids 1001 to 1005",
      );
      expect(decodeContractError(iface.encodeErrorResult("ShopOrderIdUsed", [42n]))!.message).to.contain(
        "Order id 42 has already counted",
      );
      const extra = decodeContractError(iface.encodeErrorResult("InvalidInitialization", []))!;
      expect(extra.errorName).to.equal("InvalidInitialization");
      expect(extra.contract).to.equal("Shop");
    });

    it("returns undefined for unknown selectors, Error(string), Panic, truncated data and non-errors", () => {
      const coder = AbiCoder.defaultAbiCoder();
      expect(decodeContractError("0xdeadbeef")).to.equal(undefined);
      expect(decodeContractError("0x08c379a0" + coder.encode(["string"], ["nope"]).slice(2))).to.equal(undefined);
      expect(decodeContractError("0x4e487b71" + coder.encode(["uint256"], [0x11]).slice(2))).to.equal(undefined);
      const full = new Interface(shopAbi).encodeErrorResult("ShopDayNotOver", [1n, 2n]);
      expect(decodeContractError(full.slice(0, 40))).to.equal(undefined);
      expect(decodeContractError("not hex")).to.equal(undefined);
      expect(toContractError(new Error("boom"))).to.equal(undefined);
      expect(toContractError(undefined)).to.equal(undefined);
      expect(toContractError({ data: "0xdeadbeef" })).to.equal(undefined);
      expect(toContractError({ info: { error: { data: full } } })?.errorName).to.equal("ShopDayNotOver");
    });
  });

  describe("real reverts on the in-process network, from ethers and from viem", () => {
    it("ShopDayNotOver from settle(today)", async () => {
      const d = await load();
      const { publicClient } = viemClients(d);
      const [, , , alice] = d.signers;
      const day = await nextDay(d.helpers);
      await d.shop.connect(d.operator).recordOrder(order("o", alice.address, ONE));
      const shop = addr(await d.shop.getAddress());
      const error = sameRevert(
        await caught(() => d.shop.settle(day)),
        await caught(() =>
          publicClient.simulateContract({
            address: shop,
            abi: shopAbi,
            functionName: "settle",
            args: [day],
            account: addr(d.admin.address),
          }),
        ),
      );
      expect(error.errorName).to.equal("ShopDayNotOver");
      expect(error.contract).to.equal("Shop");
      expect(error.args).to.deep.equal({ day, today: day });
      expect(error.message).to.equal(
        `Day ${day} is not over yet (today is day ${day}): settle it from the next day on`,
      );
    });

    it("ShopSettlementUnderfunded from settle of a recorded day with too small a merchant balance", async () => {
      const d = await load();
      const { walletClient } = viemClients(d);
      const [, , , alice] = d.signers;
      const day = await nextDay(d.helpers);
      await d.shop.connect(d.operator).recordOrder(order("o", alice.address, ONE));
      const available = parseEther("0.05");
      await d.shop.deposit({ value: available });
      await nextDay(d.helpers);
      const required = dividendOf(ONE, WUYOU_RULES);
      const error = sameRevert(
        await caught(() => d.shop.settle(day)),
        await caught(() =>
          walletClient.writeContract({
            address: addr(d.shop.target as string),
            abi: shopAbi,
            functionName: "settle",
            args: [day],
            account: addr(d.admin.address),
            chain: null,
          }),
        ),
      );
      expect(error.is("ShopSettlementUnderfunded")).to.equal(true);
      expect(error.args).to.deep.equal({ day, required, available, missing: required - available });
      expect(error.message).to.equal(
        `Day ${day} is underfunded: 0.2 coin required beyond the escrow, 0.05 available, 0.15 missing — ` +
          "deposit or send the missing amount",
      );
    });

    it("ShopOrderIdUsed from recording the same order id twice", async () => {
      const d = await load();
      const { publicClient } = viemClients(d);
      const [, , , alice] = d.signers;
      const o = order("twice", alice.address, ONE);
      await d.shop.connect(d.operator).recordOrder(o);
      const error = sameRevert(
        await caught(() => d.shop.connect(d.operator).recordOrder(o)),
        await caught(() =>
          publicClient.simulateContract({
            address: addr(d.shop.target as string),
            abi: shopAbi,
            functionName: "recordOrder",
            args: [
              {
                orderId: o.orderId as bigint,
                orderHash: o.orderHash as ViemHex,
                customer: addr(alice.address),
                amount: ONE,
                referrer: addr(o.referrer as string),
              },
            ],
            account: addr(d.operator.address),
          }),
        ),
      );
      expect(error.errorName).to.equal("ShopOrderIdUsed");
      expect(error.args).to.deep.equal({ orderId: o.orderId });
      expect(error.message).to.equal(
        `Order id ${o.orderId} has already counted in this shop (a recorded order, a receipt or a minted batch leaf)`,
      );
    });

    it("ShopOrderAlreadyCounted from charging the same order twice", async () => {
      const d = await load();
      const { publicClient } = viemClients(d);
      const [, , , alice] = d.signers;
      const hash = order("charge twice", alice.address, ONE).orderHash as string;
      await d.shop.connect(alice).charge(hash, ZeroAddress, { value: ONE });
      const error = sameRevert(
        await caught(() => d.shop.connect(alice).charge(hash, ZeroAddress, { value: ONE })),
        await caught(() =>
          publicClient.simulateContract({
            address: addr(d.shop.target as string),
            abi: shopAbi,
            functionName: "charge",
            args: [hash as ViemHex, addr(ZeroAddress)],
            value: ONE,
            account: addr(alice.address),
          }),
        ),
      );
      expect(error.errorName).to.equal("ShopOrderAlreadyCounted");
      expect(error.message).to.equal(
        `The payment for order ${hash} by this customer has already counted (captured): it counts once`,
      );
    });

    it("DividendTokenNothingToClaim from claim by a holder with nothing to claim", async () => {
      const d = await load();
      const { publicClient, walletClient } = viemClients(d);
      const [, , , , bob] = d.signers;
      const token = addr(d.token.target as string);
      const viemError = await caught(() =>
        publicClient.simulateContract({
          address: token,
          abi: dividendTokenAbi,
          functionName: "claim",
          account: addr(bob.address),
        }),
      );
      const error = sameRevert(await caught(() => d.token.connect(bob).claim()), viemError);
      expect(error.errorName).to.equal("DividendTokenNothingToClaim");
      expect(error.contract).to.equal("DividendToken");
      expect(error.args).to.deep.equal({ holder: bob.address });
      expect(error.message).to.equal(`${bob.address} has no dividends to claim`);
      const written = await caught(() =>
        walletClient.writeContract({
          address: token,
          abi: dividendTokenAbi,
          functionName: "claim",
          account: addr(bob.address),
          chain: null,
        }),
      );
      expect(toContractError(written)?.message).to.equal(error.message);
    });

    it("AccessControlUnauthorizedAccount from recordOrder by an account without the operator role", async () => {
      const d = await load();
      const { publicClient } = viemClients(d);
      const [, , , alice] = d.signers;
      const o = order("not-operator", alice.address, ONE);
      const error = sameRevert(
        await caught(() => d.shop.connect(alice).recordOrder(o)),
        await caught(() =>
          publicClient.simulateContract({
            address: addr(d.shop.target as string),
            abi: shopAbi,
            functionName: "recordOrder",
            args: [
              {
                orderId: o.orderId as bigint,
                orderHash: o.orderHash as ViemHex,
                customer: addr(alice.address),
                amount: ONE,
                referrer: addr(o.referrer as string),
              },
            ],
            account: addr(alice.address),
          }),
        ),
      );
      expect(error.errorName).to.equal("AccessControlUnauthorizedAccount");
      expect(error.args).to.deep.equal({ account: alice.address, neededRole: await d.shop.OPERATOR_ROLE() });
      expect(error.message).to.equal(`Account ${alice.address} is missing the operator (OPERATOR_ROLE) role`);
    });

    it("ShopReceiptExpired from redeemReceipt after the receipt's deadline", async () => {
      const d = await load();
      const { publicClient } = viemClients(d);
      const [, , , alice] = d.signers;
      const { receipt, signature } = await signedReceipt(d, d.operator, {
        customer: alice.address,
        amount: ONE,
        orderHash: order("late", alice.address, ONE).orderHash as string,
      });
      await d.helpers.time.increase(2 * DAY);
      const latest = BigInt(await d.helpers.time.latest());
      // Both are calls on the latest block, so that they see the same block time.
      const error = sameRevert(
        await caught(() =>
          d.shop.redeemReceipt.staticCall(receipt, d.operator.address, signature, { blockTag: "latest" }),
        ),
        await caught(async () => {
          return publicClient.simulateContract({
            blockTag: "latest",
            address: addr(d.shop.target as string),
            abi: shopAbi,
            functionName: "redeemReceipt",
            args: [
              {
                shop: addr(receipt.shop as string),
                chainId: BigInt(receipt.chainId),
                orderId: BigInt(receipt.orderId),
                customer: addr(alice.address),
                amount: ONE,
                orderHash: receipt.orderHash as ViemHex,
                referrer: addr(receipt.referrer as string),
                deadline: BigInt(receipt.deadline),
              },
              addr(d.operator.address),
              signature as ViemHex,
            ],
            account: addr(d.admin.address),
          });
        }),
      );
      expect(error.errorName).to.equal("ShopReceiptExpired");
      const { deadline, timestamp } = error.args as { deadline: bigint; timestamp: bigint };
      expect(deadline).to.equal(BigInt(receipt.deadline));
      expect(timestamp >= latest && timestamp <= latest + 1n, `${timestamp} vs latest ${latest}`).to.equal(true);
      expect(error.message).to.equal(
        `Receipt expired: its deadline ${deadline} is before the block time ${timestamp} — ask for a new receipt`,
      );
    });
  });
});
