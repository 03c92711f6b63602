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

/**
 * A UUIDv7 (RFC 9562), the default `generateId`: `uuid`'s `v7` given its random bytes, millisecond and counter, so
 * ids stay monotonic within a process as with a plain `v7()` call (a counter seeded from the random bytes in each
 * new millisecond, incremented within one, rolling into the next millisecond on overflow), without allocating a
 * random buffer per id. Lower case, as every id the manager hands out.
 */
export function uuidv7(): string {
  if (next > pool.length - 16) {
    randomFillSync(pool);
    next = 0;
  }
  const random = pool.subarray(next, next + 16);
  next += 16;
  const now = Date.now();
  if (now > state.msecs) {
    state.seq =
      ((random[6] as number) << 23) |
      ((random[7] as number) << 16) |
      ((random[8] as number) << 8) |
      (random[9] as number);
    state.msecs = now;
  } else {
    state.seq = (state.seq + 1) | 0;
    if (state.seq === 0) state.msecs++;
  }
  return uuid().v7({ random, msecs: state.msecs, seq: state.seq });
}
