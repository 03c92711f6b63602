import { escapePointerToken, type IdentityError, type IdentityErrorCode } from "../errors/index.js";
import type { CredentialsType, StoredIdentity } from "../identity/identity.js";
import type { ImportItemError } from "../identity-manager-config.js";
import { traitPointer } from "../storage/conflict-error.js";
import type { ServiceContext } from "./context.js";

/** Where an error without issues points in a create body. */
const FIELD_OF: Partial<Record<IdentityErrorCode, string>> = {
  schema_not_found: "/schema_id",
  unsupported_hash: "/credentials/password/config/hashed_password",
  hash_parameters_out_of_bounds: "/credentials/password/config/hashed_password",
};

/** Most lookups spent to name the holder of a conflicting value (one conflict, not one successful item). */
const MAX_CONFLICT_LOOKUPS = 16;

/**
 * The summary entry of an item that failed with `error`. For `identity_conflict`, and only then, the store is
 * asked who holds the identity's `external_id` or one of its credential identifiers (at most 16 lookups), to
 * fill `conflictingIdentityId` and point at the field; a conflict on an address alone names nobody.
 */
export async function itemError(
  ctx: ServiceContext,
  index: number,
  error: IdentityError,
  identity: StoredIdentity | undefined,
): Promise<ImportItemError> {
  const entry: ImportItemError = { index, code: error.code, message: error.reason ?? error.message };
  const conflictAt = error.details?.pointer;
  const pointer =
    error.issues[0]?.pointer ??
    (typeof conflictAt === "string" ? conflictAt : undefined) ??
    FIELD_OF[error.code];
  if (pointer !== undefined) entry.pointer = pointer;
  if (error.code === "identity_conflict" && identity !== undefined) {
    const holder = await findHolder(ctx, identity);
    if (holder !== undefined) {
      entry.pointer = holder.pointer;
      entry.conflictingIdentityId = holder.id;
    }
  }
  return entry;
}

interface Candidate {
  find: () => Promise<StoredIdentity | undefined>;
  pointer: () => string;
}

async function findHolder(
  ctx: ServiceContext,
  identity: StoredIdentity,
): Promise<{ id: string; pointer: string } | undefined> {
  const candidates: Candidate[] = [];
  const externalId = identity.external_id;
  if (externalId) {
    candidates.push({
      find: () => ctx.storage.findIdentityByExternalId(externalId),
      pointer: () => "/external_id",
    });
  }
  for (const [type, credential] of Object.entries(identity.credentials)) {
    for (const identifier of credential?.identifiers ?? []) {
      candidates.push({
        find: () => ctx.storage.findIdentityByCredentialIdentifier(type as CredentialsType, identifier),
        pointer: () =>
          traitPointer(identity.traits, identifier, "/traits") ?? `/credentials/${escapePointerToken(type)}`,
      });
    }
  }
  try {
    for (const candidate of candidates.slice(0, MAX_CONFLICT_LOOKUPS)) {
      const holder = await candidate.find();
      if (holder !== undefined && holder.id !== identity.id)
        return { id: holder.id, pointer: candidate.pointer() };
    }
  } catch {
    // The store failed to answer: the conflict is reported without its holder.
  }
  return undefined;
}
