import { gracefulNormalization } from "../addresses/normalize.js";
import { IdentityError } from "../errors/index.js";
import { cloneJson } from "../identity/clone.js";
import type { StoredIdentity } from "../identity/identity.js";
import type { FailurePace } from "./failure-pace.js";
import { burnVerifications, paddingHashes } from "./login-timing.js";
import { MAX_PASSWORD_BYTES } from "./password/limits.js";
import type { PasswordHasher } from "./password/password-hasher.js";

/** Host callback for `use_password_migration_hook` identities (Kratos's password migration web hook). */
export type PasswordMigrationHook = (input: {
  identifier: string;
  password: string;
  identity: StoredIdentity;
}) => boolean | Promise<boolean>;

export interface AuthenticateDeps {
  hasher: PasswordHasher;
  findByIdentifier(identifier: string): Promise<StoredIdentity | undefined>;
  /**
   * A hash of the configured kind (made by `hasher`, of nothing anyone knows), verified against when the identifier
   * is unknown and used to pad failures against cheaper stored hashes. May reject (the login then still fails with
   * `invalid_credentials`).
   */
  dummyHash(): Promise<string>;
  migrationHook: PasswordMigrationHook | undefined;
  /** Stores a new hash for the identity (rehash or migration), only if the stored one is still `previous`. */
  storeHash(identity: StoredIdentity, hash: string, previous: string | undefined): Promise<StoredIdentity>;
  onRehashError: ((error: unknown, identityId: string) => void | Promise<void>) | undefined;
  /** The pace failed logins are brought to (learnt from unknown identifiers); none when absent. */
  pace?: FailurePace;
}

/** Longest password (and identifier) a login considers, in bytes (passlib uses 4096 too); defined with the verifiers. */
export { MAX_PASSWORD_BYTES };

function invalid(): IdentityError {
  return new IdentityError("invalid_credentials");
}

/**
 * Password login (Kratos `selfservice/strategy/password/login.go`, spec 5.5): find the identity by its
 * normalised identifier, verify the password, refuse inactive identities (only once the password is right), and
 * rehash when the stored hash is another algorithm or weaker than configured. A failed rehash never fails the
 * login.
 *
 * Timing (idkit issue 7): a failed login costs about one verification of the configured kind, whatever the
 * identity holds, so its duration does not tell an unknown identifier from a known one, nor which hash a known one
 * holds.
 * - Unknown identifier, or an identity without a password hash: one verification against `deps.dummyHash()`.
 * - Wrong password against a stored hash that `hasher.needsRehash` and that is cheaper than the configured one
 *   (legacy digests, MD5/SHA-crypt, bcrypt at a lower cost, argon2/PBKDF2/scrypt with small parameters, an
 *   unparseable hash): the stored verification, then verifications of the configured kind making up the
 *   difference (`paddingHashes`: the dummy itself for a digest, a scaled-down one otherwise). A hash as strong as
 *   configured gets nothing more; a stronger foreign one is not padded either (it cannot be evened out).
 * - The padding goes through `hasher.verify`, inside the same concurrency limit as every verification, and its
 *   failures (dummy hash or verification) are swallowed: the answer stays `invalid_credentials`.
 * - Then every failed login against a known identity waits, if it ended sooner, until it has lasted the median of
 *   the recent unknown-identifier failures (`deps.pace`, {@link FailurePace}): the work model's errors do not show.
 *   Once that pace is learnt (five unknown-identifier failures), a partial pad is waited, not worked.
 * - Not equalised: the right password (the caller knows it already; a cheap hash then costs its rehash, about one
 *   configured hash), and identities using the password migration hook (the host's hook decides the time).
 *   Inactive identities are padded like active ones, since the state is only checked once the password is right.
 *
 * Identifier and password longer than {@link MAX_PASSWORD_BYTES} are refused before any work, whoever they name.
 * @throws IdentityError `invalid_credentials` for an unknown identifier or a wrong password, `identity_disabled`
 *   for the right password of an inactive identity, `invalid_configuration` for a migration-hook identity without
 *   a hook, `password_migration_failed` when the hook throws.
 */
export async function authenticatePassword(
  deps: AuthenticateDeps,
  identifier: string,
  password: string,
): Promise<StoredIdentity> {
  if (
    Buffer.byteLength(password) > MAX_PASSWORD_BYTES ||
    Buffer.byteLength(identifier) > MAX_PASSWORD_BYTES
  ) {
    // No stored password is this long, and crypt(3)-family verifiers cost O(length²): refuse before any work.
    throw invalid();
  }
  const startedAt = deps.pace?.start() ?? 0;
  const normalised = gracefulNormalization(identifier);
  const identity =
    (await deps.findByIdentifier(normalised)) ??
    (normalised === identifier ? undefined : await deps.findByIdentifier(identifier));
  const config = identity?.credentials.password?.config as
    | { hashed_password?: string; use_password_migration_hook?: boolean }
    | undefined;
  const stored = config?.hashed_password;

  if (!identity || (!stored && config?.use_password_migration_hook !== true)) {
    await burnVerifications(deps.hasher, password, async () => [await deps.dummyHash()]);
    deps.pace?.record(startedAt);
    throw invalid();
  }

  if (!stored) {
    if (!deps.migrationHook) {
      throw new IdentityError("invalid_configuration", {
        reason:
          "The identity uses the password migration hook, but hooks.passwordMigration is not configured.",
      });
    }
    let accepted: boolean;
    try {
      accepted = (await deps.migrationHook({ identifier, password, identity: cloneJson(identity) })) === true;
    } catch (e) {
      throw new IdentityError("password_migration_failed", { cause: e });
    }
    if (!accepted) throw invalid();
    if (identity.state !== "active") throw disabled(identity);
    return storeQuietly(deps, identity, password, undefined);
  }

  if (!(await deps.hasher.verify(password, stored))) {
    if (deps.hasher.needsRehash(stored)) {
      // Once the pace is learnt, a partial pad (a scaled-down dummy) is waited out instead of worked: measured, two
      // verifications cost more than the model says, and the wait is exact. A cheap hash still pays the full dummy.
      const paced = deps.pace?.typical() !== undefined;
      await burnVerifications(deps.hasher, password, async () => {
        const dummy = await deps.dummyHash();
        const pads = paddingHashes(stored, dummy, password);
        return paced ? pads.filter((hash) => hash === dummy) : pads;
      });
    }
    await deps.pace?.padTo(startedAt);
    throw invalid();
  }
  if (identity.state !== "active") throw disabled(identity);
  return deps.hasher.needsRehash(stored) ? storeQuietly(deps, identity, password, stored) : identity;
}

/**
 * Hashes and stores the password and returns the identity as stored; a failure is reported to `onRehashError`,
 * never fails the login, and returns the identity as it was.
 */
async function storeQuietly(
  deps: AuthenticateDeps,
  identity: StoredIdentity,
  password: string,
  previous: string | undefined,
): Promise<StoredIdentity> {
  try {
    return await deps.storeHash(identity, await deps.hasher.hash(password), previous);
  } catch (error) {
    try {
      await deps.onRehashError?.(error, identity.id);
    } catch {
      // The host's error callback failing must not fail the login either.
    }
    return identity;
  }
}

function disabled(identity: StoredIdentity): IdentityError {
  return new IdentityError("identity_disabled", { details: { identity_id: identity.id } });
}
