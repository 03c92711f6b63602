/**
 * The identity schemas of Kratos's identity-management docs. `preset://email` (the "Create identities" and
 * "Import identities" pages) is built into idkit; `default` (the "Managing Users and Identities" guide) is the
 * guide's recovery-enabled Person schema, copied here with its `+` lines applied and a missing comma restored.
 */
import type { JsonSchema } from "idkit";

export const schemas: Record<string, JsonSchema> = {
  default: {
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
            "ory.sh/kratos": {
              credentials: { password: { identifier: true } },
              recovery: { via: "email" },
            },
          },
        },
        additionalProperties: false,
      },
    },
  },
};
