import { createCipheriv } from "node:crypto";
import { constantTimeEqual, decodeBase64Strict } from "../encoding.js";
import type { HashVerifier } from "../hash-verifier.js";
import { MAX_KEY_BYTES, MAX_SALT_BYTES } from "../limits.js";
import {
  checkKeyBytes,
  checkKeyLength,
  checkRange,
  checkSaltBytes,
  decodeField,
  MIN_KEY_BYTES,
  malformed,
  parseParams,
  splitHash,
  tryParse,
} from "./hash-params.js";
import { checkScryptWork, SCRYPT_MAX_WORK, type ScryptParams, scryptAsync } from "./scrypt.js";
import { DOLLARS, PARAMS, paddedBytes, readParams, splitDollars } from "./syntax.js";

/** Bounds on Firebase scrypt parameters (Kratos `hash/hash_limits.go`); `ln` is log2 N. */
export const FIRESCRYPT_BOUNDS = Object.freeze({
  ln: { min: 1, max: 17 },
  r: { min: 1, max: 8 },
  p: { min: 1, max: 10 },
});

const FORMAT = "firebasescrypt";
const ZERO_IV = Buffer.alloc(16);

/** A parsed Kratos Firebase-scrypt hash. */
export interface FirescryptHash extends ScryptParams {
  salt: Buffer;
  hash: Buffer;
  saltSeparator: Buffer;
  signerKey: Buffer;
}

/**
 * Parses `$firescrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>$<salt separator>$<signer key>` (padded strict base64).
 * ln=0 (N=1, which scrypt rejects) is `unsupported_hash`. The hash must be as long as the signer key, the only way
 * it can ever match (Kratos accepts other lengths on import; they fail every login). Bounds: ln, r, p, then
 * 2^ln × r × p ≤ `SCRYPT_MAX_WORK`; salt, salt separator and signer key ≤ 1024 bytes.
 *
 * @throws IdentityError `unsupported_hash` when malformed, `hash_parameters_out_of_bounds` when over the bounds.
 */
export function parseFirescryptHash(hash: string): FirescryptHash {
  const parts = splitHash(FORMAT, hash, 7);
  const { ln, r, p } = parseParams(FORMAT, parts[2] ?? "", ["ln", "r", "p"] as const);
  if (ln === 0) throw malformed(FORMAT, "ln must be at least 1");
  checkRange(FORMAT, "ln", ln, FIRESCRYPT_BOUNDS.ln.min, FIRESCRYPT_BOUNDS.ln.max);
  checkRange(FORMAT, "r", r, FIRESCRYPT_BOUNDS.r.min, FIRESCRYPT_BOUNDS.r.max);
  checkRange(FORMAT, "p", p, FIRESCRYPT_BOUNDS.p.min, FIRESCRYPT_BOUNDS.p.max);
  checkScryptWork(FORMAT, { N: 2 ** ln, r, p });
  const salt = decodeField(FORMAT, "salt", parts[3] ?? "", decodeBase64Strict);
  checkSaltBytes(FORMAT, "salt", salt);
  const key = decodeField(FORMAT, "hash", parts[4] ?? "", decodeBase64Strict);
  checkKeyBytes(FORMAT, "hash", key);
  const saltSeparator = decodeField(FORMAT, "salt separator", parts[5] ?? "", decodeBase64Strict);
  checkSaltBytes(FORMAT, "salt separator", saltSeparator);
  const signerKey = decodeField(FORMAT, "signer key", parts[6] ?? "", decodeBase64Strict);
  checkKeyBytes(FORMAT, "signer key", signerKey);
  checkKeyLength(FORMAT, key);
  if (key.length !== signerKey.length)
    throw malformed(FORMAT, "the hash and the signer key differ in length");
  return { N: 2 ** ln, r, p, salt, hash: key, saltSeparator, signerKey };
}

const KEYS = ["ln=", "r=", "p="] as const;

/** Bytes of field `k` (after the k-th `$` of the last split) as strict padded base64, or -1. */
const field = (hash: string, k: number): number =>
  paddedBytes(hash, (DOLLARS[k] as number) + 1, DOLLARS[k + 1] as number, true);

/** Whether {@link parseFirescryptHash} accepts `hash`, checked without decoding (false sends it to the parser). */
function isValidFirescrypt(hash: string): boolean {
  if (typeof hash !== "string" || !hash.startsWith("$firescrypt$") || !splitDollars(hash, 6)) return false;
  if (!readParams(hash, (DOLLARS[1] as number) + 1, DOLLARS[2] as number, KEYS)) return false;
  const ln = PARAMS[0] as number;
  const r = PARAMS[1] as number;
  const p = PARAMS[2] as number;
  const { ln: lnBounds, r: rBounds, p: pBounds } = FIRESCRYPT_BOUNDS;
  if (ln < lnBounds.min || ln > lnBounds.max || r < rBounds.min || r > rBounds.max) return false;
  if (p < pBounds.min || p > pBounds.max || 2 ** ln * r * p > SCRYPT_MAX_WORK) return false;
  const salt = field(hash, 2);
  const key = field(hash, 3);
  const separator = field(hash, 4);
  const signer = field(hash, 5);
  if (salt < 0 || salt > MAX_SALT_BYTES || separator < 0 || separator > MAX_SALT_BYTES) return false;
  return key >= MIN_KEY_BYTES && key <= MAX_KEY_BYTES && signer === key;
}

/**
 * `$firescrypt$` hashes (Kratos `CompareFirebaseScrypt`): key = scrypt(password, salt ‖ separator, N, r, p, 32),
 * then AES-256-CTR with a zero IV over the signer key must give the stored hash.
 */
export const firescryptVerifier: HashVerifier = Object.freeze({
  id: FORMAT,
  matches: (hash: string) => hash.startsWith("$firescrypt$"),
  validate(hash: string): void {
    if (!isValidFirescrypt(hash)) parseFirescryptHash(hash);
  },
  async verify(password: string, hash: string): Promise<boolean> {
    const parsed = tryParse(parseFirescryptHash, hash);
    if (parsed === undefined) return false;
    const key = await scryptAsync(password, Buffer.concat([parsed.salt, parsed.saltSeparator]), 32, parsed);
    const cipher = createCipheriv("aes-256-ctr", key, ZERO_IV);
    const signed = Buffer.concat([cipher.update(parsed.signerKey), cipher.final()]);
    return constantTimeEqual(signed, parsed.hash);
  },
});
