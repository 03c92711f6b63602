import { createHash } from "node:crypto";
import { constantTimeEqual, decodeBase64Padded } from "../../encoding.js";
import { MAX_SALT_BYTES } from "../../limits.js";
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

/** Whether `digest(password ‖ salt)` equals the stored digest (constant time). */
export function checkSaltedDigest(password: Buffer, { algorithm, digest, salt }: SaltedDigest): boolean {
  return constantTimeEqual(createHash(algorithm).update(password).update(salt).digest(), digest);
}

const TAGS: Readonly<Record<string, readonly [string, number]>> = {
  SSHA: ["sha1", 20],
  SSHA256: ["sha256", 32],
  SSHA512: ["sha512", 64],
};

function parseSsha(hash: string): SaltedDigest {
  const match = /^\{([^}]{0,16})\}/.exec(hash.slice(0, 32));
  const tag = match === null ? undefined : TAGS[match[1]!];
  if (match === null || tag === undefined) throw malformed("ssha tag must be {SSHA}, {SSHA256} or {SSHA512}");
  return parseSaltedDigest(hash.slice(match[0].length), tag[0], tag[1]);
}

/**
 * Kratos's `ssha` comparator (RFC 2307 style): `{SSHA}` (SHA-1), `{SSHA256}` or `{SSHA512}` followed by
 * `B64(digest(password ‖ salt) ‖ salt)`.
 */
export const sshaVerifier = defineLegacyVerifier<SaltedDigest>({
  id: "ssha",
  pattern: /^\{SSHA(256|512)?\}/,
  parse: parseSsha,
  check: checkSaltedDigest,
});
