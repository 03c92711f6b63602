import type { Algorithm } from "@node-rs/argon2";
import { constantTimeEqual, decodeBase64RawStrict } from "../encoding.js";
import type { HashVerifier } from "../hash-verifier.js";
import { MAX_KEY_BYTES, MAX_SALT_BYTES } from "../limits.js";
import { loadArgon2 } from "../native.js";
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
import { DOLLARS, PARAMS, rawStrictBytes, readParams, splitDollars } from "./syntax.js";

/** The argon2 variants we verify. Kratos verifies `argon2id` and `argon2i`; `argon2d` is an addition. */
export type Argon2Variant = "argon2id" | "argon2i" | "argon2d";

/** Bounds on argon2 parameters in a stored hash (Kratos `hash/hash_limits.go`). */
export const ARGON2_BOUNDS = Object.freeze({
  /** Memory in KiB: 1 GiB at most. */
  memoryCost: { min: 1, max: 1 << 20 },
  timeCost: { min: 1, max: 10 },
  parallelism: { min: 1, max: 16 },
});

/**
 * Most argon2 work accepted: m × t, in KiB-passes (every pass fills all m KiB blocks once; p splits the same work
 * into lanes). 4 GiB-passes is libsodium's `SENSITIVE` preset (1 GiB, t=4), the strongest documented preset;
 * Kratos's default (128 MiB, t=1), PHP's (64 MiB, t=4), RFC 9106's second choice (64 MiB, t=3) and OWASP's fit
 * with room to spare. Kratos bounds m and t one by one, which lets 1 GiB × 10 passes through.
 */
export const ARGON2_MAX_WORK_KIB = 4 << 20;

/** Shortest salt accepted, in bytes (RFC 9106 and `@node-rs/argon2`). Kratos accepts any salt. */
export const ARGON2_MIN_SALT_BYTES = 8;

// `Algorithm` is an ambient const enum, which isolatedModules forbids reading: these are its values.
const ALGORITHMS: Readonly<Record<Argon2Variant, Algorithm>> = Object.freeze({
  argon2d: 0 as Algorithm,
  argon2i: 1 as Algorithm,
  argon2id: 2 as Algorithm,
});

/** A parsed argon2 PHC string. */
export interface Argon2Hash {
  variant: Argon2Variant;
  /** KiB. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
  salt: Buffer;
  /** The stored tag; its length is the key length. */
  hash: Buffer;
}

/**
 * Parses `$argon2X$v=19$m=<KiB>,t=<n>,p=<n>$<salt>$<hash>` with unpadded strict base64, bounding m, t and p before
 * decoding anything else, then m × t ≤ {@link ARGON2_MAX_WORK_KIB}, salt and tag ≤ 1024 bytes. Also refused, as
 * `unsupported_hash`: salts under 8 bytes, tags under 4 bytes and `m < 8p` (RFC 9106 minimums; Go silently
 * accepts them, but no standard implementation produces such hashes).
 *
 * @throws IdentityError `unsupported_hash` when malformed, `hash_parameters_out_of_bounds` when over the bounds.
 */
export function parseArgon2Hash(hash: string): Argon2Hash {
  const parts = splitHash("argon2", hash, 6);
  const variant = parts[1];
  if (variant !== "argon2id" && variant !== "argon2i" && variant !== "argon2d") {
    throw malformed("argon2", "unknown variant");
  }
  if (parts[2] !== "v=19") throw malformed(variant, "only version 19 (v=19) is supported");
  const { m, t, p } = parseParams(variant, parts[3] ?? "", ["m", "t", "p"] as const);
  checkRange(variant, "m", m, ARGON2_BOUNDS.memoryCost.min, ARGON2_BOUNDS.memoryCost.max);
  checkRange(variant, "t", t, ARGON2_BOUNDS.timeCost.min, ARGON2_BOUNDS.timeCost.max);
  checkRange(variant, "p", p, ARGON2_BOUNDS.parallelism.min, ARGON2_BOUNDS.parallelism.max);
  checkWork(variant, "m × t (KiB-passes)", m * t, ARGON2_MAX_WORK_KIB);
  const salt = decodeField(variant, "salt", parts[4] ?? "", decodeBase64RawStrict);
  checkSaltBytes(variant, "salt", salt);
  const tag = decodeField(variant, "hash", parts[5] ?? "", decodeBase64RawStrict);
  checkKeyBytes(variant, "hash", tag);
  if (salt.length < ARGON2_MIN_SALT_BYTES) throw malformed(variant, "the salt must hold at least 8 bytes");
  checkKeyLength(variant, tag);
  if (m < 8 * p) throw malformed(variant, "m must be at least 8 * p");
  return { variant, memoryCost: m, timeCost: t, parallelism: p, salt, hash: tag };
}

const KEYS = ["m=", "t=", "p="] as const;

/**
 * Whether {@link parseArgon2Hash} accepts `hash` as a `variant` hash, checked without decoding: the fields' syntax,
 * the bounds and the decoded lengths from the base64 lengths. False sends the hash to the parser (also for valid
 * ones it does not look at: text before the first `$`, numbers over 9 digits, CR/LF in the base64).
 */
function isValidArgon2(hash: string, prefix: string): boolean {
  if (typeof hash !== "string" || !hash.startsWith(prefix) || !splitDollars(hash, 5)) return false;
  const v = DOLLARS[1] as number;
  if (v !== prefix.length - 1 || DOLLARS[2] !== v + 5 || !hash.startsWith("v=19", v + 1)) return false;
  if (!readParams(hash, v + 6, DOLLARS[3] as number, KEYS)) return false;
  const m = PARAMS[0] as number;
  const t = PARAMS[1] as number;
  const p = PARAMS[2] as number;
  const { memoryCost, timeCost, parallelism } = ARGON2_BOUNDS;
  if (m < memoryCost.min || m > memoryCost.max || t < timeCost.min || t > timeCost.max) return false;
  if (p < parallelism.min || p > parallelism.max || m * t > ARGON2_MAX_WORK_KIB || m < 8 * p) return false;
  const salt = rawStrictBytes(hash, (DOLLARS[3] as number) + 1, DOLLARS[4] as number);
  const tag = rawStrictBytes(hash, (DOLLARS[4] as number) + 1, DOLLARS[5] as number);
  return (
    salt >= ARGON2_MIN_SALT_BYTES && salt <= MAX_SALT_BYTES && tag >= MIN_KEY_BYTES && tag <= MAX_KEY_BYTES
  );
}

/**
 * Computes the raw argon2 tag for the parameters of a parsed hash (native, off the event loop).
 * m need not be a multiple of 4p: like the reference implementation, the library rounds it down internally.
 */
export async function computeArgon2(
  password: string,
  params: Omit<Argon2Hash, "hash">,
  outputLen: number,
): Promise<Buffer> {
  const { hashRaw } = await loadArgon2();
  return hashRaw(password, {
    algorithm: ALGORITHMS[params.variant],
    memoryCost: params.memoryCost,
    timeCost: params.timeCost,
    parallelism: params.parallelism,
    salt: params.salt,
    outputLen,
  });
}

function createArgon2Verifier(variant: Argon2Variant): HashVerifier {
  const prefix = `$${variant}$`;
  const parse = (hash: string): Argon2Hash => {
    const parsed = parseArgon2Hash(hash);
    if (parsed.variant !== variant) throw malformed(variant, "variant mismatch");
    return parsed;
  };
  return Object.freeze({
    id: variant,
    matches: (hash: string) => hash.startsWith(prefix),
    validate(hash: string): void {
      if (!isValidArgon2(hash, prefix)) parse(hash);
    },
    async verify(password: string, hash: string): Promise<boolean> {
      const parsed = tryParse(parse, hash);
      if (parsed === undefined) return false;
      return constantTimeEqual(await computeArgon2(password, parsed, parsed.hash.length), parsed.hash);
    },
  });
}

/** `$argon2id$` hashes (Kratos `CompareArgon2id`). */
export const argon2idVerifier: HashVerifier = createArgon2Verifier("argon2id");
/** `$argon2i$` hashes (Kratos `CompareArgon2i`). */
export const argon2iVerifier: HashVerifier = createArgon2Verifier("argon2i");
/** `$argon2d$` hashes: not in Kratos; verified the same way with the Argon2d variant. */
export const argon2dVerifier: HashVerifier = createArgon2Verifier("argon2d");
