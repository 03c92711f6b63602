// Every payload of the Kratos documentation pages idkit starts from ("Managing Users and Identities",
// "Create identities", "Import identities"), sent to a default IdentityManager as the curl examples send them.
import { describe, expect, it } from "vitest";
import { IdentityManager } from "../src/index.js";
import { UUID } from "./helpers.js";

const idm = () => new IdentityManager({ hashing: { argon2: { memoryCost: 1024 } } });

describe("Kratos docs payloads", () => {
  it('invite a user: POST {"schema_id":"default","traits":{"email":"foo@ory.sh"}} then POST /recovery/link', async () => {
    const m = idm();
    const identity = await m.createIdentity(
      JSON.parse('{"schema_id": "default", "traits": {"email": "foo@ory.sh"}}'),
    );
    expect(identity).toMatchObject({
      id: expect.stringMatching(UUID),
      schema_id: "default",
      traits: { email: "foo@ory.sh" },
    });
    const link = await m.createRecoveryLink(
      JSON.parse(`{"expires_in": "12h", "identity_id": "${identity.id}"}`),
    );
    expect(Object.keys(link).sort()).toEqual(["expires_at", "recovery_link"]);
  });

  it("create identities: preset://email", async () => {
    const identity = await idm().createIdentity(
      JSON.parse('{"schema_id": "preset://email", "traits": {"email": "docs@example.org"}}'),
    );
    expect(identity.schema_url.endsWith("/schemas/cHJlc2V0Oi8vZW1haWw")).toBe(true);
  });

  const importPayloads: Record<string, string> = {
    "verified address": `{"schema_id":"preset://email","traits":{"email":"docs-verify@example.org"},"verifiable_addresses":[{"value":"docs-verify@example.org","verified":true,"via":"email","status":"completed"}]}`,
    "clear text password": `{"schema_id":"preset://email","traits":{"email":"docs-cleartext@example.org"},"credentials":{"password":{"config":{"password":"the-password"}}}}`,
    "hashed password": `{"schema_id":"preset://email","traits":{"email":"docs-hash@example.org"},"credentials":{"password":{"config":{"hashed_password":"$2a$10$ZsCsoVQ3xfBG/K2z2XpBf.tm90GZmtOqtqWcB5.pYd5Eq8y7RlDyq"}}}}`,
    "social sign-in connections": `{"schema_id":"preset://email","traits":{"email":"docs-oidc@example.org"},"credentials":{"oidc":{"config":{"providers":[{"provider":"github","subject":"12345"},{"provider":"google","subject":"12345"}]}}}}`,
  };
  for (const [name, payload] of Object.entries(importPayloads)) {
    it(`import identities: ${name}`, async () => {
      const identity = await idm().createIdentity(JSON.parse(payload));
      expect(identity.traits).toEqual(JSON.parse(payload).traits);
    });
  }

  it("the sample identity's traits validate against a schema that declares them (Overview page)", async () => {
    const m = new IdentityManager({
      schemas: {
        default: {
          type: "object",
          properties: {
            traits: {
              type: "object",
              properties: {
                email: {
                  type: "string",
                  format: "email",
                  "ory.sh/kratos": { credentials: { password: { identifier: true } } },
                },
                name: { type: "object", properties: { first: { type: "string" }, last: { type: "string" } } },
                favorite_animal: { type: "string" },
                accepted_tos: { type: "boolean" },
              },
            },
          },
        },
      },
    });
    const identity = await m.createIdentity({
      schema_id: "default",
      traits: {
        email: "office@ory.sh",
        name: { first: "Aeneas", last: "Rekkas" },
        favorite_animal: "Dog",
        accepted_tos: true,
      },
    });
    expect(identity.state).toBe("active");
    expect(identity.credentials?.password?.identifiers).toEqual(["office@ory.sh"]);
  });
});
