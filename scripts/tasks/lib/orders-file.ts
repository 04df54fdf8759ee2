/**
 * Order files for `orders:record` and `orders:anchor` (CSV or JSON; docs/cli.md has the columns), and the state file
 * that makes both resumable: each order's salt is drawn once (SDK `newSalt`) and saved — atomically, before anything
 * is sent — so that a re-run recomputes exactly the same order hashes (SDK `hashOrder`).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  hashOrder,
  newSalt,
  normalizeOrder,
  ShareMallError,
  validateBytes32,
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
export const OPTIONAL_COLUMNS = ["referrer", "currency", "fiatAmount", "quotedRate", "items"] as const;
const ALL_COLUMNS: readonly string[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];

/** One order of a file: where it is, and its validated private details. */
export interface FileOrder {
  /** Line (CSV) the order starts on, or its position in the JSON array (1-based). */
  readonly line: number;
  /** How to name the order in messages: `line 7` or `orders[6]`. */
  readonly where: string;
  readonly order: PrivateOrder;
}

/** `2026-11-25T10:00:00+08:00` or unix seconds -> unix seconds (as digits, for the SDK to validate). */
function parseTime(value: string): string {
  const text = value.trim();
  if (/^[0-9]+$/.test(text)) return text;
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms) && ms % 1000 === 0) return String(ms / 1000);
    if (Number.isFinite(ms)) throw new InputError(`createdAt ${JSON.stringify(value)} has a fraction of a second`);
  }
  throw new InputError(`createdAt ${JSON.stringify(value)}: expected unix seconds or an ISO 8601 date-time`);
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
    return { line: record.line, where, order: validateOrder(file, where, input) };
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
  return list.map((raw: unknown, i) => {
    const where = `orders[${i}]`;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw new InputError(`${file} ${where}: expected an object`);
    }
    const o = raw as Record<string, unknown>;
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
    return { line: i + 1, where, order: validateOrder(file, where, input) };
  });
}

/**
 * Reads an order file (`.json`, else CSV), validates every order with the SDK and refuses repeated order ids. All
 * errors are {@link InputError}s naming the file and the line (CSV) or array index (JSON).
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
  for (const o of orders) {
    const first = seen.get(o.order.orderId);
    if (first !== undefined) {
      throw new InputError(
        `${name} ${o.where}: duplicate orderId ${JSON.stringify(o.order.orderId)} (first at ${first})`,
      );
    }
    seen.set(o.order.orderId, o.where);
  }
  return orders;
}

// ------------------------------------------------------------------ State file

/** What the state file keeps per order id. */
interface StateEntry {
  readonly salt: Hex;
  readonly orderHash: Hex;
}

/** The state file (version 1): the salts drawn for a shop on a chain, by order id. */
interface StateFile {
  readonly version: 1;
  readonly kind: "record" | "anchor";
  readonly shop: Address;
  readonly chainId: string;
  readonly orders: Record<string, StateEntry>;
}

/** An order with its salt and hash, ready to send. */
export interface HashedOrder extends FileOrder {
  readonly salt: Hex;
  readonly orderHash: Hex;
  /** Whether the salt came from an earlier run's state file. */
  readonly resumed: boolean;
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
  if (data.version !== 1 || typeof data.orders !== "object" || data.orders === null) {
    throw new InputError(`state file ${file} is not a version-1 ShareMall state file`);
  }
  return data;
}

/**
 * Gives every order a salt — the one saved in the state file if an earlier run drew it, else a fresh one — hashes it
 * with the SDK, and writes the state file atomically before returning (so nothing is sent with an unsaved salt).
 * Refuses a state file of another shop, chain or kind, and an order whose hash changed since its salt was saved (the
 * order was edited after an earlier run may have sent it: sending it again would count it twice).
 */
export async function hashWithState(
  orders: readonly FileOrder[],
  context: { shop: Address; chainId: bigint; statePath: string; kind: "record" | "anchor" },
): Promise<HashedOrder[]> {
  const { shop, chainId, statePath, kind } = context;
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
  const progress = orders.length >= 10_000 ? new Progress(`${kind}: hashing orders`, orders.length) : undefined;
  const hashed = orders.map((o, i): HashedOrder => {
    progress?.update(i + 1);
    const entry = Object.hasOwn(saved, o.order.orderId) ? saved[o.order.orderId] : undefined;
    const salt = entry !== undefined ? validateSalt(entry.salt) : newSalt();
    const orderHash = hashOrder(o.order, { shop, chainId, salt });
    if (entry !== undefined && validateBytes32("orderHash", entry.orderHash) !== orderHash) {
      throw new InputError(
        `${o.where}: order ${JSON.stringify(o.order.orderId)} changed since its hash ${entry.orderHash} was saved in ` +
          `${statePath}; an order that may have been sent must not change (restore it, or give it a new orderId)`,
      );
    }
    return { ...o, salt, orderHash, resumed: entry !== undefined };
  });
  const next: StateFile = {
    version: 1,
    kind,
    shop,
    chainId: chainId.toString(),
    // Keep entries of orders no longer in the file: they may be on chain.
    orders: {
      ...saved,
      ...Object.fromEntries(hashed.map((o) => [o.order.orderId, { salt: o.salt, orderHash: o.orderHash }])),
    },
  };
  await writeFileAtomic(statePath, `${toJson(next)}\n`);
  return hashed;
}
