import { describe, expect, it } from "vitest";
import { isIdentityError, MemoryStorage, type StorageAdapter, type StoredIdentity } from "../src/index.js";
import { manager, RFC3339, rejection, UUID } from "./helpers.js";

// The seed: Kratos docs "Create identities" (curl POST /admin/identities with preset://email).
describe("createIdentity - the Kratos docs' preset://email example", () => {
  it("returns the documented shape", async () => {
    const idm = manager({ publicUrl: "https://playground.projects.oryapis.com" });
    const identity = await idm.createIdentity({
      schema_id: "preset://email",
      traits: { email: "docs@example.org" },
    });
    expect(identity.id).toMatch(UUID);
    expect(identity.schema_id).toBe("preset://email");
    expect(identity.schema_url).toBe("https://playground.projects.oryapis.com/schemas/cHJlc2V0Oi8vZW1haWw");
    expect(identity.state).toBe("active");
    expect(identity.state_changed_at).toMatch(RFC3339);
    expect(identity.traits).toEqual({ email: "docs@example.org" });
    expect(identity.verifiable_addresses).toHaveLength(1);
    expect(identity.verifiable_addresses?.[0]).toMatchObject({
      value: "docs@example.org",
      verified: false,
      via: "email",
      status: "pending",
    });
    expect(identity.verifiable_addresses?.[0]?.id).toMatch(UUID);
    expect(identity.verifiable_addresses?.[0]).not.toHaveProperty("verified_at");
    expect(identity.recovery_addresses).toEqual([
      expect.objectContaining({ value: "docs@example.org", via: "email", id: expect.stringMatching(UUID) }),
    ]);
    expect(identity.created_at).toMatch(RFC3339);
    expect(identity.updated_at).toMatch(RFC3339);
    expect(identity.metadata_public).toBeNull();
    expect(identity.organization_id).toBeNull();
    // The password identifier is derived even without a password (Kratos snapshot "without_any_credentials").
    expect(identity.credentials?.password).toMatchObject({
      type: "password",
      identifiers: ["docs@example.org"],
      version: 1,
    });
    expect(identity.credentials?.password).not.toHaveProperty("config");
    // JSON.stringify is a Kratos response: the keys in Kratos's order, nothing undefined.
    const json = JSON.parse(JSON.stringify(identity));
    expect(Object.keys(json)).toEqual([
      "id",
      "credentials",
      "schema_id",
      "schema_url",
      "state",
      "state_changed_at",
      "traits",
      "verifiable_addresses",
      "recovery_addresses",
      "metadata_public",
      "metadata_admin",
      "created_at",
      "updated_at",
      "organization_id",
    ]);
    expect(Object.keys(json.verifiable_addresses[0])).toEqual([
      "id",
      "value",
      "verified",
      "via",
      "status",
      "created_at",
      "updated_at",
    ]);
  });

  it("uses the default public URL 127.0.0.1:4433", async () => {
    const identity = await manager().createIdentity({
      schema_id: "preset://email",
      traits: { email: "a@example.org" },
    });
    expect(identity.schema_url).toBe("http://127.0.0.1:4433/schemas/cHJlc2V0Oi8vZW1haWw");
  });

  it("imports a verified address (Kratos docs 'Importing verified addresses')", async () => {
    const idm = manager();
    const identity = await idm.createIdentity({
      schema_id: "preset://email",
      traits: { email: "docs-verify@example.org" },
      verifiable_addresses: [
        { value: "docs-verify@example.org", verified: true, via: "email", status: "completed" },
      ],
    });
    expect(identity.verifiable_addresses).toEqual([
      expect.objectContaining({
        value: "docs-verify@example.org",
        verified: true,
        status: "completed",
        verified_at: expect.stringMatching(RFC3339),
      }),
    ]);
    expect(identity.recovery_addresses).toHaveLength(1);
  });

  it("keeps an imported verified address given in upper case (spec 3.4 'with not-normalized email')", async () => {
    const identity = await manager().createIdentity({
      schema_id: "preset://email",
      traits: { email: "UpperCased@ory.sh" },
      verifiable_addresses: [{ value: "UpperCased@ory.sh", verified: true, via: "email" }],
    });
    expect(identity.traits).toEqual({ email: "UpperCased@ory.sh" });
    expect(identity.verifiable_addresses?.[0]).toMatchObject({
      value: "uppercased@ory.sh",
      verified: true,
      status: "completed",
    });
  });

  it("drops an imported address the traits do not produce (spec 3.4)", async () => {
    const identity = await manager().createIdentity({
      schema_id: "preset://email",
      traits: { email: "a@example.org" },
      verifiable_addresses: [{ value: "other@example.org", verified: true, via: "email" }],
    });
    expect(identity.verifiable_addresses).toEqual([
      expect.objectContaining({ value: "a@example.org", verified: false }),
    ]);
  });
});

describe("createIdentity - bad input changes nothing", () => {
  it("an invalid email is validation_failed at /traits/email and nothing is stored", async () => {
    const storage = new MemoryStorage();
    const idm = manager({ storage });
    const e = await rejection(
      idm.createIdentity({ schema_id: "preset://email", traits: { email: "not-an-email" } }),
    );
    expect(isIdentityError(e, "validation_failed")).toBe(true);
    expect(e.status).toBe(400);
    expect(e.issues.map((i) => i.pointer)).toContain("/traits/email");
    expect(e.issues.find((i) => i.pointer === "/traits/email")?.message).toBe(
      '"not-an-email" is not valid "email"',
    );
    expect(storage.size).toBe(0);
    expect((await idm.listIdentities()).identities).toEqual([]);
    expect(e.toJSON()).toMatchObject({
      error: { id: "validation_failed", code: 400, status: "Bad Request" },
    });
  });

  it("a missing required trait points at the trait", async () => {
    const e = await rejection(manager().createIdentity({ schema_id: "preset://email", traits: {} }));
    expect(e.code).toBe("validation_failed");
    expect(e.issues).toEqual([expect.objectContaining({ pointer: "/traits/email", code: "required" })]);
  });

  it("unknown fields are rejected like Kratos's strict decoder", async () => {
    const e = await rejection(
      manager().createIdentity({
        schema_id: "preset://email",
        traits: { email: "a@b.org" },
        schema_url: "x",
      } as never),
    );
    expect(e.code).toBe("validation_failed");
    expect(e.issues).toEqual([
      { pointer: "/schema_url", code: "unknown_field", message: 'json: unknown field "schema_url"' },
    ]);
    const e2 = await rejection(manager().createIdentity({ id: "x", traits: { email: "a@b.org" } } as never));
    expect(e2.issues[0]?.pointer).toBe("/id");
  });

  it("an invalid state is rejected", async () => {
    const e = await rejection(
      manager().createIdentity({ traits: { email: "a@b.org" }, state: "banned" as never }),
    );
    expect(e.issues[0]).toMatchObject({ pointer: "/state", message: "identity state is not valid" });
  });

  it("an unknown schema is schema_not_found (400)", async () => {
    const e = await rejection(manager().createIdentity({ schema_id: "nope", traits: {} }));
    expect(e.code).toBe("schema_not_found");
    expect(e.status).toBe(400);
    expect(e.reason).toBe("Unable to find JSON Schema ID: nope");
  });

  it("a duplicate email is identity_conflict (409) and the first identity is untouched", async () => {
    const idm = manager();
    const first = await idm.createIdentity({ traits: { email: "dup@example.org" } });
    const e = await rejection(idm.createIdentity({ traits: { email: "DUP@Example.org" } }));
    expect(isIdentityError(e, "identity_conflict")).toBe(true);
    expect(e.status).toBe(409);
    expect(await idm.getIdentity(first.id)).toMatchObject({ traits: { email: "dup@example.org" } });
    expect((await idm.listIdentities()).identities).toHaveLength(1);
  });

  it("external_id is unique when set, and many identities may have none", async () => {
    const idm = manager();
    await idm.createIdentity({ traits: { email: "x1@example.org" }, external_id: "ext-1" });
    await idm.createIdentity({ traits: { email: "x2@example.org" } });
    await idm.createIdentity({ traits: { email: "x3@example.org" }, external_id: "" });
    const e = await rejection(
      idm.createIdentity({ traits: { email: "x4@example.org" }, external_id: "ext-1" }),
    );
    expect(e.code).toBe("identity_conflict");
    expect((await idm.getIdentityByExternalId("ext-1")).traits).toEqual({ email: "x1@example.org" });
  });
});

describe("createIdentity - concurrency", () => {
  it("1000 concurrent creates with one email: exactly one succeeds, 999 identity_conflict", async () => {
    const storage = new MemoryStorage();
    const idm = manager({ storage });
    const results = await Promise.allSettled(
      Array.from({ length: 1000 }, (_, i) =>
        idm.createIdentity({ traits: { email: i % 2 ? "race@example.org" : "RACE@example.org" } }),
      ),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    const conflicts = results.filter(
      (r) => r.status === "rejected" && isIdentityError(r.reason, "identity_conflict"),
    );
    expect(ok).toHaveLength(1);
    expect(conflicts).toHaveLength(999);
    expect(storage.size).toBe(1);
  });
});

describe("createIdentity - ids and copies", () => {
  it("ids are time-ordered UUID v7 by default and overridable", async () => {
    const a = await manager().createIdentity({ traits: { email: "v7@example.org" } });
    expect(a.id[14]).toBe("7");
    let n = 0;
    const idm = manager({ generateId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, "0")}` });
    const b = await idm.createIdentity({ traits: { email: "custom@example.org" } });
    expect(b.id).toBe("00000000-0000-4000-8000-000000000001");
  });

  it("callers can never mutate stored state", async () => {
    const idm = manager();
    const created = await idm.createIdentity({ traits: { email: "copy@example.org" } });
    (created.traits as Record<string, unknown>).email = "mutated@example.org";
    const read = await idm.getIdentity(created.id);
    (read.traits as Record<string, unknown>).email = "mutated@example.org";
    read.verifiable_addresses?.pop();
    expect(await idm.getIdentity(created.id)).toMatchObject({
      traits: { email: "copy@example.org" },
      verifiable_addresses: [expect.objectContaining({ value: "copy@example.org" })],
    });
  });

  it("the created identity shares nothing with the body, nor with a store that keeps what it is given", async () => {
    // MemoryStorage copies what it stores, so the record built for it is handed back without another copy; an
    // adapter that keeps the objects it is given gets them cloned on the way out, as before.
    const kept: StoredIdentity[] = [];
    const inner = new MemoryStorage();
    const keeping = Object.assign(Object.create(null), {
      ...Object.fromEntries(
        Object.getOwnPropertyNames(MemoryStorage.prototype)
          .filter((n) => n !== "constructor")
          .map((n) => [
            n,
            (...a: unknown[]) =>
              (inner as unknown as Record<string, (...x: unknown[]) => unknown>)[n]?.(...a),
          ]),
      ),
      insertIdentities: async (identities: readonly StoredIdentity[]) => {
        kept.push(...identities);
        return inner.insertIdentities(identities);
      },
    }) as StorageAdapter;
    for (const storage of [new MemoryStorage(), keeping]) {
      const idm = manager({ storage });
      const body = { traits: { email: "own@example.org" }, metadata_public: { tags: ["a"] } };
      const created = await idm.createIdentity(body);
      (created.traits as { email: string }).email = "mutated@example.org";
      (created.metadata_public as { tags: string[] }).tags.push("mutated");
      expect(body).toStrictEqual({ traits: { email: "own@example.org" }, metadata_public: { tags: ["a"] } });
      expect(await idm.getIdentity(created.id)).toMatchObject({
        traits: { email: "own@example.org" },
        metadata_public: { tags: ["a"] },
      });
    }
    expect(kept[0]?.traits).toStrictEqual({ email: "own@example.org" });
    expect(kept[0]?.metadata_public).toStrictEqual({ tags: ["a"] });
  });
});
