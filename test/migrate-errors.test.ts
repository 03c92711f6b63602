import { describe, expect, it } from "vitest";
import { isIdentityError } from "../src/index.js";
import {
  fromAuth0,
  fromClerk,
  fromFirebase,
  fromKeycloak,
  fromKratos,
  fromSupabase,
} from "../src/migrate/index.js";

// Issue 13: a record that cannot be converted is one IdentityError `unconvertible_record` (400) whose
// details.pointer says where in the vendor record, and whose reason says what.

function failure(run: () => unknown): { status: number; pointer: unknown; reason: string | undefined } {
  try {
    run();
  } catch (e) {
    if (!isIdentityError(e, "unconvertible_record")) throw e;
    return { status: e.status, pointer: e.details?.pointer, reason: e.reason };
  }
  throw new Error("converted");
}

describe("unconvertible records name the field", () => {
  it.each([
    ["a non-object", () => fromAuth0([1, 2]), ""],
    ["Auth0 without email", () => fromAuth0({ user_id: "auth0|1" }), "/email"],
    [
      "Auth0 unknown algorithm",
      () =>
        fromAuth0({ email: "a@b.co", custom_password_hash: { algorithm: "crc32", hash: { value: "00" } } }),
      "/custom_password_hash/algorithm",
    ],
    [
      "Auth0 HMAC with Whirlpool",
      () =>
        fromAuth0({
          email: "a@b.co",
          custom_password_hash: {
            algorithm: "hmac",
            hash: { value: "00", digest: "whirlpool", key: { value: "k" } },
          },
        }),
      "/custom_password_hash/hash/digest",
    ],
    [
      "Auth0 bad salt hex",
      () =>
        fromAuth0({
          email: "a@b.co",
          custom_password_hash: {
            algorithm: "md5",
            hash: { value: "00" },
            salt: { value: "zz", encoding: "hex", position: "prefix" },
          },
        }),
      "/custom_password_hash/salt/value",
    ],
    [
      "Auth0 bcrypt with a UTF-16 password",
      () =>
        fromAuth0({
          email: "a@b.co",
          custom_password_hash: {
            algorithm: "bcrypt",
            hash: { value: "$2b$10$x" },
            password: { encoding: "utf16le" },
          },
        }),
      "/custom_password_hash/password/encoding",
    ],
    ["Auth0 identities not a list", () => fromAuth0({ email: "a@b.co", identities: 5 }), "/identities"],
    [
      "Firebase hash without config",
      () => fromFirebase({ email: "a@b.co", passwordHash: "AAAA" }),
      "/passwordHash",
    ],
    [
      "Firebase config with rounds 9",
      () =>
        fromFirebase(
          { email: "a@b.co", passwordHash: "AAAA" },
          {
            hashConfig: { base64_signer_key: "AAAA", base64_salt_separator: "Bw==", rounds: 9, mem_cost: 14 },
          },
        ),
      "/hashConfig/rounds",
    ],
    [
      "Clerk unknown hasher",
      () => fromClerk({ primary_email_address: "a@b.co", password_digest: "x", password_hasher: "rot13" }),
      "/password_hasher",
    ],
    [
      "Clerk awscognito",
      () =>
        fromClerk({
          primary_email_address: "a@b.co",
          password_digest: "awscognito#a#b#c",
          password_hasher: "awscognito",
        }),
      "/password_hasher",
    ],
    [
      "Clerk malformed werkzeug",
      () =>
        fromClerk({
          primary_email_address: "a@b.co",
          password_digest: "pbkdf2:sha256$a$b",
          password_hasher: "scrypt_werkzeug",
        }),
      "/password_digest",
    ],
    [
      "Supabase deleted user",
      () => fromSupabase({ email: "a@b.co", deleted_at: "2024-01-01" }),
      "/deleted_at",
    ],
    [
      "Keycloak unknown algorithm",
      () =>
        fromKeycloak({
          email: "a@b.co",
          credentials: [
            {
              type: "password",
              secretData: '{"value":"AAAA","salt":"AAAA"}',
              credentialData: '{"algorithm":"md5","hashIterations":1}',
            },
          ],
        }),
      "/credentials/0/credentialData/algorithm",
    ],
    ["Kratos id not a UUID", () => fromKratos({ id: "nope", traits: {} }), "/id"],
    ["Kratos without traits", () => fromKratos({ id: "5f0ac1c4-0000-4000-8000-000000000000" }), "/traits"],
  ])("%s", (_name, run, pointer) => {
    const f = failure(run);
    expect(f).toMatchObject({ status: 400, pointer });
    expect(f.reason).toBeTruthy();
  });
});
