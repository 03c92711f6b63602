// The PostgreSQL adapter through the manager, on PGlite and on the real server (skipped with a printed reason
// when no server answers): migrations, uniqueness under concurrency, CAS, listing, tokens.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { isIdentityError } from "../src/index.js";
import { fromPGlite, fromPgPool, PostgresStorage, type SqlExecutor } from "../src/postgres/index.js";
import { FAST_HASHING, manager } from "./helpers.js";
import { endPools, postgresTargets, type TestStorage } from "./setup/postgres.js";

const targets = await postgresTargets("test/postgres-storage.test.ts");
afterAll(endPools);

async function using<T>(create: () => Promise<TestStorage>, fn: (s: TestStorage) => Promise<T>): Promise<T> {
  const storage = await create();
  try {
    return await fn(storage);
  } finally {
    await storage.close();
  }
}

describe.each(targets)("PostgresStorage on %s", (_name, create) => {
  it("migrate() is versioned and idempotent, also when several callers run it at once", async () => {
    await using(create, async (storage) => {
      expect(await storage.migrate()).toEqual([]);
      const fresh = new PostgresStorage(storage.executor, { schema: storage.schema });
      const again = await Promise.all([fresh.migrate(), fresh.migrate(), fresh.migrate()]);
      expect(again.flat()).toEqual([]);
      const { rows } = await storage.executor.query(
        `SELECT version FROM ${storage.schema}.idkit_migrations ORDER BY version`,
      );
      expect(rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
    });
  });

  it("init() refuses an unmigrated schema with a hint, as storage_error whose reason clients see", async () => {
    await using(create, async (storage) => {
      await storage.executor.query(`CREATE SCHEMA ${storage.schema}_empty`);
      try {
        const bare = new PostgresStorage(storage.executor, { schema: `${storage.schema}_empty` });
        await expect(bare.init()).rejects.toMatchObject({
          code: "storage_error",
          reason: expect.stringMatching(/run `await storage.migrate\(\)` first/),
        });
        const idm = manager({ storage: bare });
        const error = await idm.getIdentity("00000000-0000-4000-8000-000000000000").catch((e) => e);
        expect(isIdentityError(error, "storage_error")).toBe(true);
        // StorageError.hint: the adapter's own advice reaches the client; no driver text does.
        expect(error.toJSON().error.reason).toMatch(/run `await storage.migrate\(\)` first/);
        expect(JSON.stringify(error)).not.toMatch(/relation|does not exist|ECONN/);
      } finally {
        await storage.executor.query(`DROP SCHEMA ${storage.schema}_empty CASCADE`);
      }
    });
  });

  it("any value as executor, pool, db or options: a storage or invalid_configuration, never a TypeError", () => {
    const executor = { query: async () => ({ rows: [] }), transaction: async () => undefined } as never;
    const check = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(isIdentityError(e, "invalid_configuration"), String(e)).toBe(true);
      }
    };
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (a, b) => {
        check(() => new PostgresStorage(a as never, b as never));
        check(() => new PostgresStorage(executor, a as never));
        check(() => new PostgresStorage(executor, { retry: a } as never));
        check(() => fromPgPool(a as never));
        check(() => fromPGlite(a as never));
      }),
    );
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error("trap");
        },
        ownKeys: () => {
          throw new Error("trap");
        },
      },
    );
    for (const v of [hostile, null, 1, "x", () => {}, { query: 1, transaction: () => {} }]) {
      check(() => new PostgresStorage(v as never));
      check(() => new PostgresStorage(executor, v as never));
      check(() => fromPgPool(v as never));
    }
    expect(() => new PostgresStorage(executor, { retry: { maxAttempts: 0 } })).toThrow(
      expect.objectContaining({ reason: expect.stringMatching(/maxAttempts/) }),
    );
    expect(() => new PostgresStorage(executor, { schemaa: "x" } as never)).toThrow(
      expect.objectContaining({ code: "invalid_configuration" }),
    );
  });

  it("refuses a schema name that is not a plain identifier", () => {
    for (const schema of ['x"; DROP TABLE y; --', "Upper", "", "1abc"]) {
      expect(() => new PostgresStorage({} as never, { schema })).toThrow(
        expect.objectContaining({ code: "invalid_configuration" }),
      );
    }
  });

  it("round-trips identities through the manager exactly as MemoryStorage does", async () => {
    await using(create, async (storage) => {
      const body = {
        traits: { email: "Ann@Example.com", name: { first: "Ann", __proto__: 1 } },
        metadata_public: { plan: "pro", nested: [1, "two", null, { three: true }] },
        metadata_admin: null,
        external_id: "crm-42",
        credentials: {
          password: {
            config: { hashed_password: "$2a$04$4l3OT6GtzDvZ7V1Mcr0vteYzF9fFu8tk8khuXP8fyhvEiS5RPMS/q" },
          },
          oidc: { config: { providers: [{ provider: "google", subject: "g-1" }] } },
        },
      };
      const clock = () => new Date("2026-01-01T00:00:00.000Z");
      const memory = manager({ now: clock, generateId: () => "01234567-89ab-4def-8123-456789abcdef" });
      const sql = manager({ storage, now: clock, generateId: () => "01234567-89ab-4def-8123-456789abcdef" });
      const a = await memory.createIdentity(body as never);
      const b = await sql.createIdentity(body as never);
      expect(b).toEqual(a);
      const options = { includeCredential: ["password", "oidc"] } as never;
      expect(await sql.getIdentity(b.id, options)).toEqual(await memory.getIdentity(a.id, options));
      expect(await sql.getIdentityByExternalId("crm-42")).toEqual(
        await memory.getIdentityByExternalId("crm-42"),
      );
    });
  });

  it("1000 concurrent creates of one email: exactly one identity, 999 identity_conflict", async () => {
    await using(create, async (storage) => {
      const idm = manager({ storage });
      const results = await Promise.allSettled(
        Array.from({ length: 1000 }, () =>
          idm.createIdentity({ traits: { email: "race@example.com" } } as never),
        ),
      );
      const won = results.filter((r) => r.status === "fulfilled");
      const lost = results
        .filter((r) => r.status === "rejected")
        .map((r) => (r as PromiseRejectedResult).reason);
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(999);
      for (const e of lost) expect(isIdentityError(e, "identity_conflict")).toBe(true);
      const { rows } = await storage.executor.query(
        `SELECT count(*)::int AS n FROM ${storage.schema}.idkit_identities`,
      );
      expect(rows).toEqual([{ n: 1 }]);
    });
  });

  it("concurrent patches of one identity lose no update", async () => {
    await using(create, async (storage) => {
      // Two managers = two independent in-process queues: only the store's compare-and-set keeps them honest.
      const [m1, m2] = [manager({ storage }), manager({ storage })];
      const created = await m1.createIdentity({
        traits: { email: "p@example.com" },
        metadata_admin: {},
      } as never);
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? m1 : m2).patchIdentity(created.id, [
            { op: "add", path: `/metadata_admin/k${i}`, value: i },
          ]),
        ),
      );
      const final = await m1.getIdentity(created.id);
      expect(Object.keys(final.metadata_admin as object).sort()).toEqual(
        Array.from({ length: 20 }, (_, i) => `k${i}`).sort(),
      );
    });
  });

  it("a frozen clock: every write still gets a newer updated_at (the CAS version), and no patch is lost", async () => {
    await using(create, async (storage) => {
      const now = () => new Date("2026-01-01T00:00:00.000Z");
      const [m1, m2] = [manager({ storage, now }), manager({ storage, now })];
      const created = await m1.createIdentity({
        traits: { email: "f@example.com" },
        metadata_admin: {},
      } as never);
      const written = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? m1 : m2).patchIdentity(created.id, [
            { op: "add", path: `/metadata_admin/k${i}`, value: i },
          ]),
        ),
      );
      const versions = written.map((w) => w.updated_at).sort();
      expect(new Set(versions).size).toBe(10);
      expect((versions[0] as string) > created.updated_at).toBe(true);
      const final = await m1.getIdentity(created.id);
      expect(Object.keys(final.metadata_admin as object)).toHaveLength(10);
      expect(final.updated_at).toBe(versions.at(-1));
    });
  });

  it("a conflicting update writes nothing and keeps the old keys", async () => {
    await using(create, async (storage) => {
      const idm = manager({ storage });
      const a = await idm.createIdentity({ traits: { email: "a@example.com" } } as never);
      await idm.createIdentity({ traits: { email: "b@example.com" } } as never);
      const error = await idm
        .patchIdentity(a.id, [{ op: "replace", path: "/traits/email", value: "b@example.com" }])
        .catch((e) => e);
      expect(isIdentityError(error, "identity_conflict")).toBe(true);
      expect(error.reason).toMatch(/"b@example.com" is taken/);
      expect((await idm.getIdentity(a.id)).traits).toEqual({ email: "a@example.com" });
      const found = await idm.listIdentities({ credentialsIdentifier: "a@example.com" } as never);
      expect(found.identities.map((i) => i.id)).toEqual([a.id]);
    });
  });

  it("concurrent batches with overlapping emails (also inside a batch): no deadlock, one identity per email", async () => {
    await using(create, async (storage) => {
      // Counts the deadlocks PostgreSQL reports (each one costs deadlock_timeout, 1 s, before its retry).
      let deadlocks = 0;
      const inner = storage.executor;
      const counting: SqlExecutor = {
        query: (sql, params) => inner.query(sql, params),
        transaction: (fn) =>
          inner.transaction(fn).catch((e) => {
            if ((e as { code?: string }).code === "40P01") deadlocks++;
            throw e;
          }),
      };
      const idm = manager({ storage: new PostgresStorage(counting, { schema: storage.schema }) });
      // Random overlapping emails, duplicates inside batches too (several rounds per batch).
      let seed = 1;
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      };
      const batches = Array.from({ length: 6 }, () =>
        Array.from({ length: 50 }, () => `e${Math.floor(random() * 100)}@example.com`),
      );
      const results = await Promise.all(
        batches.map((emails) =>
          idm.batchPatchIdentities({
            identities: emails.map((email) => ({
              create: { schema_id: "preset://email", traits: { email } },
            })),
          } as never),
        ),
      );
      const items = results.flatMap((r) => r.identities);
      const created = items.filter((i) => i?.action === "create");
      const errors = items.flatMap((i) => (i?.action === "error" ? [i.error.id] : []));
      expect(created).toHaveLength(new Set(batches.flat()).size);
      expect(new Set(errors)).toEqual(new Set(["identity_conflict"]));
      expect(deadlocks).toBe(0);
    });
  });

  it("a leading U+FEFF survives the round trip (PGlite's text decoder would strip it)", async () => {
    await using(create, async (storage) => {
      const idm = manager({ storage });
      const a = await idm.createIdentity({
        traits: { email: "bom@example.com" },
        external_id: "\ufeffacme-1",
      } as never);
      expect((await idm.getIdentity(a.id)).external_id).toBe("\ufeffacme-1");
      expect((await idm.getIdentityByExternalId("\ufeffacme-1")).id).toBe(a.id);
      await expect(idm.getIdentityByExternalId("acme-1")).rejects.toMatchObject({
        code: "identity_not_found",
      });
      // Still writable: the value read back is the value stored.
      await idm.patchIdentity(a.id, [{ op: "add", path: "/metadata_admin", value: { ok: true } }]);
    });
  });

  it("a token for an identity deleted meanwhile is dropped, not a storage_error", async () => {
    await using(create, async (storage) => {
      await expect(
        storage.insertFlowToken({
          id: "00000000-0000-4000-8000-000000000001",
          kind: "recovery_link",
          digest: "ab",
          identity_id: "00000000-0000-4000-8000-000000000002",
          address: null,
          issued_at: "2026-01-01T00:00:00.000Z",
          expires_at: "2026-01-02T00:00:00.000Z",
          attempts: 0,
        }),
      ).resolves.toBeUndefined();
      expect(await storage.findFlowToken("recovery_link", ["ab"])).toBeUndefined();
    });
  });

  it("migrate() into a missing schema: storage_error, the driver's text only on cause", async () => {
    await using(create, async (storage) => {
      const missing = new PostgresStorage(storage.executor, { schema: `${storage.schema}_missing` });
      const error = await missing.migrate().catch((e) => e);
      expect(isIdentityError(error, "storage_error")).toBe(true);
      expect(JSON.stringify(error)).not.toMatch(/does not exist|_missing/);
      expect(String(error.cause)).toMatch(/schema/);
    });
  });

  it("lists by keyset across pages, with every filter", async () => {
    await using(create, async (storage) => {
      const idm = manager({ storage });
      const ids: string[] = [];
      for (let i = 0; i < 25; i++)
        ids.push((await idm.createIdentity({ traits: { email: `u${i}@example.com` } } as never)).id);
      const seen: string[] = [];
      let pageToken: string | undefined;
      do {
        const page = await idm.listIdentities({ pageSize: 7, ...(pageToken ? { pageToken } : {}) } as never);
        seen.push(...page.identities.map((i) => i.id));
        pageToken = page.nextPageToken;
      } while (pageToken);
      expect(seen).toEqual([...ids].sort());
      const some = await idm.listIdentities({
        ids: [ids[3], ids[5], "00000000-0000-4000-8000-000000000000"],
      } as never);
      expect(some.identities.map((i) => i.id).sort()).toEqual([ids[3], ids[5]].sort());
    });
  });

  it("recovery codes: attempts counted atomically, redeemed once under concurrency", async () => {
    await using(create, async (storage) => {
      const idm = manager({ storage, hashing: FAST_HASHING });
      const a = await idm.createIdentity({ traits: { email: "r@example.com" } } as never);
      const { recovery_code, flow_id } = (await idm.createRecoveryCode({
        identity_id: a.id,
      } as never)) as never as {
        recovery_code: string;
        flow_id: string;
      };
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => idm.redeemRecoveryCode({ flow_id, code: recovery_code })),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const { rows } = await storage.executor.query(
        `SELECT count(*)::int AS n FROM ${storage.schema}.idkit_flow_tokens`,
      );
      expect(rows).toEqual([{ n: 0 }]);
    });
  });
});
