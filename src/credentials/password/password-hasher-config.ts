import { availableParallelism } from "node:os";
import { IdentityError } from "../../errors/index.js";
import {
  type ConfigIssue,
  issuesReason,
  optionalEnum,
  optionalInt,
  strictObject,
} from "../../json/config-check.js";
import { toJsonInput } from "../../json/json-input.js";
import { ARGON2_BOUNDS, ARGON2_MAX_WORK_KIB } from "./verifiers/argon2.js";
import { BCRYPT_MAX_COST, BCRYPT_MIN_COST } from "./verifiers/bcrypt.js";

/** The algorithms idkit hashes new passwords with. */
export type HashingAlgorithm = "argon2id" | "bcrypt";

/** Argon2id parameters for new hashes. */
export interface Argon2Options {
  /** Memory in KiB, 8×parallelism..1048576. @default 47104 (46 MiB, OWASP Password Storage Cheat Sheet) */
  memoryCost?: number;
  /** Passes, 1..10, with memoryCost × timeCost ≤ 4,194,304 (what the verifiers accept). @default 1 */
  timeCost?: number;
  /** Lanes, 1..16. @default 1 */
  parallelism?: number;
  /** Salt bytes, 16..64. @default 16 */
  saltLength?: number;
  /** Tag bytes, 16..64. @default 32 */
  hashLength?: number;
}

/** How new password hashes are made, and how many hash operations may run at once. */
export interface HashingOptions {
  /** @default "argon2id" */
  algorithm?: HashingAlgorithm;
  argon2?: Argon2Options;
  bcrypt?: {
    /** Work factor, 4..15 (the verifier refuses more). @default 12 */
    cost?: number;
  };
  /** Hash and verify operations allowed in flight; the rest queue in FIFO order. @default os.availableParallelism() */
  concurrency?: number;
}

/** {@link HashingOptions} with every default applied. */
export interface ResolvedHashingOptions {
  readonly algorithm: HashingAlgorithm;
  readonly argon2: Readonly<Required<Argon2Options>>;
  readonly bcrypt: { readonly cost: number };
  readonly concurrency: number;
}

/** OWASP Password Storage Cheat Sheet: argon2id m=47104 KiB, t=1, p=1; bcrypt cost 12 (Kratos's default too). */
export const DEFAULT_ARGON2: Readonly<Required<Argon2Options>> = Object.freeze({
  memoryCost: 47104,
  timeCost: 1,
  parallelism: 1,
  saltLength: 16,
  hashLength: 32,
});

/** Default bcrypt cost. */
export const DEFAULT_BCRYPT_COST = 12;

const int = optionalInt;

const check = strictObject(
  {
    algorithm: optionalEnum(["argon2id", "bcrypt"]),
    argon2: strictObject({
      memoryCost: int(ARGON2_BOUNDS.memoryCost.min, ARGON2_BOUNDS.memoryCost.max),
      timeCost: int(ARGON2_BOUNDS.timeCost.min, ARGON2_BOUNDS.timeCost.max),
      parallelism: int(ARGON2_BOUNDS.parallelism.min, ARGON2_BOUNDS.parallelism.max),
      saltLength: int(16, 64),
      hashLength: int(16, 64),
    }),
    bcrypt: strictObject({ cost: int(BCRYPT_MIN_COST, BCRYPT_MAX_COST) }),
    concurrency: int(1, 1024),
  },
  true,
);

/**
 * Validates hashing options and applies the defaults. Every accepted configuration produces hashes that idkit's
 * own verifiers accept.
 *
 * @throws IdentityError `invalid_configuration` naming the offending option, or when the options cannot be read
 *   (a revoked proxy, a throwing getter).
 */
export function resolveHashingOptions(options: HashingOptions = {}): ResolvedHashingOptions {
  let copy: unknown;
  let issues: ConfigIssue[];
  try {
    // A plain copy first, so a getter or proxy is read once.
    copy = toJsonInput(options, { maxDepth: 4 });
    issues = check(copy, "");
  } catch (cause) {
    // A revoked proxy or a throwing getter: reading the options failed.
    throw new IdentityError("invalid_configuration", {
      reason: "hashing: the options cannot be read",
      cause,
    });
  }
  if (issues.length > 0) {
    throw new IdentityError("invalid_configuration", { reason: issuesReason("hashing", issues) });
  }
  const o = copy as HashingOptions;
  const argon2 = Object.freeze({
    memoryCost: o.argon2?.memoryCost ?? DEFAULT_ARGON2.memoryCost,
    timeCost: o.argon2?.timeCost ?? DEFAULT_ARGON2.timeCost,
    parallelism: o.argon2?.parallelism ?? DEFAULT_ARGON2.parallelism,
    saltLength: o.argon2?.saltLength ?? DEFAULT_ARGON2.saltLength,
    hashLength: o.argon2?.hashLength ?? DEFAULT_ARGON2.hashLength,
  });
  if (argon2.memoryCost < 8 * argon2.parallelism) {
    throw new IdentityError("invalid_configuration", {
      reason: "hashing.argon2.memoryCost: must be at least 8 × parallelism KiB",
    });
  }
  if (argon2.memoryCost * argon2.timeCost > ARGON2_MAX_WORK_KIB) {
    throw new IdentityError("invalid_configuration", {
      reason: `hashing.argon2.timeCost: memoryCost × timeCost must be at most ${ARGON2_MAX_WORK_KIB} KiB-passes, the verifiers' bound`,
    });
  }
  return Object.freeze({
    algorithm: o.algorithm ?? "argon2id",
    argon2,
    bcrypt: Object.freeze({ cost: o.bcrypt?.cost ?? DEFAULT_BCRYPT_COST }),
    concurrency: o.concurrency ?? availableParallelism(),
  });
}
