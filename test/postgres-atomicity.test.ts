// An executor that fails on the Nth statement inside any identity write leaves no partial identity and burns no
// token: for every N of a create, an update, a batch and a token redemption, the tables afterwards are exactly
// what they were before (issue 8 acceptance). Runs on PGlite, and on the real server when one answers.
import { afterAll, describe, expect, it } from "vitest";
import { isIdentityError } from "../src/index.js";
import type { SqlExecutor, SqlQueryable } from "../src/postgres/index.js";
import { manager } from "./helpers.js";
import { endPools, postgresTargets, TestStorage } from "./setup/postgres.js";

const targets = await postgresTargets("test/postgres-atomicity.test.ts");
afterAll(endPools);

/** Wraps an executor; once armed, the Nth statement (counting those inside transactions) throws. */
class FaultyExecutor implements SqlExecutor {
  count = 0;
  failAt = Number.POSITIVE_INFINITY;
  constructor(readonly inner: SqlExecutor) {}
  #check(sql: string) {
    this.count++;
    if (this.count === this.failAt)
      throw Object.assign(new Error(`injected failure at statement ${this.count}: ${sql.slice(0, 40)}`), {
        code: "08006",
      });
  }
  query: SqlQueryable["query"] = async (sql, params) => {
    this.#check(sql);
    return this.inner.query(sql, params);
  };
  transaction: SqlExecutor["transaction"] = (fn) =>
    this.inner.transaction((tx) =>
      fn({
        query: async (sql, params) => {
          this.#check(sql);
          return tx.query(sql, params);
        },
      }),
    );
}

async function snapshot(s: TestStorage): Promise<string> {
  const tables = ["idkit_identities", "idkit_identity_keys", "idkit_flow_tokens"];
  const out: unknown[] = [];
  for (const t of tables) {
    const { rows } = await s.executor.query(
      `SELECT row_to_json(x)::text AS r FROM ${s.schema}.${t} x ORDER BY 1`,
    );
    out.push(rows.map((r) => r.r));
  }
  return JSON.stringify(out);
}

type Manager = ReturnType<typeof manager>;
type Setup = (idm: Manager) => Promise<(idm: Manager) => Promise<unknown>>;

const email = (value: string) => ({ traits: { email: value } }) as never;
const operations: Array<[string, Setup]> = [
  [
    "create",
    async () => (idm) =>
      idm.createIdentity({
        traits: { email: "new@example.com" },
        external_id: "ext-1",
        metadata_admin: { a: 1 },
      } as never),
  ],
  [
    "update (PUT)",
    async (idm) => {
      const a = await idm.createIdentity(email("old@example.com"));
      return (m) =>
        m.updateIdentity(a.id, { schema_id: "default", traits: { email: "moved@example.com" } } as never);
    },
  ],
  [
    "batch",
    async (idm) => {
      await idm.createIdentity(email("taken@example.com"));
      return (m) =>
        m.batchPatchIdentities({
          identities: [
            { create: email("b1@example.com") },
            { create: email("taken@example.com") },
            { create: email("b2@example.com") },
          ],
        } as never);
    },
  ],
  [
    "verification redemption",
    async (idm) => {
      const a = await idm.createIdentity(email("verify@example.com"));
      const { verification_link } = await idm.createVerificationLink({ identity_id: a.id });
      const token = new URL(verification_link).searchParams.get("token") as string;
      return (m) => m.redeemVerificationLink(token);
    },
  ],
  [
    "recovery code redemption",
    async (idm) => {
      const a = await idm.createIdentity(email("recover@example.com"));
      const { recovery_code, flow_id } = (await idm.createRecoveryCode({
        identity_id: a.id,
      } as never)) as never as {
        recovery_code: string;
        flow_id: string;
      };
      return (m) => m.redeemRecoveryCode({ flow_id, code: recovery_code });
    },
  ],
];

describe.each(targets)(
  "a failure at any statement of a write leaves nothing behind (%s)",
  (_name, create) => {
    it.each(operations)("%s", async (_op, setup) => {
      let total = 0;
      for (let n = 1; total === 0 || n <= total; n++) {
        const storage = await create();
        try {
          const faulty = new FaultyExecutor(storage.executor);
          const idm = manager({ storage: new TestStorage(faulty, storage.schema, async () => {}) });
          const run = await setup(idm);
          const before = await snapshot(storage);
          faulty.count = 0;
          faulty.failAt = total === 0 ? Number.POSITIVE_INFINITY : n;
          const outcome = await run(idm).then(
            () => "ok",
            (e) => e,
          );
          if (total === 0) {
            // The dry run: how many statements the operation issues.
            expect(outcome).toBe("ok");
            total = faulty.count;
            expect(total).toBeGreaterThan(0);
            n = 0;
            continue;
          }
          expect(isIdentityError(outcome, "storage_error"), `statement ${n} of ${total}`).toBe(true);
          expect(JSON.stringify(outcome)).not.toMatch(/injected/);
          expect(await snapshot(storage), `statement ${n} of ${total}`).toBe(before);
          // Nothing was burned: the same operation succeeds once the database is back.
          faulty.failAt = Number.POSITIVE_INFINITY;
          await expect(run(idm)).resolves.toBeDefined();
        } finally {
          await storage.close();
        }
      }
    });
  },
);
