import { createHmac, pbkdf2Sync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IdentityError, isIdentityError, verifyPassword } from "../src/index.js";
import { converters, fromAuth0, fromClerk, fromKeycloak, fromSupabase } from "../src/migrate/index.js";

// Review of the converters (issue 13, /work/notes/review-migrate.md findings 1–8). The fixture rows of
// test/fixtures/migrate/clerk.csv (hex salt, key length, inline HMAC key, banned user) come from generate.py
// (Python hashlib/hmac); the vectors here are built with node:crypto's primitives, independent of the converters.

const unconvertible = (pointer?: string) =>
  expect.objectContaining({
    code: "unconvertible_record",
    ...(pointer === undefined ? {} : { details: { pointer } }),
  });
const clerk = (password_hasher: string, password_digest: string, extra: Record<string, unknown> = {}) => ({
  id: "user_x",
  primary_email_address: "x@clerk.example",
  password_hasher,
  password_digest,
  ...extra,
});
const hashOf = (body: ReturnType<typeof fromClerk>) =>
  body.credentials?.password?.config.hashed_password as string;

describe("finding 1: Clerk pbkdf2_sha1 salts are hex when they are valid hex, else raw (both layouts)", () => {
  const key = pbkdf2Sync("clerk sha1", Buffer.from("deadbeef", "hex"), 1000, 32, "sha1").toString("hex");
  it("4-field digest with an all-hex salt verifies", async () => {
    const h = hashOf(fromClerk(clerk("pbkdf2_sha1", `pbkdf2_sha1$1000$deadbeef$${key}`)));
    expect(await verifyPassword("clerk sha1", h)).toBe(true);
  });
  it("5th field is the key length and must match; anything else is refused", async () => {
    const h = hashOf(fromClerk(clerk("pbkdf2_sha1", `pbkdf2_sha1$1000$deadbeef$${key}$32`)));
    expect(await verifyPassword("clerk sha1", h)).toBe(true);
    for (const tail of ["$31", "$garbage", "$32$x"])
      expect(() => fromClerk(clerk("pbkdf2_sha1", `pbkdf2_sha1$1000$deadbeef$${key}${tail}`))).toThrow(
        unconvertible("/password_digest"),
      );
  });
  it("a salt that is not hex stays raw", async () => {
    const raw = pbkdf2Sync("p", "rawsalt", 10, 32, "sha1").toString("hex");
    expect(
      await verifyPassword("p", hashOf(fromClerk(clerk("pbkdf2_sha1", `pbkdf2_sha1$10$rawsalt$${raw}`)))),
    ).toBe(true);
  });
});

describe("finding 2: Clerk hmac_sha256_utf16_b64 in Clerk's `hmac_sha256_utf16_b64$<hash>$<key>` layout", () => {
  const mac = createHmac("sha256", "k3y$x").update(Buffer.from("pw", "utf16le")).digest("base64");
  it("takes the key from the digest (UTF-8, may hold `$`), ignoring hashConfig.hmacKey", async () => {
    const body = fromClerk(clerk("hmac_sha256_utf16_b64", `hmac_sha256_utf16_b64$${mac}$k3y$x`), {
      hashConfig: { hmacKey: "other" },
    });
    expect(await verifyPassword("pw", hashOf(body))).toBe(true);
  });
  it("a bare hash still needs hashConfig.hmacKey", async () => {
    expect(() => fromClerk(clerk("hmac_sha256_utf16_b64", mac))).toThrow(unconvertible("/password_hasher"));
    const body = fromClerk(clerk("hmac_sha256_utf16_b64", mac), { hashConfig: { hmacKey: "k3y$x" } });
    expect(await verifyPassword("pw", hashOf(body))).toBe(true);
  });
  it("an empty hash or key in the layout is refused", () => {
    for (const d of [`hmac_sha256_utf16_b64$${mac}$`, "hmac_sha256_utf16_b64$$key", "hmac_sha256_utf16_b64$"])
      expect(() => fromClerk(clerk("hmac_sha256_utf16_b64", d))).toThrow(unconvertible("/password_digest"));
  });
});

describe("finding 4: Clerk banned / locked users are imported inactive", () => {
  it.each([
    [{ banned: true }, "inactive"],
    [{ locked: "true" }, "inactive"],
    [{ banned: false, locked: "false" }, undefined],
  ])("%j → %s", (extra, state) => {
    expect(fromClerk({ id: "u", primary_email_address: "b@b.c", ...extra }).state).toBe(state);
  });
});

describe("finding 5: names that are Object.prototype members are plain names", () => {
  const protoNames = ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf", "isPrototypeOf"];
  const name = fc.oneof(fc.constantFrom(...protoNames), fc.string({ maxLength: 20 }));
  /** A body, or an unconvertible_record; a body must survive JSON unchanged with string providers. */
  const check = (run: () => unknown) => {
    let body: unknown;
    try {
      body = run();
    } catch (e) {
      expect(isIdentityError(e, "unconvertible_record"), String(e)).toBe(true);
      return;
    }
    expect(JSON.parse(JSON.stringify(body))).toEqual(body);
    const providers = (
      body as { credentials?: { oidc?: { config: { providers: { provider: unknown }[] } } } }
    ).credentials?.oidc?.config.providers;
    for (const p of providers ?? []) expect(typeof p.provider).toBe("string");
    const hash = (body as { credentials?: { password?: { config: { hashed_password: unknown } } } })
      .credentials?.password?.config.hashed_password;
    if (hash !== undefined) expect(String(hash)).not.toContain("native code");
  };
  it("provider, connection, alias, algorithm, hasher and digest names", () => {
    fc.assert(
      fc.property(name, (n) => {
        check(() =>
          fromAuth0({
            email: "a@b.c",
            identities: [{ provider: "x", connection: n, isSocial: true, user_id: "1" }],
          }),
        );
        check(() =>
          converters.firebase({
            localId: "f",
            email: "a@b.c",
            providerUserInfo: [{ providerId: n, rawId: "1" }],
          }),
        );
        check(() =>
          fromSupabase({ id: "s", email: "a@b.c", identities: [{ provider: n, provider_id: "1" }] }),
        );
        check(() =>
          fromKeycloak({
            username: "k",
            email: "a@b.c",
            federatedIdentities: [{ identityProvider: n, userId: "1" }],
          }),
        );
        check(() =>
          fromKeycloak({
            username: "k",
            email: "a@b.c",
            credentials: [
              {
                type: "password",
                secretData: { value: "AAAA", salt: "AAAA" },
                credentialData: { algorithm: n, hashIterations: 1 },
              },
            ],
          }),
        );
        check(() =>
          fromAuth0({
            email: "a@b.c",
            custom_password_hash: { algorithm: "pbkdf2", hash: { value: `$pbkdf2-${n}$i=1,l=4$AAAA$AAAA` } },
          }),
        );
        check(() =>
          fromAuth0({
            email: "a@b.c",
            custom_password_hash: { algorithm: "ldap", hash: { value: `{${n}}AAAA` } },
          }),
        );
        check(() =>
          fromAuth0({ email: "a@b.c", custom_password_hash: { algorithm: n, hash: { value: "00" } } }),
        );
        check(() => fromClerk(clerk(n, "$2a$04$abcdefghijklmnopqrstuu")));
        check(() =>
          fromClerk({ ...clerk("md5_salted", "s$00") }, { hashConfig: Object.create({ saltPosition: n }) }),
        );
      }),
      { numRuns: 200 },
    );
  });
  it("inherited hash configuration members are not read", () => {
    expect(() =>
      fromClerk(clerk("md5_salted", "s$00"), { hashConfig: Object.create({ saltPosition: "prefix" }) }),
    ).toThrow(unconvertible("/password_hasher"));
  });
});

describe("finding 6: a traits mapping that throws gives unconvertible_record with the error as cause", () => {
  it("an IdentityError thrown by the mapping is wrapped", () => {
    const thrown = new IdentityError("identity_conflict");
    let caught: unknown;
    try {
      fromAuth0(
        { email: "a@b.c" },
        {
          traits: () => {
            throw thrown;
          },
        },
      );
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code: "unconvertible_record", details: { pointer: "" } });
    expect((caught as Error).cause).toBe(thrown);
  });
});

describe("finding 7: extra fields and wrong digest families are refused", () => {
  const key = pbkdf2Sync("p", Buffer.from("AAAA", "base64"), 1000, 32, "sha256").toString("base64");
  it("a 5th field in the other Clerk PBKDF2 layouts", () => {
    expect(() => fromClerk(clerk("pbkdf2_sha256", `pbkdf2_sha256$1000$AAAA$${key}$extra`))).toThrow(
      unconvertible("/password_digest"),
    );
    expect(() => fromClerk(clerk("pbkdf2_sha512", `pbkdf2_sha512$1000$s$${"00".repeat(64)}$64`))).toThrow(
      unconvertible("/password_digest"),
    );
  });
  it("as-is Clerk hashers check the digest family", () => {
    const bcrypt = "$2a$04$abcdefghijklmnopqrstuuJb7DGuq6jtwkrTV4c5zgpbdHUe6v8hC";
    for (const hasher of ["phpass", "md5_phpass", "argon2id", "argon2i", "bcrypt_sha256_django"])
      expect(() => fromClerk(clerk(hasher, bcrypt))).toThrow(unconvertible("/password_digest"));
    expect(() => fromClerk(clerk("bcrypt", "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0"))).toThrow(
      unconvertible("/password_digest"),
    );
    expect(hashOf(fromClerk(clerk("bcrypt", bcrypt)))).toBe(bcrypt);
  });
  it("Auth0 enterprise identities are not OIDC links; they are kept in metadata_admin", () => {
    for (const provider of ["samlp", "waad", "adfs", "ad", "oidc"]) {
      const body = fromAuth0({
        email: "a@b.c",
        app_metadata: { roles: ["x"] },
        identities: [
          { provider, connection: `${provider}-conn`, user_id: "e1" },
          { provider: "github", connection: "github", user_id: 7 },
        ],
      });
      expect(body.credentials?.oidc?.config.providers).toEqual([{ provider: "github", subject: "7" }]);
      expect(body.metadata_admin).toEqual({
        roles: ["x"],
        auth0_enterprise_identities: [{ connection: `${provider}-conn`, provider, user_id: "e1" }],
      });
    }
    const social = fromAuth0({
      email: "a@b.c",
      identities: [{ provider: "oidc", connection: "my-idp", isSocial: true, user_id: "s" }],
    });
    expect(social.credentials?.oidc?.config.providers).toEqual([{ provider: "my-idp", subject: "s" }]);
  });
});

describe("finding 8: vendor strings are capped before they are split or matched", () => {
  const timed = (run: () => unknown) => {
    const t = performance.now();
    expect(run).toThrow(unconvertible());
    return performance.now() - t;
  };
  it("Supabase $fbscrypt$ parameters, Auth0 PBKDF2 parameters, Clerk digests and list cells", () => {
    const big = "v=1,".repeat(1_000_000);
    const ms = [
      timed(() =>
        fromSupabase({ id: "s", email: "a@b.c", encrypted_password: `$fbscrypt$${big}$AAAA$AAAA` }),
      ),
      timed(() =>
        fromSupabase({ id: "s", email: "a@b.c", encrypted_password: "$fbscrypt$v=1,n=14,r=8,p=1$A$A" }),
      ),
      timed(() => fromSupabase({ id: "s", email: "a@b.c", banned_until: "9".repeat(100_000) })),
      timed(() =>
        fromAuth0({
          email: "a@b.c",
          custom_password_hash: { algorithm: "pbkdf2", hash: { value: `$pbkdf2-sha256$${big}$AAAA$AAAA` } },
        }),
      ),
      timed(() => fromClerk(clerk("pbkdf2_sha256", `pbkdf2_sha256$1$${"$".repeat(4_000_000)}`))),
      timed(() =>
        fromClerk({ ...clerk("bcrypt", "$2a$"), verified_email_addresses: "a|".repeat(2_000_000) }),
      ),
    ];
    for (const t of ms) expect(t).toBeLessThan(50);
  });
  it("a long but valid $fbscrypt$ parameter list with unknown members is refused quickly", () => {
    expect(() =>
      fromSupabase({
        id: "s",
        email: "a@b.c",
        encrypted_password: `$fbscrypt$${"x=1,".repeat(300)}$AAAA$AAAA`,
      }),
    ).toThrow(unconvertible("/encrypted_password"));
  });
});

describe("finding 8 (kind): a quoted vendor name never makes a reason huge", () => {
  it("unknown hasher, algorithm and digest names of 100,000 characters", () => {
    const huge = "x".repeat(100_000);
    const runs = [
      () => fromClerk(clerk(huge, "00")),
      () => fromAuth0({ email: "a@b.c", custom_password_hash: { algorithm: huge, hash: { value: "00" } } }),
      () =>
        fromAuth0({
          email: "a@b.c",
          custom_password_hash: {
            algorithm: "hmac",
            hash: { value: "00", digest: huge, key: { value: "k" } },
          },
        }),
    ];
    for (const run of runs) {
      let reason = "";
      try {
        run();
      } catch (e) {
        reason = isIdentityError(e, "unconvertible_record") ? String(e.reason) : String(e);
      }
      expect(reason.length).toBeGreaterThan(0);
      expect(reason.length).toBeLessThanOrEqual(300);
    }
  });
});

describe("finding 10: Supabase banned_until -infinity means never banned", () => {
  it("-infinity → active; infinity and unreadable → inactive", () => {
    expect(fromSupabase({ id: "s", email: "a@b.c", banned_until: "-infinity" }).state).toBeUndefined();
    expect(fromSupabase({ id: "s", email: "a@b.c", banned_until: "infinity" }).state).toBe("inactive");
    expect(fromSupabase({ id: "s", email: "a@b.c", banned_until: "garbage" }).state).toBe("inactive");
  });
});
