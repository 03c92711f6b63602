/**
 * The quick start: identity management the way Kratos's admin API does it, in memory by default.
 * Run with `npm run demo`; with `DATABASE_URL=postgres://... npm run demo` it runs on PostgreSQL instead, in a
 * schema of its own (`idkit_demo`, emptied at the start of each run).
 */
import { IdentityManager, isIdentityError, MemoryStorage, type StorageAdapter } from "idkit";

// The recovery-enabled email schema of Kratos's "Managing Users and Identities" guide.
const personSchema = {
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
            verification: { via: "email" },
          },
        },
        name: { type: "object", properties: { first: { type: "string" }, last: { type: "string" } } },
      },
      required: ["email"],
      additionalProperties: false,
    },
  },
};

type Person = { email: string; name?: { first?: string; last?: string } };

/** PostgreSQL when DATABASE_URL is set (pg is loaded only then), else memory. */
async function chooseStorage(): Promise<{ storage: StorageAdapter; done: () => Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) return { storage: new MemoryStorage(), done: async () => {} };
  const { default: pg } = await import("pg");
  const { PostgresStorage, fromPgPool } = await import("idkit/postgres");
  const pool = new pg.Pool({ connectionString: url });
  await pool.query("DROP SCHEMA IF EXISTS idkit_demo CASCADE");
  await pool.query("CREATE SCHEMA idkit_demo");
  const storage = new PostgresStorage(fromPgPool(pool), { schema: "idkit_demo" });
  await storage.migrate(); // versioned and idempotent: run it at deploy or start-up
  console.log(`# storage: PostgreSQL (${new URL(url).host}, schema idkit_demo)`);
  return { storage, done: () => pool.end() };
}

const { storage, done } = await chooseStorage();

const idm = new IdentityManager<Person>({
  storage,
  schemas: { default: personSchema },
  publicUrl: "http://127.0.0.1:4433",
  secrets: ["demo-secret-change-me-in-production"],
  // Cheap parameters keep the demo snappy; production keeps the OWASP defaults.
  hashing: { algorithm: "argon2id", argon2: { memoryCost: 19456, timeCost: 2, parallelism: 1 } },
});

const show = (title: string, value: unknown) =>
  console.log(`\n# ${title}\n${JSON.stringify(value, null, 2)}`);

// 1. Invite a user: create the identity with traits only (no password yet: its password credential holds only
//    the identifier derived from the email trait, so the user can log in once they set one).
const invited = await idm.createIdentity({ schema_id: "default", traits: { email: "foo@ory.sh" } });
show("invited (POST /admin/identities)", invited);

// ... and an invite link valid for 12 hours (Kratos: POST /admin/recovery/link).
const invite = await idm.createRecoveryLink({ identity_id: invited.id, expires_in: "12h" });
show("invite link", invite);

// The user opens the link: redeem the token once, then let them choose a password.
const token = new URL(invite.recovery_link).searchParams.get("token") ?? "";
const redeemed = await idm.redeemRecoveryLink(token);
await idm.setPassword(redeemed.id, "a sturdy passphrase 2026");
const session = await idm.authenticatePassword({
  identifier: "foo@ory.sh",
  password: "a sturdy passphrase 2026",
});
show("invitee logged in", { id: session.id, email: session.traits.email });
try {
  await idm.redeemRecoveryLink(token);
} catch (e) {
  if (!isIdentityError(e, "token_invalid")) throw e;
  show("the invite link is single use", e.toJSON());
}

// 2. Import a user with a verified address and a bcrypt hash from another system.
const imported = await idm.createIdentity({
  schema_id: "default",
  traits: { email: "docs-verify@example.org", name: { first: "Ada", last: "Lovelace" } },
  verifiable_addresses: [
    { value: "docs-verify@example.org", verified: true, via: "email", status: "completed" },
  ],
  credentials: {
    password: { config: { hashed_password: "$2a$10$ZsCsoVQ3xfBG/K2z2XpBf.tm90GZmtOqtqWcB5.pYd5Eq8y7RlDyq" } },
  },
});
show("imported with a verified address", imported);
// The imported bcrypt hash logs in, and is rehashed to the configured argon2id on the way.
await idm.authenticatePassword({ identifier: "docs-verify@example.org", password: "123456" });
const rehashed = await idm.getIdentity(imported.id, { includeCredentials: ["password"] });
show("after the first login the hash is argon2id", rehashed.credentials?.password?.config);

// 3. A few more, in one batch.
const batch = await idm.batchPatchIdentities({
  identities: ["a", "b", "c"].map((n, i) => ({
    patch_id: `00000000-0000-4000-8000-00000000000${i}`,
    create: { traits: { email: `${n}@example.org` } },
  })),
});
show("batch (PATCH /admin/identities)", batch);

// 4. List with a page token.
const first = await idm.listIdentities({ pageSize: 2 });
const second = await idm.listIdentities({
  pageSize: 2,
  ...(first.nextPageToken ? { pageToken: first.nextPageToken } : {}),
});
show(
  "page 1 ids",
  first.identities.map((i) => i.traits.email),
);
show(
  "page 2 ids",
  second.identities.map((i) => i.traits.email),
);

// 5. Patch traits (RFC 6902), then deactivate one identity.
const patched = await idm.patchIdentity(invited.id, [
  { op: "add", path: "/traits/name", value: { first: "Foo" } },
]);
show("patched traits", patched.traits);
const deactivated = await idm.patchIdentity(imported.id, [
  { op: "replace", path: "/state", value: "inactive" },
]);
show("deactivated", {
  id: deactivated.id,
  state: deactivated.state,
  state_changed_at: deactivated.state_changed_at,
});

// 6. Bad input gets a typed error and changes nothing.
try {
  await idm.createIdentity({ schema_id: "default", traits: { email: "not-an-email" } });
} catch (e) {
  if (!isIdentityError(e, "validation_failed")) throw e;
  show("invalid email -> Kratos error envelope", e.toJSON());
}

await done();
