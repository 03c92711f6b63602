import type { IdentityError } from "../errors/index.js";
import type { StoredIdentity } from "../identity/identity.js";
import { insertNow, isMemoryStorage, MemoryStorage } from "../storage/memory/memory-storage.js";
import { adapterFailure } from "../storage/runtime-storage.js";
import type { ServiceContext } from "./context.js";

/**
 * The store when it is a MemoryStorage itself with its own `insertIdentities` (a brand check: not a proxy, not a
 * subclass or instance that replaced the method): it writes before returning and keeps its own copy of what it is
 * given. Else undefined.
 */
export function copyingStore(ctx: ServiceContext): MemoryStorage | undefined {
  const adapter = ctx.storage.adapter;
  try {
    if (isMemoryStorage(adapter) && adapter.insertIdentities === MemoryStorage.prototype.insertIdentities)
      return adapter;
  } catch {
    // a subclass whose insertIdentities getter throws
  }
  return undefined;
}

/**
 * The {@link copyingStore} to write into now, without a promise: an open one (initialised, not closed, so nothing
 * RuntimeStorage checks can refuse the write). Else undefined: write through `ctx.storage`.
 */
export function openCopyingStore(ctx: ServiceContext): MemoryStorage | undefined {
  return ctx.storage.open ? copyingStore(ctx) : undefined;
}

/**
 * `store.insertIdentities(records)` done now, its outcomes as RuntimeStorage reports an adapter's (a conflict keeps
 * its pointer into the record; `null`: stored).
 */
export function insertedNow(
  store: MemoryStorage,
  records: readonly StoredIdentity[],
): (IdentityError | null)[] {
  return insertNow(store, records).map((outcome, i) =>
    outcome ? adapterFailure("insertIdentities", outcome, records[i]) : null,
  );
}
