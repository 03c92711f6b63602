// Export → import into an empty database → the same identities, field for field, ids included (issue 13).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { hashSync } from "@node-rs/bcrypt";
import { afterAll, describe, expect, it } from "vitest";
import { EXIT } from "../src/cli/main.js";
import { type Identity, type IdentityManager, MemoryStorage, type StorageAdapter } from "../src/index.js";
import { idkit, tempDir } from "./cli-helpers.js";
import { manager } from "./helpers.js";
import { endPools, postgresTargets } from "./setup/postgres.js";

// Kratos's own WebAuthn import data (see test/webauthn-import.test.ts).
const webauthn = JSON.parse(
  readFileSync(new URL("fixtures/kratos-webauthn-import.json", import.meta.url), "utf8"),
);
const ALL = ["password", "oidc", "saml", "totp", "lookup_secret", "webauthn", "passkey"] as const;
const ORG = "0190f6c4-8c5e-7a3b-9f00-00000000a11c";

/** Varied identities: passwords (clear text and imported hash), addresses, metadata, states, links, codes. */
async function seed(idm: IdentityManager<unknown>): Promise<void> {
  const hash = hashSync("imported secret", { cost: 4 });
  await idm.createIdentity({
    traits: { email: "ada@example.org", name: { first: "Ada", last: "Lovelace" } },
    credentials: { password: { config: { password: "a clear-text password" } } },
    metadata_public: { plan: "pro", seats: 3 },
    metadata_admin: { notes: ["vip"], crm: { id: 42 } },
    external_id: "crm-ada",
    verifiable_addresses: [
      {
        value: "ada@example.org",
        verified: true,
        via: "email",
        status: "completed",
        verified_at: "2024-05-01T10:00:00Z",
      },
    ],
  });
  await idm.createIdentity({
    schema_id: "preset://email",
    traits: { email: "grace@example.org" },
    credentials: {
      password: { config: { hashed_password: hash } },
      oidc: {
        config: {
          providers: [
            { provider: "google", subject: "g-123", use_auto_link: true },
            { provider: "github", subject: "gh-9", organization: ORG },
          ],
        },
      },
    },
    state: "inactive",
    organization_id: ORG,
  });
  await idm.createIdentity({
    traits: { email: "linus@example.org" },
    credentials: {
      oidc: { config: { providers: [{ provider: "gitlab", subject: "gl-7" }] } },
      totp: { config: { totp_url: "otpauth://totp/idkit:linus@example.org?secret=JBSWY3DPEHPK3PXP" } },
      lookup_secret: {
        config: { codes: [{ code: "aaaa-bbbb" }, { code: "cccc-dddd", used_at: "2024-06-01T00:00:00Z" }] },
      },
    },
    external_id: "crm-linus",
  });
  await idm.createIdentity({
    traits: { email: "keys@example.org" },
    credentials: {
      webauthn: { config: webauthn.registered_key.config },
      passkey: {
        config: {
          credentials: [webauthn.unit_import.keys.cred1],
          user_handle: webauthn.unit_import.user_handles.user1,
        },
      },
    },
  });
  await idm.createIdentity({
    traits: { email: "migrating@example.org" },
    credentials: { password: { config: { use_password_migration_hook: true } } },
  });
  for (let i = 0; i < 12; i++)
    await idm.createIdentity({
      traits: { email: `bulk${i}@example.org` },
      metadata_public: i % 2 ? null : { i },
    });
}

/** An identity without what an import stamps anew: timestamps and the addresses' row ids. */
function comparable(identity: Identity): unknown {
  const { created_at: _c, updated_at: _u, state_changed_at: _s, ...rest } = identity;
  const strip = <T extends object>(list: T[] | undefined) =>
    list?.map((a) => {
      const { id: _i, created_at: _ac, updated_at: _au, ...kept } = a as T & Record<string, unknown>;
      return kept;
    });
  return {
    ...rest,
    verifiable_addresses: strip(identity.verifiable_addresses),
    recovery_addresses: strip(identity.recovery_addresses),
    credentials: Object.fromEntries(
      Object.entries(identity.credentials ?? {}).map(([type, c]) => {
        const { created_at: _cc, updated_at: _cu, ...kept } = c as unknown as Record<string, unknown>;
        return [type, kept];
      }),
    ),
  };
}

async function everything(idm: IdentityManager<unknown>): Promise<unknown[]> {
  const { identities } = await idm.listIdentities({ pageSize: 500, includeCredentials: [...ALL] });
  return identities.map((i) => comparable(i as Identity));
}

async function roundTrip(source: StorageAdapter, target: StorageAdapter): Promise<void> {
  const from = manager<unknown>({ storage: source });
  const to = manager<unknown>({ storage: target });
  await seed(from);
  const cwd = tempDir();
  const exported = await idkit(["export", "--include-credentials", "-o", "out.ndjson", "--page-size", "5"], {
    storage: source,
    cwd,
  });
  expect(exported.code).toBe(EXIT.ok);
  expect(exported.stderr).toContain("17 identities (with credentials)");
  const lines = readFileSync(join(cwd, "out.ndjson"), "utf8").trim().split("\n");
  expect(lines.length).toBe(17);
  expect(JSON.parse(lines[0] as string)).not.toHaveProperty("created_at");

  const imported = await idkit(["import", "--from", "idkit", "out.ndjson"], { storage: target, cwd });
  expect(imported.stderr).toContain("17 created, 0 skipped (already present), 0 failed");
  expect(imported.code).toBe(EXIT.ok);
  const original = await everything(from);
  expect(original.length).toBe(17);
  expect(JSON.stringify(original)).toContain("public_key");
  expect(JSON.stringify(original)).toContain("hashed_password");
  expect(JSON.stringify(original)).toContain('"verified":true');
  expect(await everything(to)).toEqual(original);
  // The exported hashes log in on the new database.
  await expect(
    to.authenticatePassword({ identifier: "ada@example.org", password: "a clear-text password" }),
  ).resolves.toMatchObject({ traits: { email: "ada@example.org" } });
  const grace = (await from.listIdentities({ credentialsIdentifier: "grace@example.org" })).identities[0];
  expect((await to.getIdentity(grace?.id as string)).state).toBe("inactive");

  // Without --include-credentials: no secret leaves the database, account links do.
  const bare = await idkit(["export"], { storage: source, cwd });
  expect(bare.code).toBe(EXIT.ok);
  expect(bare.stdout).not.toContain("hashed_password");
  expect(bare.stdout).not.toContain("totp_url");
  expect(bare.stdout).toContain('"provider":"gitlab"');
  expect(bare.stdout.trim().split("\n").length).toBe(17);
}

describe("idkit export → idkit import round trip", { timeout: 180_000 }, async () => {
  const targets = await postgresTargets("test/cli-roundtrip.test.ts");
  afterAll(async () => {
    await endPools();
  });

  it("in memory: equal identities, ids included", async () => {
    await roundTrip(new MemoryStorage(), new MemoryStorage());
  });

  for (const [name, open] of targets) {
    it(`on ${name}: equal identities, ids included`, async () => {
      const [source, target] = [await open(), await open()];
      try {
        await roundTrip(source, target);
      } finally {
        await Promise.all([source.close(), target.close()]);
      }
    });
  }
});
