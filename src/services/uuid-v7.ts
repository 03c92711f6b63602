import { randomFillSync } from "node:crypto";
import type * as Uuid from "uuid";
import { lazyRequire } from "../json/lazy-require.js";

/** The `uuid` package, loaded with the first generated id (cold start). */
const uuid = lazyRequire<typeof Uuid>("uuid");

/** Random bytes for ids, filled 256 ids at a time (one `getrandom` call, not one per 16 ids as `uuid`'s own pool). */
const pool = new Uint8Array(16 * 256);
let next = pool.length;
/** The last id's millisecond and 32-bit counter (RFC 9562 §6.2 method 1, as `uuid`'s own v7 state). */
const state = { msecs: Number.NEGATIVE_INFINITY, seq: 0 };
/** Reused for every id: its random bytes and its 16 bytes. */
const random = new Uint8Array(16);
const bytes = new Uint8Array(16);
/** The character codes of the hex digits, by value. */
const HEX = new Uint8Array([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);
/** The code of the high (`hi`) or low (`lo`) hex digit of byte `i` of `b`. */
const hi = (b: Uint8Array, i: number): number => HEX[(b[i] as number) >> 4] as number;
const lo = (b: Uint8Array, i: number): number => HEX[(b[i] as number) & 15] as number;

/**
 * A UUIDv7 (RFC 9562), the default `generateId`: `uuid`'s `v7` lays out the bytes from the random bytes, millisecond
 * and counter given to it (so ids stay monotonic within a process as with a plain `v7()` call: a counter seeded from
 * the random bytes in each new millisecond, incremented within one, rolling into the next millisecond on overflow),
 * into a reused buffer; the text is made from its character codes in one call, so an id costs one string and no
 * garbage.
 * Lower case, as every id the manager hands out.
 */
export function uuidv7(): string {
  if (next > pool.length - 16) {
    randomFillSync(pool);
    next = 0;
  }
  for (let i = 0; i < 16; i++) random[i] = pool[next + i] as number;
  next += 16;
  const now = Date.now();
  if (now > state.msecs) {
    const r = random;
    state.seq =
      ((r[6] as number) << 23) | ((r[7] as number) << 16) | ((r[8] as number) << 8) | (r[9] as number);
    state.msecs = now;
  } else {
    state.seq = (state.seq + 1) | 0;
    if (state.seq === 0) state.msecs++;
  }
  uuid().v7({ random, msecs: state.msecs, seq: state.seq }, bytes, 0);
  return uuidText(bytes);
}

/** The 8-4-4-4-12 text of `b`, lower case: one string made from its 36 character codes (no buffer, no slices). */
export function uuidText(b: Uint8Array): string {
  // biome-ignore format: the layout follows the text's
  return String.fromCharCode(
    hi(b, 0), lo(b, 0), hi(b, 1), lo(b, 1), hi(b, 2), lo(b, 2), hi(b, 3), lo(b, 3), 45,
    hi(b, 4), lo(b, 4), hi(b, 5), lo(b, 5), 45,
    hi(b, 6), lo(b, 6), hi(b, 7), lo(b, 7), 45,
    hi(b, 8), lo(b, 8), hi(b, 9), lo(b, 9), 45,
    hi(b, 10), lo(b, 10), hi(b, 11), lo(b, 11), hi(b, 12), lo(b, 12),
    hi(b, 13), lo(b, 13), hi(b, 14), lo(b, 14), hi(b, 15), lo(b, 15),
  );
}
