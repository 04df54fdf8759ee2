/**
 * End-to-end tests of the holder page (app/) in headless Chromium (Debian's /usr/bin/chromium via playwright-core)
 * against a real `hardhat node` seeded with the demo world (support/demo-chain.ts). The page is built with Vite's
 * JS API and served with `vite preview`; a scriptable wallet (support/test-wallet.ts) is injected as
 * `window.ethereum`. Amounts shown are checked against the token contracts, and claims against balances on chain.
 *
 * Run: `npm run test:app` (or `npx hardhat test mocha test/mocha/browser/app.test.ts` with /usr/bin/chromium installed).
 * With APP_SCREENSHOTS=1 the main states are saved as docs/images/app-*.png (`npm run app:screenshots`).
 */
import { expect } from "chai";
import { Contract, id, Interface, JsonRpcProvider, parseEther } from "ethers";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { dividendTokenAbi, shareMallFactoryAbi, shopAbi } from "../../../sdk/src/abis.js";
import { fromEthers } from "../../../sdk/src/client/ethers.js";
import { recordOrders, settleAllUnsettled } from "../../../sdk/src/merchant.js";
import { claim } from "../../../sdk/src/holder.js";
import { authorizePayment, voidPayment, type PaymentTerms } from "../../../sdk/src/payments.js";
import { startHardhatNode, type HardhatNode } from "../support/hardhat-node.js";
import { serveApp, type AppServer } from "./support/app-server.js";
import {
  DEMO_ACCOUNTS,
  DEMO_CAPTURED_WEI,
  deployArtifact,
  devWallet,
  seedDemo,
  type DemoChain,
  type DemoName,
} from "./support/demo-chain.js";
import { squareIcon, TestWallet, type TestWalletOptions } from "./support/test-wallet.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOTS = process.env.APP_SCREENSHOTS === "1";
const IMAGES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../docs/images");
const DESKTOP = { width: 1200, height: 900 };
const PHONE = { width: 390, height: 844 };
const WAIT = 30_000;

const tokenInterface = new Interface(dividendTokenAbi as never);
const CLAIM = tokenInterface.getFunction("claim")!.selector;
const CLAIM_TO = tokenInterface.getFunction("claimTo")!.selector;
const CLAIM_MANY = new Interface(shareMallFactoryAbi as never).getFunction("claimMany")!.selector;
const shopInterface = new Interface(shopAbi as never);
const CONFIRM = shopInterface.getFunction("confirm")!.selector;
const RECLAIM = shopInterface.getFunction("reclaim")!.selector;
const REQUEST_RETURN = shopInterface.getFunction("requestReturn")!.selector;
/** `IShopBase.PaymentStatus`. */
const STATUS = { none: 0n, held: 1n, returnRequested: 2n, captured: 3n } as const;

describe("holder page (app/) in Chromium", function () {
  this.timeout(240_000);

  let node: HardhatNode;
  let demo: DemoChain;
  let app: AppServer;
  let browser: Browser;
  let provider: JsonRpcProvider;
  const contexts: BrowserContext[] = [];
  const wallets: TestWallet[] = [];

  const token = (address: string): Contract => new Contract(address, dividendTokenAbi as never, provider);
  const claimableOf = async (tokenAddress: string, holder: string): Promise<bigint> =>
    (await token(tokenAddress).getFunction("claimable")(holder)) as bigint;
  const balanceOf = async (tokenAddress: string, holder: string): Promise<bigint> =>
    (await token(tokenAddress).getFunction("balanceOf")(holder)) as bigint;
  const allTokens = (): string[] => Object.values(demo.tokens);

  /** A screenshot of the page from its top to the bottom of `until` (the first element matching it). */
  async function shotTop(page: Page, name: string, until: string): Promise<void> {
    if (!SCREENSHOTS) return;
    await mkdir(IMAGES, { recursive: true });
    const box = (await page.locator(until).first().boundingBox())!;
    const width = await page.evaluate("document.documentElement.scrollWidth");
    await page.screenshot({
      path: path.join(IMAGES, `app-${name}.png`),
      fullPage: true,
      clip: { x: 0, y: 0, width: width as number, height: Math.ceil(box.y + box.height + 16) },
    });
  }

  async function shot(page: Page, name: string): Promise<void> {
    if (!SCREENSHOTS) return;
    await mkdir(IMAGES, { recursive: true });
    await page.screenshot({ path: path.join(IMAGES, `app-${name}.png`), fullPage: true });
  }

  async function openPage(
    options: {
      holder?: DemoName;
      wallet?: boolean;
      connected?: boolean;
      reportChainId?: number;
      viewport?: { width: number; height: number };
      locale?: string;
      query?: string;
      /** Fields to add to (or override in) the page's config.json. */
      config?: Record<string, unknown>;
      /** More options of the test wallet (announcement, batches). */
      walletOptions?: Partial<TestWalletOptions>;
      /** More wallets in the same page: announced through EIP-6963 only (not `window.ethereum`). */
      extraWallets?: readonly { holder: DemoName; announce: TestWalletOptions["announce"] }[];
    } = {},
  ): Promise<{ page: Page; wallet?: TestWallet; extras: TestWallet[] }> {
    const context = await browser.newContext({
      viewport: options.viewport ?? DESKTOP,
      locale: options.locale ?? "en-US",
      deviceScaleFactor: 1,
      ...(options.viewport === PHONE ? { isMobile: true, hasTouch: true } : {}),
    });
    contexts.push(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    let wallet: TestWallet | undefined;
    if (options.wallet !== false) {
      wallet = new TestWallet({
        rpcUrl: demo.rpcUrl,
        chainId: demo.chainId,
        privateKey: devWallet(DEMO_ACCOUNTS[options.holder ?? "alice"]).privateKey,
        connected: options.connected ?? false,
        ...(options.reportChainId !== undefined ? { reportChainId: options.reportChainId } : {}),
        ...options.walletOptions,
      });
      wallets.push(wallet);
      await wallet.attach(page);
    }
    const extras: TestWallet[] = [];
    for (const extra of options.extraWallets ?? []) extras.push(await extraWallet(page, extra.holder, extra.announce));
    if (options.config !== undefined) await overrideConfig(page, options.config);
    await page.goto(app.url + (options.query ?? ""));
    return { page, ...(wallet !== undefined ? { wallet } : {}), extras };
  }

  /** Serves config.json with `extra` fields to `page` (the built page is shared by all tests). */
  async function overrideConfig(page: Page, extra: Record<string, unknown>): Promise<void> {
    await page.route("**/config.json", async (route) => {
      const response = await route.fetch();
      const base = (await response.json()) as Record<string, unknown>;
      await route.fulfill({ response, json: { ...base, ...extra } });
    });
  }

  /** A test wallet for `holder`, announced through EIP-6963 as `name`, not set as `window.ethereum`. */
  async function extraWallet(
    page: Page,
    holder: DemoName,
    announce: TestWalletOptions["announce"],
  ): Promise<TestWallet> {
    const wallet = new TestWallet({
      rpcUrl: demo.rpcUrl,
      chainId: demo.chainId,
      privateKey: devWallet(DEMO_ACCOUNTS[holder]).privateKey,
      announce,
      inject: false,
    });
    wallets.push(wallet);
    await wallet.attach(page);
    return wallet;
  }

  /** Waits until the page has loaded the holder's tokens and is idle. */
  async function ready(page: Page, rows: number): Promise<void> {
    await page.waitForSelector('main[data-ready="true"]', { timeout: WAIT });
    await page
      .locator('[data-testid="token-row"]')
      .nth(rows - 1)
      .waitFor({ timeout: WAIT });
    await page.waitForSelector('main[data-ready="true"]', { timeout: WAIT });
  }

  async function connect(page: Page, rows: number): Promise<void> {
    await page.getByTestId("connect").click();
    await page.getByTestId("wallet-status").waitFor({ timeout: WAIT });
    await ready(page, rows);
  }

  const row = (page: Page, tokenAddress: string) =>
    page.locator(`[data-testid="token-row"][data-token="${tokenAddress}"]`);
  const weiIn = async (page: Page, selector: string, tokenAddress: string): Promise<bigint> =>
    BigInt((await row(page, tokenAddress).locator(`[data-testid="${selector}"]`).getAttribute("data-wei")) ?? "-1");

  async function lastTx(page: Page, status: "confirmed" | "failed"): Promise<{ detail: string; hash: string | null }> {
    const tx = page.locator('[data-testid="tx"]').first();
    // The newest entry must reach the status: the list is kept across reloads, so an older entry may already have it.
    await page.waitForFunction(
      `document.querySelector('[data-testid="tx"]')?.getAttribute("data-status") === ${JSON.stringify(status)}`,
      null,
      { timeout: WAIT },
    );
    await page.waitForSelector('main[data-ready="true"]', { timeout: WAIT });
    return {
      detail: (await tx.getByTestId("tx-detail").textContent()) ?? "",
      hash: await tx.getAttribute("data-hash"),
    };
  }

  /** Waits until the element at `selector` shows `wei` (the page refreshes after a claim). */
  async function waitForWei(page: Page, selector: string, wei: bigint): Promise<void> {
    await page.waitForFunction(
      `document.querySelector(${JSON.stringify(selector)})?.getAttribute("data-wei") === "${wei}"`,
      null,
      { timeout: WAIT },
    );
  }

  async function feeOf(hash: string): Promise<bigint> {
    const receipt = await provider.getTransactionReceipt(hash);
    expect(receipt, `receipt of ${hash}`).to.not.equal(null);
    expect(receipt!.status).to.equal(1);
    return receipt!.fee;
  }

  const shopContract = (address: string): Contract => new Contract(address, shopAbi as never, provider);
  /** The shop's `payment(orderHash, customer)`: status and amount. */
  const paymentOnChain = async (shop: string, terms: PaymentTerms): Promise<{ status: bigint; amount: bigint }> => {
    const [status, amount] = (await shopContract(shop).getFunction("payment")(terms.orderHash, terms.customer)) as [
      bigint,
      bigint,
    ];
    return { status, amount };
  };
  const held = (page: Page, terms: PaymentTerms) =>
    page.locator(`[data-testid="payment"][data-order-hash="${terms.orderHash}"]`);
  const past = (page: Page, terms: PaymentTerms) =>
    page.locator(`[data-testid="payment-history"][data-order-hash="${terms.orderHash}"]`);
  /** The page's own rendering of a unix time (its `formatDateTime` in English). */
  const pageDate = (page: Page, unix: bigint): Promise<string> =>
    page.evaluate(
      `new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" }).format(new Date(${unix * 1000n}))`,
    ) as Promise<string>;
  /** Mines a block at exactly `unix` (chain time only moves forward). */
  async function advanceTo(unix: bigint): Promise<void> {
    await provider.send("evm_setNextBlockTimestamp", [Number(unix)]);
    await provider.send("evm_mine", []);
  }
  async function payments(page: Page): Promise<void> {
    await page.getByTestId("payments").waitFor({ timeout: WAIT });
    await page.waitForSelector('main[data-ready="true"]', { timeout: WAIT });
  }

  before(async function () {
    node = await startHardhatNode();
    demo = await seedDemo(node.url, { days: SCREENSHOTS ? 12 : 6 });
    provider = new JsonRpcProvider(node.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    app = await serveApp({
      chainId: demo.chainId,
      chainName: "ShareMall demo (Hardhat)",
      rpcUrl: node.url,
      factory: demo.factory,
      currencySymbol: "ETH",
      fromBlock: 0,
      refreshSeconds: 0.5,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
    });
  });

  afterEach(async function () {
    for (const context of contexts.splice(0)) await context.close();
    for (const wallet of wallets.splice(0)) wallet.stop();
  });

  after(async function () {
    await browser?.close();
    await app?.stop();
    provider?.destroy();
    await node?.stop();
  });

  it("connected wallet: lists every token held across shops with balance, share and claimable equal to the chain", async function () {
    const { page, wallet } = await openPage({ holder: "alice" });
    await page.getByTestId("connect").waitFor({ timeout: WAIT });
    await connect(page, 3);
    const alice = demo.accounts.alice;
    const rows = page.locator('[data-testid="token-row"]');
    expect(await rows.count()).to.equal(3);
    let total = 0n;
    for (const address of allTokens()) {
      const claimable = await claimableOf(address, alice);
      expect(claimable, "the demo pays every token some dividends").to.be.greaterThan(0n);
      expect(await weiIn(page, "claimable", address)).to.equal(claimable);
      expect(await weiIn(page, "balance", address)).to.equal(await balanceOf(address, alice));
      expect(await weiIn(page, "earned", address)).to.be.at.least(claimable);
      total += claimable;
    }
    expect(BigInt((await page.getByTestId("summary-claimable").getAttribute("data-wei"))!)).to.equal(total);
    // Alice claimed LTB once while seeding: total earned = claimed + claimable.
    const earnedLtb = await weiIn(page, "earned", demo.tokens.LTB);
    expect(earnedLtb).to.be.greaterThan(await claimableOf(demo.tokens.LTB, alice));
    // Share of supply, rounded down to 0.01 %.
    const supply = (await token(demo.tokens.YDC).getFunction("totalSupply")()) as bigint;
    const hundredths = ((await balanceOf(demo.tokens.YDC, alice)) * 10_000n) / supply;
    const share = `${hundredths / 100n}.${(hundredths % 100n).toString().padStart(2, "0")} %`;
    expect(await row(page, demo.tokens.YDC).getByTestId("share").textContent()).to.equal(share);
    // The pending (less favourable) YDC rule change, with its on-chain effective time.
    const [, effectiveAt] = (await new Contract(demo.shops.tea, shopAbi as never, provider).getFunction("pendingRules")(
      0n,
    )) as [unknown, bigint];
    const pending = page.locator('[data-testid="pending-change"]');
    expect(await pending.count()).to.equal(1);
    expect(await pending.getAttribute("data-token")).to.equal(demo.tokens.YDC);
    expect(BigInt((await pending.getAttribute("data-effective-at"))!)).to.equal(effectiveAt);
    expect(await pending.textContent())
      .to.contain("20%")
      .and.contain("15%")
      .and.contain("less favourable");
    // The daily chart: one bar per day, summing exactly to what was earned (the token's one-slot accounting,
    // replayed from its events: no rounding per day).
    const chart = page.getByTestId("daily-chart");
    const chartTotal = BigInt((await chart.getAttribute("data-total-wei"))!);
    const earned = BigInt((await page.getByTestId("summary-earned").getAttribute("data-wei"))!);
    expect(chartTotal).to.equal(earned);
    // Each day's bar is what the token itself credited Alice for that day: the rise of her claimable over each of
    // the day's distributions (read at the distribution's block and the one before; no claim shares those blocks).
    const expectedByDay = new Map<string, bigint>();
    const distributions = new Map<string, number>();
    for (const address of allTokens()) {
      for (const e of await token(address).queryFilter("DividendsDistributed", 0, "latest")) {
        const { day } = (e as unknown as { args: { day: bigint } }).args;
        distributions.set(`${address}:${day}`, (distributions.get(`${address}:${day}`) ?? 0) + 1);
        const at = async (blockTag: number) =>
          (await token(address).getFunction("claimable")(alice, { blockTag })) as bigint;
        const credited = (await at(e.blockNumber)) - (await at(e.blockNumber - 1));
        expectedByDay.set(day.toString(), (expectedByDay.get(day.toString()) ?? 0n) + credited);
      }
    }
    // The demo's partly settled day: YDC paid it in two distributions (the checkout escrow, then the debt).
    expect([...distributions].filter(([key, n]) => key.startsWith(demo.tokens.YDC) && n === 2)).to.have.length(1);
    for (const bar of await chart.locator("rect.bar").all()) {
      const day = (await bar.getAttribute("data-day"))!;
      expect(BigInt((await bar.getAttribute("data-wei"))!), `day ${day}`).to.equal(expectedByDay.get(day) ?? 0n);
    }
    expect(await chart.locator("rect.bar").count()).to.equal(30);
    expect(await chart.locator('rect.bar:not([data-wei="0"])').count()).to.equal(demo.days);
    // The page asked the wallet for accounts and the chain only: nothing signed, nothing sent.
    expect(wallet!.requests.map((r) => r.method).filter((m) => /sign|send/i.test(m))).to.deep.equal([]);
    await shot(page, "connected");
  });

  it("claim: pays exactly the claimable amount (balance delta + gas = claimable), then shows 0", async function () {
    const { page, wallet } = await openPage({ holder: "alice", connected: true });
    await ready(page, 3);
    const alice = demo.accounts.alice;
    const ydc = demo.tokens.YDC;
    const owed = await claimableOf(ydc, alice);
    expect(await weiIn(page, "claimable", ydc)).to.equal(owed);
    const before = await provider.getBalance(alice);
    await row(page, ydc).getByTestId("claim").click();
    const { detail, hash } = await lastTx(page, "confirmed");
    expect(hash).to.equal(wallet!.sent[0]);
    const fee = await feeOf(hash!);
    expect((await provider.getBalance(alice)) - before + fee).to.equal(owed);
    expect(await claimableOf(ydc, alice)).to.equal(0n);
    expect(detail).to.contain("Confirmed").and.contain("ETH");
    await waitForWei(page, `[data-token="${ydc}"] [data-testid="claimable"]`, 0n);
    expect(await row(page, ydc).getByTestId("claim").isDisabled()).to.equal(true);
    expect(wallet!.transactionRequests()).to.deep.equal([{ to: ydc.toLowerCase(), selector: CLAIM }]);
    expect(wallet!.requests.map((r) => r.method).filter((m) => /sign/i.test(m))).to.deep.equal([]);
    await shot(page, "after-claim");
  });

  it("claim to: refuses a malformed or mis-checksummed recipient, then pays a valid one exactly", async function () {
    const { page, wallet } = await openPage({ holder: "bob", connected: true });
    const bob = demo.accounts.bob;
    const ydc = demo.tokens.YDC;
    await ready(page, 2);
    await row(page, ydc).getByTestId("claim-to").click();
    const input = page.getByTestId("recipient");
    const confirm = page.getByTestId("recipient-confirm");
    await input.fill("0x1234");
    expect(await page.getByTestId("recipient-error").textContent()).to.contain("Not an address");
    expect(await confirm.isDisabled()).to.equal(true);
    const recipient = demo.accounts.nobody;
    const flipped =
      "0x" + [...recipient.slice(2)].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join("");
    await input.fill(flipped);
    expect(await page.getByTestId("recipient-error").textContent()).to.contain("checksum");
    expect(await confirm.isDisabled()).to.equal(true);
    await input.fill("0x0000000000000000000000000000000000000000");
    expect(await page.getByTestId("recipient-error").textContent()).to.contain("zero address");
    await input.fill(recipient);
    expect(await page.getByTestId("recipient-error").textContent()).to.equal("");
    expect(await confirm.isDisabled()).to.equal(false);
    const owed = await claimableOf(ydc, bob);
    expect(owed).to.be.greaterThan(0n);
    const before = await provider.getBalance(recipient);
    await confirm.click();
    await lastTx(page, "confirmed");
    expect((await provider.getBalance(recipient)) - before).to.equal(owed);
    expect(await claimableOf(ydc, bob)).to.equal(0n);
    expect(wallet!.transactionRequests()).to.deep.equal([{ to: ydc.toLowerCase(), selector: CLAIM_TO }]);
  });

  it("claim all: claims every token with dividends in one factory claimMany transaction", async function () {
    const { page, wallet } = await openPage({ holder: "carol", connected: true });
    const carol = demo.accounts.carol;
    await ready(page, 3);
    let owed = 0n;
    for (const address of allTokens()) owed += await claimableOf(address, carol);
    expect(BigInt((await page.getByTestId("summary-claimable").getAttribute("data-wei"))!)).to.equal(owed);
    const before = await provider.getBalance(carol);
    await page.getByTestId("claim-all").click();
    const { hash } = await lastTx(page, "confirmed");
    const fee = await feeOf(hash!);
    expect((await provider.getBalance(carol)) - before + fee).to.equal(owed);
    for (const address of allTokens()) expect(await claimableOf(address, carol)).to.equal(0n);
    const sent = wallet!.transactionRequests();
    expect(sent).to.have.length(1);
    expect(sent[0].to).to.equal(demo.factory.toLowerCase());
    expect(sent[0].selector).to.equal(CLAIM_MANY);
    // A wallet without EIP-5792 (it refuses wallet_getCapabilities): no batch was tried.
    expect(wallet!.requests.map((r) => r.method)).to.not.include("wallet_sendCalls");
    await waitForWei(page, '[data-testid="summary-claimable"]', 0n);
  });

  it("rejected in the wallet: says so in words and changes nothing on chain", async function () {
    const { page, wallet } = await openPage({ holder: "dave", connected: true });
    const dave = demo.accounts.dave;
    const ydc = demo.tokens.YDC;
    await ready(page, 2);
    const owed = await claimableOf(ydc, dave);
    const balance = await provider.getBalance(dave);
    const nonce = await provider.getTransactionCount(dave);
    wallet!.reject = true;
    await row(page, ydc).getByTestId("claim").click();
    const { detail, hash } = await lastTx(page, "failed");
    expect(detail).to.equal("Failed: You rejected the request in your wallet.");
    expect(hash).to.equal(null);
    expect(await claimableOf(ydc, dave)).to.equal(owed);
    expect(await provider.getBalance(dave)).to.equal(balance);
    expect(await provider.getTransactionCount(dave)).to.equal(nonce);
    expect(await weiIn(page, "claimable", ydc)).to.equal(owed);
    await shot(page, "rejected");
  });

  it("contract error: a claim to a recipient that refuses the coin shows the decoded reason and pays nothing", async function () {
    const { page } = await openPage({ holder: "dave", connected: true });
    const dave = demo.accounts.dave;
    const ydc = demo.tokens.YDC;
    const refuser = await deployArtifact(
      devWallet(DEMO_ACCOUNTS.admin).connect(provider),
      "test/RejectingReceiver.sol",
      "RejectingReceiver",
    );
    await ready(page, 2);
    const owed = await claimableOf(ydc, dave);
    await row(page, ydc).getByTestId("claim-to").click();
    await page.getByTestId("recipient").fill(refuser);
    await page.getByTestId("recipient-confirm").click();
    const { detail } = await lastTx(page, "failed");
    expect(detail).to.contain("refused the payment").and.contain("the dividends stay claimable");
    expect(await claimableOf(ydc, dave)).to.equal(owed);
    expect(await provider.getBalance(refuser)).to.equal(0n);
    await shot(page, "contract-error");
  });

  it("wrong network: warns, disables claiming, and switches the wallet to the configured chain", async function () {
    const { page, wallet } = await openPage({ holder: "erin", connected: true, reportChainId: 1 });
    await ready(page, 2);
    const warning = page.getByTestId("wrong-network");
    await warning.waitFor({ timeout: WAIT });
    expect(await warning.textContent())
      .to.contain("Wrong network")
      .and.contain("Ethereum (chain 1)")
      .and.contain("31337");
    expect(await row(page, demo.tokens.YDC).getByTestId("claim").isDisabled()).to.equal(true);
    expect(await page.getByTestId("claim-all").isDisabled()).to.equal(true);
    await shot(page, "wrong-chain");
    await page.getByTestId("switch-network").click();
    await warning.waitFor({ state: "detached", timeout: WAIT });
    expect(wallet!.reportedChainId).to.equal(demo.chainId);
    expect(wallet!.requests.some((r) => r.method === "wallet_switchEthereumChain")).to.equal(true);
    expect(await row(page, demo.tokens.YDC).getByTestId("claim").isDisabled()).to.equal(false);
    expect(wallet!.transactionRequests()).to.deep.equal([]);
  });

  it("read only without a wallet: refuses a bad address, then shows an address's tokens with no claim buttons", async function () {
    const { page } = await openPage({ wallet: false });
    await page.getByTestId("no-wallet").waitFor({ timeout: WAIT });
    expect(await page.getByTestId("connect").count()).to.equal(0);
    await page.getByTestId("readonly-address").fill("not an address");
    await page.getByTestId("readonly-view").click();
    expect(await page.getByTestId("readonly-error").textContent()).to.contain("Not an address");
    const alice = demo.accounts.alice;
    await page.getByTestId("readonly-address").fill(alice.toLowerCase());
    await page.getByTestId("readonly-view").click();
    await ready(page, 3);
    for (const address of allTokens()) {
      expect(await weiIn(page, "claimable", address)).to.equal(await claimableOf(address, alice));
    }
    expect(await page.getByTestId("claim").count()).to.equal(0);
    expect(await page.getByTestId("claim-all").count()).to.equal(0);
    expect(await page.getByTestId("readonly-status").textContent()).to.contain(alice);
    expect(new URL(page.url()).searchParams.get("address")).to.equal(alice);
    await shot(page, "readonly");
  });

  it("phone width: tokens become cards with labelled values and nothing overflows sideways", async function () {
    const { page } = await openPage({ holder: "alice", connected: true, viewport: PHONE });
    await ready(page, 3);
    const layout = await page.evaluate(`(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      head: getComputedStyle(document.querySelector("table.tokens thead")).display,
      cell: getComputedStyle(document.querySelector('[data-testid="claimable"]'), "::before").content,
    }))()`);
    const { scrollWidth, head, cell } = layout as { scrollWidth: number; head: string; cell: string };
    expect(scrollWidth).to.be.at.most(PHONE.width);
    expect(head).to.equal("none");
    expect(cell).to.equal('"Claimable now"');
    await shot(page, "phone");
  });

  it("Chinese: zh-CN browsers get Chinese, and the switch changes every string", async function () {
    const { page } = await openPage({ holder: "erin", connected: true, locale: "zh-CN" });
    await ready(page, 2);
    expect(await page.evaluate("document.documentElement.lang")).to.equal("zh-CN");
    expect(await page.locator("h1").textContent()).to.equal("我的分红");
    expect(await page.locator("thead").textContent()).to.contain("当前可领取");
    expect(await page.locator('[data-testid="tx"]').count()).to.equal(0);
    await shot(page, "zh");
    await page.getByTestId("lang").click();
    expect(await page.locator("h1").textContent()).to.equal("My dividends");
    expect(await page.evaluate("document.documentElement.lang")).to.equal("en");
    // The choice is remembered.
    await page.reload();
    await ready(page, 2);
    expect(await page.locator("h1").textContent()).to.equal("My dividends");
  });
  it("payments: lists the held payments with the chain's amounts, auto-capture times and expiries, and the captured one in history", async function () {
    const { page, wallet } = await openPage({ holder: "alice", connected: true });
    await ready(page, 3);
    await payments(page);
    const { teaHeld, bakeryHeld, teaExpired, bakeryCaptured } = demo.payments;
    const { tea, bakery } = demo.shops;
    const rows = page.locator('[data-testid="payment"]');
    expect(await rows.count()).to.equal(3);
    // The expired one first (it needs the customer), then by expiry.
    expect(await rows.first().getAttribute("data-order-hash")).to.equal(teaExpired.orderHash);
    // Each held payment's terms as the shop emitted them (read here with ethers, not through the SDK).
    const authorized = new Map<string, { amount: bigint; autoCaptureAt: bigint; expiry: bigint }>();
    for (const shop of [tea, bakery]) {
      for (const e of await shopContract(shop).queryFilter("PaymentAuthorized", 0, "latest")) {
        const args = (
          e as unknown as { args: { orderHash: string; amount: bigint; autoCaptureAt: bigint; expiry: bigint } }
        ).args;
        authorized.set(args.orderHash, args);
      }
    }
    const now = BigInt((await provider.getBlock("latest"))!.timestamp);
    for (const [terms, shop, amount] of [
      [teaHeld, tea, "0.8"],
      [bakeryHeld, bakery, "0.45"],
      [teaExpired, tea, "0.3"],
    ] as const) {
      const row = held(page, terms);
      const event = authorized.get(terms.orderHash)!;
      expect(event, terms.orderHash).to.not.equal(undefined);
      const onChain = await paymentOnChain(shop, terms);
      expect(onChain.status).to.equal(STATUS.held);
      expect(BigInt((await row.getAttribute("data-wei"))!))
        .to.equal(onChain.amount)
        .and.to.equal(event.amount);
      expect(await row.getByTestId("payment-amount").textContent()).to.equal(`${amount} ETH`);
      expect(await row.getAttribute("data-shop")).to.equal(shop);
      expect(BigInt((await row.getAttribute("data-auto-capture-at"))!)).to.equal(event.autoCaptureAt);
      expect(BigInt((await row.getAttribute("data-expiry"))!)).to.equal(event.expiry);
      expect(await row.textContent()).to.contain(shop === tea ? "Wuyou Tea" : "Lotus Bakery");
      // The default return window (7 days) from the authorization; the expiry after it.
      expect(event.expiry).to.be.greaterThan(event.autoCaptureAt);
      const expired = now >= event.expiry;
      expect(expired).to.equal(terms === teaExpired);
      expect(await row.getAttribute("data-stage")).to.equal(expired ? "expired" : "window");
      // Reclaim only after the expiry; confirm and return only before the window ends.
      expect(await row.getByTestId("payment-reclaim").count()).to.equal(expired ? 1 : 0);
      expect(await row.getByTestId("payment-confirm").count()).to.equal(expired ? 0 : 1);
      expect(await row.getByTestId("payment-return").count()).to.equal(expired ? 0 : 1);
      if (expired) {
        expect(await row.getByTestId("payment-expiry").textContent()).to.contain(await pageDate(page, event.expiry));
      } else {
        expect(await row.getByTestId("payment-auto-capture").textContent())
          .to.contain("Counts automatically on")
          .and.contain(await pageDate(page, event.autoCaptureAt));
        expect(await row.getByTestId("payment-expiry").textContent()).to.contain(await pageDate(page, event.expiry));
        expect(await row.textContent()).to.contain("voids the payment or keeps part of it");
      }
    }
    // History: the payment the bakery captured in part, with what went back.
    const history = page.locator('[data-testid="payment-history"]');
    expect(await history.count()).to.equal(1);
    expect(await past(page, bakeryCaptured).getAttribute("data-status")).to.equal("captured");
    expect(BigInt((await past(page, bakeryCaptured).getAttribute("data-wei"))!)).to.equal(DEMO_CAPTURED_WEI);
    expect((await paymentOnChain(bakery, bakeryCaptured)).status).to.equal(STATUS.captured);
    expect(await past(page, bakeryCaptured).textContent())
      .to.contain("counted by the shop")
      .and.contain("0.1 ETH returned");
    expect(await page.getByTestId("withdraw-returns").count()).to.equal(0);
    expect(wallet!.transactionRequests()).to.deep.equal([]);
    if (SCREENSHOTS) {
      await mkdir(IMAGES, { recursive: true });
      await page.getByTestId("payments").screenshot({ path: path.join(IMAGES, "app-payments.png") });
    }
    // On a phone, in Chinese: the same payments as cards, the actions in Chinese, nothing wider than the screen.
    const zh = await openPage({ holder: "alice", connected: true, locale: "zh-CN", viewport: PHONE });
    await ready(zh.page, 3);
    await payments(zh.page);
    expect(await zh.page.getByTestId("payments").locator("h2").textContent()).to.equal("我的付款");
    expect(await held(zh.page, teaHeld).getByTestId("payment-confirm").textContent()).to.equal("确认收货");
    expect(await held(zh.page, teaHeld).getByTestId("payment-return").textContent()).to.equal("退货");
    expect(await held(zh.page, teaExpired).getByTestId("payment-reclaim").textContent()).to.equal("取回款项");
    expect(await held(zh.page, teaExpired).getByTestId("payment-stage").textContent()).to.equal("已到期");
    expect(await zh.page.evaluate("document.documentElement.scrollWidth")).to.be.at.most(PHONE.width);
    if (SCREENSHOTS) {
      await zh.page.getByTestId("payments").screenshot({ path: path.join(IMAGES, "app-payments-phone.png") });
    }
  });

  it("payments: confirm receipt captures the payment in full and moves it to history", async function () {
    const { page, wallet } = await openPage({ holder: "alice", connected: true });
    await ready(page, 3);
    await payments(page);
    const { teaHeld } = demo.payments;
    const alice = demo.accounts.alice;
    const before = await provider.getBalance(alice);
    await held(page, teaHeld).getByTestId("payment-confirm").click();
    const { detail, hash } = await lastTx(page, "confirmed");
    expect(detail).to.equal("Confirmed: 0.8 ETH paid to Wuyou Tea 吾有茶.");
    // Nothing moves from the customer but the fee: the coin was held already.
    expect((await provider.getBalance(alice)) - before + (await feeOf(hash!))).to.equal(0n);
    expect(await paymentOnChain(demo.shops.tea, teaHeld)).to.deep.equal({
      status: STATUS.captured,
      amount: teaHeld.amountWei,
    });
    await past(page, teaHeld).waitFor({ timeout: WAIT });
    expect(await held(page, teaHeld).count()).to.equal(0);
    expect(await past(page, teaHeld).getAttribute("data-status")).to.equal("captured");
    expect(BigInt((await past(page, teaHeld).getAttribute("data-wei"))!)).to.equal(teaHeld.amountWei);
    expect(await past(page, teaHeld).textContent()).to.contain("you confirmed receipt");
    expect(wallet!.transactionRequests()).to.deep.equal([{ to: demo.shops.tea.toLowerCase(), selector: CONFIRM }]);
  });

  it("payments: takes back a payment past its expiry (all of it) and lists it as taken back", async function () {
    const { page, wallet } = await openPage({ holder: "alice", connected: true });
    await ready(page, 3);
    await payments(page);
    const { teaExpired } = demo.payments;
    const alice = demo.accounts.alice;
    const before = await provider.getBalance(alice);
    await held(page, teaExpired).getByTestId("payment-reclaim").click();
    const { detail, hash } = await lastTx(page, "confirmed");
    expect(detail).to.contain("0.3 ETH returned to");
    expect((await provider.getBalance(alice)) - before + (await feeOf(hash!))).to.equal(teaExpired.amountWei);
    expect((await paymentOnChain(demo.shops.tea, teaExpired)).status).to.equal(STATUS.none);
    await past(page, teaExpired).waitFor({ timeout: WAIT });
    expect(await held(page, teaExpired).count()).to.equal(0);
    expect(await past(page, teaExpired).getAttribute("data-status")).to.equal("reclaimed");
    expect(BigInt((await past(page, teaExpired).getAttribute("data-wei"))!)).to.equal(teaExpired.amountWei);
    expect(wallet!.transactionRequests()).to.deep.equal([{ to: demo.shops.tea.toLowerCase(), selector: RECLAIM }]);
  });

  it("payments: a return request turns auto-capture off, and the page stops showing its auto-capture time", async function () {
    const { page, wallet } = await openPage({ holder: "alice", connected: true });
    await ready(page, 3);
    await payments(page);
    const { bakeryHeld } = demo.payments;
    const row = held(page, bakeryHeld);
    expect(await row.getByTestId("payment-auto-capture").count()).to.equal(1);
    await row.getByTestId("payment-return").click();
    const { detail } = await lastTx(page, "confirmed");
    expect(detail).to.contain("return requested");
    expect(await paymentOnChain(demo.shops.bakery, bakeryHeld)).to.deep.equal({
      status: STATUS.returnRequested,
      amount: bakeryHeld.amountWei,
    });
    await page.waitForSelector(
      `[data-testid="payment"][data-order-hash="${bakeryHeld.orderHash}"][data-stage="returnRequested"]`,
      { timeout: WAIT },
    );
    expect(await row.getAttribute("data-status")).to.equal("returnRequested");
    expect(await row.getByTestId("payment-auto-capture").count()).to.equal(0);
    expect(await row.textContent()).to.not.contain("Counts automatically");
    expect(await row.getByTestId("payment-return-status").textContent()).to.contain("Return requested");
    expect(await row.getByTestId("payment-stage").textContent()).to.equal("Return requested");
    expect(await row.getByTestId("payment-return").count()).to.equal(0);
    // Not expired yet: nothing to take back.
    expect(await row.getByTestId("payment-reclaim").count()).to.equal(0);
    expect(wallet!.transactionRequests()).to.deep.equal([
      { to: demo.shops.bakery.toLowerCase(), selector: REQUEST_RETURN },
    ]);
  });

  it("payments: a step the payment no longer allows is refused with the reason in words (checked first, or by the contract)", async function () {
    const { page, wallet } = await openPage({ holder: "bob", connected: true });
    await ready(page, 2);
    await payments(page);
    const { bobHeld } = demo.payments;
    const bob = demo.accounts.bob;
    // The operator voids Bob's payment while his page still shows it held: his confirm is refused before sending.
    await voidPayment(fromEthers(devWallet(DEMO_ACCOUNTS.operator).connect(provider)), {
      shop: demo.shops.tea,
      payment: bobHeld,
    });
    await held(page, bobHeld).getByTestId("payment-confirm").click();
    const refused = await lastTx(page, "failed");
    expect(refused.detail).to.equal(
      "Failed: This payment is no longer held: it was counted, voided or taken back already. The list is now up to date.",
    );
    expect(wallet!.sent).to.deep.equal([]);
    expect((await paymentOnChain(demo.shops.tea, bobHeld)).status).to.equal(STATUS.none);
    await past(page, bobHeld).waitFor({ timeout: WAIT });
    expect(await past(page, bobHeld).getAttribute("data-status")).to.equal("voided");
    expect(await held(page, bobHeld).count()).to.equal(0);

    // A return asked for in the block the window closes in: the contract refuses it, and the page says why.
    const bobTransport = fromEthers(devWallet(DEMO_ACCOUNTS.bob).connect(provider));
    const { payment: late } = await authorizePayment(bobTransport, {
      shop: demo.shops.tea,
      orderHash: "0x" + "5a".repeat(32),
      amountWei: 10n ** 17n,
    });
    await page.reload();
    await ready(page, 2);
    await payments(page);
    await held(page, late).getByTestId("payment-return").waitFor({ timeout: WAIT });
    const balance = await provider.getBalance(bob);
    await provider.send("evm_setNextBlockTimestamp", [Number(late.autoCaptureAt)]);
    await held(page, late).getByTestId("payment-return").click();
    const reverted = await lastTx(page, "failed");
    expect(reverted.detail).to.equal(
      `Failed: The return window closed on ${await pageDate(page, late.autoCaptureAt)}: a return can no longer be requested.`,
    );
    await provider.send("evm_mine", []);
    expect((await paymentOnChain(demo.shops.tea, late)).status).to.equal(STATUS.held);
    expect(await provider.getBalance(bob)).to.equal(balance);
  });

  it("payments: the reclaim button appears only once the chain passes the expiry, and takes the payment back", async function () {
    const { page, wallet } = await openPage({ holder: "alice", connected: true });
    await ready(page, 3);
    await payments(page);
    const { bakeryHeld } = demo.payments;
    const alice = demo.accounts.alice;
    expect(await held(page, bakeryHeld).getByTestId("payment-reclaim").count()).to.equal(0);
    // One second before the expiry: still not reclaimable.
    await advanceTo(bakeryHeld.expiry - 2n);
    await page.reload();
    await ready(page, 3);
    await payments(page);
    expect(await held(page, bakeryHeld).getAttribute("data-stage")).to.equal("returnRequested");
    expect(await held(page, bakeryHeld).getByTestId("payment-reclaim").count()).to.equal(0);
    await advanceTo(bakeryHeld.expiry);
    await page.reload();
    await ready(page, 3);
    await payments(page);
    const row = held(page, bakeryHeld);
    expect(await row.getAttribute("data-stage")).to.equal("expired");
    expect(await row.getByTestId("payment-confirm").count()).to.equal(0);
    const before = await provider.getBalance(alice);
    await row.getByTestId("payment-reclaim").click();
    const { hash } = await lastTx(page, "confirmed");
    expect((await provider.getBalance(alice)) - before + (await feeOf(hash!))).to.equal(bakeryHeld.amountWei);
    expect((await paymentOnChain(demo.shops.bakery, bakeryHeld)).status).to.equal(STATUS.none);
    await past(page, bakeryHeld).waitFor({ timeout: WAIT });
    expect(await page.locator('[data-testid="payment"]').count()).to.equal(0);
    expect(await page.locator('[data-testid="payment-history"]').count()).to.equal(4);
    expect(wallet!.transactionRequests()).to.deep.equal([{ to: demo.shops.bakery.toLowerCase(), selector: RECLAIM }]);
  });

  describe("wallets, batches, estimates, live amounts", function () {
    const alpha = { name: "Alpha Wallet", rdns: "org.example.alpha", icon: squareIcon("#f97316") };
    const beta = { name: "Beta Wallet", rdns: "org.example.beta", icon: squareIcon("#7c3aed") };
    const accountRequests = (wallet: TestWallet): string[] =>
      wallet.requests.map((r) => r.method).filter((m) => m === "eth_requestAccounts" || m === "eth_accounts");

    it("EIP-6963: two announced wallets are both offered with their names and icons, and the chosen one is used and remembered", async function () {
      // Alice's wallet announces as "Alpha Wallet" and sets window.ethereum; Bob's announces as "Beta Wallet" only.
      const {
        page: page2,
        wallet: first,
        extras: [second],
      } = await openPage({
        holder: "alice",
        walletOptions: { announce: alpha },
        extraWallets: [{ holder: "bob", announce: beta }],
      });
      await page2.getByTestId("connect").click();
      const picker = page2.getByTestId("wallet-picker");
      await picker.waitFor({ timeout: WAIT });
      const options = picker.getByTestId("wallet-option");
      expect(await options.count()).to.equal(2);
      expect(await options.locator(".wallet-name").allTextContents()).to.deep.equal(["Alpha Wallet", "Beta Wallet"]);
      expect(await options.evaluateAll((els) => els.map((e) => e.getAttribute("data-wallet-id")))).to.deep.equal([
        "org.example.alpha",
        "org.example.beta",
      ]);
      // Each icon is the one announced (a data URI), not window.ethereum's.
      expect(await options.nth(0).locator("img").getAttribute("src")).to.equal(squareIcon("#f97316"));
      expect(await options.nth(1).locator("img").getAttribute("src")).to.equal(squareIcon("#7c3aed"));
      // No project id in config.json: no WalletConnect.
      expect(await page2.getByTestId("wallet-option-walletconnect").count()).to.equal(0);

      // Beta: Bob's account, and the requests go to Bob's wallet, none to Alice's (window.ethereum).
      const alphaBefore = first!.requests.length;
      await options.nth(1).click();
      await page2.getByTestId("wallet-status").waitFor({ timeout: WAIT });
      await ready(page2, 2);
      expect(await page2.getByTestId("wallet-status").getAttribute("title")).to.equal(demo.accounts.bob);
      expect(accountRequests(second)).to.include("eth_requestAccounts");
      expect(first!.requests.slice(alphaBefore).map((r) => r.method)).to.deep.equal([]);
      expect(await page2.evaluate('localStorage.getItem("sharemall.wallet")')).to.equal("org.example.beta");
      // Remembered: after a reload the page reconnects to Beta silently, and still asks Alpha nothing.
      await page2.reload();
      await page2.getByTestId("wallet-status").waitFor({ timeout: WAIT });
      await ready(page2, 2);
      expect(await page2.getByTestId("wallet-status").getAttribute("title")).to.equal(demo.accounts.bob);
      expect(first!.requests.slice(alphaBefore).map((r) => r.method)).to.deep.equal([]);

      // Disconnect, then Alpha: Alice's account, her wallet receives the requests (Beta none from then on).
      await page2.getByRole("button", { name: "Disconnect" }).click();
      const betaBefore = second.requests.length;
      await page2.getByTestId("connect").click();
      await page2.locator('[data-testid="wallet-option"][data-wallet-id="org.example.alpha"]').click();
      await page2.getByTestId("wallet-status").waitFor({ timeout: WAIT });
      await ready(page2, 3);
      expect(await page2.getByTestId("wallet-status").getAttribute("title")).to.equal(demo.accounts.alice);
      expect(accountRequests(first!)).to.include("eth_requestAccounts");
      expect(second.requests.length).to.equal(betaBefore);
      expect(await page2.evaluate('localStorage.getItem("sharemall.wallet")')).to.equal("org.example.alpha");
    });

    it("window.ethereum is only the fallback: unused when a wallet announces, used when none does", async function () {
      // An injected-only wallet (Bob's) and an announced one (Alice's, not injected): Connect uses the announced one.
      const {
        page: both,
        wallet: legacy,
        extras: [announced],
      } = await openPage({
        holder: "bob",
        walletOptions: { announce: false },
        extraWallets: [{ holder: "alice", announce: alpha }],
      });
      await both.getByTestId("connect").click(); // the only option: no picker
      await both.getByTestId("wallet-status").waitFor({ timeout: WAIT });
      expect(await both.getByTestId("wallet-status").getAttribute("title")).to.equal(demo.accounts.alice);
      expect(accountRequests(announced)).to.include("eth_requestAccounts");
      expect(legacy!.requests).to.deep.equal([]);
      // Only window.ethereum: it is used.
      const { page: old, wallet } = await openPage({ holder: "bob", walletOptions: { announce: false } });
      await old.getByTestId("connect").click();
      await old.getByTestId("wallet-status").waitFor({ timeout: WAIT });
      expect(await old.getByTestId("wallet-status").getAttribute("title")).to.equal(demo.accounts.bob);
      expect(accountRequests(wallet!)).to.include("eth_requestAccounts");
    });

    it("WalletConnect: offered next to the announced wallets when config.json has a project id; the pairing URI (wc:) as QR code and link, offline", async function () {
      const relay: { method: string; params: unknown }[] = [];
      const outside = new Set<string>();
      const { page } = await openPage({
        holder: "alice",
        walletOptions: { announce: alpha },
        extraWallets: [{ holder: "bob", announce: beta }],
        config: { walletConnectProjectId: "0123456789abcdef0123456789abcdef" },
      });
      page.on("request", (request) => {
        const url = new URL(request.url());
        if (url.hostname !== "127.0.0.1" && url.protocol !== "data:") outside.add(url.hostname);
      });
      // No network here: stand in for WalletConnect's relay (the websocket) and its HTTP services, in the browser.
      await page.routeWebSocket(/relay\.walletconnect\.(org|com)/, (ws) => {
        ws.onMessage((message) => {
          const request = JSON.parse(String(message)) as { id?: number; method?: string; params?: unknown };
          if (request.method === undefined) return;
          relay.push({ method: request.method, params: request.params });
          const result = /_subscribe$/.test(request.method)
            ? `0x${"ab".repeat(32)}`
            : /_batchSubscribe$/.test(request.method)
              ? []
              : true;
          ws.send(JSON.stringify({ id: request.id, jsonrpc: "2.0", result }));
        });
      });
      await page.route(/walletconnect\.(org|com)/, (route) => route.fulfill({ status: 404, body: "" }));
      await page.getByTestId("connect").click();
      await page.getByTestId("wallet-picker").waitFor({ timeout: WAIT });
      expect(await page.getByTestId("wallet-option").locator(".wallet-name").allTextContents()).to.deep.equal([
        "Alpha Wallet",
        "Beta Wallet",
      ]);
      const wc = page.getByTestId("wallet-option-walletconnect");
      expect(await wc.textContent()).to.contain("WalletConnect");
      await shot(page, "wallet-picker");
      await wc.click();
      await page.getByTestId("wc-qr").waitFor({ timeout: WAIT });
      const uri = (await page.getByTestId("wc-uri").inputValue()) ?? "";
      expect(uri).to.match(/^wc:[0-9a-f]{64}@2\?/);
      expect(new URLSearchParams(uri.slice(uri.indexOf("?") + 1)).get("relay-protocol")).to.equal("irn");
      expect(await page.getByTestId("wc-link").getAttribute("href")).to.equal(uri);
      expect(await page.getByTestId("wc-qr").getAttribute("src")).to.match(/^data:image\/png;base64,/);
      // The library sent its session proposal for this pairing through the (stand-in) relay.
      const topic = uri.slice(3, 67);
      const proposals = relay.filter((r) => r.method === "wc_proposeSession");
      expect(proposals, JSON.stringify(relay.map((r) => r.method))).to.have.length(1);
      expect((proposals[0].params as { pairingTopic?: string }).pairingTopic).to.equal(topic);
      await shot(page, "walletconnect");
      // Nothing left the machine but what the test answered itself (the relay, WalletConnect's HTTP services).
      for (const host of outside) expect(host).to.match(/(^|\.)walletconnect\.(org|com)$/);
      await page.getByTestId("wc-cancel").click();
      expect(await page.getByTestId("walletconnect").count()).to.equal(0);
    });

    it("no wallet: links open this page in imToken, TokenPocket and OKX Wallet's dapp browsers", async function () {
      const { page } = await openPage({ wallet: false, query: "?address=" + demo.accounts.alice, viewport: PHONE });
      await page.getByTestId("dapp-links").waitFor({ timeout: WAIT });
      const here = page.url();
      const links = page.getByTestId("dapp-link");
      expect(await links.evaluateAll((els) => els.map((e) => e.getAttribute("data-wallet")))).to.deep.equal([
        "imToken",
        "TokenPocket",
        "OKX Wallet",
      ]);
      const hrefs = await links.evaluateAll((els) => els.map((e) => e.getAttribute("href")!));
      expect(hrefs[0]).to.equal(`imtokenv2://navigate/DappView?url=${encodeURIComponent(here)}`);
      const tp = new URL(hrefs[1]);
      expect(`${tp.protocol}//${tp.host}${tp.pathname}`).to.equal("tpdapp://open");
      expect(JSON.parse(tp.searchParams.get("params")!)).to.deep.equal({
        url: here,
        chain: "ETH",
        source: "ShareMall",
      });
      const okx = new URL(hrefs[2]);
      expect(`${okx.origin}${okx.pathname}`).to.equal("https://web3.okx.com/download");
      const deeplink = okx.searchParams.get("deeplink")!;
      expect(deeplink).to.equal(`okx://wallet/dapp/url?dappUrl=${encodeURIComponent(here)}`);
      // No WalletConnect configured: no Connect button either.
      expect(await page.getByTestId("connect").count()).to.equal(0);
      await ready(page, 3);
      await shotTop(page, "no-wallet-phone", '[data-testid="readonly-form"]');
    });

    it("estimates in the shop's currency: every claimable and earned amount shows ≈ CNY at the configured rate, in both languages", async function () {
      const fiatConfig = { currency: "CNY", perNative: "25012.34", asOf: "2026-12-01" };
      const expectFigures = async (page: Page, locale: string, mark: (amount: string) => string): Promise<void> => {
        const cny = new Intl.NumberFormat(locale, {
          style: "currency",
          currency: "CNY",
          currencyDisplay: "narrowSymbol",
        });
        // fen = wei / 10^18 × 25012.34 × 100 = wei × 2501234 / 10^18, rounded half up
        const fen = (wei: bigint): bigint => (wei * 2_501_234n * 2n + 10n ** 18n) / (2n * 10n ** 18n);
        const text = (wei: bigint): string => {
          const f = fen(wei);
          return mark(cny.format(`${f / 100n}.${(f % 100n).toString().padStart(2, "0")}` as unknown as number));
        };
        for (const address of allTokens()) {
          for (const which of ["claimable", "earned"]) {
            const cell = row(page, address).getByTestId(which);
            const wei = BigInt((await cell.getAttribute("data-wei"))!);
            const figure = cell.getByTestId("fiat");
            expect(BigInt((await figure.getAttribute("data-minor"))!)).to.equal(fen(wei));
            expect(await figure.textContent()).to.equal(text(wei));
          }
        }
        const total = BigInt((await page.getByTestId("summary-claimable").getAttribute("data-wei"))!);
        expect(await page.locator(".summary .stat").first().getByTestId("fiat").textContent()).to.equal(text(total));
        expect(await page.getByTestId("fiat-note").textContent()).to.contain("25012.34 CNY");
      };
      const { page } = await openPage({ holder: "alice", connected: true, config: { fiat: fiatConfig } });
      await ready(page, 3);
      await expectFigures(page, "en", (amount) => `≈ ${amount} (est.)`);
      expect(await page.getByTestId("fiat-note").textContent())
        .to.contain("Estimate")
        .and.contain("2026-12-01");
      await shotTop(page, "fiat", "section.card:has(table.tokens)");
      const zh = await openPage({ holder: "alice", connected: true, locale: "zh-CN", config: { fiat: fiatConfig } });
      await ready(zh.page, 3);
      await expectFigures(zh.page, "zh-CN", (amount) => `≈ ${amount}（估算）`);
      expect(await zh.page.getByTestId("fiat-note").textContent()).to.contain("估算");
      await shotTop(zh.page, "fiat-zh", "section.card:has(table.tokens)");
    });

    it("new blocks: a settlement mined while the page is open raises the claimable without a reload", async function () {
      const { page } = await openPage({ holder: "erin", connected: true });
      await ready(page, 2);
      const erin = demo.accounts.erin;
      const ydc = demo.tokens.YDC;
      const before = await claimableOf(ydc, erin);
      expect(await weiIn(page, "claimable", ydc)).to.equal(before);
      const loads = await page.evaluate("performance.getEntriesByType('navigation').length");
      // A new shop day at the tea shop: orders recorded, the day over, settled (dividends to every YDC holder).
      const operator = fromEthers(devWallet(DEMO_ACCOUNTS.operator).connect(provider));
      const merchant = fromEthers(devWallet(DEMO_ACCOUNTS.admin).connect(provider));
      await recordOrders(operator, {
        shop: demo.shops.tea,
        orders: [
          { orderId: 900_001n, orderHash: id("live order 1"), customer: erin, amount: parseEther("1.5") },
          { orderId: 900_002n, orderHash: id("live order 2"), customer: demo.accounts.dave, amount: parseEther("0.7") },
        ],
      });
      await provider.send("evm_increaseTime", [86_400]);
      await provider.send("evm_mine", []);
      await settleAllUnsettled(merchant, { shop: demo.shops.tea, fund: "deposit-missing" });
      const after = await claimableOf(ydc, erin);
      expect(after).to.be.greaterThan(before);
      await waitForWei(page, `[data-token="${ydc}"] [data-testid="claimable"]`, after);
      expect(await page.evaluate("performance.getEntriesByType('navigation').length")).to.equal(loads);
      const total = (await claimableOf(ydc, erin)) + (await claimableOf(demo.tokens.WYM, erin));
      await waitForWei(page, '[data-testid="summary-claimable"]', total);
    });

    for (const flavour of ["atomic", "atomicBatch"] as const) {
      it(`claim all through EIP-5792 (${flavour === "atomic" ? "atomic.status supported" : "older atomicBatch.supported"}): one wallet_sendCalls with a claim per token, polled to the end`, async function () {
        const holder = flavour === "atomic" ? "dave" : "erin";
        // No refresh on new blocks here: the page keeps showing what it read at load.
        const { page, wallet } = await openPage({
          holder,
          connected: true,
          walletOptions: { batch: flavour },
          config: { refreshSeconds: 3600 },
        });
        const account = demo.accounts[holder];
        await ready(page, 2);
        if (flavour === "atomicBatch") {
          // Paid out elsewhere after the page read it (another device, the keeper): the page still shows it claimable,
          // and an atomic batch with a claim of nothing would fail as a whole, so the page leaves it out.
          const elsewhere = fromEthers(devWallet(DEMO_ACCOUNTS[holder]).connect(provider));
          await claim(elsewhere, { token: demo.tokens.WYM });
          expect(await weiIn(page, "claimable", demo.tokens.WYM)).to.be.greaterThan(0n);
        }
        const held: string[] = [];
        let owed = 0n;
        for (const address of allTokens()) {
          const c = await claimableOf(address, account);
          if (c > 0n) held.push(address.toLowerCase());
          owed += c;
        }
        expect(held.length).to.equal(flavour === "atomic" ? 2 : 1);
        const before = await provider.getBalance(account);
        await page.getByTestId("claim-all").click();
        const { detail } = await lastTx(page, "confirmed");
        expect(detail).to.contain("Confirmed").and.contain("ETH");
        // One batch, one call per token (each the token's claim()), and no plain transaction.
        const sendCalls = wallet!.requests.filter((r) => r.method === "wallet_sendCalls");
        expect(sendCalls).to.have.length(1);
        expect(wallet!.transactionRequests()).to.deep.equal([]);
        expect(wallet!.batches).to.have.length(1);
        const [batch] = wallet!.batches;
        expect(batch.calls.map((c) => c.to.toLowerCase()).sort()).to.deep.equal([...held].sort());
        expect(batch.calls.every((c) => c.data === CLAIM)).to.equal(true);
        expect(batch.polls).to.be.at.least(2); // "pending" first, then the receipts
        let fees = 0n;
        for (const hash of batch.hashes) fees += await feeOf(hash);
        expect((await provider.getBalance(account)) - before + fees).to.equal(owed);
        for (const address of allTokens()) expect(await claimableOf(address, account)).to.equal(0n);
        await waitForWei(page, '[data-testid="summary-claimable"]', 0n);
      });
    }

    it("without EIP-5792 claim all keeps to claimMany: the wallet is asked for its capabilities, and sends no batch", async function () {
      const { page, wallet } = await openPage({ holder: "bob", connected: true });
      await ready(page, 2);
      const bob = demo.accounts.bob;
      const owed = (await claimableOf(demo.tokens.YDC, bob)) + (await claimableOf(demo.tokens.WYM, bob));
      expect(owed, "the settlement above paid Bob's YDC").to.be.greaterThan(0n);
      await page.getByTestId("claim-all").click();
      await lastTx(page, "confirmed");
      expect(wallet!.requests.map((r) => r.method)).to.include("wallet_getCapabilities");
      expect(wallet!.requests.map((r) => r.method)).to.not.include("wallet_sendCalls");
      const sent = wallet!.transactionRequests();
      expect(sent).to.deep.equal([{ to: demo.factory.toLowerCase(), selector: CLAIM_MANY }]);
    });

    it("the transaction list survives a reload: kept per chain and account, a pending one resolved from its receipt", async function () {
      const { page } = await openPage({ holder: "alice", connected: true });
      await ready(page, 3);
      const alice = demo.accounts.alice;
      const wym = demo.tokens.WYM;
      const owed = await claimableOf(wym, alice);
      expect(owed).to.be.greaterThan(0n);
      await provider.send("evm_setAutomine", [false]);
      try {
        await row(page, wym).getByTestId("claim").click();
        await page.waitForSelector('[data-testid="tx"][data-status="pending"]', { timeout: WAIT });
        const hash = (await page.locator('[data-testid="tx"]').first().getAttribute("data-hash"))!;
        const key = `sharemall.txs.${demo.chainId}.${alice.toLowerCase()}`;
        expect(await page.evaluate(`JSON.parse(localStorage.getItem(${JSON.stringify(key)}))[0].hash`)).to.equal(hash);
        await page.reload();
        await ready(page, 3);
        const tx = page.locator(`[data-testid="tx"][data-hash="${hash}"]`);
        expect(await tx.getAttribute("data-status")).to.equal("pending");
        expect(await tx.textContent()).to.contain("Claim WYM");
        await provider.send("evm_mine", []);
      } finally {
        await provider.send("evm_setAutomine", [true]);
      }
      await page.waitForSelector('[data-testid="tx"][data-status="confirmed"]', { timeout: WAIT });
      const detail = (await page.locator('[data-testid="tx"]').first().getByTestId("tx-detail").textContent())!;
      expect(detail).to.contain("Confirmed").and.contain("ETH");
      expect(await claimableOf(wym, alice)).to.equal(0n);
      await waitForWei(page, `[data-token="${wym}"] [data-testid="claimable"]`, 0n);
      // Still there after another reload, confirmed; another account on this browser sees its own (empty) list.
      await page.reload();
      await ready(page, 3);
      expect(await page.locator('[data-testid="tx"][data-status="confirmed"]').count()).to.equal(1);
      expect(await page.locator('[data-testid="tx"]').first().textContent()).to.contain("Claim WYM");
    });
  });
});
