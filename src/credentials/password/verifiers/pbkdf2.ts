import { pbkdf2 } from "node:crypto";
import { promisify } from "node:util";
import { constantTimeEqual, decodeBase64RawStrict } from "../encoding.js";
import type { HashVerifier } from "../hash-verifier.js";
import { checkKeyLength, checkRange, decodeField, parseParams, splitHash, tryParse } from "./hash-params.js";

/** Highest PBKDF2 iteration count accepted (Kratos `hash/hash_limits.go`). */
export const PBKDF2_MAX_ITERATIONS = 10_000_000;

const FORMAT = "pbkdf2";
const PREFIX = /^\$pbkdf2-sha[0-9]{1,3}\$/;
const pbkdf2Async = promisify(pbkdf2);

/**
 * Kratos's digest table (`getPseudorandomFunctionForPbkdf2`), quirks included: `sha224` and `sha384` are SHA3
 * (kept by Kratos for backwards compatibility, pinned by its fixtures), and any other `shaNNN` falls back to SHA-256.
 */
const DIGESTS: Readonly<Record<string, string>> = Object.freeze({
  sha1: "sha1",
  sha224: "sha3-224",
  sha256: "sha256",
  sha384: "sha3-384",
  sha512: "sha512",
});

/** A parsed Kratos PBKDF2 hash. */
export interface Pbkdf2Hash {
  /** Node digest name after Kratos's mapping. */
  digest: string;
  iterations: number;
  salt: Buffer;
  hash: Buffer;
}

/**
 * Parses `$pbkdf2-<digest>$i=<n>,l=<n>$<salt>$<hash>` (unpadded strict base64). `l` is read but ignored, as in
 * Kratos: the derived length is the decoded hash length.
 *
 * @throws IdentityError `unsupported_hash` when malformed, `hash_parameters_out_of_bounds` when i is over 10,000,000.
 */
export function parsePbkdf2Hash(hash: string): Pbkdf2Hash {
  const parts = splitHash(FORMAT, hash, 5);
  const name = (parts[1] ?? "").slice("pbkdf2-".length);
  const { i } = parseParams(FORMAT, parts[2] ?? "", ["i", "l"] as const);
  checkRange(FORMAT, "i", i, 1, PBKDF2_MAX_ITERATIONS);
  const salt = decodeField(FORMAT, "salt", parts[3] ?? "", decodeBase64RawStrict);
  const key = decodeField(FORMAT, "hash", parts[4] ?? "", decodeBase64RawStrict);
  checkKeyLength(FORMAT, key);
  return { digest: DIGESTS[name] ?? "sha256", iterations: i, salt, hash: key };
}

/** `$pbkdf2-sha…$` hashes (Kratos `ComparePbkdf2`), derived with async `node:crypto.pbkdf2` (libuv thread pool). */
export const pbkdf2Verifier: HashVerifier = Object.freeze({
  id: FORMAT,
  matches: (hash: string) => PREFIX.test(hash),
  validate(hash: string): void {
    parsePbkdf2Hash(hash);
  },
  async verify(password: string, hash: string): Promise<boolean> {
    const parsed = tryParse(parsePbkdf2Hash, hash);
    if (parsed === undefined) return false;
    const derived = await pbkdf2Async(
      password,
      parsed.salt,
      parsed.iterations,
      parsed.hash.length,
      parsed.digest,
    );
    return constantTimeEqual(derived, parsed.hash);
  },
});
