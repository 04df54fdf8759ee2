/**
 * Where the keeper learns which shops exist and who holds a token. Both are seams: the chain-backed sources below
 * read the factory's registry and the tokens' `Transfer` logs; an indexer (a separate piece of work, not built yet)
 * can be plugged in by implementing {@link ShopSource} and {@link HolderSource}.
 */
import { readContract, shareMallFactoryAbi, tokenHolders, type Address, type Transport } from "../../sdk/src/index.js";

/** Lists the shops the keeper serves. */
export interface ShopSource {
  /** Every shop to look at this tick (order is kept in reports). */
  shops(): Promise<readonly Address[]>;
}

/** Lists a token's holders. */
export interface HolderSource {
  /**
   * Every holder of `token` with a balance above zero as of block `toBlock` (the tick's latest block). A holder left
   * out is simply not pushed its dividends this tick (it can still claim); a holder listed with nothing claimable
   * costs one read.
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
      const count = await readContract(transport, factory, shareMallFactoryAbi, "shopCount", []);
      for (let start = BigInt(known.length); start < count; start += SHOP_PAGE) {
        const limit = count - start < SHOP_PAGE ? count - start : SHOP_PAGE;
        known.push(...(await readContract(transport, factory, shareMallFactoryAbi, "shops", [start, limit])));
      }
      return [...known];
    },
  };
}

/**
 * Holders from each token's `Transfer` logs (SDK `tokenHolders`), scanned incrementally: a per-token block cursor
 * and the balances it reached are kept in memory, so each call reads only the blocks since the last one. A restart
 * rescans from `fromBlock`.
 *
 * @param fromBlock - First block scanned for every token (the factory's deployment block on a long chain).
 */
export function chainHolderSource(
  transport: Transport,
  options: { readonly fromBlock?: bigint; readonly pageSize?: bigint } = {},
): HolderSource {
  const cursors = new Map<Address, { toBlock: bigint; balances: ReadonlyMap<Address, bigint> }>();
  return {
    async holders(token, toBlock) {
      const cursor = cursors.get(token);
      const fromBlock = cursor === undefined ? (options.fromBlock ?? 0n) : cursor.toBlock + 1n;
      if (cursor !== undefined && fromBlock > toBlock) return [...cursor.balances.keys()];
      const scan = await tokenHolders(transport, token, {
        fromBlock,
        toBlock,
        ...(cursor !== undefined ? { balances: cursor.balances } : {}),
        ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
      });
      cursors.set(token, { toBlock: scan.toBlock, balances: scan.balances });
      return scan.holders;
    },
  };
}
