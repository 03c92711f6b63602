// Issue 8 acceptance (CI-sized; `bench/postgres-import-mixed.ts` runs 100k and 1M): a streaming import of mixed
// rows (pre-hashed, clear-text, conflicts, invalid rows, non-objects) into PostgreSQL finishes with the correct
// summary and exactly the failing indices, and the database holds exactly the created identities.
import { afterAll, describe, expect, it } from "vitest";
import { manager } from "./helpers.js";
import { endPools, postgresTargets } from "./setup/postgres.js";

const targets = await postgresTargets("test/postgres-import.test.ts");
afterAll(endPools);

// bcrypt cost 4 of "123456": generated with @node-rs/bcrypt, an independent implementation of the same format.
const HASH = "$2a$04$4l3OT6GtzDvZ7V1Mcr0vteYzF9fFu8tk8khuXP8fyhvEiS5RPMS/q";
const N = 3000;

/** Row i, and the error code it must produce (undefined: created). */
function row(i: number): [unknown, string | undefined] {
  const email = `user${i}@example.org`;
  switch (i % 10) {
    case 0:
      return [
        { traits: { email }, credentials: { password: { config: { password: `passphrase number ${i}!` } } } },
        undefined,
      ];
    case 1:
      return [{ traits: { email: `not an email ${i}` } }, "validation_failed"];
    case 2:
      // The email of row i - 2 (a created row), in another spelling: a conflict, sometimes across batches.
      return [{ traits: { email: `USER${i - 2}@example.org` } }, "identity_conflict"];
    case 3:
      return [i, "validation_failed"];
    case 4:
      return [{ traits: { email }, external_id: `ext-${i - 4}` }, "identity_conflict"]; // taken by row i - 4 - 10
    default:
      return [
        {
          traits: { email },
          external_id: `ext-${i}`,
          credentials: { password: { config: { hashed_password: HASH } } },
        },
        undefined,
      ];
  }
}

function* source() {
  for (let i = 0; i < N; i++) yield row(i)[0];
}

describe.each(targets)("streaming import into PostgreSQL (%s)", (_name, create) => {
  it(`${N} mixed rows: the exact failing indices, and exactly the created identities stored`, async () => {
    const storage = await create();
    try {
      const idm = manager({ storage });
      // external_id `ext-${i - 4}` of rows ≡ 4 (mod 10) must be taken: rows ≡ 0 (mod 10) carry none, so seed them.
      for (let i = 0; i < N; i += 10)
        await idm.createIdentity({
          traits: { email: `seed${i}@example.org` },
          external_id: `ext-${i}`,
        } as never);
      const expected = Array.from({ length: N }, (_, i) => [i, row(i)[1]] as const).filter(
        ([, code]) => code !== undefined,
      );
      const result = await idm.importIdentities(source() as never, { batchSize: 250, concurrency: 2 });
      expect(result.processed).toBe(N);
      expect(result.failed).toBe(expected.length);
      expect(result.created).toBe(N - expected.length);
      expect(result.errors.map((e) => [e.index, e.code])).toEqual(expected);
      const { rows } = await storage.executor.query(
        `SELECT count(*)::int AS n FROM ${storage.schema}.idkit_identities`,
      );
      expect(rows).toEqual([{ n: N - expected.length + N / 10 }]);
    } finally {
      await storage.close();
    }
  });
});
