/**
 * Allocation-light hex and byte helpers for the hot paths (Merkle batches). Internal: not exported by the barrel.
 *
 * @packageDocumentation
 */
import { createKeccak, type IHasher } from "hash-wasm";
import type { Address, Hex } from "../types.js";

/** ASCII codes of the 16 lower-case hex digits. */
const HEX_CODES = new Uint8Array(16);
for (let i = 0; i < 16; i++) HEX_CODES[i] = "0123456789abcdef".charCodeAt(i);
/** Reusable char-code arrays by byte length: `String.fromCharCode.apply` on them makes a flat one-byte string. */
const codeScratch = new Map<number, number[]>();
function scratchFor(length: number): number[] {
  let codes = codeScratch.get(length);
  if (codes === undefined) {
    codes = new Array<number>(2 + 2 * length).fill(0);
    codes[0] = 48; // "0"
    codes[1] = 120; // "x"
    codeScratch.set(length, codes);
  }
  return codes;
}

/** Nibble value of an ASCII code, or 255 if the code is not a hex digit. */
export const NIBBLE = new Uint8Array(128).fill(255);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  NIBBLE[65 + i] = 10 + i;
  NIBBLE[97 + i] = 10 + i;
}

/** `0x`-hex of `length` bytes of `bytes` from `offset`, lower case. */
export function hexAt(bytes: Uint8Array, offset: number, length: number): Hex {
  // Concatenating 2-character pieces would build a rope of ~1 KB per 32-byte value; char codes give a flat string.
  const codes = scratchFor(length);
  for (let i = 0; i < length; i++) {
    const b = bytes[offset + i];
    codes[2 + 2 * i] = HEX_CODES[b >> 4];
    codes[3 + 2 * i] = HEX_CODES[b & 15];
  }
  return String.fromCharCode.apply(null, codes) as Hex;
}

/**
 * Writes the bytes of hex string `s` (with its `0x`, already checked to have `2 * length` hex digits after it)
 * into `out` at `offset`. Returns false if a character is not a hex digit.
 */
export function writeHex(s: string, out: Uint8Array, offset: number, length: number): boolean {
  for (let i = 0; i < length; i++) {
    const hi = s.charCodeAt(2 + 2 * i);
    const lo = s.charCodeAt(3 + 2 * i);
    const a = hi < 128 ? NIBBLE[hi] : 255;
    const b = lo < 128 ? NIBBLE[lo] : 255;
    if ((a | b) > 15) return false;
    out[offset + i] = (a << 4) | b;
  }
  return true;
}

/** Lexicographic comparison of two 32-byte slices of (possibly the same) buffers. */
export function compare32(a: Uint8Array, ao: number, b: Uint8Array, bo: number): number {
  for (let i = 0; i < 32; i++) {
    const d = a[ao + i] - b[bo + i];
    if (d !== 0) return d;
  }
  return 0;
}

/** Writes `value` (< 2^96) big-endian into the 12 low bytes of the word at `offset`. Faster than byte shifting. */
export function writeUint96(out: Uint8Array, offset: number, value: bigint): void {
  const lo = Number(value & 0xffffffffn);
  const mid = Number((value >> 32n) & 0xffffffffn);
  const hi = Number(value >> 64n);
  writeU32(out, offset + 20, hi);
  writeU32(out, offset + 24, mid);
  writeU32(out, offset + 28, lo);
}

/** Writes a 32-bit unsigned integer big-endian at `offset`. */
export function writeU32(out: Uint8Array, offset: number, v: number): void {
  out[offset] = v >>> 24;
  out[offset + 1] = (v >>> 16) & 0xff;
  out[offset + 2] = (v >>> 8) & 0xff;
  out[offset + 3] = v & 0xff;
}

let hasherPromise: Promise<IHasher> | undefined;

/**
 * The process-wide hash-wasm Keccak-256 instance (created once). It is synchronous once created; JavaScript is
 * single-threaded and no SDK function awaits while hashing, so sharing one instance is safe.
 */
export function wasmKeccak(): Promise<IHasher> {
  hasherPromise ??= createKeccak(256);
  return hasherPromise;
}

/** Keccak-256 of `data` with `hasher`. */
export function keccakBytes(hasher: IHasher, data: Uint8Array): Uint8Array {
  hasher.init();
  hasher.update(data);
  return hasher.digest("binary");
}

const asciiScratch = new Uint8Array(40);
const checksumCodes = new Array<number>(42).fill(0);
checksumCodes[0] = 48;
checksumCodes[1] = 120;

/**
 * EIP-55 checksummed address of the 20 bytes at `offset`, computed with the wasm hasher (about 8x faster here
 * than ethers' pure-JS Keccak).
 */
export function checksumAt(hasher: IHasher, bytes: Uint8Array, offset: number): Address {
  for (let i = 0; i < 20; i++) {
    const b = bytes[offset + i];
    asciiScratch[2 * i] = HEX_CODES[b >> 4];
    asciiScratch[2 * i + 1] = HEX_CODES[b & 15];
  }
  const h = keccakBytes(hasher, asciiScratch);
  for (let i = 0; i < 40; i++) {
    const c = asciiScratch[i];
    const nibble = i & 1 ? h[i >> 1] & 0x0f : h[i >> 1] >> 4;
    // Letters a-f (codes >= 97) whose hash nibble is >= 8 are upper-cased.
    checksumCodes[2 + i] = nibble >= 8 && c >= 97 ? c - 32 : c;
  }
  return String.fromCharCode.apply(null, checksumCodes) as Address;
}
