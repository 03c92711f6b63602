import { createHmac } from "node:crypto";
import { constantTimeEqual, decodeBase64Strict } from "../../encoding.js";
import { MAX_SALT_BYTES } from "../../limits.js";
import { DOLLARS, paddedBytes, paddedHexBytes, splitDollars } from "../syntax.js";
import { defineLegacyVerifier, malformed, outOfBounds } from "./legacy-verifier.js";
import { hmacMd4 } from "./md4.js";

/** Digest length in bytes per Kratos HMAC algorithm; sha224/sha384 are the SHA-2 ones here (unlike pbkdf2). */
const DIGEST_LENGTH: Readonly<Record<string, number>> = {
  md4: 16,
  md5: 16,
  sha1: 20,
  sha224: 28,
  sha256: 32,
  sha384: 48,
  sha512: 64,
};

const LOWER_HEX = /^[0-9a-f]*$/;

export type ParsedHmac = { algorithm: string; hexDigest: Buffer; key: Buffer };

/** Parses a Kratos `$hmac-…$` hash (what `verify` uses). */
export function parseHmac(hash: string): ParsedHmac {
  const parts = hash.split("$", 5);
  if (parts.length !== 4) throw malformed("hmac hash must be $hmac-<alg>$<B64 hex digest>$<B64 key>");
  const algorithm = parts[1]!.slice("hmac-".length);
  const length = DIGEST_LENGTH[algorithm];
  if (length === undefined) throw malformed(`unknown hmac algorithm ${algorithm}`);
  const hexDigest = decodeBase64Strict(parts[2]!);
  if (hexDigest === undefined) throw malformed("hmac digest is not strict padded base64");
  // The field holds the lowercase hex text of the MAC; anything else can never match.
  if (hexDigest.length !== length * 2 || !LOWER_HEX.test(hexDigest.toString("latin1"))) {
    throw malformed(`hmac digest must be the base64 of ${length * 2} lowercase hex characters`);
  }
  const key = decodeBase64Strict(parts[3]!);
  if (key === undefined) throw malformed("hmac key is not strict padded base64");
  if (key.length > MAX_SALT_BYTES)
    throw outOfBounds(`hmac key is ${key.length} bytes, over ${MAX_SALT_BYTES}`);
  return { algorithm, hexDigest, key };
}

/**
 * Whether `$<head>$<B64 hex MAC>$<B64 key>` (the last `splitDollars(hash, 3)`) holds the base64 of `2 × length`
 * lowercase hex characters and a key of at most 1024 bytes, checked without a buffer.
 */
export function isValidHmacFields(hash: string, length: number): boolean {
  const hex = paddedHexBytes(hash, (DOLLARS[1] as number) + 1, DOLLARS[2] as number);
  const key = paddedBytes(hash, (DOLLARS[2] as number) + 1, DOLLARS[3] as number, true);
  return hex === length * 2 && key >= 0 && key <= MAX_SALT_BYTES;
}

const LENGTHS = new Map(Object.entries(DIGEST_LENGTH));

/** Whether `parseHmac` accepts `hash` (and the pattern matches), checked without decoding. */
function isValidHmac(hash: string): boolean {
  if (typeof hash !== "string" || !hash.startsWith("$hmac-") || !splitDollars(hash, 3)) return false;
  const length = LENGTHS.get(hash.slice(6, DOLLARS[1]));
  return length !== undefined && isValidHmacFields(hash, length);
}

function mac(algorithm: string, key: Buffer, password: Buffer): Buffer {
  return algorithm === "md4" ? hmacMd4(key, password) : createHmac(algorithm, key).update(password).digest();
}

/**
 * Kratos's `hmac` comparator: `$hmac-<md4|md5|sha1|sha224|sha256|sha384|sha512>$<B64 of the LOWERCASE HEX of
 * HMAC(key, password)>$<B64 key>`; the hex text is what is compared. An empty key is allowed, one over 1024 bytes
 * is `hash_parameters_out_of_bounds`.
 */
export const hmacVerifier = defineLegacyVerifier<ParsedHmac>({
  id: "hmac",
  pattern: /^\$hmac-(md4|md5|sha1|sha224|sha256|sha384|sha512)\$/,
  parse: parseHmac,
  isValid: isValidHmac,
  check: (password, { algorithm, hexDigest, key }) =>
    constantTimeEqual(Buffer.from(mac(algorithm, key, password).toString("hex"), "latin1"), hexDigest),
});
