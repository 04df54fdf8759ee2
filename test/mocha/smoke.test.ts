import { expect } from "chai";
import { deploy, ONE, DAY } from "./fixture.js";

describe("smoke", () => {
  it("runs the core flow", async () => {
    const d = await deploy();
    const [, , , alice, bob] = d.signers;
    const price = 300n * 10n ** 15n;
    await d.shop
      .connect(d.operator)
      .recordOrder({
        orderHash: d.ethers.id("o1"),
        customer: alice.address,
        amount: price * 5n,
        referrer: bob.address,
      });
    await d.shop.connect(alice).checkout(d.ethers.id("o2"), d.ethers.ZeroAddress, { value: price });
    expect(await d.token.balanceOf(alice.address)).to.equal(6n * ONE);
    expect(await d.token.balanceOf(bob.address)).to.equal((6n * ONE) / 10n);
    const day = await d.shop.today();
    await d.helpers.time.increase(DAY);
    await d.shop.deposit({ value: ONE });
    const tx = await d.shop.settle(day);
    console.log("settle gas", (await tx.wait())!.gasUsed);
    const c1 = await d.token.claimable(alice.address);
    const c2 = await d.token.claimable(bob.address);
    console.log(c1, c2, d.ethers.formatEther(c1 + c2), d.ethers.formatEther((price * 6n * 2000n) / 10000n));
    const tx2 = await d.token.connect(alice).claim();
    console.log("claim gas", (await tx2.wait())!.gasUsed);
    console.log(await d.token.name(), await d.token.symbol());
  });
});
