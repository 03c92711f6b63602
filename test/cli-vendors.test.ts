// Each vendor's fixture export through `idkit import --from <vendor>` (issue 13): every user is imported and logs
// in with the original password; broken lines, unknown hashers and conflicting emails go to the error report with
// their positions while the rest is imported.
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseCsv } from "csv-parse/sync";
import { afterAll, describe, expect, it } from "vitest";
import { EXIT } from "../src/cli/main.js";
import { type IdentityManager, isIdentityError, MemoryStorage, type StorageAdapter } from "../src/index.js";
import { converters, type MigrationVendor, vendorFormats } from "../src/migrate/index.js";
import { idkit, tempDir } from "./cli-helpers.js";
import { manager } from "./helpers.js";
import { endPools, postgresTargets } from "./setup/postgres.js";

const FIXTURES = fileURLToPath(new URL("./fixtures/migrate/", import.meta.url));
const read = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const passwords = JSON.parse(read("passwords.json")) as Record<
  MigrationVendor,
  Record<string, string | null>
>;

interface Case {
  file: string;
  hashConfig?: string;
  records: () => unknown[];
}
const CASES: Record<MigrationVendor, Case> = {
  auth0: {
    file: "auth0.ndjson",
    records: () =>
      read("auth0.ndjson")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l)),
  },
  firebase: {
    file: "firebase.json",
    hashConfig: "firebase-hash-config.json",
    records: () => JSON.parse(read("firebase.json")).users,
  },
  clerk: {
    file: "clerk.csv",
    hashConfig: "clerk-hash-config.json",
    records: () => parseCsv(read("clerk.csv"), { columns: true }),
  },
  supabase: { file: "supabase.json", records: () => JSON.parse(read("supabase.json")) },
  keycloak: { file: "keycloak-realm.json", records: () => JSON.parse(read("keycloak-realm.json")).users },
  kratos: { file: "kratos-identities.json", records: () => JSON.parse(read("kratos-identities.json")) },
};

/** Copies the fixture (and its hash config) into a fresh directory: the CLI writes its report beside the file. */
function stage(c: Case): string {
  const cwd = tempDir();
  copyFileSync(join(FIXTURES, c.file), join(cwd, c.file));
  if (c.hashConfig) copyFileSync(join(FIXTURES, c.hashConfig), join(cwd, c.hashConfig));
  return cwd;
}

async function logsIn(
  idm: IdentityManager<unknown>,
  vendor: MigrationVendor,
  record: unknown,
): Promise<string> {
  const id = vendorFormats[vendor].idOf(record) ?? "";
  const password = passwords[vendor][id];
  const hashConfig = CASES[vendor].hashConfig;
  const body = converters[vendor](record, hashConfig ? { hashConfig: JSON.parse(read(hashConfig)) } : {});
  const email = (body.traits as { email?: string } | undefined)?.email as string;
  if (password === null || password === undefined) return `${id}: no password`;
  try {
    await idm.authenticatePassword({ identifier: email, password });
    return `${id}: ok`;
  } catch (e) {
    if (isIdentityError(e, "identity_disabled")) return `${id}: ok`; // a disabled user, password accepted
    return `${id}: ${String(e)}`;
  }
}

describe("idkit import --from <vendor> with each vendor's fixture", { timeout: 180_000 }, async () => {
  const targets = await postgresTargets("test/cli-vendors.test.ts");
  afterAll(async () => {
    await endPools();
  });

  for (const vendor of Object.keys(CASES) as MigrationVendor[]) {
    it(`${vendor}: every user is imported and logs in with the original password`, async () => {
      const c = CASES[vendor];
      const cwd = stage(c);
      const storage = new MemoryStorage();
      const argv = [
        "import",
        "--from",
        vendor,
        c.file,
        ...(c.hashConfig ? ["--hash-config", c.hashConfig] : []),
      ];
      const run = await idkit(argv, { storage, cwd });
      expect(run.stderr).toContain(" 0 failed");
      expect(run.code).toBe(EXIT.ok);
      const records = c.records();
      expect(run.stderr).toContain(`${records.length} created`);
      const idm = manager<unknown>({ storage });
      const results = await Promise.all(records.map((r) => logsIn(idm, vendor, r)));
      expect(results.filter((r) => !r.endsWith(": ok") && !r.endsWith(": no password"))).toEqual([]);
    });
  }

  for (const [name, open] of targets) {
    it(`auth0 on ${name}: broken lines, unknown hashers and conflicting emails are reported with their positions, the rest imported`, async () => {
      const cwd = tempDir();
      const lines = read("auth0.ndjson").trimEnd().split("\n");
      const n = lines.length;
      lines.push('{"user_id": "auth0|broken", "email": ');
      lines.push(
        JSON.stringify({
          user_id: "auth0|whirlpool",
          email: "whirlpool@auth0.example",
          custom_password_hash: { algorithm: "whirlpool", hash: { value: "00", encoding: "hex" } },
        }),
      );
      lines.push(JSON.stringify({ user_id: "auth0|twin", email: "md5@auth0.example", email_verified: true }));
      lines.push(
        JSON.stringify({ user_id: "auth0|last", email: "last@auth0.example", email_verified: false }),
      );
      writeFileSync(join(cwd, "users.json"), `${lines.join("\n")}\n`);
      const storage: StorageAdapter & { close(): Promise<void> } = await open();
      try {
        const run = await idkit(["import", "--from", "auth0", "users.json"], { storage, cwd });
        expect(run.code).toBe(EXIT.failed);
        const report = readFileSync(join(cwd, "users.json.errors.ndjson"), "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l));
        expect(report.map((e) => [e.position, e.code])).toEqual([
          [n + 1, "invalid_json"],
          [n + 2, expect.stringMatching(/^(unconvertible_record|unsupported_hash)$/)],
          [n + 3, "identity_conflict"],
        ]);
        expect(report[1]).toMatchObject({ vendor_id: "auth0|whirlpool" });
        expect(report[2]).toMatchObject({ vendor_id: "auth0|twin", pointer: "/traits/email" });
        const idm = manager<unknown>({ storage });
        expect((await idm.listIdentities({ pageSize: 500 })).identities.length).toBe(n + 1);
        await expect(idm.getIdentityByExternalId("auth0|last")).resolves.toMatchObject({
          traits: { email: "last@auth0.example" },
        });
      } finally {
        await storage.close();
      }
    });
  }
});
