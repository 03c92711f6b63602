/**
 * Broken API key stores for the conformance suite's self-test: each a MemoryStorage with one rule of the
 * `ApiKeyStore` contract broken, paired with (a fragment of) the title of the case that must catch it.
 */
import type { StorageAdapter } from "../src/index.js";
import { broken } from "./conformance-mutants.js";

export const API_KEY_MUTANTS: Array<[string, string, () => StorageAdapter]> = [
  [
    "a revocation is lost (revokeApiKey answers but never writes)",
    "revokeApiKey sets revoked_at once (idempotent), visible at once",
    broken((inner) => ({
      async revokeApiKey(id, at) {
        const found = await inner.findApiKey(id);
        return found && { ...found.key, revoked_at: found.key.revoked_at ?? at };
      },
    })),
  ],
  [
    "the key is inserted even when the identity's compare-and-set fails",
    "insertApiKey is a compare-and-set: stale or not_found changes nothing",
    broken((inner) => ({
      async insertApiKey(change) {
        const outcome = await inner.insertApiKey(change);
        if (outcome === "stale") {
          const current = await inner.getIdentity(change.identity.id);
          if (current) await inner.insertApiKey({ ...change, expectedUpdatedAt: current.updated_at });
        }
        return outcome;
      },
    })),
  ],
  [
    "a key is rotated twice (expire ignores replaced_by)",
    "a revoked or rotated old key makes it stale",
    broken((inner) => ({
      async insertApiKey(change) {
        const outcome = await inner.insertApiKey(change);
        if (outcome !== "stale" || !change.expire) return outcome;
        const old = await inner.findApiKey(change.expire.id);
        if (old?.key.revoked_at !== null) return outcome;
        // The old key was rotated before: apply the change without its expire (a second live successor).
        const { expire: _ignored, ...rest } = change;
        return inner.insertApiKey(rest);
      },
    })),
  ],
  [
    "touchApiKey writes on every use (no interval)",
    "touchApiKey writes last_used_at only when null or <= usedBefore",
    broken((inner) => ({
      async touchApiKey(id, at) {
        await inner.touchApiKey(id, at, "9999-12-31T23:59:59.999Z");
      },
    })),
  ],
  [
    "keys outlive their identity",
    "deleteIdentity deletes the identity's keys",
    broken((inner) => {
      const orphans = new Map<string, Awaited<ReturnType<NonNullable<StorageAdapter["findApiKey"]>>>>();
      return {
        async deleteIdentity(id) {
          for (const key of await inner.listApiKeys(id)) orphans.set(key.id, await inner.findApiKey(key.id));
          return inner.deleteIdentity(id);
        },
        async findApiKey(id) {
          return (await inner.findApiKey(id)) ?? orphans.get(id);
        },
      };
    }),
  ],
];
