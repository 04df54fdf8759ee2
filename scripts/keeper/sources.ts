/**
 * Where the keeper learns which shops exist and who holds a token. Both are seams: the chain-backed sources below
 * read the factory's registry and the tokens' `Transfer` logs; an indexer (a separate piece of work, not built yet)
 * can be plugged in by implementing {@link ShopSource} and {@link HolderSource}.
 */
import {
  decodeLogs,
  dividendTokenAbi,
  eventTopic,
  getLogsPaged,
  readContract,
  shareMallFactoryAbi,
  type Address,
  type Transport,
} from "../../sdk/src/index.js";

const ZERO: Address = "0x0000000000000000000000000000000000000000";

/** Lists the shops the keeper serves. */
export interface ShopSource {
  /** Every shop to look at this tick (order is kept in reports). */
  shops(): Promise<readonly Address[]>;
}

/** Lists a token's holders. */
export interface HolderSource {
  /**
   * Every address that may have dividends of `token` as of block `toBlock` (the tick's latest block): its holders,
   * and its former holders (a balance of zero can still have dividends to be paid). A holder left out is simply not
   * pushed its dividends this tick (it can still claim); one listed with nothing claimable costs one read.
   */
  holders(token: Address, toBlock: bigint): Promise<readonly Address[]>;
}

/** Page size of the factory's `shops(start, limit)` reads. */
const SHOP_PAGE = 100n;

/**
 * The factory's shop registry (`shopCount`, `shops(start, limit)`): append-only, so only new entries are read after
 * the first call.
 */
export function factoryShopSource(transport: Transport, factory: Address): ShopSource {
  const known: Address[] = [];
  return {
    async shops() {
      const count = await readContract(transport, {
        address: factory,
        abi: shareMallFactoryAbi,
        functionName: "shopCount",
        args: [],
      });
      for (let start = BigInt(known.length); start < count; start += SHOP_PAGE) {
        const limit = count - start < SHOP_PAGE ? count - start : SHOP_PAGE;
        known.push(
          ...(await readContract(transport, {
            address: factory,
            abi: shareMallFactoryAbi,
            functionName: "shops",
            args: [start, limit],
          })),
        );
      }
      return [...known];
    },
  };
}

/** Blocks at the chain's tip scanned again on every call, so that logs a reorg replaced are read again. */
export const REORG_WINDOW = 64n;

/**
 * Payees from each token's `Transfer` logs: every address that ever received the token, kept even once its balance
 * is zero (a holder whose tokens a refund took back, or who transferred them all, still has its dividends to be
 * paid). Scanned incrementally with a per-token block cursor kept in memory: each call reads only the blocks since
 * the last one, plus the last {@link REORG_WINDOW} blocks again (adding an address twice changes nothing, so a
 * reorg can only leave an address that no longer received anything, which costs one `claimable` read). A restart
 * rescans from `fromBlock`.
 *
 * @param fromBlock - First block scanned for every token (the factory's deployment block on a long chain).
 */
export function chainHolderSource(
  transport: Transport,
  options: { readonly fromBlock?: bigint; readonly pageSize?: bigint } = {},
): HolderSource {
  const start = options.fromBlock ?? 0n;
  const seen = new Map<Address, { toBlock: bigint; payees: Set<Address> }>();
  return {
    async holders(token, toBlock) {
      let entry = seen.get(token);
      if (entry === undefined) {
        entry = { toBlock: start - 1n, payees: new Set() };
        seen.set(token, entry);
      }
      const rescan = entry.toBlock - REORG_WINDOW + 1n;
      const fromBlock = rescan > start ? rescan : start;
      if (fromBlock <= toBlock) {
        const logs = await getLogsPaged(transport, {
          address: token,
          topics: [eventTopic(dividendTokenAbi, "Transfer")],
          fromBlock,
          toBlock,
          ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
        });
        for (const e of decodeLogs(dividendTokenAbi, logs)) {
          if (e.eventName === "Transfer" && e.args.to !== ZERO) entry.payees.add(e.args.to);
        }
        if (toBlock > entry.toBlock) entry.toBlock = toBlock;
      }
      return [...entry.payees];
    },
  };
}
