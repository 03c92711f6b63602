// fromPgPool's named prepared statements: which statements are prepared, the per-pool bound, the opt-out, and the
// adapter's results with and without them on the real server (skipped with a printed reason when none answers).
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { isIdentityError } from "../src/index.js";
import { fromPgPool, type PgNamedQuery, type PgPoolLike, PostgresStorage } from "../src/postgres/index.js";
import { manager } from "./helpers.js";
import { DATABASE_URL, reportSkip, serverUnavailable } from "./setup/postgres.js";

/** A pool-like object that records what it is asked to run and answers no rows. */
function recordingPool() {
  const calls: Array<string | PgNamedQuery> = [];
  const query = async (sql: string | PgNamedQuery) => {
    calls.push(sql);
    return { rows: [] };
  };
  const pool: PgPoolLike = { query, connect: async () => ({ query, release: () => {} }) };
  return { pool, calls };
}

describe("fromPgPool options", () => {
  it("any value as options: an executor or invalid_configuration, never a TypeError", () => {
    const { pool } = recordingPool();
    fc.assert(
      fc.property(fc.anything(), (options) => {
        try {
          fromPgPool(pool, options as never);
        } catch (e) {
          expect(isIdentityError(e, "invalid_configuration"), String(e)).toBe(true);
        }
      }),
    );
    expect(() => fromPgPool(pool, { preparedStatements: "yes" } as never)).toThrow(
      expect.objectContaining({ code: "invalid_configuration" }),
    );
    expect(() => fromPgPool(pool, { prepared: true } as never)).toThrow(
      expect.objectContaining({ code: "invalid_configuration" }),
    );
  });

  it("names a statement after its text only when asked to prepare it, one name per text", async () => {
    const { pool, calls } = recordingPool();
    const executor = fromPgPool(pool);
    await executor.query("SELECT $1::int", [1], { prepare: true });
    await executor.query("SELECT $1::int", [2], { prepare: true });
    await executor.query("SELECT $1::text", ["x"], { prepare: true });
    await executor.query("SELECT $1::int", [3]);
    await executor.transaction((tx) => tx.query("SELECT $1::int", [4], { prepare: true }));
    const [a, b, c, plain, , inTx] = calls as [
      PgNamedQuery,
      PgNamedQuery,
      PgNamedQuery,
      string,
      string,
      PgNamedQuery,
    ];
    expect(a).toEqual({
      name: expect.stringMatching(/^idkit_[\w-]{32}$/),
      text: "SELECT $1::int",
      values: [1],
    });
    expect(b).toEqual({ name: a.name, text: "SELECT $1::int", values: [2] });
    expect(c.name).not.toBe(a.name);
    expect(plain).toBe("SELECT $1::int");
    expect(inTx).toEqual({ name: a.name, text: "SELECT $1::int", values: [4] });
    // Another executor over the same pool uses the same names.
    await fromPgPool(pool).query("SELECT $1::int", [5], { prepare: true });
    expect((calls.at(-1) as PgNamedQuery).name).toBe(a.name);
  });

  it("prepares at most 256 distinct statements per pool, then runs further ones unnamed", async () => {
    const { pool, calls } = recordingPool();
    const executor = fromPgPool(pool);
    for (let i = 0; i < 300; i++) await executor.query(`SELECT ${i}`, [], { prepare: true });
    expect(calls.filter((c) => typeof c !== "string")).toHaveLength(256);
    expect(calls.slice(256).every((c) => typeof c === "string")).toBe(true);
    await executor.query("SELECT 0", [], { prepare: true });
    expect(typeof calls.at(-1)).toBe("object"); // a known statement keeps its name
  });

  it("preparedStatements: false sends every statement unnamed", async () => {
    const { pool, calls } = recordingPool();
    const executor = fromPgPool(pool, { preparedStatements: false });
    await executor.query("SELECT $1::int", [1], { prepare: true });
    await executor.transaction((tx) => tx.query("SELECT $1::int", [1], { prepare: true }));
    expect(calls.filter((c) => typeof c !== "string")).toEqual([]);
  });
});

const unavailable = await serverUnavailable();
if (unavailable) reportSkip("test/postgres-prepared.test.ts", unavailable);
const pools: pg.Pool[] = [];
afterAll(() => Promise.all(pools.splice(0).map((p) => p.end())));

describe.skipIf(unavailable !== undefined)("PostgresStorage over fromPgPool on the PostgreSQL server", () => {
  /** A manager on a fresh schema of a one-connection pool, and the names prepared on that connection. */
  async function setUp(preparedStatements: boolean) {
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
    pools.push(pool);
    const schema = `idkit_t_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
    await pool.query(`CREATE SCHEMA ${schema}`);
    const storage = new PostgresStorage(fromPgPool(pool, { preparedStatements }), { schema });
    await storage.migrate();
    const prepared = async () =>
      (await pool.query("SELECT name FROM pg_prepared_statements WHERE name LIKE 'idkit\\_%'")).rows.length;
    const drop = () => pool.query(`DROP SCHEMA ${schema} CASCADE`);
    const recreate = async () => {
      await drop();
      await pool.query(`CREATE SCHEMA ${schema}`);
    };
    return { idm: manager({ storage }), storage, prepared, recreate, drop };
  }

  for (const preparedStatements of [true, false]) {
    it(`gives the same results with preparedStatements: ${preparedStatements}`, async () => {
      const { idm, prepared, drop } = await setUp(preparedStatements);
      try {
        expect(await prepared()).toBe(0); // migrations are not prepared
        const user = await idm.createIdentity({
          schema_id: "preset://email",
          traits: { email: "a@example.org" },
        });
        const account = await idm.createIdentity({
          schema_id: "preset://machine",
          traits: { name: "svc", owner: "team" },
        });
        for (let round = 0; round < 7; round++) {
          // Past PostgreSQL's five custom plans, so a generic plan of each prepared statement runs too.
          expect((await idm.getIdentity(user.id)).traits).toEqual({ email: "a@example.org" });
          const { key } = await idm.createApiKey({
            identity_id: account.id,
            name: `k${round}`,
            scopes: ["read"],
          });
          expect((await idm.authenticateApiKey(key, { requiredScopes: ["read"] })).identity.id).toBe(
            account.id,
          );
          await idm.patchIdentity(user.id, [{ op: "replace", path: "/metadata_public", value: { round } }]);
        }
        expect((await idm.listApiKeys(account.id)).map((k) => k.name)).toEqual(
          Array.from({ length: 7 }, (_, i) => `k${i}`),
        );
        const conflict = await idm
          .createIdentity({ schema_id: "preset://email", traits: { email: "a@example.org" } })
          .catch((e) => e);
        expect(isIdentityError(conflict, "identity_conflict")).toBe(true);
        expect((await idm.getIdentity(user.id)).metadata_public).toEqual({ round: 6 });
        const count = await prepared();
        if (preparedStatements) expect(count).toBeGreaterThan(5);
        else expect(count).toBe(0);
      } finally {
        await drop();
      }
    });
  }

  it("keeps working when the schema is dropped and migrated again under the same name (plans re-made)", async () => {
    const { idm, storage, recreate, drop } = await setUp(true);
    try {
      const first = await idm.createIdentity({
        schema_id: "preset://email",
        traits: { email: "b@example.org" },
      });
      for (let i = 0; i < 6; i++) expect((await idm.getIdentity(first.id)).id).toBe(first.id);
      await recreate();
      await storage.migrate();
      await expect(idm.getIdentity(first.id)).rejects.toMatchObject({ code: "identity_not_found" });
      const again = await idm.createIdentity({
        schema_id: "preset://email",
        traits: { email: "b@example.org" },
      });
      expect((await idm.getIdentity(again.id)).traits).toEqual({ email: "b@example.org" });
    } finally {
      await drop();
    }
  });
});
