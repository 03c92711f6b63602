/**
 * Allocation-free syntax checks for the fast path of `validate` (bulk imports validate every hash): each answers
 * "certainly well-formed" (a byte count, a value, `true`) or "not certain" (-1, `false`). They never decode into a
 * Buffer. A verifier's quick check only ever *accepts*: whenever it is not certain, the verifier runs its full
 * parser, which gives the verdict and the exact error. So a quick check must accept only strings the full parser
 * accepts; it may send any valid string it finds awkward (CR/LF in base64, leading zeros, long numbers) to the parser.
 */

const STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const CRYPT = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** Standard base64 sextet per ASCII code, -1 elsewhere ('=' and CR/LF included). */
const SEXTET = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) SEXTET[STD.charCodeAt(i)] = i;

/** 1 for the bytes of the lowercase hex digits `0-9a-f`. */
const LOWER_HEX = new Uint8Array(256);
for (const c of "0123456789abcdef") LOWER_HEX[c.charCodeAt(0)] = 1;

const EQ = 0x3d;
const DOLLAR = 0x24;

/** The sextet of the character at `i`, or -1 when it is not standard base64 (non-ASCII included). */
function sextetAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c < 128 ? (SEXTET[c] as number) : -1;
}

// Runs of one alphabet, matched from `lastIndex` (sticky): a regular expression scans a field faster than a loop of
// charCodeAt, and one character class repeated cannot backtrack.
const STD_RUN = /[A-Za-z0-9+/]*/y;
const CRYPT_RUN = /[./0-9A-Za-z]*/y;

/** True when `s[from, to)` is all standard base64 alphabet. */
function allStd(s: string, from: number, to: number): boolean {
  STD_RUN.lastIndex = from;
  STD_RUN.test(s);
  return STD_RUN.lastIndex >= to;
}

/** True when `s[from, to)` is all `./0-9A-Za-z`. */
export function allCrypt64(s: string, from: number, to: number): boolean {
  CRYPT_RUN.lastIndex = from;
  CRYPT_RUN.test(s);
  return CRYPT_RUN.lastIndex >= to;
}

/** The index of `./0-9A-Za-z` of the character at `i` (its crypt64 / phpass value), or -1. */
export function crypt64At(s: string, i: number): number {
  return CRYPT.indexOf(s.charAt(i));
}

/**
 * Bytes of `s[from, to)` read as strict unpadded base64 (`decodeBase64RawStrict`): alphabet, length and zero
 * trailing bits; -1 otherwise (CR/LF too, which the decoder would skip: the parser decides those).
 */
export function rawStrictBytes(s: string, from: number, to: number): number {
  const n = to - from;
  const rest = n & 3;
  if (n < 0 || rest === 1 || !allStd(s, from, to)) return -1;
  if (rest > 0 && (sextetAt(s, to - 1) & (rest === 2 ? 0x0f : 0x03)) !== 0) return -1;
  return (n * 3) >> 2;
}

/**
 * Bytes of `s[from, to)` read as padded base64: strict (`decodeBase64Strict`, zero trailing bits) or lenient
 * (`decodeBase64Padded`); -1 otherwise (CR/LF too).
 */
export function paddedBytes(s: string, from: number, to: number, strict: boolean): number {
  const n = to - from;
  if (n < 0 || (n & 3) !== 0) return -1;
  const pad = n === 0 || s.charCodeAt(to - 1) !== EQ ? 0 : s.charCodeAt(to - 2) === EQ ? 2 : 1;
  if (!allStd(s, from, to - pad)) return -1;
  if (strict && pad > 0 && (sextetAt(s, to - pad - 1) & (pad === 2 ? 0x0f : 0x03)) !== 0) return -1;
  return (n >> 2) * 3 - pad;
}

/**
 * Bytes of `s[from, to)` as strict padded base64 whose decoded bytes are all lowercase hex digits (`[0-9a-f]`),
 * decoded on the fly without a buffer; -1 otherwise.
 */
export function paddedHexBytes(s: string, from: number, to: number): number {
  const bytes = paddedBytes(s, from, to, true);
  if (bytes < 0) return -1;
  // 4 characters give 3 bytes; the last group may give 1 or 2 (its '=' are not read)
  for (let i = from, left = bytes; left > 0; i += 4, left -= 3) {
    const v =
      (sextetAt(s, i) << 18) |
      (sextetAt(s, i + 1) << 12) |
      (left > 1 ? sextetAt(s, i + 2) << 6 : 0) |
      (left > 2 ? sextetAt(s, i + 3) : 0);
    if (LOWER_HEX[v >>> 16] === 0) return -1;
    if (left > 1 && LOWER_HEX[(v >>> 8) & 0xff] === 0) return -1;
    if (left > 2 && LOWER_HEX[v & 0xff] === 0) return -1;
  }
  return bytes;
}

/** The value of `s[from, to)` when it is 1 to 9 ASCII digits, else -1 (longer numbers go to the parser). */
export function digitsValue(s: string, from: number, to: number): number {
  if (to <= from || to - from > 9) return -1;
  let v = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Positions of the `$` separators of the last {@link splitDollars} call: `DOLLARS[k]` is the k-th `$` (0-based)
 * and `DOLLARS[count]` is the string's length, so field k (after the k-th `$`) is `[DOLLARS[k] + 1, DOLLARS[k + 1])`.
 */
export const DOLLARS = new Int32Array(16);

/**
 * True when `s` holds exactly `count` (≤ 14) `$` characters, filling {@link DOLLARS}. Stops at the first extra
 * one, so a string of millions of `$` costs no more than a well-formed hash.
 */
export function splitDollars(s: string, count: number): boolean {
  let at = -1;
  for (let k = 0; k < count; k++) {
    at = s.indexOf("$", at + 1);
    if (at < 0) return false;
    DOLLARS[k] = at;
  }
  if (s.indexOf("$", at + 1) >= 0) return false;
  DOLLARS[count] = s.length;
  return true;
}

/** Values of the last {@link readParams} call, in key order. */
export const PARAMS = new Float64Array(4);

/**
 * Reads `k1=<n>,k2=<n>,…` spanning exactly `s[from, to)` into {@link PARAMS}, each value 1 to 9 digits (the
 * parser's `parseParams` accepts all of these; longer lists and values go to it). `keys` include their `=`.
 */
export function readParams(s: string, from: number, to: number, keys: readonly string[]): boolean {
  let at = from;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k] as string;
    if (!s.startsWith(key, at)) return false;
    at += key.length;
    const last = k === keys.length - 1;
    const end = last ? to : s.indexOf(",", at);
    if (end < 0 || end > to) return false;
    const v = digitsValue(s, at, end);
    if (v < 0) return false;
    PARAMS[k] = v;
    at = end + 1;
  }
  return true;
}

/** True when the character at `i` is `$`. */
export function dollarAt(s: string, i: number): boolean {
  return s.charCodeAt(i) === DOLLAR;
}
