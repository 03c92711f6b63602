import { describe, expect, it, vi } from "vitest";
import { type Identity, IdentityError, type IdentityManagerHooks, MemoryStorage } from "../src/index.js";
import { manager, rejection } from "./helpers.js";

type Person = { email: string; name?: { first?: string; last?: string } };

/** A manager over a store the test can read, with these hooks. */
function setup(hooks: IdentityManagerHooks<Person>) {
  const storage = new MemoryStorage();
  const idm = manager<Person>({ storage, hooks });
  const all = async () => (await idm.listIdentities()).identities;
  return { idm, storage, all };
}

const refuse = () => {
  throw new IdentityError("validation_failed", { reason: "refused by hook" });
};

describe("beforeCreate / afterCreate", () => {
  it("sees the candidate, may change the traits (stored and re-derived), and afterCreate sees the stored one", async () => {
    const seen: string[] = [];
    const { idm, all } = setup({
      beforeCreate(candidate, { source }) {
        seen.push(`before:${source}:${(candidate.traits as Person).email}`);
        return { traits: { email: (candidate.traits as Person).email.toLowerCase() } };
      },
      afterCreate(identity, { source }) {
        seen.push(`after:${source}:${(identity.traits as Person).email}`);
      },
    });
    const created = await idm.createIdentity({ traits: { email: "Ada@Example.org" } });
    expect(created.traits.email).toBe("ada@example.org");
    expect(created.verifiable_addresses?.[0]?.value).toBe("ada@example.org");
    expect((await all())[0]?.traits).toEqual({ email: "ada@example.org" });
    expect(seen).toEqual(["before:create:Ada@Example.org", "after:create:ada@example.org"]);
  });

  it("a modification the schema refuses is refused, nothing written", async () => {
    const { idm, all } = setup({ beforeCreate: () => ({ traits: { email: 42 } as never }) });
    const error = await rejection(idm.createIdentity({ traits: { email: "a@example.org" } }));
    expect(error.code).toBe("validation_failed");
    expect(await all()).toEqual([]);
  });

  it("returning the whole candidate with changed traits works; changing another field is invalid_configuration", async () => {
    const whole = setup({
      beforeCreate: (c) => ({ ...c, traits: { email: "b@example.org" }, metadata_admin: { tag: 1 } }),
    });
    const made = await whole.idm.createIdentity({ traits: { email: "a@example.org" } });
    expect(made.traits.email).toBe("b@example.org");
    expect(made.metadata_admin).toEqual({ tag: 1 });
    const sneaky = setup({ beforeCreate: (c) => ({ ...c, state: "inactive" as const }) });
    const error = await rejection(sneaky.idm.createIdentity({ traits: { email: "a@example.org" } }));
    expect(error.code).toBe("invalid_configuration");
    expect(await sneaky.all()).toEqual([]);
  });

  it("a refusing beforeCreate keeps its code and status; nothing is written", async () => {
    const { idm, all } = setup({ beforeCreate: refuse });
    const error = await rejection(idm.createIdentity({ traits: { email: "a@example.org" } }));
    expect([error.code, error.status, error.reason]).toEqual(["validation_failed", 400, "refused by hook"]);
    expect(await all()).toEqual([]);
  });

  it("any other thrown value (even a non-Error) becomes invalid_configuration with the value on cause", async () => {
    for (const thrown of [new Error("boom"), "text", null, undefined]) {
      const { idm, all } = setup({
        beforeCreate: async () => {
          throw thrown;
        },
      });
      const error = await rejection(idm.createIdentity({ traits: { email: "a@example.org" } }));
      expect(error).toBeInstanceOf(IdentityError);
      expect(error.code).toBe("invalid_configuration");
      expect(error.cause).toBe(thrown);
      expect(await all()).toEqual([]);
    }
  });

  it("a throwing or rejecting afterCreate leaves the write intact and reaches onHookError", async () => {
    for (const afterCreate of [
      () => {
        throw new Error("after");
      },
      () => Promise.reject(new Error("after")),
    ]) {
      const onHookError = vi.fn(() => {
        throw new Error("the error callback throws too");
      });
      const { idm, all } = setup({ afterCreate, onHookError });
      const created = await idm.createIdentity({ traits: { email: "a@example.org" } });
      expect((await all()).map((i) => i.id)).toEqual([created.id]);
      expect(onHookError).toHaveBeenCalledWith(expect.objectContaining({ message: "after" }), {
        hook: "afterCreate",
        identityId: created.id,
      });
    }
  });

  it("batch: a refused item fails alone with the hook's error; afterCreate runs per created item in order", async () => {
    const after: string[] = [];
    const { idm, all } = setup({
      beforeCreate(candidate, { source }) {
        expect(source).toBe("batch");
        if ((candidate.traits as Person).email.startsWith("no")) refuse();
      },
      afterCreate: (identity, { source }) => {
        after.push(`${source}:${(identity.traits as Person).email}`);
      },
    });
    const { identities } = await idm.batchPatchIdentities({
      identities: [
        { patch_id: "00000000-0000-4000-8000-000000000001", create: { traits: { email: "a@example.org" } } },
        { patch_id: "00000000-0000-4000-8000-000000000002", create: { traits: { email: "no@example.org" } } },
        { patch_id: "00000000-0000-4000-8000-000000000003", create: { traits: { email: "c@example.org" } } },
      ],
    });
    expect(identities.map((i) => i?.action)).toEqual(["create", "error", "create"]);
    const failed = identities[1];
    expect(failed?.action === "error" && failed.error).toMatchObject({
      code: 400,
      reason: "refused by hook",
    });
    expect((await all()).map((i) => i.traits.email).sort()).toEqual(["a@example.org", "c@example.org"]);
    expect(after).toEqual(["batch:a@example.org", "batch:c@example.org"]);
  });

  it("import: a refused item is an error entry; afterCreate runs per created item in source order", async () => {
    const after: string[] = [];
    const { idm, all } = setup({
      beforeCreate(candidate, { source }) {
        expect(source).toBe("import");
        if ((candidate.traits as Person).email.startsWith("no")) refuse();
      },
      afterCreate: (identity) => {
        after.push((identity.traits as Person).email);
      },
    });
    const emails = ["a", "no", "c", "d", "no2"].map((e) => `${e}@example.org`);
    const result = await idm.importIdentities(
      emails.map((email) => ({ traits: { email } })),
      { batchSize: 2 },
    );
    expect(result).toMatchObject({ created: 3, failed: 2 });
    expect(result.errors.map((e) => [e.index, e.code, e.message])).toEqual([
      [1, "validation_failed", "refused by hook"],
      [4, "validation_failed", "refused by hook"],
    ]);
    expect(after).toEqual(["a@example.org", "c@example.org", "d@example.org"]);
    expect((await all()).length).toBe(3);
  });
});

describe("beforeUpdate / afterUpdate", () => {
  async function withIdentity(hooks: IdentityManagerHooks<Person>) {
    const ctx = setup(hooks);
    const identity = await ctx.idm.createIdentity({ traits: { email: "a@example.org" } });
    return { ...ctx, identity, before: JSON.stringify(await ctx.all()) };
  }

  for (const operation of ["update", "patch"] as const) {
    const write = (idm: ReturnType<typeof setup>["idm"], id: string) =>
      operation === "update"
        ? idm.updateIdentity(id, { schema_id: "default", traits: { email: "b@example.org" } })
        : idm.patchIdentity(id, [{ op: "replace", path: "/traits/email", value: "b@example.org" }]);

    it(`${operation}: sees candidate and previous, may change metadata; afterUpdate sees the stored one`, async () => {
      const calls: unknown[] = [];
      const { idm, identity, all } = await withIdentity({
        beforeUpdate(candidate, context) {
          calls.push([context.operation, candidate.traits.email, context.previous.traits.email]);
          return { metadata_public: { touched: true } };
        },
        afterUpdate(stored, context) {
          calls.push([stored.traits.email, stored.metadata_public, context.previous.traits.email]);
        },
      });
      const updated = await write(idm, identity.id);
      expect(updated.metadata_public).toEqual({ touched: true });
      expect((await all())[0]?.metadata_public).toEqual({ touched: true });
      expect(calls).toEqual([
        [operation, "b@example.org", "a@example.org"],
        ["b@example.org", { touched: true }, "a@example.org"],
      ]);
    });

    it(`${operation}: a refusing beforeUpdate leaves the store unchanged`, async () => {
      const { idm, identity, all, before } = await withIdentity({ beforeUpdate: refuse });
      expect((await rejection(write(idm, identity.id))).reason).toBe("refused by hook");
      expect(JSON.stringify(await all())).toBe(before);
    });

    it(`${operation}: an invalid modification is refused, store unchanged`, async () => {
      const { idm, identity, all, before } = await withIdentity({
        beforeUpdate: () => ({ traits: { email: "not an email" } }),
      });
      expect((await rejection(write(idm, identity.id))).code).toBe("validation_failed");
      expect(JSON.stringify(await all())).toBe(before);
    });

    it(`${operation}: a rejecting afterUpdate leaves the write intact and reaches onHookError`, async () => {
      const onHookError = vi.fn();
      const { idm, identity, all } = await withIdentity({
        afterUpdate: async () => {
          throw new Error("after");
        },
        onHookError,
      });
      await write(idm, identity.id);
      expect((await all())[0]?.traits.email).toBe("b@example.org");
      expect(onHookError).toHaveBeenCalledWith(expect.any(Error), {
        hook: "afterUpdate",
        identityId: identity.id,
      });
    });
  }
});

describe("beforeDelete / afterDelete", () => {
  it("a refusing beforeDelete keeps the identity; afterDelete sees the deleted identity", async () => {
    const refused = setup({ beforeDelete: refuse });
    const kept = await refused.idm.createIdentity({ traits: { email: "a@example.org" } });
    expect((await rejection(refused.idm.deleteIdentity(kept.id))).reason).toBe("refused by hook");
    expect((await refused.all()).map((i) => i.id)).toEqual([kept.id]);

    const seen: Identity[] = [];
    const onHookError = vi.fn();
    const { idm, all } = setup({
      beforeDelete: (identity) => {
        seen.push(identity as Identity);
      },
      afterDelete: (identity) => {
        seen.push(identity as Identity);
        throw new Error("after");
      },
      onHookError,
    });
    const gone = await idm.createIdentity({ traits: { email: "a@example.org" } });
    await idm.deleteIdentity(gone.id);
    expect(await all()).toEqual([]);
    expect(seen.map((i) => i.id)).toEqual([gone.id, gone.id]);
    expect(onHookError).toHaveBeenCalledWith(expect.any(Error), { hook: "afterDelete", identityId: gone.id });
    expect((await rejection(idm.deleteIdentity(gone.id))).code).toBe("identity_not_found");
    expect((await rejection(idm.deleteIdentity("not-a-uuid"))).code).toBe("identity_not_found");
  });
});
