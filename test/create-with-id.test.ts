// idkit's extension of Kratos's create body: an optional `id`, so an export imports with its ids (issue 13).
import { describe, expect, it } from "vitest";
import { manager, rejection } from "./helpers.js";
import { pgliteStorage } from "./setup/postgres.js";

const ID = "0190f6c4-8c5e-7a3b-9f00-1234567890ab";

describe("create body `id` (idkit extension)", () => {
  it("creates the identity under the given id, lower-cased; without it the manager picks one", async () => {
    const idm = manager();
    const given = await idm.createIdentity({
      id: ID.toUpperCase(),
      traits: { email: "with-id@example.org" },
    });
    expect(given.id).toBe(ID);
    expect((await idm.getIdentity(ID)).traits).toEqual({ email: "with-id@example.org" });
    const picked = await idm.createIdentity({ id: null, traits: { email: "no-id@example.org" } });
    expect(picked.id).not.toBe(ID);
  });

  it("refuses a malformed id at /id, and a taken id with identity_conflict, writing nothing", async () => {
    const idm = manager();
    for (const id of ["not-a-uuid", 42, "", { id: ID }]) {
      const e = await rejection(idm.createIdentity({ id, traits: { email: "bad-id@example.org" } } as never));
      expect(e.code).toBe("validation_failed");
      expect(e.issues[0]?.pointer).toBe("/id");
    }
    await idm.createIdentity({ id: ID, traits: { email: "first@example.org" } });
    const e = await rejection(idm.createIdentity({ id: ID, traits: { email: "second@example.org" } }));
    expect(e.code).toBe("identity_conflict");
    expect(e.status).toBe(409);
    expect(e.details?.pointer).toBe("/id"); // the field holding the taken value, as for every 409
    const { identities } = await idm.listIdentities();
    expect(identities.map((i) => i.traits)).toEqual([{ email: "first@example.org" }]);
  });

  it("works in batches and imports, on PostgreSQL (PGlite) too: a taken id fails its item alone", async () => {
    const storage = await pgliteStorage();
    try {
      const idm = manager({ storage });
      const result = await idm.importIdentities([
        { id: ID, traits: { email: "a@example.org" } },
        { id: ID, traits: { email: "b@example.org" } },
        { traits: { email: "c@example.org" } },
      ]);
      expect(result).toMatchObject({ created: 2, failed: 1 });
      expect(result.errors).toEqual([
        expect.objectContaining({ index: 1, code: "identity_conflict", pointer: "/id" }),
      ]);
      expect((await idm.getIdentity(ID)).traits).toEqual({ email: "a@example.org" });
      const other = "0190f6c4-8c5e-7a3b-9f00-0000000000cd";
      const batch = await idm.batchPatchIdentities({
        identities: [{ create: { id: other, traits: { email: "d@example.org" } } }],
      });
      expect(batch.identities[0]).toMatchObject({ action: "create", identity: other });
    } finally {
      await storage.close();
    }
  });
});
