// Issue 8, item 5: two IdentityManagers in two separate Node processes share one PostgreSQL database. Needs the
// real server (PGlite lives inside one process): without one, the skip and its reason are printed.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { IdentityManager } from "../src/index.js";
import { DATABASE_URL, endPools, reportSkip, serverStorage, serverUnavailable } from "./setup/postgres.js";

const unavailable = await serverUnavailable();
if (unavailable)
  reportSkip("test/postgres-processes.test.ts (no PGlite fallback: it cannot be shared)", unavailable);
afterAll(endPools);

const worker = fileURLToPath(new URL("./workers/shared-database-worker.ts", import.meta.url));
const run = promisify(execFile);

interface Seen {
  ok: number;
  errors: string[];
}
async function both(task: string, schema: string, ...args: string[]): Promise<[Seen, Seen]> {
  const startAt = String(Date.now() + 1500);
  const spawn = () =>
    run(process.execPath, ["--import", "tsx", worker, task, schema, startAt, ...args], {
      env: { ...process.env, DATABASE_URL },
    }).then(({ stdout }) => JSON.parse(stdout.trim().split("\n").at(-1) as string) as Seen);
  return Promise.all([spawn(), spawn()]);
}

describe.skipIf(unavailable !== undefined)("two app processes, one database", () => {
  it("concurrent patches of one identity from both processes lose no update", async () => {
    const storage = await serverStorage();
    try {
      const idm = new IdentityManager({ storage });
      const { id } = await idm.createIdentity({
        traits: { email: "p@example.com" },
        metadata_admin: {},
      } as never);
      const [a, b] = await both("patch", storage.schema, id, "a");
      expect(a.ok + b.ok).toBe(50);
      const keys = Object.keys((await idm.getIdentity(id)).metadata_admin as object);
      expect(keys).toHaveLength(50);
    } finally {
      await storage.close();
    }
  });

  it("concurrent creates of one email from both processes produce exactly one identity", async () => {
    const storage = await serverStorage();
    try {
      const [a, b] = await both("create", storage.schema);
      expect(a.ok + b.ok).toBe(1);
      expect(new Set([...a.errors, ...b.errors])).toEqual(new Set(["identity_conflict"]));
      expect([...a.errors, ...b.errors]).toHaveLength(99);
    } finally {
      await storage.close();
    }
  });

  it("a recovery code redeemed from both processes succeeds once", async () => {
    const storage = await serverStorage();
    try {
      const idm = new IdentityManager({
        storage,
        secrets: ["a shared secret of the two processes, 32+ chars"],
      });
      const { id } = await idm.createIdentity({ traits: { email: "r@example.com" } } as never);
      const { flow_id, recovery_code } = (await idm.createRecoveryCode({
        identity_id: id,
      } as never)) as never as {
        flow_id: string;
        recovery_code: string;
      };
      const [a, b] = await both("redeem", storage.schema, flow_id, recovery_code);
      expect(a.ok + b.ok).toBe(1);
    } finally {
      await storage.close();
    }
  });
});
