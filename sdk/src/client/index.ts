/**
 * Chain access: the {@link Transport} seam, its ethers and viem adapters, the contract codec and batched reads.
 *
 * @packageDocumentation
 */
export * from "./transport.js";
export * from "./ethers.js";
export * from "./viem.js";
export * from "./contract.js";
export * from "./retry.js";
export {
  contractRead,
  readContracts,
  DEFAULT_CALLS_PER_BATCH,
  DEFAULT_READ_CONCURRENCY,
  MULTICALL3_ADDRESS,
  type ContractRead,
  type ContractReadResult,
  type ReadBatching,
  type ReadContractsParameters,
  type ReadOutcome,
} from "./multicall.js";
