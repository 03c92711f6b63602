import { timingSafeEqual } from "node:crypto";

const STD_PADDED = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const STD_RAW = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2,3})?$/;

/**
 * Strict standard base64 **with** padding (Go `base64.StdEncoding.Strict()`): the alphabet, the padding and the
 * unused trailing bits are all checked. Returns `undefined` for anything else.
 */
export function decodeBase64Strict(s: string): Buffer | undefined {
  if (!STD_PADDED.test(s)) return undefined;
  const pad = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
  if (pad > 0 && !zeroTrailingBits(s.charCodeAt(s.length - pad - 1), pad === 2 ? 0x0f : 0x03))
    return undefined;
  return Buffer.from(s, "base64");
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const SEXTET = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) SEXTET[ALPHABET.charCodeAt(i)] = i;

/** True when the base64 character's bits that fall beyond the last byte (`mask`) are all zero. */
function zeroTrailingBits(charCode: number, mask: number): boolean {
  return ((SEXTET[charCode] ?? -1) & mask) === 0;
}

/** Strict standard base64 **without** padding (Go `base64.RawStdEncoding.Strict()`). */
export function decodeBase64RawStrict(s: string): Buffer | undefined {
  if (!STD_RAW.test(s) || s.length % 4 === 1) return undefined;
  const rest = s.length % 4;
  if (rest > 0 && !zeroTrailingBits(s.charCodeAt(s.length - 1), rest === 2 ? 0x0f : 0x03)) return undefined;
  return Buffer.from(s, "base64");
}

/**
 * Lenient padded standard base64 (Go `base64.StdEncoding`, not strict): alphabet and padding are checked, the
 * unused trailing bits are ignored.
 */
export function decodeBase64Padded(s: string): Buffer | undefined {
  if (!STD_PADDED.test(s)) return undefined;
  return Buffer.from(s, "base64");
}

/** Constant-time equality of two byte strings (lengths are not secret: they come from the stored hash). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}
