import { gracefulNormalization } from "../addresses/normalize.js";
import { IdentityError } from "../errors/index.js";
import { cloneJson } from "../identity/clone.js";
import type { StoredIdentity } from "../identity/identity.js";
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
  /** A hash of the configured kind to verify against when the identifier is unknown (same cost, no enumeration). */
  dummyHash(): Promise<string>;
  migrationHook: PasswordMigrationHook | undefined;
  /** Stores a new hash for the identity (rehash or migration), only if the stored one is still `previous`. */
  storeHash(identity: StoredIdentity, hash: string, previous: string | undefined): Promise<StoredIdentity>;
  onRehashError: ((error: unknown, identityId: string) => void | Promise<void>) | undefined;
}

/** Longest password (and identifier) a login considers, in bytes (passlib uses 4096 too). */
export const MAX_PASSWORD_BYTES = 4096;

function invalid(): IdentityError {
  return new IdentityError("invalid_credentials");
}

/**
 * Password login (Kratos `selfservice/strategy/password/login.go`, spec 5.5): find the identity by its
 * normalised identifier, verify the password, refuse inactive identities (only once the password is right), and
 * rehash when the stored hash is another algorithm or weaker than configured. A failed rehash never fails the
 * login. An unknown identifier costs one verification of the configured kind, like a known one.
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
  const normalised = gracefulNormalization(identifier);
  const identity =
    (await deps.findByIdentifier(normalised)) ??
    (normalised === identifier ? undefined : await deps.findByIdentifier(identifier));
  const config = identity?.credentials.password?.config as
    | { hashed_password?: string; use_password_migration_hook?: boolean }
    | undefined;
  const stored = config?.hashed_password;

  if (!identity || (!stored && config?.use_password_migration_hook !== true)) {
    await deps.hasher.verify(password, await deps.dummyHash());
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

  if (!(await deps.hasher.verify(password, stored))) throw invalid();
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
