import { describe, expect, it } from "vitest";
import { isIdentityError, MemoryStorage } from "../src/index.js";
import { manager, rejection } from "./helpers.js";

describe("updateIdentity (PUT)", () => {
  it("overwrites traits, metadata and external_id; omitted ones are cleared; state change stamps state_changed_at", async () => {
    let t = Date.parse("2025-01-01T00:00:00Z");
    const idm = manager({
      now: () => {
        t += 1000;
        return new Date(t);
      },
    });
    const created = await idm.createIdentity({
      traits: { email: "put@example.org" },
      metadata_public: { a: 1 },
      metadata_admin: { b: 2 },
      external_id: "ext",
    });
    const updated = await idm.updateIdentity(created.id, {
      traits: { email: "put2@example.org" },
      state: "inactive",
    });
    expect(updated).toMatchObject({
      state: "inactive",
      metadata_public: null,
      metadata_admin: null,
      traits: { email: "put2@example.org" },
    });
    expect(updated).not.toHaveProperty("external_id");
    expect(updated.state_changed_at).not.toBe(created.state_changed_at);
    expect(updated.created_at).toBe(created.created_at);
    expect(updated.updated_at > created.updated_at).toBe(true);
    expect(updated.credentials?.password?.identifiers).toEqual(["put2@example.org"]);
    const back = await idm.updateIdentity(created.id, {
      traits: { email: "put2@example.org" },
      state: "active",
    });
    expect(back.state).toBe("active");
  });

  it("keeps a verified address whose value is unchanged, and accepts a GET response sent back", async () => {
    const idm = manager();
    const created = await idm.createIdentity({
      traits: { email: "keep@example.org" },
      verifiable_addresses: [{ value: "keep@example.org", verified: true, via: "email" }],
    });
    const fetched = await idm.getIdentity(created.id, { includeCredentials: ["password"] });
    const updated = await idm.updateIdentity(created.id, { ...fetched, metadata_public: { x: 1 } } as never);
    expect(updated.verifiable_addresses?.[0]).toMatchObject({
      id: created.verifiable_addresses?.[0]?.id,
      verified: true,
    });
    expect(updated.metadata_public).toEqual({ x: 1 });
  });

  it("404 for an unknown or malformed id; 400 for invalid traits, changing nothing", async () => {
    const idm = manager();
    expect(
      (await rejection(idm.updateIdentity("00000000-0000-4000-8000-000000000000", { traits: {} }))).code,
    ).toBe("identity_not_found");
    expect((await rejection(idm.updateIdentity("nope", { traits: {} }))).status).toBe(404);
    const created = await idm.createIdentity({ traits: { email: "stay@example.org" } });
    const e = await rejection(idm.updateIdentity(created.id, { traits: { email: "bad" } }));
    expect(e.code).toBe("validation_failed");
    expect(await idm.getIdentity(created.id)).toMatchObject({
      traits: { email: "stay@example.org" },
      updated_at: created.updated_at,
    });
  });

  it("a PUT that takes another identity's email is a conflict and changes nothing", async () => {
    const idm = manager();
    await idm.createIdentity({ traits: { email: "a@example.org" } });
    const b = await idm.createIdentity({ traits: { email: "b@example.org" } });
    expect((await rejection(idm.updateIdentity(b.id, { traits: { email: "A@example.org" } }))).code).toBe(
      "identity_conflict",
    );
    expect((await idm.getIdentity(b.id)).traits).toEqual({ email: "b@example.org" });
  });
});

describe("patchIdentity (RFC 6902)", () => {
  it("patches traits and metadata; identifiers and addresses follow the traits", async () => {
    const idm = manager();
    const created = await idm.createIdentity({ traits: { email: "p@example.org" } });
    const patched = await idm.patchIdentity(created.id, [
      { op: "replace", path: "/traits/email", value: "p2@example.org" },
      { op: "add", path: "/metadata_public/nested/key", value: "v" },
    ]);
    expect(patched.traits).toEqual({ email: "p2@example.org" });
    expect(patched.metadata_public).toEqual({ nested: { key: "v" } });
    expect(patched.verifiable_addresses?.map((a) => a.value)).toEqual(["p2@example.org"]);
    expect(patched.credentials?.password?.identifiers).toEqual(["p2@example.org"]);
  });

  it("protected paths are refused and nothing changes", async () => {
    const idm = manager();
    const created = await idm.createIdentity({ traits: { email: "guard@example.org" } });
    for (const path of [
      "/id",
      "/schema_url",
      "/created_at",
      "/updated_at",
      "/state_changed_at",
      "/credentials",
      "/credentials/oidc",
      "/credentials/OIDC/config",
      "/credentials/saml/x",
    ]) {
      const e = await rejection(idm.patchIdentity(created.id, [{ op: "replace", path, value: "x" }]));
      expect(e.code).toBe("invalid_patch");
      expect(e.message).toBe(`patch includes denied path: ${path}`);
    }
    expect(
      (
        await rejection(
          idm.patchIdentity(created.id, [{ op: "move", from: "/traits", path: "/metadata_public" }]),
        )
      ).message,
    ).toBe("unsupported operation: move");
    expect((await idm.getIdentity(created.id)).updated_at).toBe(created.updated_at);
  });

  it("is all or nothing: a failing later operation leaves the earlier ones unapplied", async () => {
    const idm = manager();
    const created = await idm.createIdentity({ traits: { email: "atomic@example.org" } });
    const e = await rejection(
      idm.patchIdentity(created.id, [
        { op: "replace", path: "/metadata_public", value: { applied: true } },
        { op: "remove", path: "/traits/does-not-exist" },
      ]),
    );
    expect(e.code).toBe("invalid_patch");
    expect((await idm.getIdentity(created.id)).metadata_public).toBeNull();
    const e2 = await rejection(
      idm.patchIdentity(created.id, [
        { op: "replace", path: "/metadata_public", value: { applied: true } },
        { op: "replace", path: "/traits/email", value: "not an email" },
      ]),
    );
    expect(e2.code).toBe("validation_failed");
    expect((await idm.getIdentity(created.id)).metadata_public).toBeNull();
  });

  it("validates state and credential keys", async () => {
    const idm = manager();
    const created = await idm.createIdentity({ traits: { email: "st@example.org" } });
    const e = await rejection(
      idm.patchIdentity(created.id, [{ op: "replace", path: "/state", value: "banned" }]),
    );
    expect(e.reason).toBe(
      "The supplied state ('banned') was not valid. Valid states are ('active', 'inactive').",
    );
    expect(e.message).toBe("identity state is not valid");
    expect(e.issues[0]).toMatchObject({ pointer: "/state", message: "identity state is not valid" });
    const off = await idm.patchIdentity(created.id, [{ op: "replace", path: "/state", value: "inactive" }]);
    expect(off.state).toBe("inactive");
    expect(off.state_changed_at).not.toBe(created.state_changed_at);
    const e2 = await rejection(
      idm.patchIdentity(created.id, [{ op: "replace", path: "/credentials/password/type", value: "oidc" }]),
    );
    expect(e2.issues[0]?.message).toBe('credentials.password.type must equal "password", got "oidc"');
  });

  it("concurrent patches are not lost", async () => {
    const idm = manager();
    const created = await idm.createIdentity({ traits: { email: "cc@example.org" }, metadata_admin: {} });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        idm.patchIdentity(created.id, [{ op: "add", path: `/metadata_admin/k${i}`, value: i }]),
      ),
    );
    expect(Object.keys((await idm.getIdentity(created.id)).metadata_admin as object)).toHaveLength(20);
  });
});

describe("deleteIdentity and deleteCredential", () => {
  it("deletes an identity and frees its identifiers; 404 afterwards", async () => {
    const storage = new MemoryStorage();
    const idm = manager({ storage });
    const created = await idm.createIdentity({ traits: { email: "del@example.org" } });
    await idm.deleteIdentity(created.id);
    expect(storage.size).toBe(0);
    expect(isIdentityError(await rejection(idm.getIdentity(created.id)), "identity_not_found")).toBe(true);
    expect(isIdentityError(await rejection(idm.deleteIdentity(created.id)), "identity_not_found")).toBe(true);
    await expect(idm.createIdentity({ traits: { email: "del@example.org" } })).resolves.toMatchObject({
      traits: { email: "del@example.org" },
    });
  });

  it("oidc links: one is removed by identifier while another first factor remains", async () => {
    const idm = manager();
    const created = await idm.createIdentity({
      traits: { email: "links@example.org" },
      credentials: {
        oidc: {
          config: {
            providers: [
              { provider: "github", subject: "1" },
              { provider: "google", subject: "2" },
            ],
          },
        },
      },
    });
    expect(created.credentials?.oidc?.identifiers).toEqual(["github:1", "google:2"]);
    expect((await rejection(idm.deleteCredential(created.id, "oidc"))).issues[0]?.message).toBe(
      "You must provide an identifier to delete this credential.",
    );
    expect((await rejection(idm.deleteCredential(created.id, "oidc", { identifier: "gitlab:3" }))).code).toBe(
      "credential_not_found",
    );
    const after = await idm.deleteCredential(created.id, "oidc", { identifier: "github:1" });
    expect(after.credentials?.oidc?.identifiers).toEqual(["google:2"]);
    const e = await rejection(idm.deleteCredential(created.id, "oidc", { identifier: "google:2" }));
    expect(e.code).toBe("last_credential");
    expect(e.message).toBe("You cannot remove the last first factor credential.");
    const read = await idm.getIdentity(created.id, { includeCredentials: ["oidc"] });
    expect(read.credentials?.oidc?.config).toEqual({
      providers: [
        {
          subject: "2",
          provider: "google",
          initial_id_token: "",
          initial_access_token: "",
          initial_refresh_token: "",
        },
      ],
    });
  });

  it("a type the identity lacks is credential_not_found; code cannot be deleted", async () => {
    const idm = manager();
    const created = await idm.createIdentity({
      schema_id: "preset://email",
      traits: { email: "nt@example.org" },
    });
    const e = await rejection(idm.deleteCredential(created.id, "totp"));
    expect(e).toMatchObject({
      code: "credential_not_found",
      status: 404,
      reason: "You tried to remove a totp but this user have no totp set up.",
    });
    expect((await rejection(idm.deleteCredential(created.id, "code"))).code).toBe("credential_not_deletable");
  });

  it("totp and lookup_secret are removed outright", async () => {
    const idm = manager();
    const created = await idm.createIdentity({
      traits: { email: "mfa@example.org" },
      credentials: {
        totp: { config: { totp_url: "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP" } },
        lookup_secret: { config: { codes: [{ code: "abc" }] } },
      },
    });
    expect(created.credentials?.totp?.identifiers).toEqual([created.id]);
    const after = await idm.deleteCredential(created.id, "totp");
    expect(after.credentials).not.toHaveProperty("totp");
    const after2 = await idm.deleteCredential(created.id, "lookup_secret");
    expect(after2.credentials).not.toHaveProperty("lookup_secret");
  });
});
