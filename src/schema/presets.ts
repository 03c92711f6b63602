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
