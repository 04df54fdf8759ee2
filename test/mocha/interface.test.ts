/**
 * IShop is the ABI of a shop clone (docs: "SDK ABI for a shop = IShop's ABI"): these tests compare it with what the
 * clone really answers and emits, the union of its four implementations' ABIs (`Shop`, `ShopPayments`, `ShopAdmin`,
 * `ShopLens`).
 */
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { ZeroAddress, type Interface } from "ethers";
import { ADMIN_ROLE, load } from "./fixture.js";

interface AbiItem {
  type: string;
  name?: string;
  inputs?: { type: string; components?: unknown[] }[];
  stateMutability?: string;
}

function abiOf(path: string): AbiItem[] {
  return (
    JSON.parse(readFileSync(new URL(`../../artifacts/contracts/${path}`, import.meta.url), "utf8")) as {
      abi: AbiItem[];
    }
  ).abi;
}

function signature(item: AbiItem): string {
  return `${item.type} ${item.name ?? ""}(${(item.inputs ?? []).map((i) => i.type).join(",")})`;
}

describe("IShop, the ABI of a shop clone", () => {
  const ishop = abiOf("interfaces/IShop.sol/IShop.json");
  const modules = [
    ...abiOf("shop/Shop.sol/Shop.json"),
    ...abiOf("shop/ShopPayments.sol/ShopPayments.json"),
    ...abiOf("shop/ShopAdmin.sol/ShopAdmin.json"),
    ...abiOf("shop/ShopLens.sol/ShopLens.json"),
  ];
  const listed = new Set(ishop.map(signature));

  it("lists every function, event and error of Shop, ShopPayments, ShopAdmin and ShopLens, OpenZeppelin's included", () => {
    const missing = [
      ...new Set(
        modules
          .filter((item) => ["function", "event", "error"].includes(item.type))
          .map(signature)
          .filter((s) => !listed.has(s)),
      ),
    ].sort();
    expect(missing).to.deep.equal([]);
    for (const s of [
      "error FailedDeployment()",
      "error InvalidInitialization()",
      "event Initialized(uint64)",
      "function DEFAULT_ADMIN_ROLE()",
      "function supportsInterface(bytes4)",
    ]) {
      expect(listed.has(s), s).to.equal(true);
    }
  });

  it("lists nothing that none of the implementations has", () => {
    const present = new Set(modules.map(signature));
    expect(ishop.map(signature).filter((s) => !present.has(s))).to.deep.equal([]);
  });

  it("a clone answers DEFAULT_ADMIN_ROLE() and supportsInterface and emits Initialized(1) when created, all through IShop", async () => {
    const d = await load();
    expect(await d.shop.DEFAULT_ADMIN_ROLE()).to.equal(ADMIN_ROLE);
    expect(await d.shop.supportsInterface("0x01ffc9a7")).to.equal(true); // ERC-165
    expect(await d.shop.supportsInterface("0x7965db0b")).to.equal(true); // IAccessControl
    expect(await d.shop.supportsInterface("0xffffffff")).to.equal(false);
    const params = { admin: d.admin.address, operator: ZeroAddress, utcOffset: 0, name: "Events" };
    const address = await d.factory.createShop.staticCall(params);
    const created = await d.ethers.getContractAt("IShop", address);
    await expect(d.factory.createShop(params)).to.emit(created, "Initialized").withArgs(1n);
    const ishopInterface: Interface = d.shop.interface;
    expect(ishopInterface.getEvent("Initialized")).to.not.equal(null);
    expect(ishopInterface.getError("InvalidInitialization")).to.not.equal(null);
  });
});
