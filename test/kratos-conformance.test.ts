// Kratos conformance of payloads and error texts (idkit issue 7, items 10, 12, 13, 15, 16a). Each expectation is
// Kratos's behaviour, with the Go file it comes from.
import { describe, expect, it } from "vitest";
import { IdentityError } from "../src/index.js";
import { manager, OPEN_EMAIL_SCHEMA as OPEN, rejection } from "./helpers.js";

const open = () => manager({ schemas: { open: OPEN }, defaultSchemaId: "open" });

const HOSTILE = JSON.parse(
  '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":1,"toString":"x"}',
);

function expectVerbatim(value: unknown): void {
  expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  expect(Object.keys(value as object)).toEqual(["__proto__", "constructor", "prototype", "toString"]);
  expect(JSON.stringify(value)).toBe(JSON.stringify(HOSTILE));
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

describe("item 10: JSON is stored verbatim (Kratos stores json.RawMessage)", () => {
  it("__proto__, constructor, prototype and toString keys survive create, get and JSON.stringify", async () => {
    const idm = open();
    const created = await idm.createIdentity({
      traits: { email: "proto@example.org", ...HOSTILE },
      metadata_public: HOSTILE,
      metadata_admin: HOSTILE,
    });
    for (const v of [created.metadata_public, created.metadata_admin]) expectVerbatim(v);
    const read = await idm.getIdentity(created.id);
    expectVerbatim(read.metadata_public);
    expectVerbatim(read.metadata_admin);
    expect(Object.hasOwn(read.traits, "__proto__")).toBe(true);
    expect(JSON.parse(JSON.stringify(read)).metadata_public).toEqual(JSON.parse(JSON.stringify(HOSTILE)));
  });

  it("a PUT keeps them too, and a list returns them", async () => {
    const idm = open();
    const { id } = await idm.createIdentity({ traits: { email: "put-proto@example.org" } });
    const updated = await idm.updateIdentity(id, {
      traits: { email: "put-proto@example.org", ...HOSTILE },
      metadata_public: HOSTILE,
      metadata_admin: { nested: HOSTILE },
    });
    expectVerbatim(updated.metadata_public);
    expectVerbatim((updated.metadata_admin as Record<string, unknown>).nested);
    const [listed] = (await idm.listIdentities({ ids: [id] })).identities;
    expectVerbatim(listed?.metadata_public);
    expect(JSON.stringify(listed?.traits)).toContain('"__proto__":{"polluted":"yes"}');
  });

  // Fails today: patched-document.ts (JSON-patch area) re-parses metadata with z.json(), which drops `__proto__`;
  // flip to it() once it uses JsonValueSchema (src/identity/json-value.ts).
  it("a PATCH that adds metadata with a __proto__ key keeps it", async () => {
    const idm = open();
    const { id } = await idm.createIdentity({ traits: { email: "patch-proto@example.org" } });
    const patched = await idm.patchIdentity(id, [{ op: "add", path: "/metadata_public", value: HOSTILE }]);
    expectVerbatim(patched.metadata_public);
    expectVerbatim((await idm.getIdentity(id)).metadata_public);
  });

  it("a __proto__ member of the body itself is an unknown field, not ignored", async () => {
    const e = await rejection(open().createIdentity(JSON.parse('{"traits":{},"__proto__":{"x":1}}')));
    expect(e.message).toBe('json: unknown field "__proto__"');
  });
});

describe("item 12: zero values of typed clients (Go decodes null as the zero value)", () => {
  it("null for every optional field means absent, on create and PUT", async () => {
    const idm = open();
    const created = await idm.createIdentity({
      schema_id: null,
      traits: { email: "nulls@example.org" },
      credentials: null,
      verifiable_addresses: null,
      recovery_addresses: null,
      metadata_public: null,
      metadata_admin: null,
      state: null,
      organization_id: null,
      external_id: null,
      region: null,
    });
    expect(created).toMatchObject({
      schema_id: "open",
      state: "active",
      metadata_public: null,
      metadata_admin: null,
      organization_id: null,
    });
    expect(created).not.toHaveProperty("external_id");
    const updated = await idm.updateIdentity(created.id, {
      schema_id: null,
      traits: { email: "nulls@example.org" },
      credentials: null,
      metadata_public: null,
      metadata_admin: null,
      state: null,
      external_id: null,
      region: null,
    });
    expect(updated.state).toBe("active");
  });

  it('state "" is the default state; on PUT it keeps the current one', async () => {
    const idm = open();
    const created = await idm.createIdentity({ traits: { email: "empty-state@example.org" }, state: "" });
    expect(created.state).toBe("active");
    await idm.updateIdentity(created.id, { traits: { email: "empty-state@example.org" }, state: "inactive" });
    const kept = await idm.updateIdentity(created.id, {
      traits: { email: "empty-state@example.org" },
      state: "",
    });
    expect(kept.state).toBe("inactive");
  });

  it("nested nulls: credentials.password null is absent, an address's verified_at/verified null are zero", async () => {
    const idm = open();
    const created = await idm.createIdentity({
      traits: { email: "nested@example.org" },
      credentials: { password: null, oidc: null, totp: null } as never,
      verifiable_addresses: [
        { value: "nested@example.org", via: null, verified: null, verified_at: null, status: null },
      ] as never,
    });
    // The schema's password identifier still derives a password credential (identifiers only), as in Kratos.
    expect(created.credentials?.password?.identifiers).toEqual(["nested@example.org"]);
    expect(created.credentials).not.toHaveProperty("oidc");
    expect(created.credentials).not.toHaveProperty("totp");
  });

  it("password config null is Go's empty struct: Kratos's unknown-hash-format error", async () => {
    const e = await rejection(
      open().createIdentity({
        traits: { email: "cfg@example.org" },
        credentials: { password: { config: null } } as never,
      }),
    );
    expect(e).toMatchObject({
      code: "unsupported_hash",
      reason: "The imported password does not match any known hash format.",
    });
  });

  it("traits: null is a validation error at /traits (create, PUT, batch)", async () => {
    const idm = open();
    const e = await rejection(idm.createIdentity({ traits: null as never }));
    expect(e.code).toBe("validation_failed");
    expect(e.issues[0]).toMatchObject({ pointer: "/traits", message: "expected object, but got null" });
    const { id } = await idm.createIdentity({ traits: { email: "tn@example.org" } });
    const put = await rejection(idm.updateIdentity(id, { traits: null as never }));
    expect(put.issues[0]?.pointer).toBe("/traits");
    const batch = await idm.batchPatchIdentities({ identities: [{ create: { traits: null as never } }] });
    expect(batch.identities[0]).toMatchObject({ action: "error", error: { id: "validation_failed" } });
  });

  it("null in a batch: create null is skipped, patch_id null is absent, identities null is empty", async () => {
    const idm = open();
    const res = await idm.batchPatchIdentities({
      identities: [{ create: null, patch_id: null }, { create: { traits: { email: "b1@example.org" } } }],
    });
    expect(res.identities[0]).toBeNull();
    expect(res.identities[1]).toMatchObject({ action: "create" });
    expect(await idm.batchPatchIdentities({ identities: null } as never)).toEqual({ identities: [] });
  });

  it("an unknown field is refused even when null (the strict decoder knows no zero value for it)", async () => {
    const e = await rejection(open().createIdentity({ traits: {}, nope: null } as never));
    expect(e.message).toBe('json: unknown field "nope"');
  });

  it("region is accepted, validated and echoed in the create and PUT responses, not stored (OSS)", async () => {
    const idm = open();
    const created = await idm.createIdentity({
      traits: { email: "region@example.org" },
      region: "eu-central",
    });
    expect(created).toMatchObject({ region: "eu-central" });
    expect(await idm.getIdentity(created.id)).not.toHaveProperty("region");
    const put = await idm.updateIdentity(created.id, {
      traits: { email: "region@example.org" },
      region: "us-west",
    });
    expect(put).toMatchObject({ region: "us-west" });
    const bad = await rejection(idm.createIdentity({ traits: {}, region: "mars" }));
    expect(bad).toMatchObject({
      code: "validation_failed",
      reason: "the provided region is not a valid Ory region",
    });
    expect(bad.issues[0]?.pointer).toBe("/region");
    const batch = await idm.batchPatchIdentities({
      identities: [{ create: { traits: { email: "r2@example.org" }, region: "us-east" } }],
    });
    expect(batch.identities[0]).toMatchObject({ action: "create" });
  });

  it("PATCH /region: add and replace take a valid region (echoed, not stored); other ops and bad regions are refused (identity/handler.go applyRegionPatchOps)", async () => {
    const idm = open();
    const { id } = await idm.createIdentity({ traits: { email: "patch-region@example.org" } });
    const patched = await idm.patchIdentity(id, [
      { op: "replace", path: "/region", value: "eu-central" },
      { op: "add", path: "/metadata_public", value: { a: 1 } },
    ]);
    expect(patched).toMatchObject({ region: "eu-central", metadata_public: { a: 1 } });
    expect(await idm.getIdentity(id)).not.toHaveProperty("region");
    const before = JSON.stringify(await idm.getIdentity(id));
    const removed = await rejection(idm.patchIdentity(id, [{ op: "remove", path: "/region" }]));
    expect(removed).toMatchObject({
      code: "invalid_patch",
      reason: 'operation "remove" is not supported on /region',
    });
    const mars = await rejection(idm.patchIdentity(id, [{ op: "add", path: "/region", value: "mars" }]));
    expect(mars).toMatchObject({
      code: "validation_failed",
      reason: "the provided region is not a valid Ory region",
    });
    expect(JSON.stringify(await idm.getIdentity(id))).toBe(before);
  });
});

describe("item 13: error text where Kratos puts it", () => {
  it("the strict decoder's unknown-field text is the envelope message (create and batch entries)", async () => {
    const idm = open();
    const e = await rejection(idm.createIdentity({ traits: {}, schema_url: "x" } as never));
    expect(e.toJSON().error.message).toBe('json: unknown field "schema_url"');
    const batch = await idm.batchPatchIdentities({
      // (not `id`: idkit's create body takes one, a deliberate difference — test/create-with-id.test.ts)
      identities: [{ create: { traits: {}, created_at: "x" } as never }],
    });
    expect(batch.identities[0]).toMatchObject({ error: { message: 'json: unknown field "created_at"' } });
  });

  it("an invalid state says 'identity state is not valid' in reason, on create and PUT", async () => {
    const idm = open();
    const create = await rejection(idm.createIdentity({ traits: {}, state: "banned" as never }));
    expect(create.reason).toBe("identity state is not valid");
    const { id } = await idm.createIdentity({ traits: { email: "st@example.org" } });
    for (const state of ["banned", 5, true, {}]) {
      const put = await rejection(idm.updateIdentity(id, { traits: {}, state: state as never }));
      expect(put).toMatchObject({ code: "validation_failed", reason: "identity state is not valid" });
      expect(put.issues[0]?.pointer).toBe("/state");
    }
  });

  it("an unknown hash format has Kratos's import reason", async () => {
    const e = await rejection(
      open().createIdentity({
        traits: { email: "hash@example.org" },
        credentials: { password: { config: { hashed_password: "$unknown$abc" } } },
      }),
    );
    expect(e).toMatchObject({
      code: "unsupported_hash",
      reason: "The imported password does not match any known hash format.",
    });
  });
});

describe("item 13: delete-credential reasons (identity/handler.go deleteIdentityCredentials)", () => {
  const withOidc = async () => {
    const idm = open();
    const created = await idm.createIdentity({
      traits: { email: "del@example.org" },
      credentials: {
        password: {
          config: { hashed_password: "$2a$04$bHcSgj2D3bbAf4J6bJ2eAeIUp2lNGFmJ9gD1ZpPGF9nB4qJ8p8hK6" },
        },
        oidc: { config: { providers: [{ provider: "google", subject: "s1" }] } },
        saml: { config: { providers: [{ provider: "okta", subject: "s2" }] } },
      },
    });
    return { idm, id: created.id };
  };

  it("missing credential: 404 with the reason", async () => {
    const { idm, id } = await withOidc();
    const e = await rejection(idm.deleteCredential(id, "totp"));
    expect(e.toJSON().error).toMatchObject({
      code: 404,
      reason: "You tried to remove a totp but this user have no totp set up.",
    });
  });

  it("missing identifier: 400 with the reason; unknown identifier: 404 naming OIDC credentials (saml too)", async () => {
    const { idm, id } = await withOidc();
    const missing = await rejection(idm.deleteCredential(id, "oidc"));
    expect(missing).toMatchObject({
      status: 400,
      reason: "You must provide an identifier to delete this credential.",
    });
    const empty = await rejection(idm.deleteCredential(id, "oidc", { identifier: "" }));
    expect(empty.reason).toBe("You must provide an identifier to delete this credential.");
    const unknown = await rejection(idm.deleteCredential(id, "saml", { identifier: "okta:nope" }));
    expect(unknown).toMatchObject({
      status: 404,
      reason: "The identifier `okta:nope` was not found among OIDC credentials.",
    });
  });

  it("last first factor and undeletable types: 400 with the reason", async () => {
    const idm = open();
    const { id } = await idm.createIdentity({
      traits: { email: "last@example.org" },
      credentials: {
        password: {
          config: { hashed_password: "$2a$04$bHcSgj2D3bbAf4J6bJ2eAeIUp2lNGFmJ9gD1ZpPGF9nB4qJ8p8hK6" },
        },
      },
    });
    const last = await rejection(idm.deleteCredential(id, "password"));
    expect(last).toMatchObject({
      status: 400,
      reason: "You cannot remove the last first factor credential.",
    });
    const { id: other } = await idm.createIdentity({
      schema_id: "preset://email",
      traits: { email: "code@example.org" },
    });
    const e = await rejection(idm.deleteCredential(other, "code"));
    expect(e).toMatchObject({
      code: "credential_not_deletable",
      status: 400,
      reason: "Credentials type code cannot be deleted.",
    });
  });

  it("any JS value as type or options gives an IdentityError", async () => {
    const { idm, id } = await withOidc();
    for (const type of [Symbol("x"), 5, null, {}, "__proto__"]) {
      expect(await rejection(idm.deleteCredential(id, type as never))).toBeInstanceOf(IdentityError);
    }
    expect(await rejection(idm.deleteCredential(id, "oidc", null as never))).toBeInstanceOf(IdentityError);
    expect(
      await rejection(idm.deleteCredential(id, "oidc", { identifier: Symbol("x") as never })),
    ).toBeInstanceOf(IdentityError);
  });
});
