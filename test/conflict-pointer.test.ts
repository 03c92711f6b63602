// A 409 `identity_conflict` points at the field that holds the taken value (issue #11, item 7): `details.pointer`,
// an RFC 6901 pointer rooted at the identity, as validation issues point. Memory and PGlite adapters.
import { PGlite } from "@electric-sql/pglite";
import { describe, expect, it } from "vitest";
import { type IdentityError, isIdentityError, MemoryStorage, type StorageAdapter } from "../src/index.js";
import { fromPGlite, PostgresStorage } from "../src/postgres/index.js";
import { manager } from "./helpers.js";

const SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  properties: {
    traits: {
      type: "object",
      properties: {
        email: {
          type: "string",
          format: "email",
          "ory.sh/kratos": {
            credentials: { password: { identifier: true } },
            verification: { via: "email" },
          },
        },
        backup: { type: "string", format: "email", "ory.sh/kratos": { recovery: { via: "email" } } },
        username: { type: "string", "ory.sh/kratos": { credentials: { password: { identifier: true } } } },
      },
    },
  },
};

async function conflict(write: Promise<unknown>): Promise<IdentityError> {
  const error = await write.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isIdentityError(error, "identity_conflict"), String(error)).toBe(true);
  return error as IdentityError;
}

const adapters: [string, () => Promise<StorageAdapter>][] = [
  ["memory", async () => new MemoryStorage()],
  [
    "PGlite",
    async () => {
      const storage = new PostgresStorage(fromPGlite(new PGlite()));
      await storage.migrate();
      return storage;
    },
  ],
];

describe.each(adapters)("%s: a conflict's details.pointer", (_name, createAdapter) => {
  it("names the trait of a taken identifier, on create, update, patch and in a batch", async () => {
    const idm = manager({ storage: await createAdapter(), schemas: { default: SCHEMA } });
    const first = await idm.createIdentity({ traits: { email: "ada@example.org", username: "ada" } });
    const second = await idm.createIdentity({ traits: { email: "bob@example.org", username: "bob" } });

    const created = await conflict(
      idm.createIdentity({ traits: { email: "x@example.org", username: "ADA" } }),
    );
    expect(created.details).toEqual({ pointer: "/traits/username" });
    expect(created.toJSON().error.details).toEqual({ pointer: "/traits/username" });

    const updated = await conflict(
      idm.updateIdentity(second.id, { schema_id: "default", traits: { email: "Ada@Example.org" } }),
    );
    expect(updated.details?.pointer).toBe("/traits/email");

    const patched = await conflict(
      idm.patchIdentity(second.id, [{ op: "replace", path: "/traits/username", value: "ada" }]),
    );
    expect(patched.details).toEqual({ pointer: "/traits/username" });

    const { identities } = await idm.batchPatchIdentities({
      identities: [
        {
          create: { schema_id: "default", traits: { email: "ada@example.org" } },
          patch_id: "00000000-0000-4000-8000-000000000001",
        },
      ],
    });
    expect(identities[0]).toMatchObject({
      action: "error",
      error: { details: { pointer: "/traits/email" } },
    });
    expect((await idm.getIdentity(first.id)).traits).toEqual({ email: "ada@example.org", username: "ada" });
  });

  it("names /external_id and a recovery address's trait", async () => {
    const idm = manager({ storage: await createAdapter(), schemas: { default: SCHEMA } });
    await idm.createIdentity({
      traits: { email: "a@example.org", backup: "safe@example.org" },
      external_id: "e1",
    });
    const external = await conflict(
      idm.createIdentity({ traits: { email: "b@example.org" }, external_id: "e1" }),
    );
    expect(external.details).toEqual({ pointer: "/external_id" });
    const recovery = await conflict(
      idm.createIdentity({ traits: { email: "c@example.org", backup: "SAFE@example.org" } }),
    );
    expect(recovery.details).toEqual({ pointer: "/traits/backup" });
  });
});

it("an adapter's conflict that names no key has no pointer (and keeps Kratos's message)", async () => {
  const memory = new MemoryStorage();
  const bare: StorageAdapter = Object.create(memory, {
    insertIdentities: {
      value: async (list: unknown[]) =>
        list.map(() =>
          Object.assign(new Error("taken"), {
            [Symbol.for("idkit.IdentityError")]: true,
            code: "identity_conflict",
            reason: "taken",
          }),
        ),
    },
  });
  const idm = manager({ storage: bare });
  const error = await conflict(
    idm.createIdentity({ schema_id: "preset://email", traits: { email: "z@example.org" } }),
  );
  expect(error.details).toBeUndefined();
  expect(error.reason).toBe("taken");
});
