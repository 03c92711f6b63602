import { IdentityError, isIdentityError, ValidationError } from "../errors/index.js";
import { readCommonBatchBody } from "../identity/create-body-fast.js";
import type { JsonValue, StoredIdentity } from "../identity/identity.js";
import { BatchPatchBodySchema, MAX_JSON_DEPTH, parseJson } from "../identity/payloads.js";
import type { BatchPatchResultItem } from "../identity-manager-config.js";
import { toJsonInput } from "../json/json-input.js";
import type { MemoryStorage } from "../storage/memory/memory-storage.js";
import type { ServiceContext } from "./context.js";
import { insertedNow, openCopyingStore, removeNow } from "./own-memory-store.js";

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

/** What {@link startPreparing} leaves: the outcomes so far, the builds still running, and a bug to rethrow. */
interface Preparing {
  out: Prepared[];
  pending: Promise<void>[];
  failure: { error: unknown } | undefined;
}

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
  const { out, pending, failure } = startPreparing(ctx, bodies, source);
  if (failure !== undefined) {
    await Promise.allSettled(pending);
    throw failure.error;
  }
  await Promise.all(pending);
  return out;
}

/** {@link prepareMany}'s synchronous part: every body planned, then built (hashing and hooks left running). */
function startPreparing(
  ctx: ServiceContext,
  bodies: readonly BodyToBuild[],
  source: "batch" | "import",
): Preparing {
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
  return { out, pending, failure };
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
  return joined(prepared, outcomes);
}

/** Each prepared entry with what the store answered for it (`outcomes`: one per identity, in order). */
function joined(prepared: readonly Prepared[], outcomes: readonly (Error | null)[]): CreateOutcome[] {
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

/** Entries built, then written, per step of {@link createInOneTurn}. */
export const TURN_CHUNK = 128;

/** A batch entry's result before it is written out: skipped, created (its id), or refused. */
type EntryResult = null | { id: string; error?: undefined } | { error: IdentityError };

/**
 * The MemoryStorage a batch of `count` pre-hashed entries can be built and written into chunk by chunk in one
 * synchronous turn (so, as with one write, no other call runs or reads the store between two chunks): an open
 * MemoryStorage (a subclass too) whose `insertIdentities` is the class's own (see `openCopyingStore`), and no host code
 * that would run meanwhile (`generateId`, `now`, `beforeCreate`, `afterCreate`). Else undefined.
 */
function oneTurnStore(ctx: ServiceContext, count: number): MemoryStorage | undefined {
  if (count <= TURN_CHUNK || ctx.hostIdsOrClock) return undefined;
  if (ctx.lifecycle.has("beforeCreate") || ctx.lifecycle.has("afterCreate")) return undefined;
  return openCopyingStore(ctx);
}

/**
 * A batch's creates built and written {@link TURN_CHUNK} entries at a time, in one synchronous turn (see
 * {@link oneTurnStore}): each chunk's records are copied into the store while still in the CPU cache, and are
 * garbage once written (only ids are kept). Results, conflicts and stored identities are those of one write of
 * the whole batch (fast-check test against the general path); the differences: the batch is written within the
 * call (a call made after it sees it), and the address ids of a chunk are drawn before the next chunk's identity
 * ids (all ids stay unique and time-ordered).
 * @throws what the builder throws that is not an IdentityError — a bug, or host code reached through an accessor
 *   on `Object.prototype` — and StorageError `storage_error` when such code closed the manager, in each case after
 *   taking back the entries earlier chunks wrote, so the batch stores nothing, as one write would
 */
function createInOneTurn(
  ctx: ServiceContext,
  bodies: readonly BodyToBuild[],
  store: MemoryStorage,
): EntryResult[] {
  const results: EntryResult[] = new Array(bodies.length);
  try {
    for (let start = 0; start < bodies.length; start += TURN_CHUNK) {
      const { out, pending, failure } = startPreparing(ctx, bodies.slice(start, start + TURN_CHUNK), "batch");
      if (failure !== undefined) throw failure.error;
      // Without clear-text passwords and beforeCreate hooks, every build is synchronous.
      if (pending.length > 0) throw new Error("idkit: a pre-hashed build returned a promise");
      const records = out.filter((p): p is StoredIdentity => p !== null && !isIdentityError(p));
      const chunk = entryResults(joined(out, insertedNow(ctx, store, records)));
      for (let i = 0; i < chunk.length; i++) results[start + i] = chunk[i] as EntryResult;
    }
  } catch (e) {
    const written: string[] = [];
    for (const result of results) if (result && result.error === undefined) written.push(result.id);
    removeNow(store, written);
    throw e;
  }
  return results;
}

/** The general path's outcomes as {@link EntryResult}s. */
function entryResults(outcomes: readonly CreateOutcome[]): EntryResult[] {
  return outcomes.map((o) => (o === null ? null : o.error ? { error: o.error } : { id: o.identity.id }));
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
  const clearText = bodies.filter((b) => b !== undefined && hasClearTextPassword(b)).length;
  if (clearText > limit) {
    throw tooBig(
      `The maximum number of identities per request that can be created with a plaintext password is ${limit}.`,
    );
  }
  const store = clearText === 0 ? oneTurnStore(ctx, bodies.length) : undefined;
  const results =
    store !== undefined
      ? createInOneTurn(ctx, bodies, store)
      : entryResults(await insertPrepared(ctx, await prepareMany(ctx, bodies, "batch"), "batch"));
  const identities = results.map((result, i): BatchPatchResultItem => {
    const patchId = entries[i]?.patch_id;
    const withPatch = patchId === undefined || patchId === null ? {} : { patch_id: patchId };
    if (result === null) return null;
    if (result.error) return { action: "error", ...withPatch, error: result.error.toJSON().error };
    return { action: "create", identity: result.id, ...withPatch };
  });
  return { identities };
}
