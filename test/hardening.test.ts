// Regressions for an adversarial review: hostile or malformed input gets a typed error and changes nothing.
import { describe, expect, it } from "vitest";
import { MemoryStorage } from "../src/index.js";
import { manager, rejection } from "./helpers.js";

const SECRETS = ["a-long-enough-secret-for-hmac-1"];

describe("JSON Patch hostility", () => {
  it("__proto__ tokens are refused and Object.prototype stays clean", async () => {
    const idm = manager();
    const { id } = await idm.createIdentity({ traits: { email: "proto@example.org" }, metadata_admin: null });
    for (const path of [
      "/traits/__proto__/polluted",
      "/metadata_admin/__proto__/polluted",
      "/__proto__/polluted",
    ]) {
      expect((await rejection(idm.patchIdentity(id, [{ op: "add", path, value: "yes" }]))).code).toBe(
        "invalid_patch",
      );
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await expect(
      idm.createIdentity({ schema_id: "preset://email", traits: { email: "after@example.org" } }),
    ).resolves.toBeDefined();
  });

  it("inherited members are not walked: /traits/constructor/x creates an own member", async () => {
    const idm = manager({
      schemas: {
        open: {
          type: "object",
          properties: { traits: { type: "object", properties: { email: { type: "string" } } } },
        },
      },
    });
    const { id } = await idm.createIdentity({ schema_id: "open", traits: { email: "x" } });
    const patched = await idm.patchIdentity(id, [{ op: "add", path: "/traits/constructor/x", value: 1 }]);
    expect(patched.traits).toEqual({ email: "x", constructor: { x: 1 } });
    expect(Object.hasOwn(Object, "x")).toBe(false);
  });

  it("the root path cannot replace the whole document (it would bypass the protected paths)", async () => {
    const idm = manager();
    const { id } = await idm.createIdentity({ traits: { email: "root@example.org" } });
    const doc = await idm.getIdentity(id, { includeCredentials: ["password"] });
    const forged = {
      ...doc,
      credentials: {
        ...doc.credentials,
        oidc: {
          type: "oidc",
          identifiers: ["google:evil"],
          config: { providers: [{ provider: "google", subject: "evil" }] },
          version: 0,
          created_at: doc.created_at,
          updated_at: doc.updated_at,
        },
      },
    };
    expect((await rejection(idm.patchIdentity(id, [{ op: "replace", path: "", value: forged }]))).code).toBe(
      "invalid_patch",
    );
    expect(await idm.findIdentityByOidc({ provider: "google", subject: "evil" })).toBeUndefined();
  });

  it("patched values must keep the model's types", async () => {
    const idm = manager();
    const { id } = await idm.createIdentity({ traits: { email: "types@example.org" } });
    const cases = [
      { op: "replace", path: "/credentials/password/config/hashed_password", value: 12345 },
      {
        op: "add",
        path: "/credentials/foo",
        value: {
          type: "foo",
          identifiers: [],
          version: 0,
          created_at: "2026-01-01T00:00:00Z",
          updated_at: "2026-01-01T00:00:00Z",
        },
      },
      { op: "replace", path: "/verifiable_addresses/0/id", value: "not-a-uuid" },
      { op: "replace", path: "/verifiable_addresses/0/created_at", value: "garbage" },
    ];
    for (const op of cases)
      expect((await rejection(idm.patchIdentity(id, [op]))).code, op.path).toBe("validation_failed");
  });

  it("a changed address gets a new updated_at", async () => {
    let t = Date.parse("2026-01-01T00:00:00Z");
    const idm = manager({
      now: () => {
        t += 1000;
        return new Date(t);
      },
    });
    const created = await idm.createIdentity({ traits: { email: "touch@example.org" } });
    const patched = await idm.patchIdentity(created.id, [
      { op: "replace", path: "/verifiable_addresses/0/verified", value: true },
    ]);
    expect(patched.verifiable_addresses?.[0]?.updated_at).not.toBe(
      created.verifiable_addresses?.[0]?.updated_at,
    );
    expect(patched.recovery_addresses?.[0]?.updated_at).toBe(created.recovery_addresses?.[0]?.updated_at);
  });

  it("at most 1000 operations per patch", async () => {
    const idm = manager();
    const { id } = await idm.createIdentity({ traits: { email: "many@example.org" } });
    const ops = Array.from({ length: 1001 }, (_, i) => ({
      op: "add",
      path: `/metadata_admin/k${i}`,
      value: i,
    }));
    expect((await rejection(idm.patchIdentity(id, ops))).code).toBe("invalid_patch");
  });
});

describe("malformed arguments", () => {
  it("deeply nested JSON is validation_failed, also inside a batch entry", async () => {
    let deep: unknown = "x";
    for (let i = 0; i < 2000; i++) deep = { a: deep };
    const storage = new MemoryStorage();
    const idm = manager({ storage });
    const e = await rejection(
      idm.createIdentity({ traits: { email: "deep@example.org" }, metadata_public: deep as never }),
    );
    expect(e).toMatchObject({ code: "validation_failed" });
    expect(e.issues[0]?.code).toBe("too_deep");
    const { identities } = await idm.batchPatchIdentities({
      identities: [
        { create: { traits: { email: "ok@example.org" } } },
        { create: { traits: { email: "deep2@example.org" }, metadata_public: deep as never } },
      ],
    });
    expect(identities.map((i) => i?.action)).toEqual(["create", "error"]);
    expect(storage.size).toBe(1);
  });

  it("non-string ids and options are typed errors, never TypeErrors", async () => {
    const idm = manager();
    const { id } = await idm.createIdentity({ traits: { email: "args@example.org" } });
    expect((await rejection(idm.updateIdentity(123 as never, { traits: {} }))).code).toBe(
      "identity_not_found",
    );
    expect((await rejection(idm.patchIdentity(null as never, []))).code).toBe("identity_not_found");
    expect((await rejection(idm.deleteCredential(undefined as never, "password"))).code).toBe(
      "identity_not_found",
    );
    expect((await rejection(idm.listIdentities({ credentialsIdentifier: 5 as never }))).code).toBe(
      "validation_failed",
    );
    expect((await rejection(idm.listIdentities({ ids: "abc" as never }))).code).toBe("validation_failed");
    expect((await rejection(idm.listIdentities({ organizationId: "x" }))).issues[0]?.message).toBe(
      "Invalid UUID value `x` for parameter `organization_id`.",
    );
    expect((await rejection(idm.markAddressVerified(id, 5 as never))).code).toBe("address_not_found");
    expect((await rejection(idm.deleteCredential(id, "constructor" as never))).code).toBe(
      "credential_not_found",
    );
  });

  it("generateId must produce UUIDs; upper-case ones are stored in lower case and stay reachable", async () => {
    const upper = manager({ generateId: () => crypto.randomUUID().toUpperCase() });
    const created = await upper.createIdentity({ traits: { email: "upper-id@example.org" } });
    expect(created.id).toBe(created.id.toLowerCase());
    await expect(upper.getIdentity(created.id)).resolves.toBeDefined();
    const bad = manager({ generateId: () => "user-1" });
    expect((await rejection(bad.createIdentity({ traits: { email: "bad-id@example.org" } }))).code).toBe(
      "invalid_configuration",
    );
  });

  it("expires_in beyond Go's Duration range is unparseable; Kratos's messages per endpoint", async () => {
    const idm = manager({ secrets: SECRETS });
    const { id } = await idm.createIdentity({ traits: { email: "dur@example.org" } });
    for (const expires_in of ["999999999999h", "3000000h"]) {
      expect(
        (await rejection(idm.createRecoveryLink({ identity_id: id, expires_in }))).issues[0]?.message,
      ).toMatch(/Unable to parse/);
    }
    expect(
      (await rejection(idm.createRecoveryLink({ identity_id: id, expires_in: "-1h" }))).issues[0]?.message,
    ).toBe('Value from "expires_in" must be result to a future time: -1h');
    expect(
      (await rejection(idm.createRecoveryCode({ identity_id: id, expires_in: "-90s" }))).issues[0]?.message,
    ).toBe('Value from "expires_in" must result to a future time: -1m30s');
  });
});

describe("wire format and round trips", () => {
  it("credentials are keyed in sorted order, as Go's encoding/json writes a map", async () => {
    const idm = manager();
    const created = await idm.createIdentity({
      schema_id: "preset://email",
      traits: { email: "sorted@example.org" },
      credentials: {
        oidc: { config: { providers: [{ provider: "g", subject: "1" }] } },
        totp: { config: { totp_url: "otpauth://totp/x" } },
      },
    });
    expect(Object.keys(created.credentials ?? {})).toEqual(["code", "oidc", "password", "totp", "webauthn"]);
  });

  it("PUT and PATCH store a schema named by its base64url id under its real id", async () => {
    const idm = manager();
    const { id } = await idm.createIdentity({ traits: { email: "b64@example.org" } });
    const put = await idm.updateIdentity(id, {
      schema_id: "cHJlc2V0Oi8vZW1haWw",
      traits: { email: "b64@example.org" },
    });
    expect(put.schema_id).toBe("preset://email");
    expect(put.schema_url.endsWith("/schemas/cHJlc2V0Oi8vZW1haWw")).toBe(true);
  });

  it("a GET with every credential included can be PUT back unchanged", async () => {
    const idm = manager();
    const created = await idm.createIdentity({
      schema_id: "preset://email",
      traits: { email: "roundtrip@example.org" },
      credentials: {
        lookup_secret: { config: { codes: [{ code: "c1" }] } },
        password: { config: { password: "pw-123456" } },
      },
    });
    const fetched = await idm.getIdentity(created.id, {
      includeCredentials: ["lookup_secret", "code", "password", "webauthn"],
    });
    const put = await idm.updateIdentity(created.id, fetched as never);
    const after = await idm.getIdentity(created.id, { includeCredentials: ["lookup_secret"] });
    expect(
      (after.credentials?.lookup_secret?.config as { recovery_codes?: unknown[] } | undefined)
        ?.recovery_codes,
    ).toHaveLength(1);
    expect(put.traits).toEqual(created.traits);
    await expect(
      idm.authenticatePassword({ identifier: "roundtrip@example.org", password: "pw-123456" }),
    ).resolves.toBeDefined();
  });

  it("the identifier filter ignores totp and lookup_secret identifiers (the identity id)", async () => {
    const idm = manager();
    const created = await idm.createIdentity({
      traits: { email: "filter@example.org" },
      credentials: { totp: { config: { totp_url: "otpauth://totp/x" } } },
    });
    expect((await idm.listIdentities({ credentialsIdentifier: created.id })).identities).toEqual([]);
  });

  it("clear-text imports longer than a login accepts are refused", async () => {
    const e = await rejection(
      manager().createIdentity({
        traits: { email: "long-import@example.org" },
        credentials: { password: { config: { password: "x".repeat(4097) } } },
      }),
    );
    expect(e.issues[0]).toMatchObject({ pointer: "/credentials/password/config/password", code: "too_long" });
  });

  it("listing by a rare organization only visits that organization", async () => {
    const org = "0b3f0e5e-8e2c-4b7a-9a36-2c0c4b1b8f00";
    const idm = manager();
    await idm.batchPatchIdentities({
      identities: Array.from({ length: 50 }, (_, i) => ({
        create: { traits: { email: `o${i}@example.org` } },
      })),
    });
    const member = await idm.createIdentity({
      traits: { email: "member@example.org" },
      organization_id: org,
    });
    expect((await idm.listIdentities({ organizationId: org })).identities.map((i) => i.id)).toEqual([
      member.id,
    ]);
    await idm.patchIdentity(member.id, [{ op: "replace", path: "/organization_id", value: null }]);
    expect((await idm.listIdentities({ organizationId: org })).identities).toEqual([]);
  });
});
