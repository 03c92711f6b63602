import type { IdentityError } from "../errors/index.js";
import type { StoredIdentity } from "../identity/identity.js";
import { type MemoryStorage, ownStore } from "../storage/memory/memory-storage.js";
import { adapterFailure, closedError } from "../storage/runtime-storage.js";
import type { ServiceContext } from "./context.js";

/**
 * The store to write into now, without a promise: a MemoryStorage (or a subclass) whose `insertIdentities` is the
 * class's own — a brand check, so not a proxy of one, and not when the instance or the prototype replaced the
 * method: it writes before returning and keeps its own copy of what it is given — and open (initialised, not
 * closed, so nothing RuntimeStorage checks can refuse the write). Else undefined: write through `ctx.storage`.
 */
export function openCopyingStore(ctx: ServiceContext): MemoryStorage | undefined {
  return ctx.storage.open ? ownStore.of(ctx.storage.adapter) : undefined;
}

/**
 * `store.insertIdentities(records)` done now, its outcomes as RuntimeStorage reports an adapter's (a conflict keeps
 * its pointer into the record; `null`: stored).
 * @throws StorageError `storage_error` when the manager was closed since {@link openCopyingStore} (host code run
 *   in between), as RuntimeStorage refuses a write after `close()`
 */
export function insertedNow(
  ctx: ServiceContext,
  store: MemoryStorage,
  records: readonly StoredIdentity[],
): (IdentityError | null)[] {
  if (!ctx.storage.open) throw closedError("insertIdentities");
  return ownStore
    .insert(store, records)
    .map((outcome, i) => (outcome ? adapterFailure("insertIdentities", outcome, records[i]) : null));
}

/** Deletes identities {@link insertedNow} wrote, now (taking back a batch that failed part-way in one turn). */
export function removeNow(store: MemoryStorage, ids: readonly string[]): void {
  for (const id of ids) ownStore.remove(store, id);
}
