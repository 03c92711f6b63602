// Review finding 3 (issue 13): Auth0's password-hash export has no `blocked`, `app_metadata`, identities or phone.
// `idkit import --from auth0 users.ndjson --auth0-hashes hashes.ndjson` joins the hashes into the user export by
// user id, so a blocked user with a password is imported inactive, with the rest of the user export's fields.
// The bcrypt hash is the fixture's first line (Python's `bcrypt`, test/fixtures/migrate/generate.py).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT } from "../src/cli/main.js";
import { MemoryStorage } from "../src/index.js";
import { idkit, ndjson, tempDir } from "./cli-helpers.js";
import { manager } from "./helpers.js";

const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/migrate/auth0.ndjson", import.meta.url), "utf8").split("\n")[0] as string,
) as { passwordHash: string };
const HASH = fixture.passwordHash;
const PASSWORD = "hash-export bcrypt";

const users = [
  {
    user_id: "auth0|aaa",
    email: "blocked@auth0.example",
    email_verified: true,
    blocked: true,
    app_metadata: { roles: ["admin"] },
  },
  {
    user_id: "auth0|bbb",
    email: "active@auth0.example",
    email_verified: true,
    app_metadata: { roles: ["user"] },
    identities: [{ provider: "github", connection: "github", isSocial: true, user_id: 42 }],
  },
  { user_id: "google-oauth2|1", email: "social@auth0.example", email_verified: true },
];
const hashes = [
  { _id: { $oid: "aaa" }, email: "blocked@auth0.example", email_verified: true, passwordHash: HASH },
  { _id: { $oid: "bbb" }, email: "active@auth0.example", email_verified: true, passwordHash: HASH },
  { _id: { $oid: "ccc" }, email: "gone@auth0.example", email_verified: true, passwordHash: HASH },
];

describe("idkit import --from auth0 --auth0-hashes", () => {
  it("joins the hashes into the user export: blocked stays inactive, metadata and links are kept", async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, "users.ndjson"), ndjson(users));
    writeFileSync(join(cwd, "hashes.ndjson"), ndjson(hashes));
    const storage = new MemoryStorage();
    const run = await idkit(
      ["import", "--from", "auth0", "users.ndjson", "--auth0-hashes", "hashes.ndjson"],
      {
        storage,
        cwd,
      },
    );
    expect(run.code, run.stderr).toBe(EXIT.ok);
    expect(run.stderr).toContain("1 of 3 --auth0-hashes entries matched no user");
    const idm = manager<unknown>({ storage });
    const blocked = await idm.getIdentityByExternalId("auth0|aaa");
    expect(blocked).toMatchObject({ state: "inactive", metadata_admin: { roles: ["admin"] } });
    await expect(
      idm.authenticatePassword({ identifier: "blocked@auth0.example", password: PASSWORD }),
    ).rejects.toMatchObject({ code: "identity_disabled" });
    const active = await idm.getIdentityByExternalId("auth0|bbb");
    expect(active).toMatchObject({ state: "active", metadata_admin: { roles: ["user"] } });
    await expect(
      idm.authenticatePassword({ identifier: "active@auth0.example", password: PASSWORD }),
    ).resolves.toBeDefined();
    const social = await idm.getIdentityByExternalId("google-oauth2|1");
    const full = await idm.getIdentity(social.id, { includeCredentials: ["password"] });
    expect(full.credentials?.password?.config?.hashed_password).toBeUndefined();
    expect((await idm.listIdentities({ pageSize: 10 })).identities).toHaveLength(3);
  });

  it("refuses a broken hash file before importing anything, and the flag without --from auth0", async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, "users.ndjson"), ndjson(users));
    writeFileSync(join(cwd, "hashes.ndjson"), ndjson([hashes[0], { _id: { $oid: "x" }, email: "x@y.z" }]));
    const storage = new MemoryStorage();
    const run = await idkit(
      ["import", "--from", "auth0", "users.ndjson", "--auth0-hashes", "hashes.ndjson"],
      {
        storage,
        cwd,
      },
    );
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toContain("--auth0-hashes line 2: no passwordHash");
    expect(run.opened).toBe(0);
    const other = await idkit(
      ["import", "--from", "clerk", "users.ndjson", "--auth0-hashes", "hashes.ndjson"],
      {
        storage,
        cwd,
      },
    );
    expect(other.code).toBe(EXIT.usage);
    expect(other.stderr).toContain("--auth0-hashes goes with --from auth0");
  });
});
