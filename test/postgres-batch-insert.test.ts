// PostgresStorage.insertIdentities writes a batch whose ids and keys are all free in one statement, without a
// transaction, and falls back to the per-round transaction when that statement finds one taken or the batch
// repeats one inside itself; fromPgPool keeps a connection whose statement the server refused. PGlite, and the
// real server when one answers.
import { afterAll, describe, expect, it } from "vitest";
import { isIdentityError } from "../src/index.js";
import {
  fromPgPool,
  type PgClientLike,
  type PgPoolLike,
  PostgresStorage,
  type SqlExecutor,
} from "../src/postgres/index.js";
import { manager } from "./helpers.js";
import { endPools, postgresTargets } from "./setup/postgres.js";

const targets = await postgresTargets("test/postgres-batch-insert.test.ts");
afterAll(endPools);

/** Records the statements an executor runs, and how many transactions it opens. */
function recording(inner: SqlExecutor) {
  const log = { statements: [] as string[], transactions: 0 };
  const executor: SqlExecutor = {
    query: (sql, params, options) => {
      log.statements.push(sql.trim().split(/\s+/)[0] as string);
      return inner.query(sql, params, options);
    },
    transaction: (fn) => {
      log.transactions++;
      return inner.transaction((tx) =>
        fn({
          query: (sql, params, options) => {
            log.statements.push(`tx:${sql.trim().split(/\s+/)[0]}`);
            return tx.query(sql, params, options);
          },
        }),
      );
    },
  };
  const reset = () => {
    log.statements = [];
    log.transactions = 0;
  };
  return { executor, log, reset };
}

const create = (email: string) => ({ create: { schema_id: "preset://email", traits: { email } } });

describe.each(targets)("insertIdentities on %s", (_name, open) => {
  it("a batch of free ids and keys: one statement, no transaction; a taken key: the transaction says which", async () => {
    const storage = await open();
    try {
      const { executor, log, reset } = recording(storage.executor);
      const idm = manager({ storage: new PostgresStorage(executor, { schema: storage.schema }) });
      await idm.listIdentities({ pageSize: 1 }); // init before counting
      reset();
      const fresh = await idm.batchPatchIdentities({
        identities: ["a@example.org", "b@example.org", "c@example.org"].map(create),
      } as never);
      expect(fresh.identities.map((i) => i?.action)).toEqual(["create", "create", "create"]);
      expect(log).toEqual({ statements: ["WITH"], transactions: 0 });

      reset();
      const mixed = await idm.batchPatchIdentities({
        identities: ["d@example.org", "b@example.org", "e@example.org"].map(create),
      } as never);
      expect(mixed.identities.map((i) => i?.action)).toEqual(["create", "error", "create"]);
      const error = mixed.identities[1] as { error: { id: string; reason: string } };
      expect(error.error.id).toBe("identity_conflict");
      expect(error.error.reason).toMatch(/"b@example.org"/);
      expect(log.statements[0]).toBe("WITH"); // refused whole (23505), nothing written
      expect(log.transactions).toBe(1);

      reset();
      const repeated = await idm.batchPatchIdentities({
        identities: ["f@example.org", "f@example.org"].map(create),
      } as never);
      expect(repeated.identities.map((i) => i?.action)).toEqual(["create", "error"]);
      expect(log.statements).not.toContain("WITH"); // two rounds: straight to the transaction
      expect(log.transactions).toBe(1);

      const all = await idm.listIdentities({ pageSize: 100 });
      expect(all.identities.map((i) => (i.traits as { email: string }).email).sort()).toEqual(
        ["a", "b", "c", "d", "e", "f"].map((x) => `${x}@example.org`),
      );
      const again = await idm
        .createIdentity({ schema_id: "preset://email", traits: { email: "e@example.org" } })
        .catch((e) => e);
      expect(isIdentityError(again, "identity_conflict")).toBe(true);
    } finally {
      await storage.close();
    }
  });
});

describe("fromPgPool releases connections", () => {
  /** A pool whose one connection fails each statement with `error`, recording what release() was given. */
  function failingPool(error: unknown) {
    const released: unknown[] = [];
    const listeners = new Set<unknown>();
    const client: PgClientLike = {
      query: async () => {
        throw error;
      },
      release: (destroy) => {
        released.push(destroy);
      },
      on: (_event, listener) => listeners.add(listener),
      removeListener: (_event, listener) => listeners.delete(listener),
    };
    const pool: PgPoolLike = { query: async () => ({ rows: [] }), connect: async () => client };
    return { pool, released, listeners };
  }

  it("keeps a connection whose statement the server refused, destroys one that failed", async () => {
    const refused = Object.assign(new Error("duplicate key"), { code: "23505", severity: "ERROR" });
    const server = failingPool(refused);
    await expect(fromPgPool(server.pool).query("INSERT", [])).rejects.toBe(refused);
    expect(server.released).toEqual([undefined]);
    expect(server.listeners.size).toBe(0); // the error listener is removed again

    const dropped = new Error("Connection terminated unexpectedly");
    const broken = failingPool(dropped);
    await expect(fromPgPool(broken.pool).query("INSERT", [])).rejects.toBe(dropped);
    expect(broken.released).toEqual([dropped]);
  });
});
