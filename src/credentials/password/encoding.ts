import { timingSafeEqual } from "node:crypto";

// Every decoder here is a single linear pass with a table lookup: no regular expression runs over a field, so no
// input length can overflow V8's backtracking stack (a 4.5 MB `$md5$` hash used to throw a RangeError).

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const SEXTET = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) SEXTET[ALPHABET.charCodeAt(i)] = i;

/** The 6-bit value of a base64 character, or -1 for anything outside the standard alphabet. */
function sextet(charCode: number): number {
  return charCode < 128 ? (SEXTET[charCode] as number) : -1;
}

/** True when `s[0, end)` holds only standard base64 alphabet characters. */
function inAlphabet(s: string, end: number): boolean {
  for (let i = 0; i < end; i++) if (sextet(s.charCodeAt(i)) < 0) return false;
  return true;
}

/** True when the base64 character's bits that fall beyond the last byte (`mask`) are all zero. */
function zeroTrailingBits(charCode: number, mask: number): boolean {
  return (sextet(charCode) & mask) === 0;
}

/**
 * Removes every CR and LF, as Go's base64 decoders do in every mode, `Strict()` included ("the input is still
 * malleable, as new line characters (CR and LF) are still ignored", `encoding/base64`). Kratos decodes all its
 * base64 fields with Go, so a hash whose base64 was line-wrapped (e.g. by `openssl base64` or Python's
 * `base64.encodebytes`) verifies there; it does here too.
 */
export function stripLineBreaks(s: string): string {
  return s.includes("\n") || s.includes("\r") ? s.replaceAll("\r", "").replaceAll("\n", "") : s;
}

/** Number of `=` padding characters a padded field ends with (0, 1 or 2), or -1 when the length is wrong. */
function paddingOf(s: string): number {
  if (s.length % 4 !== 0) return -1;
  return s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
}

/**
 * Strict standard base64 **with** padding (Go `base64.StdEncoding.Strict()`): the alphabet, the padding and the
 * unused trailing bits are all checked; CR and LF are skipped, as in Go. Returns `undefined` for anything else.
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  const s = stripLineBreaks(text);
  const pad = paddingOf(s);
  if (pad < 0 || !inAlphabet(s, s.length - pad)) return undefined;
  if (pad > 0 && !zeroTrailingBits(s.charCodeAt(s.length - pad - 1), pad === 2 ? 0x0f : 0x03))
    return undefined;
  return Buffer.from(s, "base64");
}

/**
 * Strict standard base64 **without** padding (Go `base64.RawStdEncoding.Strict()`); CR and LF are skipped, as in
 * Go.
 */
export function decodeBase64RawStrict(text: string): Buffer | undefined {
  const s = stripLineBreaks(text);
  const rest = s.length % 4;
  if (rest === 1 || !inAlphabet(s, s.length)) return undefined;
  if (rest > 0 && !zeroTrailingBits(s.charCodeAt(s.length - 1), rest === 2 ? 0x0f : 0x03)) return undefined;
  return Buffer.from(s, "base64");
}

/**
 * Lenient padded standard base64 (Go `base64.StdEncoding`, not strict): alphabet and padding are checked, the
 * unused trailing bits are ignored; CR and LF are skipped.
 */
export function decodeBase64Padded(text: string): Buffer | undefined {
  const s = stripLineBreaks(text);
  const pad = paddingOf(s);
  if (pad < 0 || !inAlphabet(s, s.length - pad)) return undefined;
  return Buffer.from(s, "base64");
}

/** Constant-time equality of two byte strings (lengths are not secret: they come from the stored hash). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}
