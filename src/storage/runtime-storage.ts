import { isStorageHint } from "../errors/identity-error.js";
import { ConflictError, type IdentityError, isIdentityError, StorageError } from "../errors/index.js";
import type { CredentialsType, StoredIdentity } from "../identity/identity.js";
import { conflictKeyOf, conflictPointer } from "./conflict-error.js";
import type {
  CodeSubmission,
  FlowTokenKind,
  FlowTokenRedemption,
  InsertOutcome,
  ListIdentitiesQuery,
  RedemptionOutcome,
  StorageAdapter,
  StoredFlowToken,
} from "./storage-adapter.js";
import { isStoredIdentity } from "./stored-shape.js";

const REDEMPTION_OUTCOMES: ReadonlySet<unknown> = new Set<RedemptionOutcome>([
  "ok",
  "token_gone",
  "stale",
  "identity_not_found",
]);
const CODE_STATUSES: ReadonlySet<unknown> = new Set(["ok", "mismatch", "exhausted", "not_found"]);

/**
 * What reaches a client when an adapter fails: the operation's name and nothing of the driver's text, which
 * stays on `cause` (never serialised by `toJSON()`).
 *
 * An adapter's own `identity_conflict` (the one code the storage contract lets it raise) keeps its `message` and
 * `reason`, which the contract makes client-facing, but loses `details`; when it names its key (the built-in
 * adapters do, through `uniqueKeyConflict`) and the written `identity` holds it, `details.pointer` points at the
 * field that produced the key (`/traits/email`, `/external_id`, ...). Every other value, including other
 * `IdentityError` codes, becomes a generic `storage_error` — except an adapter's own advice to the operator,
 * made with `StorageError.hint` (no driver text), passed on as it is.
 */
export function adapterFailure(operation: string, error: unknown, identity?: StoredIdentity): IdentityError {
  if (WRAPPED.has(error as object) || isStorageHint(error)) return error as IdentityError;
  if (isConflict(error)) {
    const { message, reason } = error as { message: unknown; reason: unknown };
    const key = conflictKeyOf(error);
    const pointer = key && identity ? conflictPointer(key, identity) : undefined;
    const wrapped = new ConflictError({
      ...(typeof message === "string" && message !== "" ? { message } : {}),
      ...(typeof reason === "string" ? { reason } : {}),
      ...(pointer !== undefined ? { details: { pointer } } : {}),
      cause: error,
    });
    WRAPPED.add(wrapped);
    return wrapped;
  }
  return new StorageError({ reason: `The storage adapter failed in ${operation}.`, cause: error });
}

/** What every operation after `close()` rejects with (`op`: the operation's name). */
export function closedError(op: string): StorageError {
  return new StorageError({ reason: `The identity manager is closed (${op} after close()).` });
}

/** Conflicts {@link adapterFailure} already made: passed through as they are when they reach it again. */
const WRAPPED = new WeakSet<object>();

function isConflict(error: unknown): boolean {
  try {
    return isIdentityError(error, "identity_conflict");
  } catch {
    return false; // a hostile proxy
  }
}

/**
 * Wraps the host's adapter: calls `init` once (concurrent first calls share it; a failed `init` is retried by
 * the next call), checks the shape of what the
 * adapter returns, and turns whatever an adapter throws or rejects with into an `IdentityError` that carries no
 * driver text (see {@link adapterFailure}).
 * Adapters are trusted to return fresh objects (MemoryStorage clones); the manager never hands out stored
 * references either.
 */
export class RuntimeStorage {
  readonly #adapter: StorageAdapter;
  #ready: Promise<void> | undefined;
  /** Set once `init` has resolved. */
  #initialized = false;
  #closed: Promise<void> | undefined;

  constructor(adapter: StorageAdapter) {
    this.#adapter = adapter;
  }

  get adapter(): StorageAdapter {
    return this.#adapter;
  }

  /** Whether an operation would call the adapter at once: `init` has resolved and `close` was not called. */
  get open(): boolean {
    return this.#initialized && this.#closed === undefined;
  }

  /**
   * Closes the store: waits for a pending `init`, then calls the adapter's `close` once. Idempotent: later calls
   * return the first call's promise. Every operation afterwards rejects with StorageError `storage_error`.
   * @throws StorageError `storage_error` when the adapter's `close` fails (driver text only on `cause`).
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      try {
        await this.#ready?.catch(() => undefined);
        await this.#adapter.close?.();
      } catch (e) {
        throw adapterFailure("close", e);
      }
    })();
    return this.#closed;
  }

  /** Runs one adapter call `op` under the rules of the methods below (for `ApiKeyStorage`'s wrappers). */
  run<T>(op: string, fn: (adapter: StorageAdapter) => Promise<T>): Promise<T> {
    return this.#run(op, () => fn(this.#adapter));
  }

  async #run<T>(op: string, fn: () => Promise<T>): Promise<T> {
    if (this.#closed !== undefined) {
      throw closedError(op);
    }
    try {
      if (!this.#initialized) {
        if (this.#ready === undefined) {
          const ready = this.#adapter.init ? Promise.resolve(this.#adapter.init()) : Promise.resolve();
          this.#ready = ready;
          // A failed init (a database not up yet) is tried again by the next call instead of failing forever.
          ready.catch(() => {
            if (this.#ready === ready) this.#ready = undefined;
          });
        }
        await this.#ready;
        this.#initialized = true; // init succeeded once: later calls skip the wait
      }
      return await fn();
    } catch (e) {
      throw adapterFailure(op, e);
    }
  }

  insertIdentities(identities: readonly StoredIdentity[]): Promise<InsertOutcome[]> {
    return this.#run("insertIdentities", async () => {
      const outcomes = await this.#adapter.insertIdentities(identities);
      if (!Array.isArray(outcomes) || outcomes.length !== identities.length)
        throw new Error("insertIdentities returned the wrong number of outcomes");
      return outcomes.map((o, i) =>
        o === null ? null : adapterFailure("insertIdentities", o, identities[i]),
      );
    });
  }

  getIdentity(id: string): Promise<StoredIdentity | undefined> {
    return this.#run("getIdentity", async () => maybeIdentity(await this.#adapter.getIdentity(id)));
  }

  findIdentityByCredentialIdentifier(
    type: CredentialsType,
    identifier: string,
  ): Promise<StoredIdentity | undefined> {
    return this.#run("findIdentityByCredentialIdentifier", async () =>
      maybeIdentity(await this.#adapter.findIdentityByCredentialIdentifier(type, identifier)),
    );
  }

  findIdentityByExternalId(externalId: string): Promise<StoredIdentity | undefined> {
    return this.#run("findIdentityByExternalId", async () =>
      maybeIdentity(await this.#adapter.findIdentityByExternalId(externalId)),
    );
  }

  listIdentities(query: ListIdentitiesQuery): Promise<StoredIdentity[]> {
    return this.#run("listIdentities", async () => {
      const rows = await this.#adapter.listIdentities(query);
      if (!Array.isArray(rows) || rows.length > query.limit)
        throw new Error("listIdentities returned no page");
      return rows.map((row) => checkedIdentity(row));
    });
  }

  updateIdentity(
    identity: StoredIdentity,
    expectedUpdatedAt?: string,
  ): Promise<"ok" | "stale" | "not_found"> {
    return this.#run("updateIdentity", async () => {
      let outcome: Awaited<ReturnType<StorageAdapter["updateIdentity"]>>;
      try {
        outcome = await this.#adapter.updateIdentity(identity, expectedUpdatedAt);
      } catch (e) {
        throw adapterFailure("updateIdentity", e, identity);
      }
      if (outcome !== "ok" && outcome !== "stale" && outcome !== "not_found")
        throw new Error("updateIdentity returned an unknown outcome");
      return outcome;
    });
  }

  deleteIdentity(id: string): Promise<boolean> {
    return this.#run("deleteIdentity", async () => {
      const deleted = await this.#adapter.deleteIdentity(id);
      if (typeof deleted !== "boolean") throw new Error("deleteIdentity returned no boolean");
      return deleted;
    });
  }

  insertFlowToken(token: StoredFlowToken) {
    return this.#run("insertFlowToken", () => this.#adapter.insertFlowToken(token));
  }

  findFlowToken(kind: FlowTokenKind, digests: readonly string[]): Promise<StoredFlowToken | undefined> {
    return this.#run("findFlowToken", async () => {
      const token = await this.#adapter.findFlowToken(kind, digests);
      if (token === undefined || token === null) return undefined;
      return checkedToken(token, kind);
    });
  }

  checkFlowCode(
    flowId: string,
    kind: FlowTokenKind,
    digests: readonly string[],
    maxAttempts: number,
  ): Promise<CodeSubmission> {
    return this.#run("checkFlowCode", async () => {
      const result = await this.#adapter.checkFlowCode(flowId, kind, digests, maxAttempts);
      if (typeof result !== "object" || result === null || !CODE_STATUSES.has(result.status))
        throw new Error("checkFlowCode returned an unknown result");
      return result.status === "ok" ? { status: "ok", token: checkedToken(result.token, kind) } : result;
    });
  }

  redeemFlowToken(redemption: FlowTokenRedemption): Promise<RedemptionOutcome> {
    return this.#run("redeemFlowToken", async () => {
      const outcome = await this.#adapter.redeemFlowToken(redemption);
      if (!REDEMPTION_OUTCOMES.has(outcome)) throw new Error("redeemFlowToken returned an unknown outcome");
      return outcome;
    });
  }
}

function checkedToken(token: unknown, kind: FlowTokenKind): StoredFlowToken {
  const t = token as Partial<StoredFlowToken> | null;
  if (
    typeof t !== "object" ||
    t === null ||
    t.kind !== kind ||
    typeof t.id !== "string" ||
    typeof t.identity_id !== "string" ||
    typeof t.expires_at !== "string"
  ) {
    throw new Error("the adapter returned a malformed flow token");
  }
  return t as StoredFlowToken;
}

/** `undefined` for "none", else an identity of the stored shape. */
function maybeIdentity(value: unknown): StoredIdentity | undefined {
  return value === undefined || value === null ? undefined : checkedIdentity(value);
}

/** An identity of the stored shape, all the way down ({@link isStoredIdentity}), or the adapter's failure. */
function checkedIdentity(value: unknown): StoredIdentity {
  if (!isStoredIdentity(value)) throw new Error("the adapter returned a malformed identity");
  return value;
}
