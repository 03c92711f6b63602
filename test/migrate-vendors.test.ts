import { readFileSync } from "node:fs";
import { parse as parseCsv } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { isIdentityError } from "../src/index.js";
import {
  type ConvertOptions,
  converters,
  type MigrationVendor,
  vendorFormats,
} from "../src/migrate/index.js";
import { manager } from "./helpers.js";

// Issue 13 (converters): for each vendor, a fixture export of made-up users whose hashes were produced by
// implementations independent of idkit (test/fixtures/migrate/generate.py: Python hashlib/hmac, bcrypt,
// argon2-cffi, passlib, Werkzeug, cryptography; the first Firebase user is the firebase/scrypt README's published
// vector). Every record converts, imports into an in-memory manager, logs in with its original password, and the
// hash is upgraded to the configured hasher on that login.

const dir = new URL("./fixtures/migrate/", import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir), "utf8");
const json = (name: string) => JSON.parse(read(name)) as unknown;
const passwords = json("passwords.json") as Record<MigrationVendor, Record<string, string | null>>;

const records: Record<MigrationVendor, unknown[]> = {
  auth0: read("auth0.ndjson")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line)),
  firebase: (json("firebase.json") as { users: unknown[] }).users,
  clerk: parseCsv(read("clerk.csv"), { columns: true }) as unknown[],
  supabase: json("supabase.json") as unknown[],
  keycloak: (json("keycloak-realm.json") as { users: unknown[] }).users,
  kratos: json("kratos-identities.json") as unknown[],
};
const options: Partial<Record<MigrationVendor, ConvertOptions>> = {
  firebase: { hashConfig: json("firebase-hash-config.json") as Record<string, unknown> },
  clerk: { hashConfig: json("clerk-hash-config.json") as Record<string, unknown> },
};

/** The record's vendor id, for the password table. */
const idOf = (vendor: MigrationVendor, record: unknown): string => vendorFormats[vendor].idOf(record) ?? "";

describe.each(Object.keys(records) as MigrationVendor[])("%s export", (vendor) => {
  it("every user converts, imports, logs in with the original password and is rehashed on that login", async () => {
    const idm = manager();
    const results: string[] = [];
    for (const record of records[vendor]) {
      const id = idOf(vendor, record);
      const password = passwords[vendor][id];
      expect(password, `no password entry for ${id}`).not.toBeUndefined();
      const body = converters[vendor](record, options[vendor]);
      const created = await idm.createIdentity(body);
      if (password === null) {
        const full = await idm.getIdentity(created.id, { includeCredentials: ["password"] });
        expect(full.credentials?.password?.config?.hashed_password).toBeUndefined();
        results.push(`${id}: no password`);
        continue;
      }
      const email = created.traits.email as string;
      try {
        await idm.authenticatePassword({ identifier: email, password: password as string });
      } catch (e) {
        if (isIdentityError(e, "identity_disabled") && created.state === "inactive") {
          results.push(`${id}: inactive, password accepted`);
          continue;
        }
        throw new Error(
          `${vendor} ${id} (${body.credentials?.password?.config.hashed_password}): ${String(e)}`,
        );
      }
      const after = await idm.getIdentity(created.id, { includeCredentials: ["password"] });
      const stored = after.credentials?.password?.config?.hashed_password as string;
      expect(stored, id).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
      await expect(
        idm.authenticatePassword({ identifier: email, password: `${password}!` }),
      ).rejects.toMatchObject({ code: "invalid_credentials" });
      results.push(`${id}: ok`);
    }
    expect(results.length).toBe(records[vendor].length);
  }, 120_000);
});

describe("what maps to what", () => {
  const convert = (vendor: MigrationVendor, index: number) =>
    converters[vendor](records[vendor][index], options[vendor]);

  it("Auth0: user_id → external_id, email_verified, blocked, social identities, metadata", async () => {
    expect(convert("auth0", 0)).toMatchObject({
      traits: { email: "hashexport@auth0.example" },
      external_id: "auth0|60425dc43519d90068f82973",
      verifiable_addresses: [{ value: "hashexport@auth0.example", via: "email", verified: false }],
    });
    const social = convert("auth0", records.auth0.length - 1);
    expect(social).toMatchObject({
      state: "inactive",
      external_id: "google-oauth2|1234567890",
      credentials: { oidc: { config: { providers: [{ provider: "google", subject: "1234567890" }] } } },
      metadata_public: { theme: "dark" },
      metadata_admin: { plan: "pro" },
    });
    const idm = manager();
    const created = await idm.createIdentity(social);
    expect(created.verifiable_addresses?.[0]).toMatchObject({ verified: true, status: "completed" });
  });

  it("Firebase: localId, emailVerified, disabled, providerUserInfo, custom claims", () => {
    expect(convert("firebase", 0)).toMatchObject({
      external_id: "fbuser0",
      credentials: { oidc: { config: { providers: [{ provider: "google", subject: "10987654321" }] } } },
      metadata_public: { admin: true },
    });
    expect(convert("firebase", 1).verifiable_addresses?.[0]?.verified).toBe(false);
    const config = options.firebase?.hashConfig as Record<string, unknown>;
    const wrapped = converters.firebase(records.firebase[0], { hashConfig: { hash_config: config } });
    expect(wrapped.credentials?.password).toEqual(convert("firebase", 0).credentials?.password);
    expect(convert("firebase", 2).state).toBe("inactive");
    expect(() => converters.firebase(records.firebase[0])).toThrow(
      expect.objectContaining({ code: "unconvertible_record", details: { pointer: "/passwordHash" } }),
    );
  });

  it("Clerk: verified and unverified addresses, id → external_id", () => {
    expect(convert("clerk", 0)).toMatchObject({
      external_id: "user_bcrypt",
      verifiable_addresses: [
        { value: "bcrypt@clerk.example", verified: true },
        { value: "old-bcrypt@clerk.example", verified: false },
      ],
    });
    const md5Salted = records.clerk.findIndex(
      (r) => (r as { password_hasher: string }).password_hasher === "md5_salted",
    );
    expect(() => converters.clerk(records.clerk[md5Salted])).toThrow(
      expect.objectContaining({ code: "unconvertible_record", details: { pointer: "/password_hasher" } }),
    );
  });

  it("Clerk: totp_secret becomes the TOTP credential", async () => {
    const row = { ...(records.clerk[0] as Record<string, string>), totp_secret: "JBSWY3DPEHPK3PXP" };
    const body = converters.clerk(row, options.clerk);
    const url =
      "otpauth://totp/bcrypt%40clerk.example?secret=JBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30";
    expect(body.credentials?.totp).toEqual({ config: { totp_url: url } });
    const created = await manager().createIdentity(body);
    expect(created.credentials?.totp).toBeDefined();
    expect(() => converters.clerk({ ...row, totp_secret: "not base32!" }, options.clerk)).toThrow(
      expect.objectContaining({ details: { pointer: "/totp_secret" } }),
    );
  });

  it("Supabase: confirmations, banned_until, identities, metadata, $fbscrypt$", () => {
    expect(convert("supabase", 0)).toMatchObject({
      external_id: "00000000-0000-4000-8000-000000000000",
      verifiable_addresses: [{ verified: true }],
      metadata_public: { name: "Supa 0" },
      metadata_admin: { provider: "email" },
    });
    expect(convert("supabase", 1).verifiable_addresses).toContainEqual(
      expect.objectContaining({ value: "+15551234567", via: "sms", verified: true }),
    );
    expect(convert("supabase", 2)).toMatchObject({
      state: "inactive",
      verifiable_addresses: [{ verified: false }],
    });
    expect(convert("supabase", 3).credentials?.password?.config.hashed_password).toMatch(
      /^\$firescrypt\$ln=14,r=8,p=1\$/,
    );
    expect(convert("supabase", 4).credentials).toEqual({
      oidc: { config: { providers: [{ provider: "github", subject: "777" }] } },
    });
  });

  it("Keycloak: pbkdf2/argon2 credentials, enabled, federatedIdentities, attributes", () => {
    expect(convert("keycloak", 0).credentials?.password?.config.hashed_password).toMatch(
      /^\$pbkdf2-sha256\$i=27500,l=64\$/,
    );
    expect(convert("keycloak", 3)).toMatchObject({
      state: "inactive",
      credentials: {
        password: {
          config: { hashed_password: expect.stringMatching(/^\$argon2id\$v=19\$m=7168,t=3,p=1\$/) },
        },
        oidc: { config: { providers: [{ provider: "github", subject: "9001" }] } },
      },
      metadata_admin: { team: ["blue"] },
    });
  });

  it("Kratos: the id, schema, state, addresses with their verified state, metadata and credentials carry over", async () => {
    const record = records.kratos[0] as { id: string };
    const body = convert("kratos", 0);
    expect(body).toMatchObject({ id: record.id, schema_id: "preset://email", state: "active" });
    const idm = manager();
    const created = await idm.createIdentity(body);
    expect(created.id).toBe(record.id);
    expect(created.verifiable_addresses?.[0]).toMatchObject({
      verified: true,
      verified_at: "2024-01-01T00:00:00Z",
    });
    expect(
      (await idm.getIdentity(record.id, { includeCredentials: ["oidc"] })).credentials?.oidc?.identifiers,
    ).toEqual(["google:abc"]);
    expect(convert("kratos", 1).external_id).toBe("legacy-1");
    expect(convert("kratos", 2).state).toBe("inactive");
  });

  it("options: traits mapping, schemaId, oidcProvider", () => {
    const body = converters.auth0(records.auth0[records.auth0.length - 1], {
      traits: (r) => ({ email: r.email, name: { first: "Ann" } }),
      schemaId: "default",
      oidcProvider: (name) => (name === "google-oauth2" ? "gg" : undefined),
    });
    expect(body).toMatchObject({
      schema_id: "default",
      traits: { email: "social@auth0.example", name: { first: "Ann" } },
      credentials: { oidc: { config: { providers: [{ provider: "gg" }] } } },
    });
  });
});
