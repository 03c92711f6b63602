// One app process of test/postgres-processes.test.ts: an IdentityManager of its own on the shared database.
// argv: <task> <schema> <startAt ms> <args...>; prints one JSON line with what it saw.
import pg from "pg";
import { IdentityManager, isIdentityError } from "../../src/index.js";
import { fromPgPool, PostgresStorage } from "../../src/postgres/index.js";

const [task, schema, startAt, ...args] = process.argv.slice(2) as [string, string, string, ...string[]];
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const idm = new IdentityManager({
  storage: new PostgresStorage(fromPgPool(pool), { schema }),
  secrets: ["a shared secret of the two processes, 32+ chars"],
});
// Both processes start their burst at the same instant.
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
const settle = async (n: number, fn: (i: number) => Promise<unknown>) => {
  const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => fn(i)));
  return {
    ok: results.filter((r) => r.status === "fulfilled").length,
    errors: results.flatMap((r) =>
      r.status === "rejected" ? [isIdentityError(r.reason) ? r.reason.code : String(r.reason)] : [],
    ),
  };
};
let result: unknown;
if (task === "patch") {
  const [id, tag] = args as [string, string];
  result = await settle(25, (i) =>
    idm.patchIdentity(id, [{ op: "add", path: `/metadata_admin/${tag}${process.pid}-${i}`, value: i }]),
  );
} else if (task === "create") {
  result = await settle(50, () => idm.createIdentity({ traits: { email: "both@example.com" } } as never));
} else if (task === "redeem") {
  const [flow_id, code] = args as [string, string];
  result = await settle(5, () => idm.redeemRecoveryCode({ flow_id, code }));
}
await pool.end();
process.stdout.write(`${JSON.stringify(result)}\n`);
