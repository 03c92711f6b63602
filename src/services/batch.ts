import { IdentityError, isIdentityError, ValidationError } from "../errors/index.js";
import type { JsonValue, StoredIdentity } from "../identity/identity.js";
import { BatchPatchBodySchema, MAX_JSON_DEPTH, parsePayload } from "../identity/payloads.js";
import type { BatchPatchResultItem } from "../identity-manager-config.js";
import { toJsonInput } from "../json/json-input.js";
import type { ServiceContext } from "./context.js";

/** Kratos's limit of identities per `PATCH /admin/identities`. */
const MAX_BATCH = 1000;

function tooBig(message: string): ValidationError {
  return new ValidationError([{ pointer: "/identities", code: "too_big", message }]);
}

function hasClearTextPassword(create: unknown): boolean {
  const c = create as { credentials?: { password?: { config?: { password?: unknown } } } } | null | undefined;
  const password = c?.credentials?.password?.config?.password;
  return typeof password === "string" && password !== "";
}

/**
 * `PATCH /admin/identities` (Kratos `identity/handler.go` `batchPatchIdentities`): at most 1000 creates, each
 * succeeding or failing on its own (reported by `patch_id` with Kratos's error body); clear-text passwords are
 * hashed in parallel within the hasher's concurrency bound.
 * @throws ValidationError when the batch itself is malformed or too large.
 */
export async function batchPatchIdentities(
  ctx: ServiceContext,
  body: unknown,
): Promise<{ identities: BatchPatchResultItem[] }> {
  // Each entry's `create` is parsed on its own below, so one bad entry fails alone.
  const parsed = parsePayload(BatchPatchBodySchema, body, "", MAX_JSON_DEPTH, ["/identities/*/create"]);
  const entries = parsed.identities;
  if (entries.length > MAX_BATCH) {
    throw tooBig(
      `The maximum number of identities per request that can be created or deleted at once is ${MAX_BATCH}.`,
    );
  }
  // Each entry's body is copied once into plain JSON; one that cannot be read fails alone.
  const bodies = entries.map((item, i): JsonValue | IdentityError | null => {
    if (item.create === undefined || item.create === null) return null;
    try {
      return toJsonInput(item.create, { root: `/identities/${i}/create` });
    } catch (e) {
      return e as IdentityError;
    }
  });
  const limit = ctx.maxClearTextPasswordsPerBatch;
  if (bodies.filter((b) => !isIdentityError(b) && hasClearTextPassword(b)).length > limit) {
    throw tooBig(
      `The maximum number of identities per request that can be created with a plaintext password is ${limit}.`,
    );
  }
  const prepared = await Promise.all(
    bodies.map(async (body) => {
      if (body === null || isIdentityError(body)) return body;
      try {
        return await ctx.builder.prepareCreate(body);
      } catch (e) {
        if (isIdentityError(e)) return e;
        throw e;
      }
    }),
  );
  const toInsert = prepared.filter((p): p is StoredIdentity => p !== null && !isIdentityError(p));
  const outcomes = await ctx.storage.insertIdentities(toInsert);
  const outcomeById = new Map(toInsert.map((s, i) => [s.id, outcomes[i] ?? null]));
  const identities = prepared.map((p, i): BatchPatchResultItem => {
    const patchId = entries[i]?.patch_id;
    const withPatch = patchId === undefined || patchId === null ? {} : { patch_id: patchId };
    if (p === null) return null;
    const error = isIdentityError(p) ? p : outcomeById.get(p.id);
    if (error) {
      const e = isIdentityError(error) ? error : new IdentityError("storage_error", { cause: error });
      return { action: "error", ...withPatch, error: e.toJSON().error };
    }
    return { action: "create", identity: (p as StoredIdentity).id, ...withPatch };
  });
  return { identities };
}
