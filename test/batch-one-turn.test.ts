import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type IdentityManager,
  type IdentityManagerOptions,
  MemoryStorage,
  type StorageAdapter,
  type StoredIdentity,
} from "../src/index.js";
import { TURN_CHUNK } from "../src/services/batch.js";
import { manager } from "./helpers.js";

/**
 * batchPatchIdentities on an open, unpatched MemoryStorage with nothing of the host's to run (no generateId, now or
 * create hooks) and no clear-text password: built and written TURN_CHUNK entries at a time in one synchronous turn
 * (src/services/batch.ts). It must give what the general path (one insertIdentities call) gives.
 */

afterEach(() => vi.restoreAllMocks());

/** MemoryStorage behind plain delegating functions: the general path (it is not a MemoryStorage itself). */
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

const given = (n: number) => `0190a000-0000-7000-8000-${String(n).padStart(12, "0")}`;
const entry = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.integer({ min: 0, max: 300 }).map((n) => ({ traits: { email: `u${n}@example.org` } })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 5 }))
      .map(([n, e]) => ({ traits: { email: `x${n}@example.org` }, external_id: `ext-${e}` })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 5 }))
      .map(([n, i]) => ({ id: given(i), traits: { email: `g${n}@example.org` } })),
  },
  { weight: 1, arbitrary: fc.constant({ traits: { email: "not an email" } }) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constant({ traits: { email: "u0@example.org" }, state: "nope" }) },
  {
    weight: 1,
    arbitrary: fc.constant({
      traits: { email: "hashed@example.org" },
      credentials: { password: { config: { hashed_password: "$2a$10$not-a-hash" } } },
    }),
  },
);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What a result and a stored identity say once the generated ids and the clock are taken out. */
function normalize(value: unknown, ids: Map<string, string>): unknown {
  return JSON.parse(JSON.stringify(value), (key, v) => {
    if (typeof v === "string" && ids.has(v)) return ids.get(v);
    if (key.endsWith("_at")) return "<time>";
    if (key === "id" && typeof v === "string" && UUID.test(v) && !v.startsWith("0190a000")) return "<id>";
    return v;
  });
}

async function run(storage: StorageAdapter, entries: unknown[], options: IdentityManagerOptions = {}) {
  const idm = manager({ storage, ...options }) as unknown as IdentityManager;
  await idm.createIdentity({ traits: { email: "u0@example.org" } }); // the store is open; u0 is taken
  const identities = entries.map((create, i) => ({
    create,
    ...(i % 7 === 0 ? { patch_id: `0190b000-0000-7000-8000-${String(i).padStart(12, "0")}` } : {}),
  }));
  const { identities: results } = await idm.batchPatchIdentities({ identities } as never);
  const { identities: stored } = await idm.listIdentities({ pageSize: 1000 });
  // Each created identity is named by its e-mail (unique in the store), so ids compare across the two runs.
  const names = new Map(stored.map((s) => [s.id, `<${(s.traits as { email: string }).email}>`]));
  return normalize({ results, stored }, names);
}

describe("batchPatchIdentities in one turn on MemoryStorage", () => {
  it("gives the results, conflicts, errors and stored identities of the general path (fast-check)", async () => {
    const insert = vi.spyOn(MemoryStorage.prototype, "insertIdentities");
    await fc.assert(
      fc.asyncProperty(
        fc.array(entry, { minLength: TURN_CHUNK + 1, maxLength: 3 * TURN_CHUNK + 5 }),
        async (entries) => {
          insert.mockClear();
          const oneTurn = await run(new MemoryStorage(), entries);
          expect(insert).toHaveBeenCalledTimes(1); // the first create only: the batch took the one-turn path
          const general = await run(foreign(new MemoryStorage()), entries);
          expect(oneTurn).toStrictEqual(general);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("a key repeated across a chunk boundary: the later entry conflicts, with the pointer of one write", async () => {
    const email = (i: number) => (i === TURN_CHUNK + 5 ? "u3@example.org" : `u${i}@example.org`);
    const entries = Array.from({ length: 2 * TURN_CHUNK }, (_, i) => ({ traits: { email: email(i) } }));
    const oneTurn = (await run(new MemoryStorage(), entries)) as { results: Array<Record<string, unknown>> };
    const general = await run(foreign(new MemoryStorage()), entries);
    expect(oneTurn).toStrictEqual(general);
    const item = oneTurn.results[TURN_CHUNK + 5] as { action: string; error: Record<string, unknown> };
    expect(item.action).toBe("error");
    expect(item.error.id).toBe("identity_conflict");
    expect(item.error.details).toStrictEqual({ pointer: "/traits/email" });
    expect(oneTurn.results[0]).toMatchObject({ action: "error" }); // u0 was stored before the batch
  });

  const big = () => ({
    identities: Array.from({ length: TURN_CHUNK + 10 }, (_, i) => ({
      create: { traits: { email: `b${i}@example.org` } },
    })),
  });

  /** How many insertIdentities calls one big batch makes through `options` (1: the general path). */
  async function calls(options: IdentityManagerOptions, storage: StorageAdapter = new MemoryStorage()) {
    const insert = vi.spyOn(MemoryStorage.prototype, "insertIdentities");
    const idm = manager({ storage, ...options }) as unknown as IdentityManager;
    await idm.listIdentities();
    insert.mockClear();
    const { identities } = await idm.batchPatchIdentities(big());
    expect(identities.every((r) => r?.action === "create")).toBe(true);
    expect((await idm.listIdentities({ pageSize: 1000 })).identities.length).toBe(TURN_CHUNK + 10);
    const n = insert.mock.calls.length;
    insert.mockRestore();
    return n;
  }

  it("is taken only when nothing of the host's could run between two chunks", async () => {
    expect(await calls({})).toBe(0);
    let n = 0;
    expect(await calls({ generateId: () => given(++n) })).toBe(1);
    expect(await calls({ now: () => new Date() })).toBe(1);
    expect(await calls({ hooks: { beforeCreate: () => {} } })).toBe(1);
    expect(await calls({ hooks: { afterCreate: () => {} } })).toBe(1);
    class Logged extends MemoryStorage {
      override async insertIdentities(identities: readonly StoredIdentity[]) {
        return super.insertIdentities(identities);
      }
    }
    expect(await calls({}, new Logged())).toBe(1);
    const patched = new MemoryStorage();
    patched.insertIdentities = (identities) =>
      MemoryStorage.prototype.insertIdentities.call(patched, identities);
    expect(await calls({}, patched)).toBe(1);
  });

  it("a clear-text password, a small batch or a store not yet open take the general path", async () => {
    const insert = vi.spyOn(MemoryStorage.prototype, "insertIdentities");
    const idm = manager() as unknown as IdentityManager;
    const first = await idm.batchPatchIdentities(big()); // the store opens with this call
    expect(first.identities.every((r) => r?.action === "create")).toBe(true);
    expect(insert).toHaveBeenCalledTimes(1);
    const withPassword = big();
    (withPassword.identities[3]?.create as Record<string, unknown>).traits = { email: "pw@example.org" };
    (withPassword.identities[3]?.create as Record<string, unknown>).credentials = {
      password: { config: { password: "a long clear-text password" } },
    };
    const second = await idm.batchPatchIdentities(withPassword);
    expect(second.identities.filter((r) => r?.action === "create")).toHaveLength(1); // the rest repeat `first`
    expect(insert).toHaveBeenCalledTimes(2);
    await idm.batchPatchIdentities({ identities: [{ create: { traits: { email: "s@example.org" } } }] });
    expect(insert).toHaveBeenCalledTimes(3);
  });

  it("close() right after the call: everything or nothing stored, never part of the batch", async () => {
    for (const opened of [false, true]) {
      const storage = new MemoryStorage();
      const idm = manager({ storage }) as unknown as IdentityManager;
      if (opened) await idm.listIdentities();
      const pending = idm.batchPatchIdentities(big()).then(
        (value) => ({ value, error: undefined }),
        (error: { code?: string }) => ({ value: undefined, error }),
      );
      void idm.close();
      const { value, error } = await pending;
      if (error !== undefined) {
        expect(error.code).toBe("storage_error");
        expect(storage.size).toBe(0);
      } else {
        expect(value?.identities.every((r) => r?.action === "create")).toBe(true);
        expect(storage.size).toBe(TURN_CHUNK + 10);
      }
    }
  });

  it("a proxy of a MemoryStorage is not taken for one (no TypeError from its private fields)", async () => {
    const inner = new MemoryStorage();
    const proxy = new Proxy(inner, {
      get: (target, name) => {
        const v = Reflect.get(target, name, target);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    expect(proxy instanceof MemoryStorage).toBe(true);
    expect(await calls({}, proxy)).toBe(1);
  });
});
