import { availableParallelism } from "node:os";
import { IdentityError } from "../../errors/index.js";
import type { HashVerifier } from "./hash-verifier.js";
import { createLimiter } from "./limiter.js";
import { isAcceptablePassword, MAX_HASH_LENGTH } from "./limits.js";
import { argon2dVerifier, argon2idVerifier, argon2iVerifier } from "./verifiers/argon2.js";
import { bcryptVerifier } from "./verifiers/bcrypt.js";
import { djangoBcryptSha256Verifier, pepperedBcryptVerifier } from "./verifiers/bcrypt-variants.js";
import { firescryptVerifier } from "./verifiers/firescrypt.js";
import { LEGACY_VERIFIERS } from "./verifiers/legacy/index.js";
import { pbkdf2Verifier } from "./verifiers/pbkdf2.js";
import { pbkdf2ExtVerifier } from "./verifiers/pbkdf2-ext.js";
import { scryptVerifier } from "./verifiers/scrypt.js";

/**
 * Every stored-hash format idkit verifies, in dispatch order: the first whose `matches` accepts a hash handles it.
 * The modern formats come in Kratos's order (`hash/hash_comparator.go`), then idkit's extensions for vendor exports
 * (PBKDF2 with other digests, Django's bcrypt_sha256, peppered bcrypt), then the legacy ones. Their prefixes do not
 * overlap, so the order decides nothing today.
 */
export const VERIFIERS: readonly HashVerifier[] = Object.freeze([
  bcryptVerifier,
  argon2idVerifier,
  argon2iVerifier,
  argon2dVerifier,
  pbkdf2Verifier,
  scryptVerifier,
  firescryptVerifier,
  pbkdf2ExtVerifier,
  djangoBcryptSha256Verifier,
  pepperedBcryptVerifier,
  ...LEGACY_VERIFIERS,
]);

/** Verifiers by head, filled on first sight of a head that some verifier accepts (bounded by the formats). */
const byHead = new Map<string, HashVerifier>();

/**
 * The length of the part of `hash` that decides its format, `$<id>$` (`<id>` up to 32 characters other than `$`)
 * or `{TAG}` (1 to 16 of `A-Z0-9`), or 0 when it starts with neither. Looks at 34 characters at most.
 */
function headLength(hash: string): number {
  const first = hash.charCodeAt(0);
  if (first === 0x24) {
    const last = Math.min(hash.length - 1, 33);
    for (let i = 1; i <= last; i++) if (hash.charCodeAt(i) === 0x24) return i + 1;
  } else if (first === 0x7b) {
    const last = Math.min(hash.length - 1, 17);
    for (let i = 1; i <= last; i++) {
      const c = hash.charCodeAt(i);
      if (c === 0x7d) return i >= 2 ? i + 1 : 0;
      if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39))) return 0; // A-Z, 0-9
    }
  }
  return 0;
}

/**
 * The verifier that handles `hash` by its prefix, or `undefined` when no format matches, when `hash` is not a
 * string, or when it is longer than {@link MAX_HASH_LENGTH} (checked before any regular expression runs).
 */
export function findVerifier(hash: string): HashVerifier | undefined {
  if (typeof hash !== "string" || hash.length > MAX_HASH_LENGTH) return undefined;
  const length = headLength(hash);
  const head = length === 0 ? undefined : hash.slice(0, length);
  const cached = head === undefined ? undefined : byHead.get(head);
  if (cached?.matches(hash)) return cached;
  const found = VERIFIERS.find((v) => v.matches(hash));
  // Only heads of real formats are remembered, so hostile input cannot grow the map without bound.
  if (found && head !== undefined && byHead.size < 256) byHead.set(head, found);
  return found;
}

/**
 * Checks a password against a stored hash of any supported format (bcrypt, argon2id/i/d, PBKDF2, scrypt, Firebase
 * scrypt and the legacy formats). The work runs off the event loop, one verification per core at a time (FIFO), and secrets are compared in constant time.
 *
 * Resolves `false` for a wrong password **and** for an unknown, malformed or out-of-bounds hash, for a hash over
 * 65,536 characters and for a password over `MAX_PASSWORD_BYTES` (4096) UTF-8 bytes, the cap login applies; it
 * never rejects for those, and refuses them before any hashing work. Any other argument type also gives `false`.
 *
 * @example
 * ```ts
 * await verifyPassword("123456", "$2a$10$ZsCsoVQ3xfBG/K2z2XpBf.tm90GZmtOqtqWcB5.pYd5Eq8y7RlDyq"); // true
 * ```
 */
/** The concurrency bound of the standalone {@link verifyPassword}: one verification per core, the rest queue FIFO. */
const standaloneLimiter = createLimiter(availableParallelism());

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (!isAcceptablePassword(password)) return false;
  const verifier = findVerifier(hash);
  if (verifier === undefined) return false;
  try {
    verifier.validate(hash); // bounds first: an out-of-bounds hash never waits for a slot
  } catch {
    return false;
  }
  try {
    // A bounded number at a time, like a hasher's verifications: concurrent calls cannot each hold 1 GiB of argon2.
    return (await standaloneLimiter.run(() => verifier.verify(password, hash))) === true;
  } catch {
    return false; // a verifier's contract is never to reject; this keeps the public one true whatever happens
  }
}

/**
 * Checks a hash about to be imported (Kratos `hash.ValidateImportedHash`): it must belong to a known format, parse
 * strictly and keep its cost parameters within the bounds. Runs no hashing. Stricter than Kratos, which only checks
 * the prefix of md5, sha, ssha, hmac and crypt hashes and only the cost of bcrypt ones.
 *
 * The hash's length is checked first: over {@link MAX_HASH_LENGTH} (65,536) characters, or not a string, it is
 * `unsupported_hash` before any regular expression runs. Every format then bounds its total work (see
 * `docs/passwords.md`, "Worst-case verification cost per format").
 *
 * @throws IdentityError `unsupported_hash` for an unknown format, a non-string, an over-long string or a hash that
 *   does not parse; `hash_parameters_out_of_bounds` for cost parameters, salt or key lengths over the bounds.
 */
export function validateImportedHash(hash: string): void {
  if (typeof hash === "string" && hash.length > MAX_HASH_LENGTH)
    throw new IdentityError("unsupported_hash", {
      reason: `the hash is longer than ${MAX_HASH_LENGTH} characters`,
    });
  const verifier = findVerifier(hash);
  if (verifier === undefined)
    throw new IdentityError("unsupported_hash", {
      reason: "The imported password does not match any known hash format.",
    });
  verifier.validate(hash);
}
