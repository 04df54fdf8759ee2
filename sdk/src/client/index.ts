/**
 * Chain access: the {@link Transport} seam, its ethers and viem adapters, and the contract codec.
 *
 * @packageDocumentation
 */
export * from "./transport.js";
export * from "./ethers.js";
export * from "./viem.js";
export * from "./contract.js";
export * from "./retry.js";
