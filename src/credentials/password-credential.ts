import type { Credential, StoredIdentity } from "../identity/identity.js";

/**
 * The identity with its password credential set to `hash` (created when missing). Replacing the config also drops
 * `use_password_migration_hook`, as Kratos does once a password is stored.
 */
export function withPasswordHash(current: StoredIdentity, hash: string, now: string): StoredIdentity {
  const existing = current.credentials.password;
  const password: Credential = existing
    ? {
        ...existing,
        config: { hashed_password: hash },
        version: Math.max(existing.version, 1),
        updated_at: now,
      }
    : {
        type: "password",
        identifiers: [],
        config: { hashed_password: hash },
        version: 1,
        created_at: now,
        updated_at: now,
      };
  return { ...current, credentials: { ...current.credentials, password } };
}
