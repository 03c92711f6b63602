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
import { MULTI_IDENTIFIER_SCHEMA, manager, UUID } from "./helpers.js";

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

/** A bcrypt hash of "123456" (Kratos's hash vectors, test/fixtures/kratos-hash-vectors.json). */
const BCRYPT = "$2a$10$ZsCsoVQ3xfBG/K2z2XpBf.tm90GZmtOqtqWcB5.pYd5Eq8y7RlDyq";
const sometimes = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 4 });
const rich = fc
  .record({
    e: fc.integer({ min: 0, max: 800 }),
    schema: fc.constantFrom("multi", "multi", "multi", "default", "nope"),
    user: sometimes(fc.integer({ min: 0, max: 200 })),
    phone: sometimes(fc.integer({ min: 0, max: 30 })),
    id: sometimes(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.boolean())),
    ext: sometimes(fc.integer({ min: 0, max: 30 })),
    org: sometimes(fc.integer({ min: 0, max: 2 })),
    hash: fc.constantFrom(undefined, undefined, undefined, BCRYPT, "$2a$10$bad"),
    oidc: sometimes(fc.integer({ min: 0, max: 30 })),
    state: fc.constantFrom(undefined, undefined, undefined, "inactive", "bogus"),
    kind: fc.integer({ min: 0, max: 30 }),
  })
  .map((r): unknown => {
    if (r.kind === 0) return null;
    if (r.kind === 1) return 17;
    const traits: Record<string, unknown> = { email: `E${r.e}@Example.org` };
    if (r.schema === "multi" && r.user !== undefined) traits.username = `user${r.user}`;
    if (r.schema === "multi" && r.phone !== undefined) traits.phone = `+4930${1234500 + r.phone}`;
    const body: Record<string, unknown> = { schema_id: r.schema, traits, metadata_admin: { k: r.kind } };
    if (r.id) body.id = r.id[1] ? given(r.id[0]).toUpperCase() : given(r.id[0]);
    if (r.ext !== undefined) body.external_id = `ext-${r.ext}`;
    if (r.org !== undefined)
      body.organization_id = `0190c000-0000-7000-8000-${String(r.org).padStart(12, "0")}`;
    if (r.state) body.state = r.state;
    const credentials: Record<string, unknown> = {};
    if (r.hash) credentials.password = { config: { hashed_password: r.hash } };
    if (r.oidc !== undefined)
      credentials.oidc = { config: { providers: [{ provider: "g", subject: `s${r.oidc}` }] } };
    if (Object.keys(credentials).length > 0) body.credentials = credentials;
    return body;
  });

/** What a result and a stored identity say once the generated ids and the clock are taken out. */
function normalize(value: unknown, ids: Map<string, string>): unknown {
  return JSON.parse(JSON.stringify(value), (key, v) => {
    if (typeof v === "string" && ids.has(v)) return ids.get(v);
    if (key.endsWith("_at")) return "<time>";
    if (key === "id" && typeof v === "string" && UUID.test(v) && !v.startsWith("0190a000")) return "<id>";
    return v;
  });
}

/**
 * The batch's results and what the store holds after it, normalised. With `oneTurn` (the store itself), it also
 * checks that the batch took the one-turn path: written within the call, before its promise was awaited.
 */
async function run(
  storage: StorageAdapter,
  entries: unknown[],
  options: IdentityManagerOptions = {},
  oneTurn?: MemoryStorage,
) {
  const idm = manager({ storage, ...options }) as unknown as IdentityManager;
  await idm.createIdentity({ traits: { email: "u0@example.org" } }); // the store is open; u0 is taken
  const identities = entries.map((create, i) => ({
    create,
    ...(i % 7 === 0 ? { patch_id: `0190b000-0000-7000-8000-${String(i).padStart(12, "0")}` } : {}),
  }));
  const pending = idm.batchPatchIdentities({ identities } as never);
  const during = oneTurn?.size;
  const { identities: results } = await pending;
  if (oneTurn) expect(oneTurn.size).toBe(during); // all written within the call
  const { identities: stored } = await idm.listIdentities({ pageSize: 1000 });
  // Each created identity is named by its e-mail (unique in the store), so ids compare across the two runs.
  const names = new Map(stored.map((s) => [s.id, `<${(s.traits as { email: string }).email}>`]));
  return normalize({ results, stored }, names);
}

describe("batchPatchIdentities in one turn on MemoryStorage", () => {
  it("gives the results, conflicts, errors and stored identities of the general path (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(entry, { minLength: TURN_CHUNK + 1, maxLength: 3 * TURN_CHUNK + 5 }),
        async (entries) => {
          const store = new MemoryStorage();
          const oneTurn = await run(store, entries, {}, store);
          const general = await run(foreign(new MemoryStorage()), entries);
          expect(oneTurn).toStrictEqual(general);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("the same with rich entries: several identifiers, organizations, given ids in any case, oidc (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rich, { minLength: TURN_CHUNK + 1, maxLength: 700 }), async (entries) => {
        const store = new MemoryStorage();
        const options = { schemas: { multi: MULTI_IDENTIFIER_SCHEMA } };
        const oneTurn = await run(store, entries, options, store);
        const general = await run(foreign(new MemoryStorage()), entries, options);
        expect(oneTurn).toStrictEqual(general);
      }),
      { numRuns: 6 },
    );
  });

  it("a key repeated across a chunk boundary: the later entry conflicts, with the pointer of one write", async () => {
    const email = (i: number) => (i === TURN_CHUNK + 5 ? "u3@example.org" : `u${i}@example.org`);
    const entries = Array.from({ length: 2 * TURN_CHUNK }, (_, i) => ({ traits: { email: email(i) } }));
    const store = new MemoryStorage();
    const oneTurn = (await run(store, entries, {}, store)) as { results: Array<Record<string, unknown>> };
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

  /**
   * The path one big batch takes through `options`: "one turn" when it is written within the call (before its
   * promise is awaited), else "general" (the general path writes after an await). `inner` holds the identities.
   */
  async function path(options: IdentityManagerOptions, storage?: StorageAdapter, inner?: MemoryStorage) {
    const store = inner ?? (storage as MemoryStorage | undefined) ?? new MemoryStorage();
    const idm = manager({ storage: storage ?? store, ...options }) as unknown as IdentityManager;
    await idm.listIdentities();
    const pending = idm.batchPatchIdentities(big());
    const during = store.size;
    const { identities } = await pending;
    expect(identities.every((r) => r?.action === "create")).toBe(true);
    expect(store.size).toBe(TURN_CHUNK + 10);
    return during === TURN_CHUNK + 10 ? "one turn" : during === 0 ? "general" : `part-way: ${during}`;
  }

  it("is taken only when nothing of the host's could run between two chunks", async () => {
    expect(await path({})).toBe("one turn");
    let n = 0;
    expect(await path({ generateId: () => given(++n) })).toBe("general");
    expect(await path({ now: () => new Date() })).toBe("general");
    expect(await path({ hooks: { beforeCreate: () => {} } })).toBe("general");
    expect(await path({ hooks: { afterCreate: () => {} } })).toBe("general");
  });

  it("is taken for the class's own insert only: not for a replaced method, on the instance or the prototype", async () => {
    class Logged extends MemoryStorage {
      override async insertIdentities(identities: readonly StoredIdentity[]) {
        return super.insertIdentities(identities);
      }
    }
    expect(await path({}, new Logged())).toBe("general");
    class Reader extends MemoryStorage {
      override async getIdentity(id: string) {
        return super.getIdentity(id);
      }
    }
    expect(await path({}, new Reader())).toBe("one turn"); // a subclass keeping the class's insert
    const patched = new MemoryStorage();
    patched.insertIdentities = (identities) =>
      MemoryStorage.prototype.insertIdentities.call(patched, identities);
    expect(await path({}, patched)).toBe("general");
    // A spy or mock on the prototype sees the batch's write, and its failure fails the batch with nothing stored.
    const insert = vi.spyOn(MemoryStorage.prototype, "insertIdentities");
    expect(await path({})).toBe("general");
    expect(insert.mock.calls.at(-1)?.[0]).toHaveLength(TURN_CHUNK + 10);
    insert.mockRejectedValue(new Error("connection lost"));
    const store = new MemoryStorage();
    const idm = manager({ storage: store }) as unknown as IdentityManager;
    await idm.listIdentities();
    await expect(idm.batchPatchIdentities(big())).rejects.toMatchObject({ code: "storage_error" });
    expect(store.size).toBe(0);
  });

  it("a clear-text password, a small batch or a store not yet open take the general path", async () => {
    const store = new MemoryStorage();
    const idm = manager({ storage: store }) as unknown as IdentityManager;
    const first = idm.batchPatchIdentities(big()); // the store opens with this call
    expect(store.size).toBe(0);
    expect((await first).identities.every((r) => r?.action === "create")).toBe(true);
    const withPassword = {
      identities: Array.from({ length: TURN_CHUNK + 10 }, (_, i) => ({
        create: {
          traits: { email: `p${i}@example.org` },
          ...(i === 3
            ? { credentials: { password: { config: { password: "a long clear-text password" } } } }
            : {}),
        },
      })),
    };
    const second = idm.batchPatchIdentities(withPassword);
    expect(store.size).toBe(TURN_CHUNK + 10);
    expect((await second).identities.every((r) => r?.action === "create")).toBe(true);
    const small = idm.batchPatchIdentities({
      identities: Array.from({ length: TURN_CHUNK }, (_, i) => ({
        create: { traits: { email: `s${i}@example.org` } },
      })),
    });
    expect(store.size).toBe(2 * (TURN_CHUNK + 10));
    await small;
    expect(store.size).toBe(3 * TURN_CHUNK + 20);
  });

  /**
   * A 300-entry batch, on the one-turn path and on the general path, while an `external_id` accessor on
   * Object.prototype (host code the builder reaches) runs `onRead` at its 200th read — while the second chunk is
   * built. Returns, per path, how the batch settled, the reads made and what the store holds after it.
   */
  async function withHostAccessor(onRead: (idm: IdentityManager) => void) {
    const outcomes = [];
    for (const inner of [new MemoryStorage(), undefined]) {
      const store = inner ?? new MemoryStorage();
      const idm = manager({ storage: inner ?? foreign(store) }) as unknown as IdentityManager;
      await idm.listIdentities();
      let reads = 0;
      Object.defineProperty(Object.prototype, "external_id", {
        configurable: true,
        get() {
          if (++reads === 200) onRead(idm);
          return undefined;
        },
        set(value) {
          Object.defineProperty(this, "external_id", {
            value,
            writable: true,
            enumerable: true,
            configurable: true,
          });
        },
      });
      let settled: unknown;
      try {
        const big300 = {
          identities: Array.from({ length: 300 }, (_, i) => ({
            create: { traits: { email: `h${i}@example.org` } },
          })),
        };
        settled = await idm.batchPatchIdentities(big300).then(
          () => "resolved",
          (e: unknown) => e,
        );
      } finally {
        delete (Object.prototype as { external_id?: unknown }).external_id;
      }
      outcomes.push({
        settled,
        reads,
        size: store.size,
        listed: (await idm.listIdentities().catch(() => undefined))?.identities.length,
      });
    }
    return outcomes;
  }

  it("host code reached mid-turn that throws (an accessor on Object.prototype): nothing stored, as one write", async () => {
    for (const { settled, reads, size, listed } of await withHostAccessor(() => {
      throw new Error("boom");
    })) {
      expect(settled).toMatchObject({ message: "boom" });
      expect(reads).toBeGreaterThanOrEqual(200);
      expect(size).toBe(0);
      expect(listed).toBe(0);
    }
  });

  it("host code reached mid-turn that closes the manager: storage_error and nothing stored, as one write", async () => {
    for (const { settled, size } of await withHostAccessor((idm) => void idm.close())) {
      expect(settled).toMatchObject({ code: "storage_error" });
      expect(size).toBe(0);
    }
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
    expect(await path({}, proxy, inner)).toBe("general");
  });
});
