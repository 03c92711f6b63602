import { type ScryptOptions, scrypt } from "node:crypto";
import { constantTimeEqual, decodeBase64Strict } from "../encoding.js";
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
import { DOLLARS, PARAMS, paddedBytes, readParams, splitDollars } from "./syntax.js";

/** Bounds on scrypt parameters in a stored hash (Kratos `hash/hash_limits.go`): at most 128 MiB per compare. */
export const SCRYPT_BOUNDS = Object.freeze({
  N: { min: 1, max: 1 << 17 },
  r: { min: 1, max: 8 },
  p: { min: 1, max: 10 },
});

/**
 * Most scrypt work accepted: N × r × p (each unit is one 64-byte Salsa20/8 block mixed twice; OpenSSL runs the p
 * lanes one after the other). 2^21 is twice the OWASP Password Storage Cheat Sheet's configurations (N=2^17 r=8
 * p=1 … N=2^13 r=8 p=10, all at most 2^20); passlib's default (N=2^16, r=8, p=1) is 2^19, Firebase's (N=2^14, r=8,
 * p=1) 2^17. Kratos bounds N, r and p one by one, which lets N=2^17 r=8 p=10 (ten times OWASP's) through.
 */
export const SCRYPT_MAX_WORK = 1 << 21;

/** Throws `hash_parameters_out_of_bounds` when N × r × p is over {@link SCRYPT_MAX_WORK}. */
export function checkScryptWork(format: string, { N, r, p }: ScryptParams): void {
  checkWork(format, "N × r × p", N * r * p, SCRYPT_MAX_WORK);
}

const FORMAT = "scrypt";

/** scrypt cost parameters. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** A parsed Kratos scrypt hash. */
export interface ScryptHash extends ScryptParams {
  salt: Buffer;
  hash: Buffer;
}

/** Throws `unsupported_hash` unless N is a power of two greater than 1 (what scrypt itself requires). */
export function checkScryptN(format: string, N: number): void {
  if (N < 2 || (N & (N - 1)) !== 0) throw malformed(format, "N must be a power of two greater than 1");
}

/**
 * Runs `node:crypto.scrypt` asynchronously (libuv thread pool) with `maxmem` sized from the parameters, so the
 * bounded parameters always fit and nothing larger can be allocated.
 */
export function scryptAsync(
  password: string,
  salt: Buffer,
  keylen: number,
  params: ScryptParams,
): Promise<Buffer> {
  // OpenSSL needs 128 * r * (N + p + 2) bytes; 1 MiB of slack.
  const options: ScryptOptions = {
    ...params,
    maxmem: 128 * params.r * (params.N + params.p + 2) + (1 << 20),
  };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * Parses `$scrypt$ln=<N>,r=<r>,p=<p>$<salt>$<hash>` with padded strict base64. Beware: `ln` is N itself, not its
 * log2 (Kratos's format, unlike passlib's). Bounds are checked first (N, r, p, then N × r × p ≤
 * {@link SCRYPT_MAX_WORK}, salt and key ≤ 1024 bytes); N must then be a power of two above 1, which Kratos only
 * finds out when comparing (we refuse it on import too).
 *
 * @throws IdentityError `unsupported_hash` when malformed, `hash_parameters_out_of_bounds` when over the bounds.
 */
export function parseScryptHash(hash: string): ScryptHash {
  const parts = splitHash(FORMAT, hash, 5);
  const { ln: N, r, p } = parseParams(FORMAT, parts[2] ?? "", ["ln", "r", "p"] as const);
  checkRange(FORMAT, "N", N, SCRYPT_BOUNDS.N.min, SCRYPT_BOUNDS.N.max);
  checkRange(FORMAT, "r", r, SCRYPT_BOUNDS.r.min, SCRYPT_BOUNDS.r.max);
  checkRange(FORMAT, "p", p, SCRYPT_BOUNDS.p.min, SCRYPT_BOUNDS.p.max);
  checkScryptWork(FORMAT, { N, r, p });
  const salt = decodeField(FORMAT, "salt", parts[3] ?? "", decodeBase64Strict);
  checkSaltBytes(FORMAT, "salt", salt);
  const key = decodeField(FORMAT, "hash", parts[4] ?? "", decodeBase64Strict);
  checkKeyBytes(FORMAT, "hash", key);
  checkKeyLength(FORMAT, key);
  checkScryptN(FORMAT, N);
  return { N, r, p, salt, hash: key };
}

const KEYS = ["ln=", "r=", "p="] as const;

/** Whether {@link parseScryptHash} accepts `hash`, checked without decoding (false sends it to the parser). */
function isValidScrypt(hash: string): boolean {
  if (typeof hash !== "string" || !hash.startsWith("$scrypt$") || !splitDollars(hash, 4)) return false;
  if (!readParams(hash, (DOLLARS[1] as number) + 1, DOLLARS[2] as number, KEYS)) return false;
  const N = PARAMS[0] as number;
  const r = PARAMS[1] as number;
  const p = PARAMS[2] as number;
  if (N < 2 || N > SCRYPT_BOUNDS.N.max || (N & (N - 1)) !== 0 || r < SCRYPT_BOUNDS.r.min) return false;
  if (r > SCRYPT_BOUNDS.r.max || p < SCRYPT_BOUNDS.p.min || p > SCRYPT_BOUNDS.p.max) return false;
  if (N * r * p > SCRYPT_MAX_WORK) return false;
  const salt = paddedBytes(hash, (DOLLARS[2] as number) + 1, DOLLARS[3] as number, true);
  const key = paddedBytes(hash, (DOLLARS[3] as number) + 1, DOLLARS[4] as number, true);
  return salt >= 0 && salt <= MAX_SALT_BYTES && key >= MIN_KEY_BYTES && key <= MAX_KEY_BYTES;
}

/** `$scrypt$` hashes (Kratos `CompareScrypt`); the key length is the decoded hash length. */
export const scryptVerifier: HashVerifier = Object.freeze({
  id: FORMAT,
  matches: (hash: string) => hash.startsWith("$scrypt$"),
  validate(hash: string): void {
    if (!isValidScrypt(hash)) parseScryptHash(hash);
  },
  async verify(password: string, hash: string): Promise<boolean> {
    const parsed = tryParse(parseScryptHash, hash);
    if (parsed === undefined) return false;
    return constantTimeEqual(
      await scryptAsync(password, parsed.salt, parsed.hash.length, parsed),
      parsed.hash,
    );
  },
});
