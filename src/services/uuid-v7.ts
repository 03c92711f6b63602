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
/** Reused for every id: its random bytes, its 16 bytes, and its text (hyphens in place). */
const random = new Uint8Array(16);
const bytes = new Uint8Array(16);
const text = Buffer.from("00000000-0000-0000-0000-000000000000", "latin1");
const HEX = Buffer.from("0123456789abcdef", "latin1");
/** Where each byte's two hex digits go in the text. */
const AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

/**
 * A UUIDv7 (RFC 9562), the default `generateId`: `uuid`'s `v7` lays out the bytes from the random bytes, millisecond
 * and counter given to it (so ids stay monotonic within a process as with a plain `v7()` call: a counter seeded from
 * the random bytes in each new millisecond, incremented within one, rolling into the next millisecond on overflow),
 * into a reused buffer; the text is written into a reused buffer too, so an id costs one string and no garbage.
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
  for (let i = 0; i < 16; i++) {
    const b = bytes[i] as number;
    const at = AT[i] as number;
    text[at] = HEX[b >> 4] as number;
    text[at + 1] = HEX[b & 15] as number;
  }
  return text.toString("latin1", 0, 36);
}
