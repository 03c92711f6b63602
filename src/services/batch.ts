import { IdentityError, isIdentityError, ValidationError } from "../errors/index.js";
import { readCommonBatchBody } from "../identity/create-body-fast.js";
import type { JsonValue, StoredIdentity } from "../identity/identity.js";
import { BatchPatchBodySchema, MAX_JSON_DEPTH, parseJson } from "../identity/payloads.js";
import type { BatchPatchResultItem } from "../identity-manager-config.js";
import { toJsonInput } from "../json/json-input.js";
import type { ServiceContext } from "./context.js";

/** Kratos's limit of identities per `PATCH /admin/identities`. */
const MAX_BATCH = 1000;

function tooBig(message: string): ValidationError {
  return new ValidationError([{ pointer: "/identities", code: "too_big", message }]);
}

/** True when a (copied) create body carries a clear-text password, which costs one hash to import. */
export function hasClearTextPassword(create: JsonValue | IdentityError): boolean {
  const c = create as { credentials?: { password?: { config?: { password?: unknown } } } } | null;
  const password = c?.credentials?.password?.config?.password;
  return typeof password === "string" && password !== "";
}

/** A create body copied once into plain JSON, or the error that says why it cannot be read (it fails alone). */
export function copyCreateBody(create: unknown, root: string): JsonValue | IdentityError {
  try {
    return toJsonInput(create, { root });
  } catch (e) {
    return e as IdentityError;
  }
}

/** A body built into an identity ready to store, or the error that refused it; `null` for a skipped entry. */
export type Prepared = StoredIdentity | IdentityError | null;

/** A body to build: plain JSON (`null` included: it is refused as a body), an error already, or `undefined` to skip. */
export type BodyToBuild = JsonValue | IdentityError | undefined;

/** What {@link insertPrepared} did with one body: stored, refused (with the identity storage refused), or skipped. */
export type CreateOutcome =
  | { identity: StoredIdentity; error?: undefined }
  | { identity?: StoredIdentity | undefined; error: IdentityError }
  | null;

/**
 * The build step of a batch create, each body on its own and all in parallel, so clear-text passwords are hashed
 * side by side within the hasher's concurrency bound; bodies that need no hashing are built synchronously (no
 * promise per body unless a `beforeCreate` hook runs). Skipped (`undefined`) bodies become `null`; bodies that are
 * already errors stay errors.
 * @throws what the builder throws that is not an IdentityError (a bug), once every started build has settled
 */
export async function prepareMany(
  ctx: ServiceContext,
  bodies: readonly BodyToBuild[],
  source: "batch" | "import",
): Promise<Prepared[]> {
  const out: Prepared[] = new Array(bodies.length);
  const pending: Promise<void>[] = [];
  const hooked = ctx.lifecycle.has("beforeCreate");
  const finish = async (built: StoredIdentity | Promise<StoredIdentity>): Promise<Prepared> => {
    try {
      const identity = await built;
      return await ctx.lifecycle.beforeWrite("beforeCreate", identity, { source }, identity.updated_at);
    } catch (e) {
      if (isIdentityError(e)) return e;
      throw e;
    }
  };
  let failure: { error: unknown } | undefined;
  const fail = (i: number, e: unknown) => {
    if (isIdentityError(e)) out[i] = e;
    else failure ??= { error: e };
  };
  // Two passes, as the builds always ran: every entry's checks (and identity id) first, then the assembly.
  const plans: Array<(() => StoredIdentity | Promise<StoredIdentity>) | undefined> = new Array(bodies.length);
  for (let i = 0; i < bodies.length; i++) {
    const body = bodies[i];
    if (body === undefined) out[i] = null;
    else if (isIdentityError(body)) out[i] = body;
    else {
      try {
        plans[i] = ctx.builder.planCreate(body);
      } catch (e) {
        fail(i, e);
      }
    }
  }
  for (let i = 0; i < bodies.length; i++) {
    const plan = plans[i];
    if (plan === undefined) continue;
    try {
      const built = plan();
      if (!hooked && !(built instanceof Promise)) out[i] = built;
      else
        pending.push(
          finish(built).then((p) => {
            out[i] = p;
          }),
        );
    } catch (e) {
      fail(i, e);
    }
  }
  if (failure !== undefined) {
    await Promise.allSettled(pending);
    throw failure.error;
  }
  await Promise.all(pending);
  return out;
}

/**
 * The write step of a batch create: the built identities in one `insertIdentities` call (each identity atomic,
 * failing alone). Outcomes come back in input order.
 * @throws IdentityError `storage_error` when the adapter fails the whole write (nothing says which were stored).
 */
export async function insertPrepared(
  ctx: ServiceContext,
  prepared: readonly Prepared[],
  source: "batch" | "import",
): Promise<CreateOutcome[]> {
  const toInsert = prepared.filter((p): p is StoredIdentity => p !== null && !isIdentityError(p));
  const outcomes = await ctx.storage.insertIdentities(toInsert);
  if (ctx.lifecycle.has("afterCreate")) {
    for (let i = 0; i < toInsert.length; i++) {
      if (!outcomes[i]) await ctx.lifecycle.after("afterCreate", toInsert[i] as StoredIdentity, { source });
    }
  }
  let next = 0;
  return prepared.map((p): CreateOutcome => {
    if (p === null) return null;
    if (isIdentityError(p)) return { error: p };
    const outcome = outcomes[next++];
    if (!outcome) return { identity: p };
    const error = isIdentityError(outcome) ? outcome : new IdentityError("storage_error", { cause: outcome });
    return { identity: p, error };
  });
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
  const data = toJsonInput(body, { maxDepth: MAX_JSON_DEPTH, opaque: ["/identities/*/create"] });
  const parsed = readCommonBatchBody(data) ?? parseJson(BatchPatchBodySchema, data);
  const entries = parsed.identities;
  if (entries.length > MAX_BATCH) {
    throw tooBig(
      `The maximum number of identities per request that can be created or deleted at once is ${MAX_BATCH}.`,
    );
  }
  const bodies = entries.map((item, i) =>
    item.create === undefined || item.create === null
      ? undefined
      : copyCreateBody(item.create, `/identities/${i}/create`),
  );
  const limit = ctx.maxClearTextPasswordsPerBatch;
  if (bodies.filter((b) => b !== undefined && hasClearTextPassword(b)).length > limit) {
    throw tooBig(
      `The maximum number of identities per request that can be created with a plaintext password is ${limit}.`,
    );
  }
  const outcomes = await insertPrepared(ctx, await prepareMany(ctx, bodies, "batch"), "batch");
  const identities = outcomes.map((outcome, i): BatchPatchResultItem => {
    const patchId = entries[i]?.patch_id;
    const withPatch = patchId === undefined || patchId === null ? {} : { patch_id: patchId };
    if (outcome === null) return null;
    if (outcome.error) return { action: "error", ...withPatch, error: outcome.error.toJSON().error };
    return { action: "create", identity: outcome.identity.id, ...withPatch };
  });
  return { identities };
}
