// The storage conformance suite (idkit/testing) on PostgresStorage: PGlite always; the real server twice, at its
// default isolation (READ COMMITTED) and with every transaction SERIALIZABLE, as on CockroachDB. Without a
// server, the skip and its reason are printed.
import { afterAll, describe, expect, it } from "vitest";
import { runStorageConformance } from "../src/testing/index.js";
import { endPools, pgliteStorage, reportSkip, serverStorage, serverUnavailable } from "./setup/postgres.js";

const unavailable = await serverUnavailable();
afterAll(endPools);

runStorageConformance({ name: "PostgresStorage on PGlite", createAdapter: pgliteStorage, describe, it });
if (unavailable) {
  reportSkip("test/storage-conformance-postgres.test.ts (READ COMMITTED and SERIALIZABLE runs)", unavailable);
} else {
  process.stderr.write(
    "\n[idkit] conformance suite: PGlite, PostgreSQL server (READ COMMITTED), PostgreSQL server (SERIALIZABLE)\n",
  );
  runStorageConformance({
    name: "PostgresStorage on the PostgreSQL server",
    createAdapter: () => serverStorage(),
    describe,
    it,
  });
  describe("the SERIALIZABLE run", () => {
    it("really runs every transaction at SERIALIZABLE", async () => {
      const storage = await serverStorage("serializable");
      try {
        const level = await storage.executor.transaction((tx) => tx.query("SHOW transaction_isolation"));
        expect(level.rows).toEqual([{ transaction_isolation: "serializable" }]);
      } finally {
        await storage.close();
      }
    });
  });
  runStorageConformance({
    name: "PostgresStorage on the PostgreSQL server at SERIALIZABLE",
    createAdapter: () => serverStorage("serializable"),
    describe,
    it,
  });
}
