/**
 * Sorting of 32-byte records held in one flat buffer. Internal.
 *
 * @packageDocumentation
 */
import { compare32 } from "./bytes.js";

/** Largest record count {@link sortRecords32} handles: the index must fit the low 24 bits of a float key. */
export const MAX_SORT_RECORDS = 1 << 24;
const INDEX_SPAN = 16_777_216; // 2^24

/**
 * Returns the permutation that sorts the `n` 32-byte records of `buf` in ascending byte order (ties keep input
 * order): `perm[k]` is the input position of the k-th smallest record.
 *
 * Packs the first 29 bits of each record and its index into an exactly representable float (29 + 24 = 53 bits),
 * sorts the floats natively (no comparator call per comparison), then fixes the rare runs that share the 29-bit
 * prefix by a full comparison.
 */
export function sortRecords32(buf: Uint8Array, n: number): Uint32Array {
  if (n > MAX_SORT_RECORDS) throw new RangeError(`cannot sort more than 2^24 records (${n})`);
  const keys = new Float64Array(n);
  for (let i = 0, o = 0; i < n; i++, o += 32) {
    const prefix = (buf[o] << 21) | (buf[o + 1] << 13) | (buf[o + 2] << 5) | (buf[o + 3] >>> 3);
    keys[i] = prefix * INDEX_SPAN + i;
  }
  keys.sort();
  const perm = new Uint32Array(n);
  for (let k = 0; k < n; k++) perm[k] = keys[k] % INDEX_SPAN;
  // Runs of equal 29-bit prefixes are sorted by index; sort them by the full record (insertion sort: runs are tiny).
  let start = 0;
  while (start < n) {
    const prefix = Math.floor(keys[start] / INDEX_SPAN);
    let end = start + 1;
    while (end < n && Math.floor(keys[end] / INDEX_SPAN) === prefix) end++;
    for (let i = start + 1; i < end; i++) {
      const v = perm[i];
      let j = i - 1;
      while (j >= start && compare32(buf, perm[j] * 32, buf, v * 32) > 0) {
        perm[j + 1] = perm[j];
        j--;
      }
      perm[j + 1] = v;
    }
    start = end;
  }
  return perm;
}
