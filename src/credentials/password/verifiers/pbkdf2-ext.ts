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
  malformed,
  parseParams,
  splitHash,
  tryParse,
} from "./hash-params.js";
import { defaultCryptPool } from "./legacy/crypt-pool.js";
import { DOLLARS, PARAMS, rawStrictBytes, readParams, splitDollars } from "./syntax.js";

/**
 * PBKDF2 with the digests Kratos's `$pbkdf2-sha…$` cannot name, for Auth0's PBKDF2 imports (any OpenSSL digest):
 * `$pbkdf2-<name>$i=<iterations>,l=<key bytes>$<salt>$<key>`, the same layout (unpadded strict base64). Kratos
 * reads `sha224` and `sha384` as SHA3, so the SHA-2 ones are named `sha2-224` and `sha2-384` here. Node's OpenSSL
 * computes them all but MD4 (not in OpenSSL 3's default provider), which runs in plain TypeScript in the crypt worker
 * pool (`iterated.ts`); Whirlpool is not offered.
 *
 * Work caps (iterations × output blocks) per digest, set so that each costs about what Kratos's formats cost at
 * theirs (about 2 s of CPU on the 2-core reference machine; `bench/worst-case-verification.ts`). Auth0's default
 * (i=100000, a 64-byte key) is far below every cap.
 */
export const PBKDF2_EXT_DIGESTS: Readonly<
  Record<string, readonly [node: string, bytes: number, maxWork: number]>
> = Object.freeze({
  "sha2-224": ["sha224", 28, 5_000_000],
  "sha2-384": ["sha384", 48, 2_500_000],
  "sha512-224": ["sha512-224", 28, 2_500_000],
  "sha512-256": ["sha512-256", 32, 2_500_000],
  md5: ["md5", 16, 5_000_000],
  ripemd160: ["ripemd160", 20, 3_000_000],
  "sha3-224": ["sha3-224", 28, 2_000_000],
  "sha3-256": ["sha3-256", 32, 2_000_000],
  "sha3-384": ["sha3-384", 48, 2_000_000],
  "sha3-512": ["sha3-512", 64, 1_600_000],
  md4: ["md4", 16, 1_000_000],
});

const FORMAT = "pbkdf2-ext";
const PREFIX =
  /^\$pbkdf2-(sha2-224|sha2-384|sha512-224|sha512-256|md5|md4|ripemd160|sha3-224|sha3-256|sha3-384|sha3-512)\$/;
const pbkdf2Async = promisify(pbkdf2);

/** A parsed extended PBKDF2 hash. */
export interface Pbkdf2ExtHash {
  /** Node's digest name. */
  digest: string;
  iterations: number;
  salt: Buffer;
  hash: Buffer;
}

/**
 * Parses an extended PBKDF2 hash; `l` is read and ignored, as in Kratos's format (the key length is the hash's).
 *
 * @throws IdentityError `unsupported_hash` when malformed, `hash_parameters_out_of_bounds` when i, the salt, the
 *   hash length or iterations × blocks is over the bounds.
 */
export function parsePbkdf2ExtHash(hash: string): Pbkdf2ExtHash {
  const head = PREFIX.exec(hash.slice(0, 32));
  if (head === null) throw malformed(FORMAT, "unknown digest");
  const [digest, bytes, maxWork] = PBKDF2_EXT_DIGESTS[head[1] as string] as readonly [string, number, number];
  const parts = splitHash(FORMAT, hash, 5);
  const { i } = parseParams(FORMAT, parts[2] ?? "", ["i", "l"] as const);
  checkRange(FORMAT, "i", i, 1, maxWork);
  const salt = decodeField(FORMAT, "salt", parts[3] ?? "", decodeBase64RawStrict);
  checkSaltBytes(FORMAT, "salt", salt);
  const key = decodeField(FORMAT, "hash", parts[4] ?? "", decodeBase64RawStrict);
  checkKeyBytes(FORMAT, "hash", key);
  checkWork(FORMAT, `${digest} iterations × blocks`, i * Math.ceil(key.length / bytes), maxWork);
  checkKeyLength(FORMAT, key);
  return { digest, iterations: i, salt, hash: key };
}

const IL = ["i=", "l="] as const;
const QUICK = new Map(Object.entries(PBKDF2_EXT_DIGESTS));

/** Whether {@link parsePbkdf2ExtHash} accepts `hash`, checked without decoding (false sends it to the parser). */
function isValidPbkdf2Ext(hash: string): boolean {
  if (typeof hash !== "string" || !hash.startsWith("$pbkdf2-") || !splitDollars(hash, 4)) return false;
  const digest = QUICK.get(hash.slice(8, DOLLARS[1]));
  if (digest === undefined) return false;
  const [, bytes, maxWork] = digest;
  if (!readParams(hash, (DOLLARS[1] as number) + 1, DOLLARS[2] as number, IL)) return false;
  const i = PARAMS[0] as number;
  const salt = rawStrictBytes(hash, (DOLLARS[2] as number) + 1, DOLLARS[3] as number);
  const key = rawStrictBytes(hash, (DOLLARS[3] as number) + 1, DOLLARS[4] as number);
  if (i < 1 || i > maxWork || salt < 0 || salt > MAX_SALT_BYTES || key < MIN_KEY_BYTES || key > MAX_KEY_BYTES)
    return false;
  return i * Math.ceil(key / bytes) <= maxWork;
}

/** `$pbkdf2-sha2-224$…` and the other extended digests, derived with async `node:crypto.pbkdf2`. */
export const pbkdf2ExtVerifier: HashVerifier = Object.freeze({
  id: FORMAT,
  matches: (hash: string) => PREFIX.test(hash),
  validate(hash: string): void {
    if (!isValidPbkdf2Ext(hash)) parsePbkdf2ExtHash(hash);
  },
  async verify(password: string, hash: string): Promise<boolean> {
    const parsed = tryParse(parsePbkdf2ExtHash, hash);
    if (parsed === undefined) return false;
    if (parsed.digest === "md4") {
      const job = { kind: "pbkdf2-md4" as const, password: Buffer.from(password, "utf8"), salt: parsed.salt };
      const key = await defaultCryptPool().run({
        ...job,
        rounds: parsed.iterations,
        length: parsed.hash.length,
      });
      return constantTimeEqual(Buffer.from(key, "base64"), parsed.hash);
    }
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
