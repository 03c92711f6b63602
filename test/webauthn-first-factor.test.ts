// Imported webauthn and passkey keys as first factors when deleting a credential (Kratos
// selfservice/strategy/webauthn/strategy.go and selfservice/strategy/passkey/passkey_strategy.go countCredentials:
// keys count only when the credential has an identifier). Key data from Kratos's identity/handler_test.go.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { countActiveFirstFactors } from "../src/credentials/delete-credential.js";
import { identitySchema, manager, rejection } from "./helpers.js";

const fx = JSON.parse(readFileSync(new URL("fixtures/kratos-webauthn-import.json", import.meta.url), "utf8"));
const KEY = fx.registered_key.config.credentials[0]; // is_passwordless: true
const HASH = "$2a$04$0ZpHKp5oEuHq8aHkGM6bEOBJ7lDRgsFdvu2szuoaWiv4LlPQzRNvG";
const NO_WEBAUTHN_IDENTIFIER = { default: identitySchema(fx.handler.schema.traits) };

describe("deleting the password next to imported webauthn / passkey keys", () => {
  it("a passwordless key without a webauthn identifier is no first factor: the password is the last one", async () => {
    const idm = manager({ schemas: NO_WEBAUTHN_IDENTIFIER, defaultSchemaId: "default" });
    const { id } = await idm.createIdentity({
      traits: { email: "alone@example.org" },
      credentials: {
        password: { config: { hashed_password: HASH } },
        webauthn: { config: { credentials: [KEY] } },
      },
    });
    expect((await rejection(idm.deleteCredential(id, "password"))).code).toBe("last_credential");
  });

  it("with the traits' webauthn identifier (preset://email) the passwordless key counts", async () => {
    const idm = manager();
    const { id } = await idm.createIdentity({
      schema_id: "preset://email",
      traits: { email: "key@example.org" },
      credentials: {
        password: { config: { hashed_password: HASH } },
        webauthn: { config: { credentials: [KEY] } },
      },
    });
    const after = await idm.deleteCredential(id, "password");
    expect(after.credentials?.webauthn?.identifiers).toEqual(["key@example.org"]);
  });

  it("an imported passkey (its user handle is its identifier) counts", async () => {
    const idm = manager({ schemas: NO_WEBAUTHN_IDENTIFIER, defaultSchemaId: "default" });
    const { id } = await idm.createIdentity({
      traits: { email: "pk@example.org" },
      credentials: {
        password: { config: { hashed_password: HASH } },
        passkey: { config: { credentials: [KEY], user_handle: fx.handler.user_handle } },
      },
    });
    await expect(idm.deleteCredential(id, "password")).resolves.toBeDefined();
  });

  it("malformed stored key lists count nothing instead of throwing", () => {
    const cred = (config: Record<string, unknown>) => ({
      type: "passkey" as const,
      identifiers: ["h"],
      config,
      version: 0,
      created_at: "",
      updated_at: "",
    });
    expect(countActiveFirstFactors({ passkey: cred({ credentials: "x" }) })).toBe(0);
    expect(countActiveFirstFactors({ passkey: cred({ credentials: null }) })).toBe(0);
    expect(
      countActiveFirstFactors({ webauthn: { ...cred({ credentials: [null, 1] }), type: "webauthn" } }),
    ).toBe(0);
  });
});
