import { IdentityError, NotFoundError } from "../errors/index.js";
import type { StoredIdentity } from "../identity/identity.js";
import { settleQuietly } from "../json/arguments.js";
import type { RuntimeStorage } from "./runtime-storage.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_CAS_RETRIES = 12;
/** Backoff after a lost compare-and-set: full jitter over 2^attempt ms, capped (writers in other processes). */
const CAS_BACKOFF_CAP_MS = 100;

/** True for a UUID in canonical textual form (any case). */
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

/**
 * Wraps an id generator so that every id it hands out is a UUID in lower case (ids are compared in lower case
 * everywhere, and the storage contract keys on them).
 * @throws IdentityError `invalid_configuration` when the generator returns anything else.
 */
export function uuidGenerator(generate: () => string): () => string {
  return () => {
    let id: unknown;
    try {
      id = generate();
      settleQuietly(id); // an async generator's rejection must not go unhandled; the promise is refused below
    } catch (cause) {
      // The host's text stays on `cause`: the envelope only says which option failed.
      throw new IdentityError("invalid_configuration", { reason: "generateId threw.", cause });
    }
    if (!isUuid(id)) {
      throw new IdentityError("invalid_configuration", {
        reason: `generateId must return a UUID string, got ${id === null ? "null" : typeof id}${
          typeof id === "string" ? " that is not one" : ""
        }.`,
      });
    }
    return id.toLowerCase();
  };
}

/** Writes a changed identity by compare-and-set; see {@link IdentityWriter.mutate}. */
export type CasWrite = (
  next: StoredIdentity,
  expectedUpdatedAt: string,
) => Promise<"ok" | "stale" | "not_found">;

/** The error for a missing identity, in Kratos's words. */
export function notFound(): NotFoundError {
  return new NotFoundError("identity_not_found", { message: "Unable to locate the resource" });
}

/**
 * Reads and writes single identities for the manager: a load that treats a non-UUID id as missing, and a
 * read-modify-write that never loses or half-applies an update.
 */
export class IdentityWriter {
  readonly #storage: RuntimeStorage;
  readonly #now: () => Date;
  readonly #locks = new Map<string, Promise<void>>();

  constructor(storage: RuntimeStorage, now: () => Date) {
    this.#storage = storage;
    this.#now = now;
  }

  /** @throws NotFoundError `identity_not_found` */
  async load(id: string): Promise<StoredIdentity> {
    const stored = isUuid(id) ? await this.#storage.getIdentity(id.toLowerCase()) : undefined;
    if (!stored) throw notFound();
    return stored;
  }

  /**
   * Read-modify-write with compare-and-set on `updated_at`: a concurrent writer makes the store answer "stale"
   * and the whole change is recomputed from the fresh state, so no update is lost and none is half-applied.
   * `write` performs the compare-and-set (default: the adapter's `updateIdentity`; token redemption passes one
   * that consumes the token in the same atomic step).
   * @throws NotFoundError `identity_not_found` | IdentityError `identity_conflict` after 12 stale attempts
   */
  async mutate(
    id: string,
    change: (current: StoredIdentity, now: string) => Promise<StoredIdentity>,
    write: CasWrite = (next, expected) => this.#storage.updateIdentity(next, expected),
  ): Promise<StoredIdentity> {
    // Writers of one identity inside this process queue up (no wasted retries); compare-and-set on
    // `updated_at` still guards against writers in other processes sharing the store.
    if (!isUuid(id)) throw notFound();
    const key = id.toLowerCase();
    const previous = this.#locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.#locks.set(key, tail);
    await previous;
    try {
      for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
        const current = await this.load(id);
        let now = this.#now().toISOString();
        if (now <= current.updated_at) now = new Date(Date.parse(current.updated_at) + 1).toISOString();
        const next = await change(current, now);
        next.updated_at = now;
        const outcome = await write(next, current.updated_at);
        if (outcome === "ok") return next;
        if (outcome === "not_found") throw notFound();
        // Lost to a writer in another process (or another manager): back off with jitter, so the loser does not
        // keep re-reading just before the winner's next write and lose again.
        const delay = Math.random() * Math.min(CAS_BACKOFF_CAP_MS, 2 ** attempt);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
      throw new IdentityError("identity_conflict", {
        reason: "The identity was modified concurrently too many times; try again.",
      });
    } finally {
      release();
      if (this.#locks.get(key) === tail) this.#locks.delete(key);
    }
  }
}
