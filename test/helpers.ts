import { IdentityManager, type IdentityManagerOptions } from "../src/index.js";

/** Cheap hashing parameters so tests that import clear-text passwords stay fast. */
export const FAST_HASHING = {
  algorithm: "argon2id",
  argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 },
} as const;

/** Token secrets of {@link manager} (so tests do not trip the `IDKIT_NO_SECRETS` warning); override per test. */
export const TEST_SECRETS = ["test-secret-0123456789abcdef"] as const;

/** A manager with fast hashing and fixed token secrets; `options` override both. */
export function manager<T = Record<string, unknown>>(
  options: IdentityManagerOptions<T> = {},
): IdentityManager<T> {
  return new IdentityManager<T>({ hashing: FAST_HASHING, secrets: TEST_SECRETS, ...options });
}

/** Wraps a bare traits schema (Kratos's `identity/stub/extension/*` fixtures) as an identity schema. */
export function identitySchema(traits: Record<string, unknown>): Record<string, unknown> {
  return { $schema: "http://json-schema.org/draft-07/schema#", type: "object", properties: { traits } };
}

/** A schema whose traits accept anything besides an email password identifier (so odd keys reach storage). */
export const OPEN_EMAIL_SCHEMA = identitySchema({
  type: "object",
  properties: {
    email: {
      type: "string",
      format: "email",
      "ory.sh/kratos": { credentials: { password: { identifier: true } } },
    },
  },
});

/**
 * Three identifiers: an e-mail (password and code identifier, verifiable and recovery address), a username
 * (password identifier) and a phone number (code identifier by SMS).
 */
export const MULTI_IDENTIFIER_SCHEMA = identitySchema({
  type: "object",
  properties: {
    email: {
      type: "string",
      format: "email",
      "ory.sh/kratos": {
        credentials: { password: { identifier: true }, code: { identifier: true, via: "email" } },
        verification: { via: "email" },
        recovery: { via: "email" },
      },
    },
    username: {
      type: "string",
      minLength: 1,
      "ory.sh/kratos": { credentials: { password: { identifier: true } } },
    },
    phone: {
      type: "string",
      format: "tel",
      "ory.sh/kratos": { credentials: { code: { identifier: true, via: "sms" } } },
    },
  },
});

/** Captures the IdentityError a promise rejects with (fails when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<import("../src/index.js").IdentityError> {
  try {
    await p;
  } catch (e) {
    return e as import("../src/index.js").IdentityError;
  }
  throw new Error("expected a rejection");
}

export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
