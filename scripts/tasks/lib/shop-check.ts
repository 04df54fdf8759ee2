/** Shop checks shared by the order tasks. */
import {
  ChainCallError,
  NotAContractError,
  readContract,
  shopAbi,
  type Address,
  type Transport,
} from "../../../sdk/src/index.js";
import { mapLimit, Progress } from "./io.js";

/** Throws the SDK's NotAContractError unless `shop` answers like a shop. */
export async function requireShop(transport: Transport, shop: Address): Promise<void> {
  try {
    await readContract(transport, shop, shopAbi, "tokenCount", []);
  } catch (error) {
    if (error instanceof ChainCallError && error.code === "BAD_RESULT") throw new NotAContractError("shop", shop);
    throw error;
  }
}

/** `Shop.isOrderCounted` for each order (a few calls in flight at once). */
export function countedOnChain(
  transport: Transport,
  shop: Address,
  orders: readonly { readonly orderHash: `0x${string}`; readonly order: { readonly customer: Address } }[],
  label: string,
): Promise<boolean[]> {
  const progress =
    orders.length >= 1000 ? new Progress(`${label}: checking orders on chain`, orders.length) : undefined;
  let done = 0;
  return mapLimit(orders, 8, async (o) => {
    const counted = await readContract(transport, shop, shopAbi, "isOrderCounted", [o.orderHash, o.order.customer]);
    progress?.update(++done);
    return counted;
  });
}
