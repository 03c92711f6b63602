import type { createHash } from "node:crypto";

/**
 * What the crypt algorithms need from outside. They take it as an argument instead of importing it because their
 * source text is also run inside the crypt worker (see `crypt-pool.ts`).
 */
export interface CryptDeps {
  createHash: typeof createHash;
  crypt64Encode: typeof crypt64Encode;
}

/**
 * crypt(3) base64 (`./0-9A-Za-z`, least significant 6 bits first) of `bytes` taken in `order`, three at a time
 * (`order[i]` is the low byte of each 24-bit group); a final group of 1 or 2 bytes gives 2 or 3 characters. This is
 * the byte transposition of MD5-crypt and SHA-crypt.
 *
 * MUST stay self-contained (no reference outside its body): its source text is serialised into the crypt worker.
 */
export function crypt64Encode(bytes: Uint8Array, order: readonly number[]): string {
  const alphabet = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  let out = "";
  for (let i = 0; i < order.length; i += 3) {
    const n = Math.min(3, order.length - i);
    let w = 0;
    for (let j = 0; j < n; j++) w |= (bytes[order[i + j] as number] as number) << (8 * j);
    for (let c = n === 3 ? 4 : n + 1; c > 0; c--) {
      out += alphabet[w & 63];
      w >>>= 6;
    }
  }
  return out;
}
