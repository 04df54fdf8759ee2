/**
 * Gas breakdown of one mined transaction, from an opcode trace (`debug_traceTransaction`, struct logger).
 *
 * Every opcode's cost is put into a component (intrinsic, cold/warm storage reads, storage writes by kind, call
 * overheads, logs, contract creation, plain computation), so that the benchmark can show where the gas of an
 * operation goes and what part of it no implementation could avoid. The components add up to the receipt's gasUsed
 * (the refund is a negative component); `unexplained` is whatever does not, and should be 0.
 */

/** One step of the struct logger's trace (stack, memory and storage disabled). */
export interface StructLog {
  pc: number;
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  refund?: number;
}

interface TraceResult {
  gas: number;
  failed: boolean;
  structLogs: StructLog[];
}

/** One component of a breakdown: what it is, how many times it occurred and the gas it cost in all. */
export interface BreakdownLine {
  /** Description with the unit costs, for tables. */
  component: string;
  /** Short name, for arithmetic in prose. */
  short: string;
  /**
   * Whether the cost is state access, calls, logs or intrinsic gas, fixed by what the operation reads, writes,
   * calls and emits; the rest (computation, hashing, warm re-accesses) is execution that tighter code can shrink.
   */
  fixed: boolean;
  count: number;
  gas: number;
}

interface Kind {
  component: string;
  short: string;
  fixed: boolean;
  /** Position in the breakdown table. */
  rank: number;
}

export interface Breakdown {
  gasUsed: number;
  lines: BreakdownLine[];
  /** gasUsed minus the sum of the lines (0 when the trace accounts for every unit of gas). */
  unexplained: number;
}

/** The only provider method the breakdown needs (ethers' `provider.send`). */
export interface TraceProvider {
  send(method: string, params: unknown[]): Promise<unknown>;
}

const CALL_OPS = new Set(["CALL", "CALLCODE", "DELEGATECALL", "STATICCALL"]);
const CREATE_OPS = new Set(["CREATE", "CREATE2"]);
const ACCOUNT_OPS = new Set(["EXTCODECOPY", "EXTCODESIZE", "EXTCODEHASH", "BALANCE"]);

/** EIP-2929 cold account access, EIP-2929 warm access, value transfer and the stipend a value call gives back. */
const COLD_ACCOUNT = 2_600;
const WARM_ACCESS = 100;
const CALL_VALUE = 9_000;
/** The ecrecover precompile's fixed cost (address 0x01). */
const ECRECOVER = 3_000;
const CALL_STIPEND = 2_300;

const SSTORE_KINDS: Record<number, [string, string]> = {
  22_100: ["SSTORE zero to non-zero, cold slot (2,100 + 20,000)", "new cold slot"],
  20_000: ["SSTORE zero to non-zero, slot already read (20,000)", "new slot"],
  5_000: ["SSTORE non-zero to non-zero, cold slot (2,100 + 2,900)", "cold slot update"],
  2_900: ["SSTORE non-zero to non-zero, slot already read (2,900)", "slot update"],
  2_200: ["SSTORE unchanged value, cold slot (2,100 + 100)", "cold unchanged slot"],
  100: ["SSTORE to a slot already written in the tx (100)", "rewrite"],
};

const kind = (component: string, short: string, fixed: boolean, rank: number): Kind => ({
  component,
  short,
  fixed,
  rank,
});

/** Intrinsic gas of a call transaction: 21,000 plus 4 per zero and 16 per non-zero calldata byte. */
export function intrinsicGas(calldata: string): { total: number; zero: number; nonZero: number } {
  const hex = calldata.startsWith("0x") ? calldata.slice(2) : calldata;
  let zero = 0;
  let nonZero = 0;
  for (let k = 0; k < hex.length; k += 2) {
    if (hex.slice(k, k + 2) === "00") zero += 1;
    else nonZero += 1;
  }
  return { total: 21_000 + 4 * zero + 16 * nonZero, zero, nonZero };
}

function callKind(op: string, overhead: number): Kind {
  const value = op === "CALL" && overhead >= CALL_VALUE - CALL_STIPEND + WARM_ACCESS;
  const access = value ? overhead - (CALL_VALUE - CALL_STIPEND) : overhead;
  const cold = access >= COLD_ACCOUNT;
  const parts = [cold ? "cold account 2,600" : "warm account 100"];
  if (value) parts.push("value 9,000 - 2,300 stipend returned");
  const short = `${cold ? "cold " : ""}${value ? "value " : ""}${op}`;
  return kind(`${op} overhead (${parts.join(", ")})`, short, cold || value, cold || value ? 1 : 2);
}

/** Builds the breakdown of transaction `hash` (a call, not a deployment) from its trace and receipt figures. */
export async function gasBreakdown(
  provider: TraceProvider,
  hash: string,
  tx: { gasLimit: bigint; data: string },
  gasUsed: bigint,
): Promise<Breakdown> {
  const trace = (await provider.send("debug_traceTransaction", [
    hash,
    { disableStack: true, disableMemory: true, disableStorage: true },
  ])) as TraceResult;
  const steps = trace.structLogs;
  const lines = new Map<string, BreakdownLine & { rank: number }>();
  const add = ({ component, short, fixed, rank }: Kind, gas: number, count = 1): void => {
    const line = lines.get(component) ?? { component, short, fixed, rank, count: 0, gas: 0 };
    line.count += count;
    line.gas += gas;
    lines.set(component, line);
  };

  const intrinsic = intrinsicGas(tx.data);
  // What the EVM charged before the first opcode (equals the formula for a call without an access list).
  const upfront = steps.length > 0 ? Number(tx.gasLimit) - steps[0].gas : intrinsic.total;
  const calldata = `${intrinsic.nonZero} non-zero x 16, ${intrinsic.zero} zero x 4 bytes`;
  add(kind(`intrinsic: 21,000 + calldata (${calldata})`, "intrinsic", true, 0), upfront);

  // For each call or create, the step where its frame returns to the caller's depth.
  const returnIndex = new Map<number, number>();
  const open: number[] = [];
  for (let k = 0; k < steps.length; ++k) {
    while (open.length > 0 && steps[k].depth <= steps[open[open.length - 1]].depth) {
      returnIndex.set(open.pop() as number, k);
    }
    if (CALL_OPS.has(steps[k].op) || CREATE_OPS.has(steps[k].op)) open.push(k);
  }

  let execution = 0;
  for (let k = 0; k < steps.length; ++k) {
    const step = steps[k];
    let cost = step.gasCost;
    if (CALL_OPS.has(step.op) || CREATE_OPS.has(step.op)) {
      const back = returnIndex.get(k);
      if (back === undefined) throw new Error(`trace of ${hash}: ${step.op} at step ${k} never returns`);
      const total = step.gas - steps[back].gas;
      let inner = 0;
      if (k + 1 < back && steps[k + 1].depth === step.depth + 1) {
        // The callee ran code: it started with steps[k + 1].gas and handed back what its last step left.
        const last = steps[back - 1];
        inner = steps[k + 1].gas - (last.gas - last.gasCost);
      }
      cost = total - inner;
      const ranCode = k + 1 < back && steps[k + 1].depth === step.depth + 1;
      if (step.op === "STATICCALL" && !ranCode && cost === WARM_ACCESS + ECRECOVER) {
        // A precompile runs no EVM code; precompiles are always warm. The only one the contracts call is ecrecover.
        add(kind("ecrecover precompile (warm 100 + 3,000)", "ecrecover", true, 1), cost);
      } else if (CREATE_OPS.has(step.op)) {
        add(kind(`${step.op} (32,000 + initcode hashing + 200 per byte of code deposited)`, step.op, true, 1), cost);
      } else {
        add(callKind(step.op, cost), cost);
      }
    } else if (step.op === "SLOAD") {
      const cold = step.gasCost >= 2_100;
      add(
        kind(cold ? "SLOAD cold (2,100)" : "SLOAD warm (100)", cold ? "cold SLOAD" : "warm SLOAD", cold, cold ? 3 : 4),
        cost,
      );
    } else if (step.op === "SSTORE") {
      const [component, short] = SSTORE_KINDS[step.gasCost] ?? [`SSTORE (${step.gasCost})`, "SSTORE"];
      add(kind(component, short, step.gasCost !== WARM_ACCESS, step.gasCost === WARM_ACCESS ? 6 : 5), cost);
    } else if (step.op.startsWith("LOG")) {
      add(kind("LOG (375 + 375 per topic + 8 per data byte)", "LOG", true, 7), cost);
    } else if (step.op === "KECCAK256") {
      add(kind("KECCAK256 (mapping slots, hashes)", "KECCAK256", false, 8), cost);
    } else if (ACCOUNT_OPS.has(step.op)) {
      const cold = step.gasCost >= COLD_ACCOUNT;
      add(
        kind(
          `${step.op} (${cold ? "cold account 2,600" : "warm account 100"}${step.op === "EXTCODECOPY" ? " + copy" : ""})`,
          `${cold ? "cold " : ""}${step.op}`,
          cold,
          cold ? 1 : 2,
        ),
        cost,
      );
    } else {
      add(kind("computation (stack, memory, jumps, calldata)", "computation", false, 9), cost);
    }
    execution += cost;
  }

  // Cross-check: the gas left after the last step must match the sum of the components.
  const last = steps[steps.length - 1];
  const consumed = last === undefined ? upfront : Number(tx.gasLimit) - (last.gas - last.gasCost);
  const used = Number(gasUsed);
  const refund = Math.min(last?.refund ?? 0, Math.floor(consumed / 5));
  if (refund !== 0) add(kind("refund (EIP-3529: slots reset or cleared, capped at 1/5)", "refund", true, 10), -refund);
  const floor = 21_000 + 10 * (intrinsic.zero + 4 * intrinsic.nonZero);
  if (floor > consumed - refund)
    add(kind("calldata floor (EIP-7623)", "calldata floor", true, 11), floor - (consumed - refund));
  const list = [...lines.values()]
    .sort((a, b) => a.rank - b.rank || b.gas - a.gas)
    .map(({ component, short, fixed, count, gas }) => ({ component, short, fixed, count, gas }));
  const explained = list.reduce((sum, line) => sum + line.gas, 0);
  if (upfront + execution !== consumed) {
    throw new Error(`trace of ${hash}: components ${upfront + execution} != consumed ${consumed}`);
  }
  return { gasUsed: used, lines: list, unexplained: used - explained };
}
