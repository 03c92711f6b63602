import { ValidationError } from "../../errors/index.js";
import { createArgon2idHasher } from "./hashers/argon2id.js";
import { createBcryptHasher } from "./hashers/bcrypt.js";
import { createLimiter } from "./limiter.js";
import { isAcceptablePassword } from "./limits.js";
import {
  type HashingAlgorithm,
  type HashingOptions,
  resolveHashingOptions,
} from "./password-hasher-config.js";
import { findVerifier } from "./verify-password.js";

export type { Argon2Options, HashingAlgorithm, HashingOptions } from "./password-hasher-config.js";

/** Hashes new passwords with the configured algorithm and verifies stored hashes of any supported format. */
export interface PasswordHasher {
  /** The algorithm new hashes are made with. */
  readonly algorithm: HashingAlgorithm;
  /**
   * Hashes a password with the configured algorithm and a fresh salt.
   *
   * @throws ValidationError `validation_failed` (issue code `too_long`) under bcrypt for a password over 72 bytes.
   */
  hash(password: string): Promise<string>;
  /**
   * Verifies a password against a stored hash of any supported format, like `verifyPassword`, inside the
   * concurrency limit. Resolves `false` for a wrong password, for an unknown, malformed or out-of-bounds hash and
   * for a password over 4096 UTF-8 bytes (`MAX_PASSWORD_BYTES`); those are detected before queueing, so they
   * never wait.
   */
  verify(password: string, hash: string): Promise<boolean>;
  /**
   * True when `hash` should be replaced after a successful login: it is another algorithm (or unparseable), or its
   * parameters are weaker than the configured ones (argon2id: m, t, p, salt or tag length smaller; bcrypt: lower
   * cost). Kratos rehashes only on an algorithm change.
   */
  needsRehash(hash: string): boolean;
}

/**
 * Creates a password hasher. Each hasher has its own concurrency limiter; several may coexist.
 *
 * @example
 * ```ts
 * const hasher = createPasswordHasher({ algorithm: "argon2id" });
 * const stored = await hasher.hash("correct horse battery staple");
 * await hasher.verify("correct horse battery staple", stored); // true
 * hasher.needsRehash("$2a$10$ZsCsoVQ3xfBG/K2z2XpBf.tm90GZmtOqtqWcB5.pYd5Eq8y7RlDyq"); // true: bcrypt
 * ```
 * @throws IdentityError `invalid_configuration` for options outside the supported ranges.
 */
export function createPasswordHasher(options?: HashingOptions): PasswordHasher {
  const config = resolveHashingOptions(options);
  const limiter = createLimiter(config.concurrency);
  const inner =
    config.algorithm === "bcrypt"
      ? createBcryptHasher(config.bcrypt.cost, limiter)
      : createArgon2idHasher(config.argon2, limiter);
  return Object.freeze({
    algorithm: inner.algorithm,
    hash: (password: string) =>
      typeof password === "string"
        ? inner.hash(password)
        : Promise.reject(
            new ValidationError([
              { pointer: "/password", code: "invalid_type", message: "The password must be a string." },
            ]),
          ),
    async verify(password: string, hash: string): Promise<boolean> {
      const verifier = isAcceptablePassword(password) ? findVerifier(hash) : undefined;
      if (verifier === undefined) return false;
      try {
        verifier.validate(hash);
      } catch {
        return false;
      }
      return limiter.run(() => verifier.verify(password, hash));
    },
    needsRehash: (hash: string) => inner.needsRehash(hash),
  });
}
