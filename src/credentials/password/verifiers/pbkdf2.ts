import { pbkdf2 } from "node:crypto";
import { promisify } from "node:util";
import { constantTimeEqual, decodeBase64RawStrict } from "../encoding.js";
import type { HashVerifier } from "../hash-verifier.js";
import { MAX_KEY_BYTES, MAX_SALT_BYTES } from "../limits.js";
import {
  checkKeyBytes,
  checkKeyLength,
  checkRange,
  checkSaltBytes,
  checkWork,
  decodeField,
  MIN_KEY_BYTES,
  parseParams,
  splitHash,
  tryParse,
} from "./hash-params.js";
import { DOLLARS, PARAMS, rawStrictBytes, readParams, splitDollars } from "./syntax.js";

/**
 * Most PBKDF2 work accepted per digest, in HMAC iterations: iterations × blocks, where blocks = ⌈key length ÷
 * digest length⌉ (RFC 8018 §5.2: each block of the derived key costs all the iterations again). The caps give
 * each digest about the same worst case (about 2 s on a 2-core machine, like bcrypt cost 15). The strongest
 * real-world defaults fit: Keycloak `pbkdf2` (SHA-1) 1,300,000 × 4 blocks (64-byte key) = 5,200,000; Django 5.2
 * SHA-256 1,200,000 × 1; Keycloak `pbkdf2-sha256` 600,000 × 2 = 1,200,000; Keycloak/OWASP `pbkdf2-sha512`
 * 210,000 × 1. Kratos bounds only the iterations (10,000,000) and not the key length, which comes from the hash.
 */
export const PBKDF2_MAX_WORK: Readonly<Record<string, number>> = Object.freeze({
  sha1: 8_000_000,
  sha256: 8_000_000,
  sha512: 4_000_000,
  "sha3-224": 2_000_000,
  "sha3-384": 2_000_000,
});

/** Digest length in bytes of each PRF. */
const DIGEST_BYTES: Readonly<Record<string, number>> = Object.freeze({
  sha1: 20,
  sha256: 32,
  sha512: 64,
  "sha3-224": 28,
  "sha3-384": 48,
});

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
 * Kratos: the derived length is the decoded hash length, so the work is bounded from it: iterations × ⌈hash
 * length ÷ digest length⌉ ≤ {@link PBKDF2_MAX_WORK} for the digest, salt and hash ≤ 1024 bytes.
 *
 * @throws IdentityError `unsupported_hash` when malformed, `hash_parameters_out_of_bounds` when i, the salt, the
 *   hash length or the total work is over the bounds.
 */
export function parsePbkdf2Hash(hash: string): Pbkdf2Hash {
  const parts = splitHash(FORMAT, hash, 5);
  const name = (parts[1] ?? "").slice("pbkdf2-".length);
  const digest = DIGESTS[name] ?? "sha256";
  const maxWork = PBKDF2_MAX_WORK[digest] as number;
  const { i } = parseParams(FORMAT, parts[2] ?? "", ["i", "l"] as const);
  checkRange(FORMAT, "i", i, 1, maxWork);
  const salt = decodeField(FORMAT, "salt", parts[3] ?? "", decodeBase64RawStrict);
  checkSaltBytes(FORMAT, "salt", salt);
  const key = decodeField(FORMAT, "hash", parts[4] ?? "", decodeBase64RawStrict);
  checkKeyBytes(FORMAT, "hash", key);
  const blocks = Math.ceil(key.length / (DIGEST_BYTES[digest] as number));
  checkWork(FORMAT, `${digest} iterations × blocks (i × ⌈hash bytes ÷ digest bytes⌉)`, i * blocks, maxWork);
  checkKeyLength(FORMAT, key);
  return { digest, iterations: i, salt, hash: key };
}

const IL = ["i=", "l="] as const;
/** [most work, digest bytes] by name, for the quick check (Kratos's names only). */
const QUICK = new Map(
  Object.entries(DIGESTS).map(([name, digest]) => [
    name,
    [PBKDF2_MAX_WORK[digest] as number, DIGEST_BYTES[digest] as number] as const,
  ]),
);

/**
 * Whether {@link parsePbkdf2Hash} accepts `hash`, checked without decoding. Only the digest names of Kratos's table
 * (`sha1`, `sha224`, `sha256`, `sha384`, `sha512`) are looked at; false sends the hash to the parser.
 */
function isValidPbkdf2(hash: string): boolean {
  if (typeof hash !== "string" || !hash.startsWith("$pbkdf2-") || !splitDollars(hash, 4)) return false;
  const digest = QUICK.get(hash.slice(8, DOLLARS[1]));
  if (digest === undefined || !readParams(hash, (DOLLARS[1] as number) + 1, DOLLARS[2] as number, IL))
    return false;
  const [maxWork, digestBytes] = digest;
  const i = PARAMS[0] as number;
  const salt = rawStrictBytes(hash, (DOLLARS[2] as number) + 1, DOLLARS[3] as number);
  const key = rawStrictBytes(hash, (DOLLARS[3] as number) + 1, DOLLARS[4] as number);
  if (i < 1 || i > maxWork || salt < 0 || salt > MAX_SALT_BYTES || key < MIN_KEY_BYTES || key > MAX_KEY_BYTES)
    return false;
  return i * Math.ceil(key / digestBytes) <= maxWork;
}

/** `$pbkdf2-sha…$` hashes (Kratos `ComparePbkdf2`), derived with async `node:crypto.pbkdf2` (libuv thread pool). */
export const pbkdf2Verifier: HashVerifier = Object.freeze({
  id: FORMAT,
  matches: (hash: string) => PREFIX.test(hash),
  validate(hash: string): void {
    if (!isValidPbkdf2(hash)) parsePbkdf2Hash(hash);
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
