// Timing equalisation of failed logins (idkit issue 7, item 4), pinned by counting the verifications a login does —
// never by timing it. Stored hashes: Kratos's test vectors (test/fixtures, copied from ory/kratos hash/hasher_test.go)
// and passlib's ldap_sha1 vector; the others are made by idkit's own hasher in the test.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { type AuthenticateDeps, authenticatePassword } from "../src/credentials/authenticate-password.js";
import { createPasswordHasher, type PasswordHasher } from "../src/credentials/password/password-hasher.js";
import type { StoredIdentity } from "../src/identity/identity.js";
import { FAST_HASHING, rejection } from "./helpers.js";

const VECTORS = (
  JSON.parse(
    readFileSync(new URL("./fixtures/legacy-hashes/kratos-legacy-vectors.json", import.meta.url), "utf8"),
  ) as { vectors: { hash: string; password: string; match: boolean }[] }
).vectors;
const vector = (prefix: string) => {
  const v = VECTORS.find((x) => x.match && x.hash.startsWith(prefix));
  if (!v) throw new Error(`no vector ${prefix}`);
  return v;
};

/** A real hasher whose verifications and hashes are recorded. */
function countingHasher(real: PasswordHasher, failOn?: string) {
  const verified: string[] = [];
  let hashed = 0;
  const hasher: PasswordHasher = {
    algorithm: real.algorithm,
    hash: async (password) => {
      hashed++;
      return real.hash(password);
    },
    verify: async (password, hash) => {
      verified.push(hash);
      if (hash === failOn) throw new Error("verification failed");
      return real.verify(password, hash);
    },
    needsRehash: (hash) => real.needsRehash(hash),
  };
  return { hasher, verified, hashed: () => hashed };
}

function identity(config: Record<string, unknown> | undefined, state: "active" | "inactive" = "active") {
  return {
    id: "0b7e5f2e-4f5c-4d3a-9a57-5c4f1b2f9a10",
    state,
    credentials: config
      ? { password: { type: "password", identifiers: ["a@example.org"], config } }
      : ({} as StoredIdentity["credentials"]),
  } as unknown as StoredIdentity;
}

interface Setup {
  real: PasswordHasher;
  dummy: string;
  user?: StoredIdentity | undefined;
  dummyHash?: () => Promise<string>;
  failOn?: string;
  migrationHook?: AuthenticateDeps["migrationHook"];
}

function deps({ real, dummy, user, dummyHash, failOn, migrationHook }: Setup) {
  const counting = countingHasher(real, failOn);
  const d: AuthenticateDeps = {
    hasher: counting.hasher,
    findByIdentifier: async (value) => (value === "a@example.org" ? user : undefined),
    dummyHash: dummyHash ?? (async () => dummy),
    migrationHook,
    storeHash: async (found) => found,
    onRehashError: undefined,
  };
  return { deps: d, ...counting };
}

const md5 = vector("$md5$CY9");

describe("failed login against a cheap stored hash (default argon2id, m=46 MiB)", () => {
  const real = createPasswordHasher();
  let dummy = "";
  beforeAll(async () => {
    dummy = await real.hash("dummy secret");
  });

  const cheap: [string, string][] = [
    ["md5", md5.hash],
    ["md5 salted", vector("$md5$pf=").hash],
    ["sha1 pf", vector("$sha1$").hash],
    ["sha512 pf", vector("$sha512$").hash],
    ["ssha", vector("{SSHA}").hash],
    ["ssha512", vector("{SSHA512}").hash],
    ["hmac-sha256", vector("$hmac-sha256$").hash],
    ["ldap {SHA} (passlib ldap_sha1)", "{SHA}at+xg6SiyUovktq1redipHiJpaE="],
    ["an unparseable hash", "$argon2id$v=19$m=oops"],
  ];
  for (const [name, hash] of cheap) {
    it(`${name}: the stored verification, then one verification of the dummy hash`, async () => {
      const t = deps({ real, dummy, user: identity({ hashed_password: hash }) });
      const e = await rejection(authenticatePassword(t.deps, "a@example.org", "wrong password"));
      expect(e.code).toBe("invalid_credentials");
      expect(t.verified).toEqual([hash, dummy]);
    });
  }

  it("an unknown identifier and an identity without a password cost one verification of the dummy", async () => {
    for (const user of [undefined, identity(undefined)]) {
      const t = deps({ real, dummy, user });
      expect((await rejection(authenticatePassword(t.deps, "a@example.org", "pw"))).code).toBe(
        "invalid_credentials",
      );
      expect(t.verified).toEqual([dummy]);
    }
  });

  it("a hash made with the configured parameters is verified once, never padded", async () => {
    const t = deps({ real, dummy, user: identity({ hashed_password: await real.hash("right") }) });
    await rejection(authenticatePassword(t.deps, "a@example.org", "wrong"));
    expect(t.verified).toHaveLength(1);
  });

  it("md5-crypt (≈ 2.5 ms) and sha512-crypt at 5000 rounds (≈ 14 ms) are padded with a scaled-down dummy", async () => {
    for (const [hash, smaller, larger] of [
      [vector("$md5-crypt$").hash, 33_000, 47_104],
      [`$sha512-crypt$saltsalt$${"a".repeat(86)}`, 1_000, 20_000],
    ] as const) {
      const t = deps({ real, dummy, user: identity({ hashed_password: hash }) });
      await rejection(authenticatePassword(t.deps, "a@example.org", "wrong"));
      expect(t.verified).toHaveLength(2);
      expect(t.verified[0]).toBe(hash);
      const m = Number(/^\$argon2id\$v=19\$m=(\d+),t=1,p=1\$/.exec(t.verified[1] ?? "")?.[1]);
      expect(m).toBeGreaterThan(smaller);
      expect(m).toBeLessThan(larger);
      expect(t.verified[1]?.replace(/m=\d+,/, "")).toBe(dummy.replace(/m=\d+,/, ""));
    }
  });

  it("the right password against md5 is not padded: it rehashes (one configured hash) instead", async () => {
    const t = deps({ real, dummy, user: identity({ hashed_password: md5.hash }) });
    await expect(authenticatePassword(t.deps, "a@example.org", md5.password)).resolves.toBeDefined();
    expect(t.verified).toEqual([md5.hash]);
    expect(t.hashed()).toBe(1);
  });

  it("an inactive identity is padded on a wrong password, and refused unpadded on the right one", async () => {
    const user = identity({ hashed_password: md5.hash }, "inactive");
    const wrong = deps({ real, dummy, user });
    expect((await rejection(authenticatePassword(wrong.deps, "a@example.org", "x"))).code).toBe(
      "invalid_credentials",
    );
    expect(wrong.verified).toEqual([md5.hash, dummy]);
    const right = deps({ real, dummy, user });
    expect((await rejection(authenticatePassword(right.deps, "a@example.org", md5.password))).code).toBe(
      "identity_disabled",
    );
    expect(right.verified).toEqual([md5.hash]);
    expect(right.hashed()).toBe(0);
  });
});

describe("padding against the configured strength (argon2id m=1024 KiB, tests' parameters)", () => {
  const real = createPasswordHasher(FAST_HASHING);
  let dummy = "";
  beforeAll(async () => {
    dummy = await real.hash("dummy secret");
  });
  const salted = (params: string) => `$argon2id$v=19$${params}$c2FsdHNhbHRzYWx0c2FsdA$dGFndGFndGFndGFndGFnZw`;

  it("a weaker argon2id (m=256) is padded with the dummy at m=768, the difference", async () => {
    const stored = salted("m=256,t=1,p=1");
    const t = deps({ real, dummy, user: identity({ hashed_password: stored }) });
    await rejection(authenticatePassword(t.deps, "a@example.org", "wrong"));
    expect(t.verified).toEqual([stored, dummy.replace("m=1024,", "m=768,")]);
  });

  it("a stronger argon2id, and a stronger foreign hash (bcrypt cost 10), are not padded", async () => {
    for (const stored of [
      salted("m=2048,t=1,p=1"),
      "$2a$10$ZsCsoVQ3xfBG/K2z2XpBf.tm90GZmtOqtqWcB5.pYd5Eq8y7RlDyq",
    ]) {
      const t = deps({ real, dummy, user: identity({ hashed_password: stored }) });
      await rejection(authenticatePassword(t.deps, "a@example.org", "wrong"));
      expect(t.verified).toEqual([stored]);
    }
  });

  it("a dummy hash that cannot be made, or a padding verification that throws, still answers invalid_credentials", async () => {
    const failing = async () => {
      throw new Error("out of memory");
    };
    for (const user of [undefined, identity({ hashed_password: md5.hash })]) {
      const noDummy = deps({ real, dummy, user, dummyHash: failing });
      expect((await rejection(authenticatePassword(noDummy.deps, "a@example.org", "x"))).code).toBe(
        "invalid_credentials",
      );
      const throwing = deps({ real, dummy, user, failOn: dummy });
      expect((await rejection(authenticatePassword(throwing.deps, "a@example.org", "x"))).code).toBe(
        "invalid_credentials",
      );
      expect(throwing.verified.at(-1)).toBe(dummy);
    }
  });

  it("a migration-hook identity is not padded: its time is the host hook's", async () => {
    const t = deps({
      real,
      dummy,
      user: identity({ use_password_migration_hook: true }),
      migrationHook: () => false,
    });
    expect((await rejection(authenticatePassword(t.deps, "a@example.org", "x"))).code).toBe(
      "invalid_credentials",
    );
    expect(t.verified).toEqual([]);
  });
});
