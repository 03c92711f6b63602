import { ValidationError } from "../../../errors/index.js";
import type { Limiter } from "../limiter.js";
import { loadBcrypt } from "../native.js";
import { parseBcryptHash } from "../verifiers/bcrypt.js";
import { tryParse } from "../verifiers/hash-params.js";
import type { ConfiguredHasher } from "./configured-hasher.js";

/** bcrypt only reads the first 72 bytes of a password. */
export const BCRYPT_MAX_PASSWORD_BYTES = 72;

/**
 * Refuses a password bcrypt would silently truncate, as Kratos does (`hash/hasher_bcrypt.go`); the count is in
 * UTF-8 bytes, the message is Kratos's.
 *
 * @throws ValidationError `validation_failed` with one issue `{ pointer: "/password", code: "too_long" }`.
 */
export function assertBcryptPasswordLength(password: string): void {
  const bytes = Buffer.byteLength(password, "utf8");
  if (bytes > BCRYPT_MAX_PASSWORD_BYTES) {
    throw new ValidationError([
      {
        pointer: "/password",
        code: "too_long",
        message: `The password must be at most ${BCRYPT_MAX_PASSWORD_BYTES} characters long, but got ${bytes}.`,
      },
    ]);
  }
}

/**
 * Creates the bcrypt hasher. Output: `$2a$<cost>$<22 salt><31 hash>`, 60 characters, like Kratos (Go's bcrypt).
 * Hashing runs natively off the event loop, inside `limiter`.
 */
export function createBcryptHasher(cost: number, limiter: Limiter): ConfiguredHasher {
  return Object.freeze({
    algorithm: "bcrypt" as const,
    async hash(password: string): Promise<string> {
      assertBcryptPasswordLength(password);
      return limiter.run(async () => (await loadBcrypt()).hash(password, { cost, version: "2a" }));
    },
    needsRehash(hash: string): boolean {
      const parsed = tryParse(parseBcryptHash, hash);
      return parsed === undefined || parsed.cost < cost;
    },
  });
}
