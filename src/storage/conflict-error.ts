import { gracefulNormalization } from "../addresses/normalize.js";
import { ConflictError, escapePointerToken } from "../errors/index.js";
import type { JsonValue, StoredIdentity } from "../identity/identity.js";

/** Which uniqueness rule of the storage contract a write broke (`id`: the identity's own id is taken). */
export type UniqueKeyKind = "credential" | "verifiable_address" | "recovery_address" | "external_id" | "id";

/**
 * The `identity_conflict` an adapter reports for a taken uniqueness key, in Kratos's words (`message`) with the
 * field named in `reason` (never driver text). `scope` is the credential type or the address channel.
 */
export function uniqueKeyConflict(kind: UniqueKeyKind, scope: string, value: string): ConflictError {
  const what =
    kind === "credential"
      ? `the ${scope} identifier ${JSON.stringify(value)}`
      : kind === "verifiable_address"
        ? `the verifiable address ${JSON.stringify(value)} (${scope})`
        : kind === "recovery_address"
          ? `the recovery address ${JSON.stringify(value)} (${scope})`
          : `the external_id ${JSON.stringify(value)}`;
  const error = new ConflictError({
    message: "Unable to insert or update resource because a resource with that value exists already",
    reason: `This identity conflicts with another identity that already exists: ${what} is taken.`,
  });
  // Non-enumerable and under a global symbol, so the ESM and CJS copies of the package both read it.
  Object.defineProperty(error, CONFLICT_KEY, { value: Object.freeze({ kind, scope, value }) });
  return error;
}

const CONFLICT_KEY = Symbol.for("idkit.conflictKey");

/** The uniqueness key a conflict from {@link uniqueKeyConflict} names (the credential type or channel in `scope`). */
export interface ConflictKey {
  kind: UniqueKeyKind;
  scope: string;
  value: string;
}

/** The key {@link uniqueKeyConflict} attached to `error`, or undefined (another adapter's error, any value). */
export function conflictKeyOf(error: unknown): ConflictKey | undefined {
  try {
    const key = (error as Record<symbol, unknown>)[CONFLICT_KEY] as Partial<ConflictKey> | undefined;
    if (typeof key?.kind !== "string" || typeof key.scope !== "string" || typeof key.value !== "string")
      return;
    return { kind: key.kind, scope: key.scope, value: key.value };
  } catch {
    return undefined; // a hostile proxy
  }
}

/**
 * The RFC 6901 pointer, rooted at the identity, of the field that produced a taken key: the trait whose value
 * normalises to it (`/traits/email`), else the identifier or address entry (`/credentials/password/identifiers/0`,
 * `/verifiable_addresses/1`), else `/external_id`; undefined when the identity holds no such key.
 */
export function conflictPointer(key: ConflictKey, identity: StoredIdentity): string | undefined {
  if (key.kind === "id") return identity.id === key.value ? "/id" : undefined;
  if (key.kind === "external_id") return identity.external_id === key.value ? "/external_id" : undefined;
  const fromTraits = traitPointer(identity.traits, key.value, "/traits");
  if (fromTraits !== undefined) return fromTraits;
  if (key.kind === "credential") {
    const at = identity.credentials[key.scope as keyof StoredIdentity["credentials"]]?.identifiers.indexOf(
      key.value,
    );
    return at === undefined || at < 0
      ? undefined
      : `/credentials/${escapePointerToken(key.scope)}/identifiers/${at}`;
  }
  const [list, field] =
    key.kind === "verifiable_address"
      ? [identity.verifiable_addresses, "verifiable_addresses"]
      : [identity.recovery_addresses, "recovery_addresses"];
  const at = list.findIndex((a) => a.via === key.scope && a.value === key.value);
  return at < 0 ? undefined : `/${field}/${at}`;
}

/** The pointer of the first string of `value` that normalises to `wanted` (how identifiers are derived). */
export function traitPointer(value: JsonValue, wanted: string, at: string): string | undefined {
  if (typeof value === "string") return gracefulNormalization(value) === wanted ? at : undefined;
  if (value === null || typeof value !== "object") return undefined;
  const entries: [string | number, JsonValue][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  for (const [key, child] of entries) {
    const found = traitPointer(child, wanted, `${at}/${escapePointerToken(key)}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The conflict for an id that is already stored (its key names the id, so a create body's `id` gets `/id`). */
export function idConflict(id: string): ConflictError {
  const error = new ConflictError({ reason: "An identity with this id exists." });
  Object.defineProperty(error, CONFLICT_KEY, { value: Object.freeze({ kind: "id", scope: "", value: id }) });
  return error;
}
