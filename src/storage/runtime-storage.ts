import { type IdentityError, isIdentityError, StorageError } from "../errors/index.js";
import type { CredentialsType, StoredIdentity } from "../identity/identity.js";
import type {
  FlowTokenKind,
  InsertOutcome,
  ListIdentitiesQuery,
  StorageAdapter,
  StoredFlowToken,
} from "./storage-adapter.js";

/**
 * Wraps the host's adapter: calls `init` once (concurrent first calls share it), and turns anything an adapter
 * throws that is not an `IdentityError` into `storage_error` with the original as `cause`.
 * Adapters are trusted to return fresh objects (MemoryStorage clones); the manager never hands out stored
 * references either.
 */
export class RuntimeStorage {
  readonly #adapter: StorageAdapter;
  #ready: Promise<void> | undefined;

  constructor(adapter: StorageAdapter) {
    this.#adapter = adapter;
  }

  get adapter(): StorageAdapter {
    return this.#adapter;
  }

  async #run<T>(op: string, fn: () => Promise<T>): Promise<T> {
    try {
      this.#ready ??= this.#adapter.init ? this.#adapter.init() : Promise.resolve();
      await this.#ready;
      return await fn();
    } catch (e) {
      if (isIdentityError(e)) throw e;
      throw new StorageError({
        reason: `The storage adapter failed in ${op}: ${(e as Error)?.message ?? e}`,
        cause: e,
      });
    }
  }

  insertIdentities(identities: readonly StoredIdentity[]): Promise<InsertOutcome[]> {
    return this.#run("insertIdentities", async () => {
      const outcomes = await this.#adapter.insertIdentities(identities);
      if (outcomes.length !== identities.length)
        throw new Error("insertIdentities returned the wrong number of outcomes");
      return outcomes.map((o) => (o === null || isIdentityError(o) ? o : wrap(o)));
    });
  }

  getIdentity(id: string) {
    return this.#run("getIdentity", () => this.#adapter.getIdentity(id));
  }

  findIdentityByCredentialIdentifier(type: CredentialsType, identifier: string) {
    return this.#run("findIdentityByCredentialIdentifier", () =>
      this.#adapter.findIdentityByCredentialIdentifier(type, identifier),
    );
  }

  findIdentityByExternalId(externalId: string) {
    return this.#run("findIdentityByExternalId", () => this.#adapter.findIdentityByExternalId(externalId));
  }

  listIdentities(query: ListIdentitiesQuery) {
    return this.#run("listIdentities", () => this.#adapter.listIdentities(query));
  }

  updateIdentity(identity: StoredIdentity, expectedUpdatedAt?: string) {
    return this.#run("updateIdentity", () => this.#adapter.updateIdentity(identity, expectedUpdatedAt));
  }

  deleteIdentity(id: string) {
    return this.#run("deleteIdentity", () => this.#adapter.deleteIdentity(id));
  }

  insertFlowToken(token: StoredFlowToken) {
    return this.#run("insertFlowToken", () => this.#adapter.insertFlowToken(token));
  }

  consumeFlowToken(kind: FlowTokenKind, digests: readonly string[]) {
    return this.#run("consumeFlowToken", () => this.#adapter.consumeFlowToken(kind, digests));
  }

  submitFlowCode(flowId: string, kind: FlowTokenKind, digests: readonly string[], maxAttempts: number) {
    return this.#run("submitFlowCode", () =>
      this.#adapter.submitFlowCode(flowId, kind, digests, maxAttempts),
    );
  }
}

function wrap(e: Error): IdentityError {
  return new StorageError({
    reason: `The storage adapter failed in insertIdentities: ${e.message}`,
    cause: e,
  });
}
