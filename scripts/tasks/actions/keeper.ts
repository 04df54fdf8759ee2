/**
 * `keeper`: runs the keeper (scripts/keeper/keeper.ts, docs/keeper.md) over one factory's shops — a tick every
 * `--interval` seconds, or one with `--once` (exit code 1 if the tick had a failure). One JSON object per line on
 * stdout (`{"time","level","event",...}`), Prometheus metrics on `127.0.0.1:<--metrics-port>/metrics`, and
 * SIGTERM/SIGINT finish the current tick, then exit 0.
 */
import { parseEther, type Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { fromEthers, validateAddress, ShareMallError, type Address, type Transport } from "../../../sdk/src/index.js";
import { createKeeper, type KeeperLogEvent, type TickReport } from "../../keeper/keeper.js";
import { KeeperMetrics, serveMetrics, type MetricsServer } from "../../keeper/metrics.js";
import { connect, factoryAddress, fromBlockOption } from "../lib/chain.js";
import { classifyError, EXIT_BAD_INPUT, EXIT_FAILED, InputError } from "../lib/errors.js";
import { jsonReplacer } from "../lib/io.js";

interface Args {
  factory: string;
  once: boolean;
  interval: number;
  minPayout: string;
  maxBatchGas: string;
  batchSize: number;
  fundFrom: string;
  fundLimit: string;
  metricsPort: number;
  fromBlock: string;
  shops: string;
}

/** Parsed and checked options. */
interface Options {
  readonly once: boolean;
  readonly intervalMs: number;
  readonly minPayoutWei: bigint;
  readonly maxBatchGas?: bigint;
  readonly batchSize: number;
  readonly fundFrom?: Address;
  readonly fundLimitWei?: bigint;
  readonly metricsPort: number;
  readonly fromBlock: bigint;
  readonly shops?: readonly Address[];
}

function coin(option: string, value: string): bigint {
  if (!/^\d+(\.\d{1,18})?$/.test(value.trim())) {
    throw new InputError(`--${option} ${JSON.stringify(value)}: expected an amount of coin, e.g. "0.01"`);
  }
  return parseEther(value.trim());
}

/** Checks the options; throws {@link InputError} (exit code 2, nothing sent). */
export function parseKeeperOptions(args: Args): Options {
  if (!Number.isInteger(args.interval) || args.interval < 1 || args.interval > 86_400) {
    throw new InputError(`--interval ${args.interval}: expected whole seconds from 1 to 86400`);
  }
  if (!Number.isInteger(args.metricsPort) || args.metricsPort < 0 || args.metricsPort > 65_535) {
    throw new InputError(`--metrics-port ${args.metricsPort}: expected a port from 1 to 65535, or 0 for none`);
  }
  if (!Number.isInteger(args.batchSize) || args.batchSize < 1 || args.batchSize > 5_000) {
    throw new InputError(`--batch-size ${args.batchSize}: expected a number of holders from 1 to 5000`);
  }
  let maxBatchGas: bigint | undefined;
  if (args.maxBatchGas !== "") {
    if (!/^\d+$/.test(args.maxBatchGas.trim()) || BigInt(args.maxBatchGas.trim()) < 50_000n) {
      throw new InputError(`--max-batch-gas ${JSON.stringify(args.maxBatchGas)}: expected a gas amount >= 50000`);
    }
    maxBatchGas = BigInt(args.maxBatchGas.trim());
  }
  if ((args.fundFrom === "") !== (args.fundLimit === "")) {
    throw new InputError("--fund-from and --fund-limit go together: the account that funds, and the most per day");
  }
  let fundFrom: Address | undefined;
  if (args.fundFrom !== "") {
    try {
      fundFrom = validateAddress("fund-from", args.fundFrom);
    } catch (error) {
      if (error instanceof ShareMallError) throw new InputError(`--fund-from: ${error.message}`);
      throw error;
    }
  }
  let shops: Address[] | undefined;
  if (args.shops.trim() !== "") {
    shops = [];
    for (const item of args.shops.split(",")) {
      try {
        shops.push(validateAddress("shops", item.trim()));
      } catch (error) {
        if (error instanceof ShareMallError) throw new InputError(`--shops: ${error.message}`);
        throw error;
      }
    }
  }
  return {
    ...(shops !== undefined ? { shops } : {}),
    once: args.once,
    intervalMs: args.interval * 1000,
    minPayoutWei: args.minPayout === "" ? 0n : coin("min-payout", args.minPayout),
    ...(maxBatchGas !== undefined ? { maxBatchGas } : {}),
    batchSize: args.batchSize,
    ...(fundFrom !== undefined ? { fundFrom, fundLimitWei: coin("fund-limit", args.fundLimit) } : {}),
    metricsPort: args.metricsPort,
    fromBlock: fromBlockOption(args.fromBlock),
  };
}

/** One JSON log line on stdout. */
function logLine(event: KeeperLogEvent): void {
  const { level, event: name, ...rest } = event;
  process.stdout.write(
    `${JSON.stringify({ time: new Date().toISOString(), level, event: name, ...rest }, jsonReplacer)}\n`,
  );
}

/** What the keeper needs of the network's provider (Hardhat's ethers provider has all of it). */
interface NetworkProvider {
  send(method: string, params: unknown[]): Promise<unknown>;
  getSigner(address: string): Promise<Signer>;
  getBlock(block: bigint): Promise<{ timestamp: number } | null>;
}

async function fundingTransport(networkName: string, provider: NetworkProvider, account: Address) {
  const accounts = ((await provider.send("eth_accounts", [])) as string[]).map((a) => a.toLowerCase());
  if (!accounts.includes(account.toLowerCase())) {
    throw new InputError(
      `--fund-from ${account}: network "${networkName}" has no key for it ` +
        "(it must be one of the network's accounts)",
    );
  }
  return fromEthers(await provider.getSigner(account));
}

export default async function keeperAction(
  raw: { [K in keyof Args]: Args[K] | undefined },
  hre: HardhatRuntimeEnvironment,
): Promise<void> {
  const args: Args = {
    factory: raw.factory ?? "",
    once: raw.once ?? false,
    interval: raw.interval ?? 30,
    minPayout: raw.minPayout ?? "",
    maxBatchGas: raw.maxBatchGas ?? "",
    batchSize: raw.batchSize ?? 100,
    fundFrom: raw.fundFrom ?? "",
    fundLimit: raw.fundLimit ?? "",
    metricsPort: raw.metricsPort ?? 9477,
    fromBlock: raw.fromBlock ?? "",
    shops: raw.shops ?? "",
  };
  let stopping = false;
  let wake: (() => void) | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stopping) logLine({ level: "info", event: "keeper.stopping", signal });
    stopping = true;
    wake?.();
  };
  let server: MetricsServer | undefined;
  let close: (() => Promise<void>) | undefined;
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  try {
    const options = parseKeeperOptions(args);
    const chain = await connect(hre);
    close = () => chain.close();
    const factory = await factoryAddress(hre, args.factory, chain.chainId, chain.transport);
    const provider = chain.provider as unknown as NetworkProvider;
    let funding: { transport: Transport; limitPerDayWei: bigint } | undefined;
    if (options.fundFrom !== undefined) {
      const transport =
        options.fundFrom === chain.account
          ? chain.transport
          : await fundingTransport(chain.networkName, provider, options.fundFrom);
      funding = { transport, limitPerDayWei: options.fundLimitWei ?? 0n };
    }
    const keeper = createKeeper({
      transport: chain.transport,
      factory,
      minPayoutWei: options.minPayoutWei,
      ...(options.maxBatchGas !== undefined ? { maxBatchGas: options.maxBatchGas } : {}),
      batchSize: options.batchSize,
      ...(funding !== undefined ? { funding } : {}),
      fromBlock: options.fromBlock,
      ...(options.shops !== undefined ? { shops: options.shops } : {}),
      blockTimestamp: async (n) => {
        const block = await provider.getBlock(n);
        if (block === null) throw new Error(`block ${n} not found`);
        return BigInt(block.timestamp);
      },
      log: (event) => {
        if (event.level !== "debug" || process.env.SHAREMALL_DEBUG === "1") logLine(event);
      },
    });
    const metrics = new KeeperMetrics();
    if (options.metricsPort !== 0) {
      server = await serveMetrics(metrics, options.metricsPort);
    }
    logLine({
      level: "info",
      event: "keeper.start",
      network: chain.networkName,
      chainId: chain.chainId,
      account: chain.account,
      factory,
      once: options.once,
      intervalSeconds: options.intervalMs / 1000,
      minPayoutWei: options.minPayoutWei,
      maxBatchGas: options.maxBatchGas ?? null,
      batchSize: options.batchSize,
      fundFrom: options.fundFrom ?? null,
      fundLimitWei: options.fundLimitWei ?? null,
      shops: options.shops ?? null,
      metrics: server?.url ?? null,
    });
    let last: TickReport | undefined;
    while (!stopping) {
      last = await keeper.tick();
      metrics.record(last);
      if (options.once || stopping) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
    logLine({ level: "info", event: "keeper.stop", ticks: last?.tick ?? 0 });
    process.exitCode = options.once && last !== undefined && !last.ok ? EXIT_FAILED : 0;
  } catch (error) {
    const { exitCode, code, message } = classifyError(error);
    logLine({ level: "error", event: "keeper.error", code, message });
    process.stderr.write(`error: ${message}\n`);
    process.exitCode = error instanceof InputError ? EXIT_BAD_INPUT : exitCode;
  } finally {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
    await server?.close();
    await close?.();
  }
}
