import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { IdentityManager, MemoryStorage, StorageError } from "../src/index.js";
import { fromPGlite, PostgresStorage } from "../src/postgres/index.js";
import { rejection, TEST_SECRETS } from "./helpers.js";

// An adapter's own advice to the operator (StorageError.hint: no driver text) reaches the caller as it is; every
// other adapter failure keeps a generic reason, the driver's text only on `cause` (issue #11: a newcomer using the
// manager before `migrate()` saw only "The storage adapter failed in listIdentities.").
describe("StorageError.hint", () => {
  const pglite = new PGlite();
  afterAll(() => pglite.close());

  it("PostgresStorage before migrate(): the reason says to run migrate()", async () => {
    const storage = new PostgresStorage(fromPGlite(pglite));
    const idm = new IdentityManager({ storage, secrets: TEST_SECRETS });
    const error = await rejection(idm.listIdentities());
    expect(error.code).toBe("storage_error");
    expect(error.reason).toMatch(/run `await storage\.migrate\(\)` first/);
    expect(error.toJSON().error.reason).toBe(error.reason);
  });

  it("a hint passes through; any other adapter error, StorageError included, gets the generic reason", async () => {
    const hinted = Object.assign(new MemoryStorage(), {
      getIdentity: async () => {
        throw StorageError.hint("The replica is read-only: point the manager at the primary.");
      },
    });
    const leaky = Object.assign(new MemoryStorage(), {
      getIdentity: async () => {
        throw new StorageError({ reason: "connect ECONNREFUSED 10.0.0.7:5432 (user app)" });
      },
    });
    const id = "0190b6a8-0000-7000-8000-000000000000";
    const a = await rejection(
      new IdentityManager({ storage: hinted, secrets: TEST_SECRETS }).getIdentity(id),
    );
    expect(a.reason).toBe("The replica is read-only: point the manager at the primary.");
    const b = await rejection(new IdentityManager({ storage: leaky, secrets: TEST_SECRETS }).getIdentity(id));
    expect(b.code).toBe("storage_error");
    expect(JSON.stringify(b.toJSON())).not.toContain("ECONNREFUSED");
  });
});
