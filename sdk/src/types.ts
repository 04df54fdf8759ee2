/**
 * Shared scalar types of the ShareMall SDK.
 *
 * @packageDocumentation
 */

/** A `0x`-prefixed hexadecimal string. The SDK always returns lower-case hex (addresses excepted). */
export type Hex = `0x${string}`;

/** A 20-byte account address in EIP-55 checksummed form (as returned by every SDK function). */
export type Address = `0x${string}`;

/**
 * An integer given as a `bigint`, a safe-integer `number` or a decimal string of digits (`"123"`).
 * Fractions, negative values, `NaN`, infinities, unsafe integers and non-decimal strings are refused.
 */
export type IntegerLike = bigint | number | string;
