import type { CredentialsType, StoredIdentity } from "../../identity/identity.js";
import { type ApiKeyInsert, STAND_IN, type StoredApiKey } from "../api-key-store.js";
import { idConflict } from "../conflict-error.js";
import type {
  FlowTokenKind,
  FlowTokenRedemption,
  InsertOutcome,
  ListIdentitiesQuery,
  RedemptionOutcome,
  StorageAdapter,
  StoredFlowToken,
} from "../storage-adapter.js";
import { compareIds, type IdIndex, type IdTree, idsAfter, newIdIndex, newIdTree } from "./id-tree.js";
import { MemoryApiKeys } from "./memory-api-keys.js";
import { MemoryFlowTokens } from "./memory-flow-tokens.js";
import { factsOf, type RecordFacts } from "./record-facts.js";
import { notStringId } from "./record-walk.js";
import { type StoredForm, StoredForms } from "./stored-forms.js";
import { Keys, UniqueIndex } from "./unique-index.js";

/** MemoryStorage's writes done now, not awaited (services/own-memory-store.ts; not the package's API). */
export let ownStore: {
  /** `value` when it is a MemoryStorage (brand check: not a proxy) whose `insertIdentities` is still the class's. */
  of(value: unknown): MemoryStorage | undefined;
  insert(store: MemoryStorage, identities: readonly StoredIdentity[]): InsertOutcome[];
  remove(store: MemoryStorage, id: string): boolean;
};

/**
 * The embedded default store: everything in memory, every uniqueness rule enforced atomically (each operation
 * runs to completion without yielding), deep copies in and out so callers can never mutate stored state.
 * Ids are kept in B+ trees (all ids, and the ids of each organization), so an insert or delete costs O(log n)
 * whatever the order of the ids (random UUIDs included) and a page of a listing O(log n + page size).
 */
export class MemoryStorage implements StorageAdapter {
  readonly supportsMultipleProcesses = false;
  /**
   * The stored records by id, in id order: one B+ tree is both the table and the listing's index (an insert costs
   * one O(log n) step on the tree's hot rightmost path for time-ordered ids, no hash table entry besides).
   */
  readonly #records: IdTree<StoredForm> = newIdTree<StoredForm>();
  readonly #forms = new StoredForms();
  readonly #unique = new UniqueIndex();
  /** Sorted ids per organization (no entry for an organization without identities). */
  readonly #byOrganization = new Map<string, IdIndex>();
  readonly #tokens = new MemoryFlowTokens((identity, expected) => this.#replace(identity, expected));
  readonly #apiKeys = new MemoryApiKeys(this, {
    packed: (id) => (id === undefined ? this.#packedStandIn() : this.#stored(id)),
    unpack: (packed) => this.#forms.unpack(packed as StoredForm),
    replace: (i, e) => this.#replace(i, e),
  });
  #standIn: StoredForm | undefined;

  async insertIdentities(identities: readonly StoredIdentity[]): Promise<InsertOutcome[]> {
    return this.#insert(identities);
  }
  static {
    const original = MemoryStorage.prototype.insertIdentities; // a later patch of the prototype is not the class's
    const own = (v: object) => #insert in v && (v as MemoryStorage).insertIdentities === original;
    ownStore = {
      of: (value) => {
        try {
          return typeof value === "object" && value !== null && own(value)
            ? (value as MemoryStorage)
            : undefined;
        } catch {
          return undefined; // a subclass whose insertIdentities getter throws
        }
      },
      insert: (store, identities) => store.#insert(identities),
      remove: (store, id) => store.#remove(id),
    };
  }

  #insert(identities: readonly StoredIdentity[]): InsertOutcome[] {
    return identities.map((identity) => {
      // The record is read once, into its stored copy; its id and keys come from that copy.
      const packed = this.#forms.tryPack(identity);
      if (packed instanceof Error) return packed; // not JSON data: this identity fails alone, nothing stored
      const facts = this.#facts(packed);
      const id = facts.id;
      if (typeof id !== "string") return notStringId(); // a number would sort equal to some string id
      // One tree step stores the record and answers whether the id is taken; a key conflict takes it out again.
      if (!this.#records.set(id, packed, false)) return idConflict(id);
      const keys = this.#unique.check(id, facts.keys);
      if (!(keys instanceof Keys)) {
        this.#records.delete(id);
        return keys;
      }
      this.#index(facts, keys);
      return null;
    });
  }

  async getIdentity(id: string): Promise<StoredIdentity | undefined> {
    return this.#read(id);
  }

  async findIdentityByCredentialIdentifier(type: CredentialsType, identifier: string) {
    return this.#read(this.#unique.owner("credential", type, identifier));
  }

  async findIdentityByExternalId(externalId: string) {
    return this.#read(this.#unique.owner("external_id", "", externalId));
  }

  async listIdentities(query: ListIdentitiesQuery): Promise<StoredIdentity[]> {
    let candidates: Iterable<string>;
    if (query.ids || query.credentialsIdentifiers) {
      // Index-backed: the candidate set comes from the filters, never from a scan of all identities.
      let set: Set<string> | undefined = query.ids ? new Set(query.ids) : undefined;
      if (query.credentialsIdentifiers)
        set = this.#intersect(set, this.#idsByIdentifier(query.credentialsIdentifiers));
      const after = query.after;
      candidates = [...(set ?? [])]
        .filter((id) => this.#stored(id) !== undefined && (after === undefined || id > after))
        .sort(compareIds);
    } else {
      // The organization index keeps a rare organization's page O(page size) too.
      const index =
        query.organizationId === undefined ? this.#records : this.#byOrganization.get(query.organizationId);
      candidates = index === undefined ? [] : idsAfter(index, query.after);
    }
    const page: StoredIdentity[] = [];
    for (const id of candidates) {
      if (page.length >= query.limit) break;
      const identity = this.#read(id) as StoredIdentity;
      if (query.organizationId !== undefined && identity.organization_id !== query.organizationId) continue;
      page.push(identity);
    }
    return page;
  }

  async updateIdentity(identity: StoredIdentity, expectedUpdatedAt?: string) {
    return this.#replace(identity, expectedUpdatedAt);
  }

  async deleteIdentity(id: string): Promise<boolean> {
    return this.#remove(id);
  }

  #remove(id: string): boolean {
    const current = this.#stored(id);
    if (!current) return false;
    this.#drop(this.#facts(current));
    this.#records.delete(id);
    this.#tokens.dropIdentity(id);
    this.#apiKeys.dropIdentity(id);
    return true;
  }

  async insertApiKey(change: ApiKeyInsert) {
    return this.#apiKeys.insert(change);
  }
  async findApiKey(id: string) {
    return this.#apiKeys.find(id);
  }
  async listApiKeys(identityId: string) {
    return this.#apiKeys.list(identityId);
  }
  async revokeApiKey(id: string, at: string) {
    return this.#apiKeys.revoke(id, at);
  }
  async touchApiKey(id: string, at: string, usedBefore: string) {
    this.#apiKeys.touch(id, at, usedBefore);
  }
  /** Every stored API key, as stored (for tests that inspect what is at rest: digests, never keys). */
  dumpApiKeys(): StoredApiKey[] {
    return this.#apiKeys.dump();
  }

  async insertFlowToken(token: StoredFlowToken): Promise<void> {
    this.#tokens.insert(token);
  }
  async findFlowToken(kind: FlowTokenKind, digests: readonly string[]): Promise<StoredFlowToken | undefined> {
    return this.#tokens.find(kind, digests);
  }
  async checkFlowCode(flowId: string, kind: FlowTokenKind, digests: readonly string[], maxAttempts: number) {
    return this.#tokens.checkCode(flowId, kind, digests, maxAttempts);
  }
  async redeemFlowToken(redemption: FlowTokenRedemption): Promise<RedemptionOutcome> {
    return this.#tokens.redeem(redemption);
  }
  /** Every stored flow token, as stored (for tests that inspect what is at rest). */
  dumpFlowTokens(): StoredFlowToken[] {
    return this.#tokens.dump();
  }

  /** Number of stored identities (handy in tests). */
  get size(): number {
    return this.#records.size;
  }

  /** Compare-and-set replacement; checks every uniqueness key before changing anything. */
  #replace(identity: StoredIdentity, expectedUpdatedAt: string | undefined) {
    // Read once, before anything is looked up (a getter may change this store): a value JSON cannot hold changes
    // nothing; the id and keys come from the copy.
    const packed = this.#forms.pack(identity);
    const facts = this.#facts(packed);
    const stored = this.#stored(facts.id);
    if (!stored) return "not_found" as const;
    const before = this.#facts(stored);
    if (expectedUpdatedAt !== undefined && before.updatedAt !== expectedUpdatedAt) return "stale" as const;
    const keys = this.#unique.check(facts.id, facts.keys);
    if (!(keys instanceof Keys)) throw keys;
    this.#drop(before);
    this.#records.set(facts.id as string, packed);
    this.#index(facts, keys);
    return "ok" as const;
  }

  /** A fresh copy of the stored identity `id`, or undefined. */
  #read(id: string | undefined): StoredIdentity | undefined {
    const stored = this.#stored(id);
    return stored && this.#forms.unpack(stored);
  }

  /** The stored form of `id`; undefined for an id that is no string (the tree's order is defined on strings only). */
  #stored(id: unknown): StoredForm | undefined {
    return typeof id === "string" ? this.#records.get(id) : undefined;
  }

  /** The API key stand-in identity, packed (an unknown key reads it: the work a known one does). */
  #packedStandIn(): StoredForm {
    this.#standIn ??= this.#forms.pack(STAND_IN.identity);
    return this.#standIn;
  }

  /** The id, organization and uniqueness keys of a stored copy (never read from the caller's object). */
  #facts(packed: StoredForm): RecordFacts {
    return factsOf(packed, this.#forms);
  }

  /** Gives the record stored under `facts.id` its checked `keys` and its organization's entry. */
  #index(facts: RecordFacts, keys: Keys): void {
    const id = facts.id as string;
    const organizationId = facts.organizationId;
    this.#unique.claim(id, keys);
    if (typeof organizationId === "string" && organizationId) {
      const ids = this.#byOrganization.get(organizationId) ?? newIdIndex();
      ids.set(id, undefined);
      this.#byOrganization.set(organizationId, ids);
    }
  }

  #drop(facts: RecordFacts): void {
    this.#unique.release(facts.id, facts.keys);
    const organizationId = facts.organizationId;
    const ids = typeof organizationId === "string" ? this.#byOrganization.get(organizationId) : undefined;
    if (ids) {
      ids.delete(facts.id as string);
      if (ids.size === 0) this.#byOrganization.delete(organizationId as string);
    }
  }

  #idsByIdentifier(pairs: NonNullable<ListIdentitiesQuery["credentialsIdentifiers"]>): Set<string> {
    const ids = new Set<string>();
    for (const { type, identifier } of pairs) {
      const id = this.#unique.owner("credential", type, identifier);
      if (id !== undefined) ids.add(id);
    }
    return ids;
  }

  #intersect = (a: Set<string> | undefined, b: Set<string>) =>
    a ? new Set([...a].filter((x) => b.has(x))) : b;
}
