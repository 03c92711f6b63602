// WebAuthn and passkey import on create and PUT, against Ory Kratos's own tests. The data come from
// test/fixtures/kratos-webauthn-import.json: Kratos's test inputs and snapshot files (identity/handler_import_test.go,
// identity/handler_test.go, identity/credentials_migrate_test.go at ory/kratos b86338da), see test/fixtures/README.md.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Credential } from "../src/index.js";
import { identitySchema, manager, rejection } from "./helpers.js";

const fx = JSON.parse(readFileSync(new URL("fixtures/kratos-webauthn-import.json", import.meta.url), "utf8"));
const { keys, cred1_updated: cred1Updated, user_handles: handles, expected } = fx.unit_import;
const { cred1, cred2, cred3 } = keys;

type Kind = "webauthn" | "passkey";
const SCHEMAS = { default: identitySchema(fx.handler.schema.traits) };

function setup(now = () => new Date("2025-01-01T00:00:00Z")) {
  return manager({ schemas: SCHEMAS, defaultSchemaId: "default", now });
}

async function credentialAfter(
  kind: Kind,
  first: { credentials: unknown[]; user_handle?: string },
  second?: { credentials: unknown[]; user_handle?: string },
): Promise<Credential> {
  const idm = setup();
  const { id } = await idm.createIdentity({
    traits: { email: `${kind}@example.org` },
    credentials: { [kind]: { config: first } },
  });
  if (second) {
    await idm.updateIdentity(id, {
      traits: { email: `${kind}@example.org` },
      credentials: { [kind]: { config: second } },
    });
  }
  const got = await idm.getIdentity(id, { includeCredentials: [kind] });
  return got.credentials?.[kind] as Credential;
}

/** Kratos's in-memory snapshots show `identifiers: null` for webauthn; read back from its store they are `[]`. */
function asStored(snapshot: { identifiers: string[] | null; config: unknown; version: number }, kind: Kind) {
  return {
    identifiers: snapshot.identifiers ?? [],
    config: snapshot.config,
    // Kratos writes imported webauthn credentials at version 0 and upgrades them to 1 on every read.
    version: kind === "webauthn" ? 1 : snapshot.version,
  };
}

function pick(c: Credential) {
  return { identifiers: c.identifiers, config: c.config, version: c.version };
}

describe("TestImportPasskeyCredentials / TestImportWebAuthnCredentials (handler_import_test.go)", () => {
  it("passkey: new credentials", async () => {
    const c = await credentialAfter("passkey", { credentials: [cred1, cred2], user_handle: handles.user1 });
    expect(pick(c)).toEqual(
      asStored(expected["TestImportPasskeyCredentials-new_passkey_credentials"], "passkey"),
    );
  });

  it("passkey: update existing credentials - add new, update existing (same id replaced in place)", async () => {
    const c = await credentialAfter(
      "passkey",
      { credentials: [cred1, cred2], user_handle: handles.existingUser },
      { credentials: [cred1Updated, cred3], user_handle: "" },
    );
    expect(pick(c)).toEqual(
      asStored(
        expected["TestImportPasskeyCredentials-update_existing_credentials_-_add_new,_update_existing"],
        "passkey",
      ),
    );
  });

  it("passkey: a new user handle is added to the identifiers, keeping the previous one", async () => {
    const c = await credentialAfter(
      "passkey",
      { credentials: [cred1], user_handle: handles.existingUser },
      { credentials: [cred2], user_handle: handles.newUser },
    );
    expect(pick(c)).toEqual(
      asStored(expected["TestImportPasskeyCredentials-new_user_handle_added_to_identifiers"], "passkey"),
    );
  });

  it("webauthn: new credentials", async () => {
    const c = await credentialAfter("webauthn", { credentials: [cred1, cred2], user_handle: handles.user1 });
    expect(pick(c)).toEqual(
      asStored(expected["TestImportWebAuthnCredentials-new_webauthn_credentials"], "webauthn"),
    );
  });

  it("webauthn: update existing credentials - add new, update existing (handle kept when absent)", async () => {
    const c = await credentialAfter(
      "webauthn",
      { credentials: [cred1, cred2], user_handle: handles.existingUser },
      { credentials: [cred1Updated, cred3] },
    );
    expect(pick(c)).toEqual(
      asStored(
        expected["TestImportWebAuthnCredentials-update_existing_credentials_-_add_new,_update_existing"],
        "webauthn",
      ),
    );
  });

  it("webauthn: a new user handle overrides the stored one (no identifier is added)", async () => {
    const c = await credentialAfter(
      "webauthn",
      { credentials: [cred1], user_handle: handles.existingUser },
      { credentials: [cred2], user_handle: handles.newUser },
    );
    expect(pick(c)).toEqual(
      asStored(expected["TestImportWebAuthnCredentials-override_existing_user_handle"], "webauthn"),
    );
  });

  it("passkey without a user handle or without any key is refused with Kratos's reasons, nothing written", async () => {
    const idm = setup();
    const e = await rejection(
      idm.createIdentity({
        traits: { email: "p@example.org" },
        credentials: { passkey: { config: { credentials: [cred1] } } },
      }),
    );
    expect(e.code).toBe("validation_failed");
    expect(e.issues[0]).toMatchObject({
      pointer: "/credentials/passkey/config/user_handle",
      code: "required",
    });
    expect(e.issues[0]?.message).toContain("requires a non-empty user_handle");
    const f = await rejection(
      idm.createIdentity({
        traits: { email: "p@example.org" },
        credentials: { passkey: { config: { credentials: [], user_handle: handles.user1 } } },
      }),
    );
    expect(f.issues[0]).toMatchObject({
      pointer: "/credentials/passkey/config/credentials",
      code: "required",
    });
    expect(f.issues[0]?.message).toContain(
      "requires at least one entry in credentials.passkey.config.credentials",
    );
    expect((await idm.listIdentities()).identities).toEqual([]);
  });
});

describe("create then PUT through the admin API (handler_test.go)", () => {
  for (const kind of ["passkey", "webauthn"] as const) {
    it(`should update an identity with ${kind} credentials`, async () => {
      const h = fx.handler;
      const idm = setup();
      const created = await idm.createIdentity({
        traits: { email: `${kind}-import@ory.sh` },
        credentials: { [kind]: { config: { user_handle: h.user_handle, credentials: [h.create_key] } } },
      });
      await idm.updateIdentity(created.id, {
        traits: { email: `${kind}-import-updated@ory.sh` },
        credentials: { [kind]: { config: { user_handle: h.user_handle, credentials: [h.put_key] } } },
      });
      const got = await idm.getIdentity(created.id, { includeCredentials: [kind] });
      const snapshot =
        h.expected[
          `TestHandler-suite=create_and_update-case=should_update_an_identity_with_${kind}_credentials`
        ];
      expect({
        [kind]: {
          identifiers: got.credentials?.[kind]?.identifiers,
          version: got.credentials?.[kind]?.version,
        },
        password: {
          identifiers: got.credentials?.password?.identifiers,
          version: got.credentials?.password?.version,
        },
      }).toEqual(snapshot);
      const config = got.credentials?.[kind]?.config as {
        user_handle: string;
        credentials: Array<{ id: string }>;
      };
      expect(Buffer.from(config.user_handle, "base64").toString()).toBe("user-handle-1");
      expect(config.credentials.map((k) => Buffer.from(k.id, "base64").toString())).toEqual([
        "credential-id-1",
        "credential-id-2",
      ]);
    });
  }

  it("a passkey user handle is a unique identifier: a second identity with it is a 409, nothing written", async () => {
    const idm = setup();
    const body = (email: string) => ({
      traits: { email },
      credentials: { passkey: { config: { user_handle: fx.handler.user_handle, credentials: [cred1] } } },
    });
    const first = await idm.createIdentity(body("one@example.org"));
    expect((await rejection(idm.createIdentity(body("two@example.org")))).code).toBe("identity_conflict");
    expect((await idm.listIdentities()).identities.map((i) => i.id)).toEqual([first.id]);
  });
});

describe("serialisation", () => {
  it("responses and plain GETs carry no config; includeCredentials returns Kratos's config for the named types only", async () => {
    const idm = setup();
    const created = await idm.createIdentity({
      traits: { email: "ser@example.org" },
      credentials: {
        webauthn: { config: fx.registered_key.config },
        passkey: { config: { credentials: [cred1], user_handle: handles.user1 } },
      },
    });
    // Kratos answers the create with the in-memory webauthn credential (version 0); idkit answers what it stored.
    expect(created.credentials?.webauthn).toMatchObject({ type: "webauthn", identifiers: [], version: 1 });
    expect(created.credentials?.webauthn).not.toHaveProperty("config");
    expect(created.credentials?.passkey).toMatchObject({ identifiers: ["user1"], version: 0 });
    expect(created.credentials?.passkey).not.toHaveProperty("config");
    const plain = await idm.getIdentity(created.id);
    expect(plain.credentials?.webauthn).not.toHaveProperty("config");
    const got = await idm.getIdentity(created.id, { includeCredentials: ["webauthn"] });
    expect(got.credentials?.passkey).not.toHaveProperty("config");
    const config = got.credentials?.webauthn?.config as Record<string, unknown>;
    expect(config).toEqual(fx.registered_key.config);
    // Go writes a struct's fields in declaration order (identity/credentials_webauthn.go).
    expect(Object.keys(config)).toEqual(["credentials", "user_handle"]);
    expect(Object.keys((config.credentials as object[])[0] as object)).toEqual([
      "id",
      "public_key",
      "attestation_type",
      "authenticator",
      "display_name",
      "added_at",
      "is_passwordless",
    ]);
  });

  it("a webauthn import without user handle or is_passwordless reads back as Kratos's upgrade writes it", async () => {
    const up = fx.upgrade;
    const idmFixed = manager({
      schemas: SCHEMAS,
      defaultSchemaId: "default",
      generateId: () => up.identity_id,
    });
    await idmFixed.createIdentity({
      traits: { email: "up@example.org" },
      credentials: { webauthn: { config: up.input } },
    });
    const got = await idmFixed.getIdentity(up.identity_id, { includeCredentials: ["webauthn"] });
    expect(got.credentials?.webauthn?.config).toEqual(up.expected_config);
  });

  it("a webauthn credential derived from the traits (preset://email) reads back with the identity-id user handle", async () => {
    const up = fx.upgrade;
    const idm = manager({ generateId: () => up.identity_id });
    await idm.createIdentity({ schema_id: "preset://email", traits: { email: "derived@example.org" } });
    const got = await idm.getIdentity(up.identity_id, { includeCredentials: ["webauthn"] });
    expect(got.credentials?.webauthn).toMatchObject({
      identifiers: ["derived@example.org"],
      config: { user_handle: up.expected_config.user_handle },
    });
  });
});

describe("merging onto a stored config", () => {
  it("a stored key list made malformed by a JSON Patch is a validation_failed on the next import, not a crash", async () => {
    const idm = setup();
    const { id } = await idm.createIdentity({
      traits: { email: "patched@example.org" },
      credentials: { webauthn: { config: { credentials: [cred1], user_handle: handles.user1 } } },
    });
    await idm.patchIdentity(id, [
      { op: "replace", path: "/credentials/webauthn/config/credentials", value: "x" },
    ]);
    const e = await rejection(
      idm.updateIdentity(id, {
        traits: { email: "patched@example.org" },
        credentials: { webauthn: { config: { credentials: [cred2] } } },
      }),
    );
    expect(e.issues[0]).toMatchObject({ pointer: "/credentials/webauthn/config", code: "type" });
  });
});
