/**
 * ShareMall SDK: chain-free modules for private order anchoring — order hashing and selective disclosure,
 * Merkle batches, EIP-712 receipts — with validation that refuses bad input before anything is hashed or signed.
 *
 * @packageDocumentation
 */
export * from "./types.js";
export * from "./errors.js";
export * from "./validation.js";
export * from "./orders/index.js";
export * from "./merkle/index.js";
export * from "./receipts/index.js";
export * from "./rules.js";
export * from "./abis.js";
export * from "./contract-errors.js";
export * from "./client/index.js";
export * from "./read.js";
export * from "./holder.js";
export * from "./merchant.js";
