import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type IdentityManager, MemoryStorage, type StorageAdapter } from "../src/index.js";
import { manager } from "./helpers.js";

/** MemoryStorage behind plain delegating functions: not `instanceof MemoryStorage`, so a batch is one insert. */
function foreign(inner: MemoryStorage): StorageAdapter {
  const out: Record<string, unknown> = {};
  for (let p = Object.getPrototypeOf(inner); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const n of Object.getOwnPropertyNames(p)) {
      const v = (inner as unknown as Record<string, unknown>)[n];
      if (n !== "constructor" && typeof v === "function")
        out[n] ??= (v as (...a: unknown[]) => unknown).bind(inner);
    }
  }
  return out as unknown as StorageAdapter;
}

const uuid = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, "0")}`;
const entry = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.integer({ min: 0, max: 40 }).map((n) => ({ traits: { email: `u${n}@example.org` } })),
  },
  { weight: 1, arbitrary: fc.constant({ traits: { email: "not an email" } }) },
  { weight: 1, arbitrary: fc.constant(null) },
  {
    weight: 1,
    arbitrary: fc.constant({
      traits: { email: "hashed@example.org" },
      credentials: { password: { config: { hashed_password: "$2a$10$not-a-hash" } } },
    }),
  },
);

/** The batch's results and what the store holds after it, ids made by a counter. */
async function run(storage: StorageAdapter, entries: unknown[]) {
  let n = 0;
  const now = () => new Date("2024-01-01T00:00:00.000Z");
  const idm = manager({ storage, now, generateId: () => uuid(++n) }) as unknown as IdentityManager;
  await idm.createIdentity({ traits: { email: "u0@example.org" } });
  const identities = entries.map((create) => ({ create })) as never;
  const result = await idm.batchPatchIdentities({ identities });
  const stored = await idm.listIdentities({ pageSize: 500 });
  return { result, stored };
}

describe("batchPatchIdentities on MemoryStorage (built and stored in chunks)", () => {
  it("gives the results, ids and stored identities of one insert of the whole batch", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 120 }), async (entries) => {
        const chunked = await run(new MemoryStorage(), entries);
        const whole = await run(foreign(new MemoryStorage()), entries);
        expect(chunked).toStrictEqual(whole);
      }),
      { numRuns: 60 },
    );
  });
});
