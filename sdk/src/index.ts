/**
 * ShareMall SDK: merchant, customer and holder functions, payments with returns over an ethers signer/provider or viem clients (one
 * `Transport` seam), read models, private orders (order hashing and selective disclosure, Merkle batches, EIP-712
 * receipts), token rules in human units, `as const` ABIs and typed contract errors; bad input is refused before
 * anything is hashed, signed or sent. Guide: docs/sdk.md.
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
export * from "./payments.js";
export * from "./payouts.js";
