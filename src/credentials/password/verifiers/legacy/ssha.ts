import { createHash } from "node:crypto";
import { constantTimeEqual, decodeBase64Padded } from "../../encoding.js";
import { MAX_SALT_BYTES } from "../../limits.js";
import { paddedBytes } from "../syntax.js";
import { defineLegacyVerifier, malformed, outOfBounds } from "./legacy-verifier.js";

/** A digest followed by its salt, as stored by the RFC 2307 salted schemes (`{SSHA}`, `{SMD5}`, …). */
export interface SaltedDigest {
  algorithm: string;
  digest: Buffer;
  salt: Buffer;
}

/**
 * Decodes `B64(digest ‖ salt)` with lenient padded base64 (Kratos's `StdEncoding`, trailing bits ignored): the
 * first `digestLength` bytes are the digest, the rest the salt, which must hold 1 to `MAX_SALT_BYTES` (1024) bytes.
 * CR and LF are skipped, as Go's decoder does.
 *
 * @throws IdentityError `unsupported_hash` when the base64 is bad or no salt byte is left;
 *   `hash_parameters_out_of_bounds` when the salt is over 1024 bytes.
 */
export function parseSaltedDigest(encoded: string, algorithm: string, digestLength: number): SaltedDigest {
  const decoded = decodeBase64Padded(encoded);
  if (decoded === undefined) throw malformed("salted digest is not padded base64");
  if (decoded.length < digestLength + 1) throw malformed("salted digest is too short to hold a salt");
  if (decoded.length - digestLength > MAX_SALT_BYTES)
    throw outOfBounds(`salt is ${decoded.length - digestLength} bytes, over ${MAX_SALT_BYTES}`);
  return { algorithm, digest: decoded.subarray(0, digestLength), salt: decoded.subarray(digestLength) };
}

/**
 * Whether {@link parseSaltedDigest} accepts `hash.slice(from)`, checked without decoding (lenient padded base64
 * holding the digest and 1 to 1024 salt bytes).
 */
export function isValidSaltedDigestAt(hash: string, from: number, digestLength: number): boolean {
  const bytes = paddedBytes(hash, from, hash.length, false);
  return bytes > digestLength && bytes - digestLength <= MAX_SALT_BYTES;
}

/** Whether `digest(password ‖ salt)` equals the stored digest (constant time). */
export function checkSaltedDigest(password: Buffer, { algorithm, digest, salt }: SaltedDigest): boolean {
  return constantTimeEqual(createHash(algorithm).update(password).update(salt).digest(), digest);
}

const TAGS: Readonly<Record<string, readonly [string, number]>> = {
  SSHA: ["sha1", 20],
  SSHA256: ["sha256", 32],
  SSHA512: ["sha512", 64],
};

/** Parses `{SSHA}`, `{SSHA256}` and `{SSHA512}` hashes (what `verify` uses). */
export function parseSsha(hash: string): SaltedDigest {
  const match = /^\{([^}]{0,16})\}/.exec(hash.slice(0, 32));
  const tag = match === null ? undefined : TAGS[match[1]!];
  if (match === null || tag === undefined) throw malformed("ssha tag must be {SSHA}, {SSHA256} or {SSHA512}");
  return parseSaltedDigest(hash.slice(match[0].length), tag[0], tag[1]);
}

/** Whether `parseSsha` accepts `hash` (and the pattern matches), checked without decoding. */
function isValidSsha(hash: string): boolean {
  if (typeof hash !== "string" || !hash.startsWith("{SSHA")) return false;
  if (hash.startsWith("}", 5)) return isValidSaltedDigestAt(hash, 6, 20);
  if (hash.startsWith("256}", 5)) return isValidSaltedDigestAt(hash, 9, 32);
  return hash.startsWith("512}", 5) && isValidSaltedDigestAt(hash, 9, 64);
}

/**
 * Kratos's `ssha` comparator (RFC 2307 style): `{SSHA}` (SHA-1), `{SSHA256}` or `{SSHA512}` followed by
 * `B64(digest(password ‖ salt) ‖ salt)`.
 */
export const sshaVerifier = defineLegacyVerifier<SaltedDigest>({
  id: "ssha",
  pattern: /^\{SSHA(256|512)?\}/,
  parse: parseSsha,
  isValid: isValidSsha,
  check: checkSaltedDigest,
});
