/**
 * Payment files of `payments:capture`, `payments:void` and `payments:refund` (docs/cli.md): a CSV file with a header
 * row and the columns `orderHash`, `customer` and, per task, `amount` — wei, a whole number, as in the order files.
 * Every row is validated with the SDK and named by its line in errors; a pair `(orderHash, customer)` appears once.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  ShareMallError,
  UINT96_MAX,
  validateAddress,
  validateAmount,
  validateBytes32,
  type Address,
  type Hex,
} from "../../../sdk/src/index.js";
import { parseCsv } from "./csv.js";
import { InputError } from "./errors.js";

/** Whether a task's file has an `amount` column, and whether it may be blank (blank: the whole held amount). */
export type AmountColumn = "none" | "optional" | "required";

/** One row of a payment file. */
export interface PaymentRow {
  /** The line it is on (1-based; line 1 is the header). */
  readonly line: number;
  readonly orderHash: Hex;
  readonly customer: Address;
  /** Wei, when the row gives an amount. */
  readonly amountWei?: bigint;
}

/** The key of a payment: its order hash and customer. */
export function paymentKey(orderHash: Hex, customer: Address): string {
  return `${orderHash}:${customer}`;
}

function field<T>(file: string, line: number, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ShareMallError) throw new InputError(`${file} line ${line}: ${error.message}`);
    throw error;
  }
}

/**
 * Reads a payment file. Refuses (InputError, exit code 2) an unreadable or empty file, a missing or unknown column
 * (line 1), a malformed order hash, address or amount, a zero or over-2^96 amount, a missing amount where the task
 * needs one, and a pair `(orderHash, customer)` given twice (naming the first line).
 */
export async function readPaymentFile(file: string, amount: AmountColumn): Promise<PaymentRow[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new InputError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const name = path.basename(file);
  const { columns, records } = parseCsv(text, name);
  const allowed = amount === "none" ? ["orderHash", "customer"] : ["orderHash", "customer", "amount"];
  for (const column of columns) {
    if (!allowed.includes(column)) {
      throw new InputError(`${name} line 1: unknown column "${column}" (columns: ${allowed.join(", ")})`);
    }
  }
  const required = amount === "required" ? allowed : ["orderHash", "customer"];
  for (const column of required) {
    if (!columns.includes(column)) throw new InputError(`${name} line 1: missing column "${column}"`);
  }
  if (records.length === 0) throw new InputError(`${name}: no rows`);
  const seen = new Map<string, number>();
  return records.map((record) => {
    const { line, fields } = record;
    const orderHash = field(name, line, () =>
      validateBytes32("orderHash", fields.orderHash.trim(), { allowZero: false }),
    );
    const customer = field(name, line, () => validateAddress("customer", fields.customer.trim()));
    const raw = (fields.amount ?? "").trim();
    let amountWei: bigint | undefined;
    if (raw === "") {
      if (amount === "required") throw new InputError(`${name} line ${line}: empty "amount" (wei to refund)`);
    } else {
      if (!/^[0-9]+$/.test(raw)) {
        throw new InputError(
          `${name} line ${line}: Invalid amount for "amount": ${JSON.stringify(raw)} (expected wei, a whole number)`,
        );
      }
      amountWei = field(name, line, () => validateAmount("amount", raw, { min: 1n, max: UINT96_MAX }));
    }
    const key = paymentKey(orderHash, customer);
    const first = seen.get(key);
    if (first !== undefined) {
      throw new InputError(
        `${name} line ${line}: payment of ${customer} for order ${orderHash} is also on line ${first} (one row ` +
          `per payment)`,
      );
    }
    seen.set(key, line);
    return { line, orderHash, customer, ...(amountWei !== undefined ? { amountWei } : {}) };
  });
}
