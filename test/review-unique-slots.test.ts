// Review of the value-keyed uniqueness index (6f2abb0): one slot per value held `[scope, owner, ...]` and was
// scanned, copied on claim and filtered on release per key, so many scopes sharing one value (any `via` or
// credential type a direct StorageAdapter caller writes) cost O(N²): 20k identities sharing one address value
// under distinct channels took ~40 s to insert (0.25 s before). Slots past 8 scopes are maps now.
// Time is compared between N and 4N in the same run (CPU time, best of 3), never against an absolute bound:
// linear work grows ~4×, the quadratic slot ~16×.
import { describe, expect, it } from "vitest";
import type { StoredIdentity } from "../src/identity/identity.js";
import { MemoryStorage } from "../src/storage/memory/memory-storage.js";

const T = "2024-01-01T00:00:00Z";
const record = (id: string, addresses: { value: string; via: string }[]): StoredIdentity =>
  ({
    id,
    schema_id: "default",
    state: "active",
    traits: {},
    verifiable_addresses: addresses,
    recovery_addresses: [],
    credentials: {},
    metadata_public: null,
    metadata_admin: null,
    external_id: null,
    organization_id: null,
    created_at: T,
    updated_at: T,
  }) as unknown as StoredIdentity;

async function cpuMs(run: () => Promise<void>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    const start = process.cpuUsage();
    await run();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

/** N identities sharing one address value, each under its own channel: inserted, then deleted. */
async function sharedValue(n: number): Promise<void> {
  const storage = new MemoryStorage();
  for (let i = 0; i < n; i++) {
    const [outcome] = await storage.insertIdentities([
      record(`id-${String(i).padStart(6, "0")}`, [{ value: "shared@example.org", via: `channel-${i}` }]),
    ]);
    expect(outcome).toBeNull();
  }
  for (let i = 0; i < n; i++)
    expect(await storage.deleteIdentity(`id-${String(i).padStart(6, "0")}`)).toBe(true);
  expect(storage.size).toBe(0);
}

/** One identity with N addresses of one value under distinct channels: inserted, updated, deleted. */
async function oneIdentity(n: number): Promise<void> {
  const storage = new MemoryStorage();
  const addresses = Array.from({ length: n }, (_, i) => ({ value: "x@example.org", via: `v${i}` }));
  expect(await storage.insertIdentities([record("a", addresses)])).toEqual([null]);
  expect(await storage.updateIdentity(record("a", addresses))).toBe("ok");
  expect(await storage.deleteIdentity("a")).toBe(true);
}

describe("MemoryStorage's uniqueness slots stay linear when many scopes share one value", () => {
  it("N vs 4N identities sharing one address value under distinct channels", async () => {
    await sharedValue(500); // warm-up
    const small = await cpuMs(() => sharedValue(2000));
    const large = await cpuMs(() => sharedValue(8000));
    expect(large / small).toBeLessThan(9);
  }, 120_000);

  it("N vs 4N addresses of one value in one identity (insert, update, delete)", async () => {
    await oneIdentity(500);
    const small = await cpuMs(() => oneIdentity(2000));
    const large = await cpuMs(() => oneIdentity(8000));
    expect(large / small).toBeLessThan(9);
  }, 120_000);
});
