/**
 * Order files for `orders:record` and `orders:anchor` (CSV or JSON; docs/cli.md has the columns), and the state file
 * that makes both resumable: each order's salt is drawn once (SDK `newSalt`) and its chain order id fixed once — the
 * file's `chainOrderId`, or the next number of a sequence started by `--first-order-id` — and both are saved,
 * atomically, before anything is sent, so that a re-run recomputes exactly the same order hashes (SDK `hashOrder`)
 * under the same order ids (for a batch: the same `firstOrderId`, hence the same root).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  hashOrder,
  MAX_ORDER_ID,
  newSalt,
  normalizeOrder,
  ShareMallError,
  validateBytes32,
  validateOrderId,
  validateSalt,
  type Address,
  type Hex,
  type OrderItemInput,
  type PrivateOrder,
  type PrivateOrderInput,
} from "../../../sdk/src/index.js";
import { parseCsv } from "./csv.js";
import { InputError } from "./errors.js";
import { Progress, toJson, writeFileAtomic } from "./io.js";

/** CSV columns an order file must have. */
export const REQUIRED_COLUMNS = ["orderId", "customer", "amount", "createdAt"] as const;
/** CSV columns an order file may have (defaults in docs/cli.md). */
export const OPTIONAL_COLUMNS = [
  "chainOrderId",
  "referrer",
  "currency",
  "fiatAmount",
  "quotedRate",
  "items",
  "paidAt",
] as const;
const ALL_COLUMNS: readonly string[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];

/** One order of a file: where it is, and its validated private details. */
export interface FileOrder {
  /** Line (CSV) the order starts on, or its position in the JSON array (1-based). */
  readonly line: number;
  /** How to name the order in messages: `line 7` or `orders[6]`. */
  readonly where: string;
  /** The private order (its `orderId` is the merchant's reference, any text: part of what the hash commits to). */
  readonly order: PrivateOrder;
  /** The order's id on chain (`chainOrderId` column), when the file gives it. */
  readonly chainOrderId?: bigint;
  /**
   * When the order was paid off chain (`paidAt` column, unix seconds), when the file gives it; not part of the
   * private order (the hash does not commit to it). `--final-only` counts an order once its return window is over.
   */
  readonly paidAt?: bigint;
}

/** When an order was paid: its `paidAt`, else its `createdAt`. */
export function paidAtOf(o: FileOrder): bigint {
  return o.paidAt ?? o.order.createdAt;
}

/** `2026-11-25T10:00:00+08:00` or unix seconds -> unix seconds (as digits, for the SDK to validate). */
function parseTime(value: string, field = "createdAt"): string {
  const text = value.trim();
  if (/^[0-9]+$/.test(text)) return text;
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms) && ms % 1000 === 0) return String(ms / 1000);
    if (Number.isFinite(ms)) throw new InputError(`${field} ${JSON.stringify(value)} has a fraction of a second`);
  }
  throw new InputError(`${field} ${JSON.stringify(value)}: expected unix seconds or an ISO 8601 date-time`);
}

/** A `paidAt` field (CSV text or a JSON number or string), or undefined when blank or absent. */
function parsePaidAt(file: string, where: string, value: unknown): bigint | undefined {
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) return undefined;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value !== "string") {
    throw new InputError(
      `${file} ${where}: paidAt ${JSON.stringify(value)}: expected unix seconds or an ISO 8601 date-time`,
    );
  }
  try {
    return BigInt(parseTime(value, "paidAt"));
  } catch (error) {
    if (error instanceof InputError) throw new InputError(`${file} ${where}: ${error.message}`);
    throw error;
  }
}

/** `SKU:quantity:unitPrice;SKU:quantity:unitPrice` (the SKU may itself hold colons: the last two fields are numbers). */
function parseItems(value: string): OrderItemInput[] {
  const text = value.trim();
  if (text === "") return [];
  return text.split(";").map((part, k) => {
    const pieces = part.trim().split(":");
    if (pieces.length < 3) {
      throw new InputError(`items[${k}] ${JSON.stringify(part)}: expected SKU:quantity:unitPrice`);
    }
    const unitPrice = pieces.pop()!.trim();
    const quantity = pieces.pop()!.trim();
    return { sku: pieces.join(":").trim(), quantity, unitPrice };
  });
}

/** Validates one order with the SDK, naming where it is in the file. */
function validateOrder(file: string, where: string, input: PrivateOrderInput): PrivateOrder {
  try {
    return normalizeOrder(input);
  } catch (error) {
    if (error instanceof ShareMallError) throw new InputError(`${file} ${where}: ${error.message}`);
    throw error;
  }
}

/** A chain order id (decimal digits, or a JSON integer), `1 .. 2^64 - 1`, checked by the SDK. */
function parseChainOrderId(file: string, where: string, value: unknown): bigint {
  if (typeof value === "string" && !/^\s*[0-9]+\s*$/.test(value)) {
    throw new InputError(
      `${file} ${where}: chainOrderId ${JSON.stringify(value)} is not an order id (a whole number 1 .. 2^64 - 1)`,
    );
  }
  try {
    return validateOrderId("chainOrderId", typeof value === "string" ? value.trim() : value);
  } catch (error) {
    if (error instanceof ShareMallError) throw new InputError(`${file} ${where}: ${error.message}`);
    throw error;
  }
}

function fromCsv(file: string, text: string): FileOrder[] {
  const { columns, records } = parseCsv(text, file);
  for (const column of columns) {
    if (!ALL_COLUMNS.includes(column)) {
      throw new InputError(`${file} line 1: unknown column "${column}" (columns: ${ALL_COLUMNS.join(", ")})`);
    }
  }
  for (const column of REQUIRED_COLUMNS) {
    if (!columns.includes(column)) throw new InputError(`${file} line 1: missing column "${column}"`);
  }
  const numbered = columns.includes("chainOrderId");
  return records.map((record) => {
    const f = record.fields;
    const where = `line ${record.line}`;
    const get = (column: string, fallback: string) => {
      const value = f[column];
      return value === undefined || value.trim() === "" ? fallback : value.trim();
    };
    let input: PrivateOrderInput;
    try {
      const referrer = get("referrer", "");
      input = {
        orderId: f.orderId,
        customer: f.customer.trim(),
        amount: f.amount.trim(),
        ...(referrer !== "" ? { referrer } : {}),
        currency: get("currency", "XXX"),
        fiatAmount: get("fiatAmount", "0"),
        quotedRate: get("quotedRate", "0"),
        createdAt: parseTime(f.createdAt),
        items: parseItems(f.items ?? ""),
      };
    } catch (error) {
      if (error instanceof InputError) throw new InputError(`${file} ${where}: ${error.message}`);
      throw error;
    }
    const order = validateOrder(file, where, input);
    const paidAt = parsePaidAt(file, where, f.paidAt);
    const paid = paidAt !== undefined ? { paidAt } : {};
    if (!numbered) return { line: record.line, where, order, ...paid };
    if (f.chainOrderId.trim() === "") {
      throw new InputError(
        `${file} ${where}: empty chainOrderId (give every order its chain order id, or drop the column and number ` +
          `the orders from --first-order-id)`,
      );
    }
    return { line: record.line, where, order, chainOrderId: parseChainOrderId(file, where, f.chainOrderId), ...paid };
  });
}

function fromJson(file: string, text: string): FileOrder[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const list = Array.isArray(data) ? data : (data as { orders?: unknown } | null)?.orders;
  if (!Array.isArray(list)) throw new InputError(`${file}: expected an array of orders or { "orders": [...] }`);
  const orders = list.map((raw: unknown, i): FileOrder => {
    const where = `orders[${i}]`;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw new InputError(`${file} ${where}: expected an object`);
    }
    const { chainOrderId, paidAt: paidAtRaw, ...o } = raw as Record<string, unknown>;
    const paidAt = parsePaidAt(file, where, paidAtRaw);
    const paid = paidAt !== undefined ? { paidAt } : {};
    let createdAt: unknown = o.createdAt;
    if (typeof createdAt === "string") {
      try {
        createdAt = parseTime(createdAt);
      } catch (error) {
        if (error instanceof InputError) throw new InputError(`${file} ${where}: ${error.message}`);
        throw error;
      }
    }
    const input = {
      currency: "XXX",
      fiatAmount: "0",
      quotedRate: "0",
      items: [],
      ...o,
      createdAt,
    } as unknown as PrivateOrderInput;
    const order = validateOrder(file, where, input);
    if (chainOrderId === undefined || chainOrderId === null) return { line: i + 1, where, order, ...paid };
    return { line: i + 1, where, order, chainOrderId: parseChainOrderId(file, where, chainOrderId), ...paid };
  });
  const withIds = orders.filter((o) => o.chainOrderId !== undefined).length;
  if (withIds > 0 && withIds < orders.length) {
    const missing = orders.find((o) => o.chainOrderId === undefined)!;
    throw new InputError(
      `${file} ${missing.where}: no chainOrderId, though other orders have one (give every order its chain order ` +
        `id, or none and number them from --first-order-id)`,
    );
  }
  return orders;
}

/**
 * Reads an order file (`.json`, else CSV), validates every order with the SDK and refuses repeated order references
 * (`orderId`) and repeated chain order ids (`chainOrderId`). All errors are {@link InputError}s naming the file and
 * the line (CSV) or array index (JSON).
 */
export async function readOrderFile(file: string): Promise<FileOrder[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new InputError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const name = path.basename(file);
  const orders = file.toLowerCase().endsWith(".json") ? fromJson(name, text) : fromCsv(name, text);
  if (orders.length === 0) throw new InputError(`${name}: no orders`);
  const seen = new Map<string, string>();
  const seenIds = new Map<bigint, string>();
  for (const o of orders) {
    const first = seen.get(o.order.orderId);
    if (first !== undefined) {
      throw new InputError(
        `${name} ${o.where}: duplicate orderId ${JSON.stringify(o.order.orderId)} (first at ${first})`,
      );
    }
    seen.set(o.order.orderId, o.where);
    if (o.chainOrderId === undefined) continue;
    const firstId = seenIds.get(o.chainOrderId);
    if (firstId !== undefined) {
      throw new InputError(
        `${name} ${o.where}: duplicate chainOrderId ${o.chainOrderId} (first at ${firstId}); each order id counts ` +
          `once in a shop`,
      );
    }
    seenIds.set(o.chainOrderId, o.where);
  }
  return orders;
}

/** Whether the file gives the orders' chain order ids (else they are numbered from `--first-order-id`). */
export function hasChainOrderIds(orders: readonly FileOrder[]): boolean {
  return orders.length > 0 && orders[0].chainOrderId !== undefined;
}

// ------------------------------------------------------------------ State file

/** What the state file keeps per order reference (`orderId`). */
interface StateEntry {
  readonly salt: Hex;
  readonly orderHash: Hex;
  /** The order's chain order id, decimal. */
  readonly chainOrderId: string;
}

/** The state file (version 2): the salts and chain order ids drawn for a shop on a chain, by order reference. */
interface StateFile {
  readonly version: 2;
  readonly kind: "record" | "anchor";
  readonly shop: Address;
  readonly chainId: string;
  /** The latest block when the state was first saved: nothing of this state was sent before it. */
  readonly startBlock: string;
  /** `orders:record` numbering from `--first-order-id`: where it started, and the next number to give. */
  readonly firstOrderId?: string;
  readonly nextOrderId?: string;
  readonly orders: Record<string, StateEntry>;
}

/** An order with its salt, hash and chain order id, ready to send. */
export interface HashedOrder extends FileOrder {
  readonly salt: Hex;
  readonly orderHash: Hex;
  readonly chainOrderId: bigint;
  /** Whether the salt came from an earlier run's state file. */
  readonly resumed: boolean;
}

/** Orders ready to send, and the state file that must be saved ({@link saveState}) before anything is sent. */
export interface PreparedOrders {
  readonly orders: readonly HashedOrder[];
  /** The block from which this state's orders may be on chain (saved with the state the first time). */
  readonly startBlock: bigint;
  /** `orders:anchor`: the batch's first order id (`orders[0].chainOrderId`). */
  readonly firstOrderId: bigint;
  /** How many chain order ids this run drew from the `--first-order-id` sequence. */
  readonly numbered: number;
  readonly statePath: string;
  /** The state to save. */
  readonly state: StateFile;
}

/** Default state file of an input file: next to it. */
export function defaultStatePath(input: string, kind: "record" | "anchor"): string {
  return `${input}.${kind}-state.json`;
}

async function readState(file: string): Promise<StateFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let data: StateFile;
  try {
    data = JSON.parse(text) as StateFile;
  } catch (error) {
    throw new InputError(`state file ${file} is not valid JSON (${(error as Error).message})`);
  }
  if ((data as { version?: unknown }).version === 1) {
    throw new InputError(
      `state file ${file} is a version-1 state file (core v1, no order ids): its salts were drawn for a v1 shop; ` +
        `pass another --state`,
    );
  }
  if (data.version !== 2 || typeof data.orders !== "object" || data.orders === null) {
    throw new InputError(`state file ${file} is not a version-2 ShareMall state file`);
  }
  return data;
}

/** Where an order id conflicts within the numbering of one run. */
function idInUse(ids: Map<bigint, string>, id: bigint, who: string, where: string): void {
  const other = ids.get(id);
  if (other !== undefined && other !== who) {
    throw new InputError(
      `${where}: chain order id ${id} is also that of order ${JSON.stringify(other)} in the state file; each ` +
        `order id counts once (renumber the order, or pass another --state)`,
    );
  }
  ids.set(id, who);
}

/**
 * Gives every order a salt and a chain order id — the ones saved in the state file if an earlier run drew them,
 * else a fresh salt and the file's `chainOrderId` (or, without that column, the next number of the sequence that
 * `firstOrderId` starts and the state file continues) — and hashes it with the SDK. Nothing is written: the caller
 * checks the ids against the chain, then {@link saveState}s before sending.
 *
 * Refuses a state file of another shop, chain or kind; an order whose hash changed since its salt was saved (the
 * order was edited after an earlier run may have sent it: sending it again would count it twice); an order whose
 * chain order id changed since it was saved; and, for a batch (`kind: "anchor"`), ids that are not consecutive
 * from the first order's in file order, or a `firstOrderId` other than the saved one (either would change the
 * root of a batch that may be anchored already).
 */
export async function prepareOrders(
  orders: readonly FileOrder[],
  context: {
    shop: Address;
    chainId: bigint;
    statePath: string;
    kind: "record" | "anchor";
    /** `--first-order-id`, if given. */
    firstOrderId?: bigint;
    /** The latest block now (the state's `startBlock` on a first run). */
    block: bigint;
    /** The order file, to name it in messages. */
    file?: string;
  },
): Promise<PreparedOrders> {
  const { shop, chainId, statePath, kind } = context;
  const prefix = context.file !== undefined ? `${path.basename(context.file)} ` : "";
  const state = await readState(statePath);
  if (state !== undefined) {
    if (state.kind !== kind || state.shop !== shop || state.chainId !== chainId.toString()) {
      throw new InputError(
        `state file ${statePath} is for ${state.kind} on shop ${state.shop}, chain ${state.chainId}; this run is ` +
          `${kind} on shop ${shop}, chain ${chainId} (pass another --state)`,
      );
    }
  }
  const saved = state?.orders ?? {};
  const fromFile = hasChainOrderIds(orders);
  const option = context.firstOrderId;
  if (fromFile && option !== undefined) {
    throw new InputError(
      `--first-order-id ${option}: the file gives every order its chainOrderId already (drop the option, or the column)`,
    );
  }
  const savedFirst = state?.firstOrderId !== undefined ? BigInt(state.firstOrderId) : undefined;
  if (option !== undefined && savedFirst !== undefined && option !== savedFirst) {
    throw new InputError(
      `--first-order-id ${option}: state file ${statePath} numbers these orders from ${savedFirst} (an earlier run ` +
        `may have sent them under those ids); drop the option, or pass another --state`,
    );
  }

  // Every id the state file has given, so that a new number never repeats one (orders no longer in the file stay).
  const taken = new Map<bigint, string>();
  for (const [ref, entry] of Object.entries(saved)) taken.set(BigInt(entry.chainOrderId), ref);

  let next: bigint | undefined =
    state?.nextOrderId !== undefined ? BigInt(state.nextOrderId) : (option ?? savedFirst ?? undefined);
  let sequenceFirst = savedFirst ?? option;
  let numbered = 0;
  const ids: bigint[] = [];
  if (kind === "anchor") {
    // A batch takes consecutive ids from its first order's, in file order: ids[i] = first + i.
    const savedIds = orders.map((o) =>
      Object.hasOwn(saved, o.order.orderId) ? BigInt(saved[o.order.orderId].chainOrderId) : undefined,
    );
    let first: bigint;
    if (fromFile) {
      first = orders[0].chainOrderId!;
      orders.forEach((o, i) => {
        if (o.chainOrderId !== first + BigInt(i)) {
          throw new InputError(
            `${prefix}${o.where}: chainOrderId ${o.chainOrderId} breaks the batch's sequence (expected ${first + BigInt(i)}: ` +
              `a batch takes consecutive order ids from its first order's, in file order)`,
          );
        }
      });
    } else if (savedFirst !== undefined) {
      first = savedFirst;
    } else if (option !== undefined) {
      first = option;
    } else {
      throw new InputError(
        "the file has no chainOrderId column: give --first-order-id N, the chain order id of its first order (the " +
          'batch takes N .. N + count - 1; see docs/cli.md, "Order ids")',
      );
    }
    if (first + BigInt(orders.length) - 1n > MAX_ORDER_ID) {
      throw new InputError(`order ids from ${first} for ${orders.length} orders pass 2^64 - 1`);
    }
    orders.forEach((o, i) => {
      const id = first + BigInt(i);
      const was = savedIds[i];
      if (was !== undefined && was !== id) {
        throw new InputError(
          `${prefix}${o.where}: order ${JSON.stringify(o.order.orderId)} had chain order id ${was} in ${statePath}, now ` +
            `${id}; a batch that may be anchored must not change (restore the file's order, or pass another --state)`,
        );
      }
      ids.push(id);
    });
    sequenceFirst = first;
    next = undefined;
  } else {
    for (const o of orders) {
      const ref = o.order.orderId;
      const was = Object.hasOwn(saved, ref) ? BigInt(saved[ref].chainOrderId) : undefined;
      let id: bigint;
      if (o.chainOrderId !== undefined) {
        if (was !== undefined && was !== o.chainOrderId) {
          throw new InputError(
            `${prefix}${o.where}: order ${JSON.stringify(ref)} had chain order id ${was} in ${statePath}, now ` +
              `${o.chainOrderId}; an order that may have been sent must keep its id (restore it, or give it a new orderId)`,
          );
        }
        id = o.chainOrderId;
      } else if (was !== undefined) {
        id = was;
      } else {
        if (next === undefined) {
          throw new InputError(
            `the file has no chainOrderId column: give --first-order-id N, the chain order id of its first order ` +
              `(the others follow in file order; see docs/cli.md, "Order ids")`,
          );
        }
        id = next;
        next++;
        numbered++;
        if (id > MAX_ORDER_ID) throw new InputError(`${prefix}${o.where}: chain order id ${id} passes 2^64 - 1`);
      }
      idInUse(taken, id, ref, `${prefix}${o.where}`);
      ids.push(id);
    }
  }

  const progress = orders.length >= 10_000 ? new Progress(`${kind}: hashing orders`, orders.length) : undefined;
  const hashed = orders.map((o, i): HashedOrder => {
    progress?.update(i + 1);
    const entry = Object.hasOwn(saved, o.order.orderId) ? saved[o.order.orderId] : undefined;
    const salt = entry !== undefined ? validateSalt(entry.salt) : newSalt();
    const orderHash = hashOrder(o.order, { shop, chainId, salt });
    if (entry !== undefined && validateBytes32("orderHash", entry.orderHash) !== orderHash) {
      throw new InputError(
        `${prefix}${o.where}: order ${JSON.stringify(o.order.orderId)} changed since its hash ${entry.orderHash} was saved in ` +
          `${statePath}; an order that may have been sent must not change (restore it, or give it a new orderId)`,
      );
    }
    return { ...o, salt, orderHash, chainOrderId: ids[i], resumed: entry !== undefined };
  });
  const startBlock = state !== undefined ? BigInt(state.startBlock) : context.block;
  const nextState: StateFile = {
    version: 2,
    kind,
    shop,
    chainId: chainId.toString(),
    startBlock: startBlock.toString(),
    ...(sequenceFirst !== undefined ? { firstOrderId: sequenceFirst.toString() } : {}),
    ...(next !== undefined && kind === "record" ? { nextOrderId: next.toString() } : {}),
    // Keep entries of orders no longer in the file: they may be on chain.
    orders: {
      ...saved,
      ...Object.fromEntries(
        hashed.map((o) => [
          o.order.orderId,
          { salt: o.salt, orderHash: o.orderHash, chainOrderId: o.chainOrderId.toString() },
        ]),
      ),
    },
  };
  return {
    orders: hashed,
    startBlock,
    firstOrderId: ids[0],
    numbered,
    statePath,
    state: nextState,
  };
}

/** Writes the state file of {@link prepareOrders} atomically: call it before sending anything. */
export async function saveState(prepared: PreparedOrders): Promise<void> {
  await writeFileAtomic(prepared.statePath, `${toJson(prepared.state)}\n`);
}
