import { ConflictError } from "../errors/index.js";

/** Which uniqueness rule of the storage contract a write broke. */
export type UniqueKeyKind = "credential" | "verifiable_address" | "recovery_address" | "external_id";

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
  return new ConflictError({
    message: "Unable to insert or update resource because a resource with that value exists already",
    reason: `This identity conflicts with another identity that already exists: ${what} is taken.`,
  });
}

/** The conflict for an id that is already stored. */
export function idConflict(): ConflictError {
  return new ConflictError({ reason: "An identity with this id exists." });
}
