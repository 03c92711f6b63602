/**
 * `preset://email`: the shape of Ory Network's email preset, as carried by Kratos's fixture
 * `identity/stub/extension/credentials/email.schema.json` (spec 2.1), wrapped as a full identity schema.
 */
export const EMAIL_PRESET_SCHEMA = Object.freeze({
  $id: "https://schemas.ory.sh/presets/kratos/identity.email.schema.json",
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "Person",
  type: "object",
  properties: {
    traits: {
      type: "object",
      properties: {
        email: {
          type: "string",
          format: "email",
          title: "E-Mail",
          maxLength: 320,
          "ory.sh/kratos": {
            credentials: {
              password: { identifier: true },
              webauthn: { identifier: true },
              totp: { account_name: true },
              code: { identifier: true, via: "email" },
              passkey: { display_name: true },
            },
            recovery: { via: "email" },
            verification: { via: "email" },
          },
        },
      },
      required: ["email"],
      additionalProperties: false,
    },
  },
});

export const EMAIL_PRESET_ID = "preset://email";

/**
 * The schema registered as `"default"` when the host registers none under that id: Kratos's quickstart
 * email-password identity schema (`contrib/quickstart/kratos/email-password/identity.schema.json`), so the
 * `"schema_id": "default"` payloads of Kratos's docs work out of the box. Register your own `default` to replace it.
 */
export const DEFAULT_SCHEMA = Object.freeze({
  $id: "https://schemas.ory.sh/presets/kratos/quickstart/email-password/identity.schema.json",
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "Person",
  type: "object",
  properties: {
    traits: {
      type: "object",
      properties: {
        email: {
          type: "string",
          format: "email",
          title: "E-Mail",
          minLength: 3,
          "ory.sh/kratos": {
            credentials: { password: { identifier: true } },
            verification: { via: "email" },
            recovery: { via: "email" },
          },
        },
        name: {
          type: "object",
          properties: {
            first: { title: "First Name", type: "string" },
            last: { title: "Last Name", type: "string" },
          },
        },
      },
      required: ["email"],
      additionalProperties: false,
    },
  },
});

export const DEFAULT_SCHEMA_ID = "default";

/**
 * `preset://machine`: idkit's schema of machine identities (service accounts), whose credentials are API keys
 * (`docs/machine-identities.md`). Traits `name` (required) and `owner` (who answers for it: a team, a person, an
 * email), no identifiers and no addresses, so no password identifier comes from its traits and it can be neither
 * recovered nor verified. An admin write can still attach a password credential with explicit identifiers (a
 * credentials PATCH or PUT, as in Kratos), which then logs in: the schema does not forbid it. Registered by every manager unless the host registers its own `preset://machine`.
 */
export const MACHINE_PRESET_SCHEMA = Object.freeze({
  $id: "https://idkit.dev/presets/identity.machine.schema.json",
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "Service account",
  type: "object",
  properties: {
    traits: {
      type: "object",
      properties: {
        name: { type: "string", title: "Name", minLength: 1, maxLength: 256 },
        owner: { type: "string", title: "Owner", minLength: 1, maxLength: 256 },
      },
      required: ["name"],
      additionalProperties: false,
    },
  },
});

export const MACHINE_PRESET_ID = "preset://machine";
