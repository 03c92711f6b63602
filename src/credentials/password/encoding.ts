import { timingSafeEqual } from "node:crypto";

const STD_PADDED = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const STD_RAW = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2,3})?$/;

/**
 * Strict standard base64 **with** padding (Go `base64.StdEncoding.Strict()`): the alphabet, the padding and the
 * unused trailing bits are all checked. Returns `undefined` for anything else.
 */
export function decodeBase64Strict(s: string): Buffer | undefined {
  if (!STD_PADDED.test(s)) return undefined;
  const buf = Buffer.from(s, "base64");
  // Re-encoding gives back the input only when the trailing bits were zero.
  return buf.toString("base64") === s ? buf : undefined;
}

/** Strict standard base64 **without** padding (Go `base64.RawStdEncoding.Strict()`). */
export function decodeBase64RawStrict(s: string): Buffer | undefined {
  if (!STD_RAW.test(s) || s.length % 4 === 1) return undefined;
  const buf = Buffer.from(s, "base64");
  return buf.toString("base64").replace(/=+$/, "") === s ? buf : undefined;
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
