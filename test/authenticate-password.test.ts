import { describe, expect, it } from "vitest";
import { type Identity, isIdentityError, MemoryStorage } from "../src/index.js";
import { manager, rejection } from "./helpers.js";

// Each hash example of Kratos's "Import identities" docs (shared seeds), with the password Kratos's tests use.
const DOC_EXAMPLES = {
  bcrypt: ["123456", "$2a$10$ZsCsoVQ3xfBG/K2z2XpBf.tm90GZmtOqtqWcB5.pYd5Eq8y7RlDyq"],
  argon2id: ["test", "$argon2id$v=19$m=32,t=2,p=4$cm94YnRVOW5jZzFzcVE4bQ$MNzk5BtR2vUhrp6qQEjRNw"],
  "md5 plain": ["test", "$md5$CY9rzUYh03PK3k6DJie09g=="],
  "md5 salted": ["test", "$md5$pf=e1NBTFR9e1BBU1NXT1JEfQ==$MTIz$q+RdKCgc+ipCAcm5ChQwlQ=="],
  pbkdf2: [
    "test",
    "$pbkdf2-sha256$i=100000,l=32$1jP+5Zxpxgtee/iPxGgOz0RfE9/KJuDElP1ley4VxXc$QJxzfvdbHYBpydCbHoFg3GJEqMFULwskiuqiJctoYpI",
  ],
  scrypt: [
    "123456",
    "$scrypt$ln=16384,r=8,p=1$ZtQva9xCHzlSELH/mA7Kj5KjH2tCrkbwYzdxknkL0QQ=$pnTcXKaWVT+FwFDdk3vO1K0J7ZgOxdSU1tCJNYmn8zI=",
  ],
  firescrypt: [
    "8x4WjoDbSxJZdR",
    "$firescrypt$ln=14,r=8,p=1$sPtDhWcd1MfdAw==$xbSou7FOl6mChCyzpCPIQ7tku7nsQMTFtyOZSXXd7tjBa4NtimOx7v42Gv2SfzPQu1oxM2/k4SsbOu73wlKe1A==$Bw==$YE0dO4bwD4JnJafh6lZZfkp1MtKzuKAXQcDCJNJNyeCHairWHKENOkbh3dzwaCdizzOspwr/FITUVlnOAwPKyw==",
  ],
  ssha: ["test123", "{SSHA}JFZFs0oHzxbMwkSJmYVeI8MnTDy/276a"],
} as const;

const hashOf = (identity: Identity<unknown>) =>
  (identity.credentials?.password?.config as { hashed_password?: string } | undefined)?.hashed_password;
const providersOf = (identity: Identity<unknown>) =>
  (identity.credentials?.oidc?.config as { providers?: unknown[] } | undefined)?.providers;

describe("authenticatePassword with imported hashes (Kratos import docs)", () => {
  for (const [name, [password, hash]] of Object.entries(DOC_EXAMPLES)) {
    it(`${name}: logs in, then the stored hash is the configured algorithm's`, async () => {
      const idm = manager();
      const email = `docs-hash-${name.replace(/\W/g, "")}@example.org`;
      const created = await idm.createIdentity({
        schema_id: "preset://email",
        traits: { email },
        credentials: { password: { config: { hashed_password: hash } } },
      });
      const before = await idm.getIdentity(created.id, { includeCredentials: ["password"] });
      expect(before.credentials?.password?.config).toEqual({ hashed_password: hash });
      const loggedIn = await idm.authenticatePassword({ identifier: email.toUpperCase(), password });
      expect(loggedIn.id).toBe(created.id);
      const after = await idm.getIdentity(created.id, { includeCredentials: ["password"] });
      const stored = hashOf(after);
      expect(stored).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
      expect(idm.passwordHasher.needsRehash(stored ?? "")).toBe(false);
      await expect(idm.authenticatePassword({ identifier: email, password })).resolves.toMatchObject({
        id: created.id,
      });
      expect(
        (await rejection(idm.authenticatePassword({ identifier: email, password: `${password}x` }))).code,
      ).toBe("invalid_credentials");
    });
  }

  it("a bcrypt hash under the bcrypt hasher with the same cost is not rehashed", async () => {
    const idm = manager({ hashing: { algorithm: "bcrypt", bcrypt: { cost: 10 } } });
    const [password, hash] = DOC_EXAMPLES.bcrypt;
    const created = await idm.createIdentity({
      traits: { email: "keep@example.org" },
      credentials: { password: { config: { hashed_password: hash } } },
    });
    await idm.authenticatePassword({ identifier: "keep@example.org", password });
    const after = await idm.getIdentity(created.id, { includeCredentials: ["password"] });
    expect(after.credentials?.password?.config).toEqual({ hashed_password: hash });
  });

  it("a weaker bcrypt cost than configured is rehashed (Kratos only rehashes on an algorithm change)", async () => {
    const idm = manager({ hashing: { algorithm: "bcrypt", bcrypt: { cost: 11 } } });
    const [password, hash] = DOC_EXAMPLES.bcrypt;
    const created = await idm.createIdentity({
      traits: { email: "weak@example.org" },
      credentials: { password: { config: { hashed_password: hash } } },
    });
    await idm.authenticatePassword({ identifier: "weak@example.org", password });
    const after = await idm.getIdentity(created.id, { includeCredentials: ["password"] });
    expect(hashOf(after)).toMatch(/^\$2[aby]\$11\$/);
  });
});

describe("authenticatePassword outcomes", () => {
  it("a clear-text import logs in (Kratos docs 'Clear text password')", async () => {
    const idm = manager();
    await idm.createIdentity({
      schema_id: "preset://email",
      traits: { email: "docs-cleartext@example.org" },
      credentials: { password: { config: { password: "the-password" } } },
    });
    await expect(
      idm.authenticatePassword({ identifier: "docs-cleartext@example.org", password: "the-password" }),
    ).resolves.toMatchObject({
      traits: { email: "docs-cleartext@example.org" },
    });
  });

  it("unknown identifier and wrong password both get invalid_credentials (401); inactive gets identity_disabled", async () => {
    const idm = manager();
    const created = await idm.createIdentity({
      traits: { email: "state@example.org" },
      credentials: { password: { config: { password: "pw-123456" } } },
    });
    const unknown = await rejection(
      idm.authenticatePassword({ identifier: "nobody@example.org", password: "pw-123456" }),
    );
    const wrong = await rejection(
      idm.authenticatePassword({ identifier: "state@example.org", password: "nope" }),
    );
    for (const e of [unknown, wrong]) {
      expect(isIdentityError(e, "invalid_credentials")).toBe(true);
      expect(e.status).toBe(401);
    }
    expect(unknown.message).toBe(wrong.message);
    await idm.patchIdentity(created.id, [{ op: "replace", path: "/state", value: "inactive" }]);
    const disabled = await rejection(
      idm.authenticatePassword({ identifier: "state@example.org", password: "pw-123456" }),
    );
    expect(disabled).toMatchObject({ code: "identity_disabled", status: 401 });
    // The wrong password on an inactive identity is still just invalid credentials (no state leak).
    expect(
      (await rejection(idm.authenticatePassword({ identifier: "state@example.org", password: "nope" }))).code,
    ).toBe("invalid_credentials");
  });

  it("an identity without a password cannot log in", async () => {
    const idm = manager();
    await idm.createIdentity({ traits: { email: "nopw@example.org" } });
    expect(
      (await rejection(idm.authenticatePassword({ identifier: "nopw@example.org", password: "" }))).code,
    ).toBe("invalid_credentials");
  });

  it("the password migration hook is called on first login and the accepted password is stored hashed", async () => {
    const calls: string[] = [];
    const idm = manager({
      hooks: {
        passwordMigration: async ({ identifier, password }) => {
          calls.push(identifier);
          return password === "legacy-secret";
        },
      },
    });
    const created = await idm.createIdentity({
      traits: { email: "legacy@example.org" },
      credentials: { password: { config: { use_password_migration_hook: true } } },
    });
    expect(
      (await rejection(idm.authenticatePassword({ identifier: "legacy@example.org", password: "wrong" })))
        .code,
    ).toBe("invalid_credentials");
    await idm.authenticatePassword({ identifier: "legacy@example.org", password: "legacy-secret" });
    const after = await idm.getIdentity(created.id, { includeCredentials: ["password"] });
    expect(after.credentials?.password?.config).toEqual({
      hashed_password: expect.stringMatching(/^\$argon2id\$/),
    });
    await idm.authenticatePassword({ identifier: "legacy@example.org", password: "legacy-secret" });
    expect(calls).toEqual(["legacy@example.org", "legacy@example.org"]);
  });

  it("a throwing migration hook is password_migration_failed (502); a missing hook is a configuration error", async () => {
    const body = {
      traits: { email: "hook@example.org" },
      credentials: { password: { config: { use_password_migration_hook: true } } },
    };
    const failing = manager({
      hooks: {
        passwordMigration: () => {
          throw new Error("down");
        },
      },
    });
    await failing.createIdentity(body);
    expect(
      await rejection(failing.authenticatePassword({ identifier: "hook@example.org", password: "x" })),
    ).toMatchObject({
      code: "password_migration_failed",
      status: 502,
    });
    const none = manager();
    await none.createIdentity(body);
    expect(
      (await rejection(none.authenticatePassword({ identifier: "hook@example.org", password: "x" }))).code,
    ).toBe("invalid_configuration");
  });

  it("a failed rehash never fails the login", async () => {
    const storage = new MemoryStorage();
    const errors: unknown[] = [];
    const idm = manager({ storage, hooks: { onRehashError: (e) => errors.push(e) } });
    const [password, hash] = DOC_EXAMPLES["md5 plain"];
    await idm.createIdentity({
      traits: { email: "rehash@example.org" },
      credentials: { password: { config: { hashed_password: hash } } },
    });
    storage.updateIdentity = async () => {
      throw new Error("disk full");
    };
    await expect(
      idm.authenticatePassword({ identifier: "rehash@example.org", password }),
    ).resolves.toMatchObject({
      traits: { email: "rehash@example.org" },
    });
    expect(errors).toHaveLength(1);
  });
});

describe("authenticatePassword robustness", () => {
  it("a throwing onRehashError callback does not fail the login either", async () => {
    const storage = new MemoryStorage();
    const idm = manager({
      storage,
      hooks: {
        onRehashError: () => {
          throw new Error("logger down");
        },
      },
    });
    const [password, hash] = DOC_EXAMPLES["md5 plain"];
    await idm.createIdentity({
      traits: { email: "cb@example.org" },
      credentials: { password: { config: { hashed_password: hash } } },
    });
    storage.updateIdentity = async () => {
      throw new Error("disk full");
    };
    await expect(idm.authenticatePassword({ identifier: "cb@example.org", password })).resolves.toBeDefined();
  });

  it("a rehash never overwrites a password changed while the login was verifying", async () => {
    const idm = manager();
    const [password, hash] = DOC_EXAMPLES.scrypt;
    const created = await idm.createIdentity({
      traits: { email: "race-rehash@example.org" },
      credentials: { password: { config: { hashed_password: hash } } },
    });
    const login = idm.authenticatePassword({ identifier: "race-rehash@example.org", password });
    // While scrypt runs off the main thread, an admin sets a new password.
    await idm.updateIdentity(created.id, {
      traits: { email: "race-rehash@example.org" },
      credentials: { password: { config: { password: "the new password" } } },
    });
    await login;
    await expect(
      idm.authenticatePassword({ identifier: "race-rehash@example.org", password: "the new password" }),
    ).resolves.toBeDefined();
    expect(
      (await rejection(idm.authenticatePassword({ identifier: "race-rehash@example.org", password }))).code,
    ).toBe("invalid_credentials");
  });

  it("refuses passwords over 4 KiB before any hashing", async () => {
    const idm = manager();
    await idm.createIdentity({
      traits: { email: "huge@example.org" },
      credentials: { password: { config: { password: "pw-123456" } } },
    });
    const started = performance.now();
    expect(
      (
        await rejection(
          idm.authenticatePassword({ identifier: "huge@example.org", password: "x".repeat(4097) }),
        )
      ).code,
    ).toBe("invalid_credentials");
    expect(performance.now() - started).toBeLessThan(50);
  });
});

describe("OIDC links", () => {
  it("imports providers (Kratos docs 'Social sign-in connections'), appends without duplicates on PUT", async () => {
    const idm = manager();
    const created = await idm.createIdentity({
      schema_id: "preset://email",
      traits: { email: "docs-oidc@example.org" },
      credentials: {
        oidc: {
          config: {
            providers: [
              { provider: "github", subject: "12345" },
              { provider: "google", subject: "12345" },
            ],
          },
        },
      },
    });
    expect(created.credentials?.oidc?.identifiers).toEqual(["github:12345", "google:12345"]);
    const updated = await idm.updateIdentity(created.id, {
      traits: { email: "docs-oidc@example.org" },
      credentials: {
        oidc: {
          config: {
            providers: [
              { provider: "github", subject: "12345" },
              { provider: "gitlab", subject: "9", use_auto_link: true },
            ],
          },
        },
      },
    });
    expect(updated.credentials?.oidc?.identifiers).toEqual(["github:12345", "gitlab:9", "google:12345"]);
    const read = await idm.getIdentity(created.id, { includeCredentials: ["oidc"] });
    expect(providersOf(read)).toHaveLength(3);
    expect(providersOf(read)?.[2]).toMatchObject({
      provider: "gitlab",
      use_auto_link: true,
    });
  });

  it("finds the identity by provider and subject, case-sensitively", async () => {
    const idm = manager();
    const created = await idm.createIdentity({
      traits: { email: "find-oidc@example.org" },
      credentials: { oidc: { config: { providers: [{ provider: "google", subject: "Sub-1" }] } } },
    });
    expect((await idm.findIdentityByOidc({ provider: "google", subject: "Sub-1" }))?.id).toBe(created.id);
    expect(await idm.findIdentityByOidc({ provider: "google", subject: "sub-1" })).toBeUndefined();
    expect(await idm.findIdentityByOidc({ provider: "github", subject: "Sub-1" })).toBeUndefined();
  });

  it("two identities cannot share a provider subject; case differs means different", async () => {
    const idm = manager();
    const link = (subject: string) => ({
      oidc: { config: { providers: [{ provider: "github", subject }] } },
    });
    await idm.createIdentity({ traits: { email: "o1@example.org" }, credentials: link("abc") });
    expect(
      (await rejection(idm.createIdentity({ traits: { email: "o2@example.org" }, credentials: link("abc") })))
        .code,
    ).toBe("identity_conflict");
    await expect(
      idm.createIdentity({ traits: { email: "o3@example.org" }, credentials: link("ABC") }),
    ).resolves.toBeDefined();
  });
});
