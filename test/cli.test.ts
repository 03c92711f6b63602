// The idkit CLI in-process: exit codes, the error report, resume, dry-run, progress (issue 13).
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hashSync } from "@node-rs/bcrypt";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../src/cli/main.js";
import { MemoryStorage } from "../src/index.js";
import { Capture, idkit, ndjson, tempDir } from "./cli-helpers.js";
import { manager } from "./helpers.js";
import { pgliteStorage, type TestStorage } from "./setup/postgres.js";

const HASH = hashSync("correct horse", { cost: 4 });
const user = (i: number) => ({
  traits: { email: `user${i}@example.org` },
  external_id: `ext-${i}`,
  credentials: { password: { config: { hashed_password: HASH } } },
});

async function all(storage: MemoryStorage | TestStorage) {
  const idm = manager({ storage });
  const out = [];
  let pageToken: string | undefined;
  do {
    const page = await idm.listIdentities({ pageSize: 500, pageToken });
    out.push(...page.identities);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return out;
}

describe("idkit CLI: arguments and exit codes", () => {
  const cwd = tempDir();
  it("--help and --version exit 0; no command, an unknown flag or vendor, a missing file exit 2 with one line", async () => {
    expect((await idkit(["--help"], { cwd })).code).toBe(EXIT.ok);
    expect((await idkit(["import", "--help"], { cwd })).stdout).toContain("--dry-run");
    expect((await idkit(["--version"], { cwd })).code).toBe(EXIT.ok);
    const bad = [
      [],
      ["frobnicate"],
      ["import", "x.ndjson"],
      ["import", "--from", "okta", "x.ndjson"],
      ["import", "--from", "idkit", "missing.ndjson"],
      ["import", "--from", "idkit", "--batch-size", "0", "x.ndjson"],
      ["import", "--from", "idkit", "--format", "xml", "x.ndjson"],
      ["export", "--page-size", "many"],
      ["export", "--wat"],
    ];
    for (const argv of bad) {
      const run = await idkit(argv, { cwd });
      expect(run.code, argv.join(" ")).toBe(EXIT.usage);
      expect(run.stderr, argv.join(" ")).not.toMatch(/\n\s+at /);
      expect(run.stderr.length, argv.join(" ")).toBeGreaterThan(0);
    }
  });

  it("no database configured is a clear usage error; a vendor that does not read the format too", async () => {
    writeFileSync(join(cwd, "few.ndjson"), ndjson([user(1)]));
    const { runCli } = await import("../src/cli/main.js");
    const { openPostgres } = await import("../src/cli/setup.js");
    const stderr = new Capture();
    const code = await runCli(["import", "--from", "idkit", "few.ndjson"], {
      stdout: new Capture(),
      stderr,
      env: {},
      cwd,
      signal: new AbortController().signal,
      openDatabase: openPostgres,
    });
    expect(code).toBe(EXIT.usage);
    expect(stderr.text).toContain("DATABASE_URL");
    const csv = await idkit(["import", "--from", "idkit", "--format", "csv", "few.ndjson"], { cwd });
    expect(csv.code).toBe(EXIT.usage);
    expect(csv.stderr).toContain("not csv");
  });
});

describe("idkit import on PostgreSQL (PGlite)", { timeout: 120_000 }, () => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await pgliteStorage();
  }, 120_000);
  afterAll(async () => {
    await storage.close();
  });

  it("broken lines, unknown hashers and conflicting emails go to the report with their positions; the rest is imported (exit 1)", async () => {
    const cwd = tempDir();
    const lines: unknown[] = [];
    for (let i = 0; i < 40; i++) lines.push(user(i));
    lines[4] = '{"traits": {"email": "broken@example.org"'; // position 5
    lines[9] = { ...user(9), credentials: { password: { config: { hashed_password: "$nope$1$abc" } } } };
    lines[19] = { traits: { email: "user0@example.org" } }; // conflicts with position 1
    lines[29] = [1, 2, 3]; // not an object
    writeFileSync(join(cwd, "users.ndjson"), ndjson(lines));
    const run = await idkit(
      ["import", "--from", "idkit", "users.ndjson", "--chunk-size", "7", "--batch-size", "3"],
      {
        storage,
        cwd,
      },
    );
    expect(run.code).toBe(EXIT.failed);
    const report = readFileSync(join(cwd, "users.ndjson.errors.ndjson"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(report.map((e) => [e.position, e.code])).toEqual([
      [5, "invalid_json"],
      [10, "unsupported_hash"],
      [20, "identity_conflict"],
      [30, "unconvertible_record"],
    ]);
    expect(report[0]).toMatchObject({ line: 5 });
    expect(report[1]).toMatchObject({
      vendor_id: "ext-9",
      pointer: "/credentials/password/config/hashed_password",
    });
    expect(report[2]).toMatchObject({
      pointer: "/traits/email",
      conflicting_identity_id: expect.any(String),
    });
    expect((await all(storage)).length).toBe(36);
    expect(run.stderr).toContain("36 created, 0 skipped (already present), 4 failed");
    expect(existsSync(join(cwd, "users.ndjson.progress"))).toBe(false); // finished: nothing to resume
  });

  it("an interrupted import resumes from its checkpoint: nothing duplicated, every record present (exit 130, then 0)", async () => {
    const target = await pgliteStorage();
    try {
      const cwd = tempDir();
      const lines = Array.from({ length: 300 }, (_, i) => user(1000 + i));
      writeFileSync(join(cwd, "big.ndjson"), ndjson(lines));
      // Interrupt once the store has taken 100 identities (as Ctrl-C would: the batches in flight finish).
      const controller = new AbortController();
      const insert = target.insertIdentities.bind(target);
      let written = 0;
      target.insertIdentities = async (identities) => {
        const out = await insert(identities);
        written += identities.length;
        if (written >= 100) controller.abort();
        return out;
      };
      const argv = ["import", "--from", "idkit", "big.ndjson", "--chunk-size", "50", "--batch-size", "25"];
      const first = await idkit(argv, { storage: target, cwd, signal: controller.signal });
      expect(first.code).toBe(EXIT.interrupted);
      expect(first.stderr).toContain("rerun the same command to resume");
      const checkpoint = JSON.parse(readFileSync(join(cwd, "big.ndjson.progress"), "utf8"));
      expect(checkpoint.records).toBeGreaterThanOrEqual(100);
      expect(checkpoint.records).toBeLessThan(300);
      target.insertIdentities = insert;

      // A crash after the checkpoint: the next records were written but the checkpoint lags behind.
      writeFileSync(
        join(cwd, "big.ndjson.progress"),
        JSON.stringify({ ...checkpoint, records: 40, created: 40 }),
      );
      const second = await idkit(argv, { storage: target, cwd });
      expect(second.code).toBe(EXIT.ok);
      expect(second.stderr).toContain("resuming after record 40");
      expect(second.stderr).toMatch(/300 records .*0 failed/);
      const ids = (await all(target)).map((i) => i.external_id);
      expect(ids.length).toBe(300);
      expect(new Set(ids).size).toBe(300);
      expect(existsSync(join(cwd, "big.ndjson.progress"))).toBe(false);
      expect(readFileSync(join(cwd, "big.ndjson.errors.ndjson"), "utf8")).toBe("");

      // Running the finished import again duplicates nothing: every record is skipped, none failed.
      const again = await idkit(argv, { storage: target, cwd });
      expect(again.code).toBe(EXIT.ok);
      expect(again.stderr).toContain("0 created, 300 skipped (already present), 0 failed");
      expect((await all(target)).length).toBe(300);
    } finally {
      await target.close();
    }
  });

  it("a resumed import first cuts the report back to its checkpoint (a kill between the two lists nothing twice)", async () => {
    const cwd = tempDir();
    const lines: unknown[] = Array.from({ length: 10 }, (_, i) => user(6000 + i));
    lines[2] = "{broken";
    lines[7] = "{broken too";
    const path = join(cwd, "k.ndjson");
    writeFileSync(path, ndjson(lines));
    const { size, mtimeMs } = statSync(path);
    const checkpoint = { format: "idkit-import-progress/1", from: "idkit", size, mtimeMs, records: 5 };
    writeFileSync(`${path}.progress`, JSON.stringify({ ...checkpoint, created: 4, skipped: 0, failed: 1 }));
    // The killed run had appended the failures of records 6..10 but not moved the checkpoint past 5.
    const stale = [3, 8].map((position) => JSON.stringify({ position, code: "invalid_json", message: "x" }));
    writeFileSync(`${path}.errors.ndjson`, `${stale.join("\n")}\n{"position":9,"code":"cut`);
    const run = await idkit(["import", "--from", "idkit", "k.ndjson"], { storage: new MemoryStorage(), cwd });
    expect(run.code).toBe(EXIT.failed);
    const report = readFileSync(`${path}.errors.ndjson`, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(report.map((e) => e.position)).toEqual([3, 8]);
    expect(report[1]).toMatchObject({ line: 8, code: "invalid_json" });
  });

  it("a checkpoint of another file or vendor is refused (exit 2) until --restart", async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, "a.ndjson"), ndjson([user(5000)]));
    writeFileSync(
      join(cwd, "a.ndjson.progress"),
      JSON.stringify({ format: "idkit-import-progress/1", from: "idkit", size: 1, mtimeMs: 1, records: 1 }),
    );
    const run = await idkit(["import", "--from", "idkit", "a.ndjson"], { storage, cwd });
    expect(run.code).toBe(EXIT.usage);
    expect(run.stderr).toContain("--restart");
    const restarted = await idkit(["import", "--from", "idkit", "a.ndjson", "--restart"], { storage, cwd });
    expect(restarted.code).toBe(EXIT.ok);
  });
});

describe("idkit import --dry-run", () => {
  it("converts and validates every record, prints the failures on stdout, and writes nothing anywhere", async () => {
    const cwd = tempDir();
    const lines: unknown[] = [user(1), user(2), { traits: { email: "not an email" } }, "{oops", user(2)];
    writeFileSync(join(cwd, "dry.ndjson"), ndjson(lines));
    const storage = new MemoryStorage();
    const run = await idkit(["import", "--from", "idkit", "dry.ndjson", "--dry-run"], { storage, cwd });
    expect(run.code).toBe(EXIT.failed);
    expect(run.opened).toBe(0);
    expect(readdirSync(cwd)).toEqual(["dry.ndjson"]);
    expect((await all(storage)).length).toBe(0);
    const failures = run.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(failures.map((f) => [f.position, f.code])).toEqual([
      [3, "validation_failed"],
      [4, "invalid_json"],
      [5, "identity_conflict"],
    ]);
    writeFileSync(join(cwd, "ok.ndjson"), ndjson([user(1), user(2)]));
    const ok = await idkit(["import", "--from", "idkit", "ok.ndjson", "--dry-run"], { cwd });
    expect(ok.code).toBe(EXIT.ok);
    expect(ok.stdout).toBe("");
    expect(ok.stderr).toContain("2 valid");
  });
});

describe("idkit progress", () => {
  it("draws a bar with rate and ETA on a terminal, plain periodic lines otherwise", async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, "p.ndjson"), ndjson(Array.from({ length: 400 }, (_, i) => user(i))));
    const argv = ["import", "--from", "idkit", "p.ndjson", "--dry-run", "--chunk-size", "100"];
    const tty = await idkit([...argv], { cwd, tty: true });
    expect(tty.stderr).toMatch(/import --dry-run \[[█░]+\] \d+% \| \d+ records \| \d+\/s \| ETA/);
    const plain = await idkit([...argv, "--progress-interval", "0.001"], { cwd });
    expect(plain.stderr).not.toContain("█");
    expect(plain.stderr).toMatch(/^idkit import --dry-run: \d+ records \(\d+%\), \d+\/s, ETA/m);
    expect(plain.stderr).toContain("400 records");
  });
});

describe("idkit import never crashes on any file (property)", () => {
  it("random lines: exit 0 or 1, one summary, every failure reported once in file order", {
    timeout: 120_000,
  }, async () => {
    const cwd = tempDir();
    const line = fc.oneof(
      fc.json(),
      fc.string(),
      fc
        .record({ traits: fc.record({ email: fc.emailAddress() }), external_id: fc.string() })
        .map((r) => JSON.stringify(r)),
      fc.constant("{"),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 12 }), async (lines) => {
        const content = lines.map((l) => l.replace(/\n/g, " ")).join("\n");
        writeFileSync(join(cwd, "any.ndjson"), content);
        const run = await idkit(
          ["import", "--from", "idkit", "any.ndjson", "--dry-run", "--chunk-size", "5"],
          { cwd },
        );
        expect([EXIT.ok, EXIT.failed]).toContain(run.code);
        expect(run.stderr).not.toMatch(/\n\s+at /);
        const failures =
          run.stdout === ""
            ? []
            : run.stdout
                .trim()
                .split("\n")
                .map((l) => JSON.parse(l));
        const positions = failures.map((f) => f.position);
        expect(positions).toEqual([...positions].sort((a, b) => a - b));
        expect(new Set(positions).size).toBe(positions.length);
        expect(run.code).toBe(failures.length > 0 ? EXIT.failed : EXIT.ok);
        expect(run.stderr).toContain(`${failures.length} failed`);
      }),
      { numRuns: 25 },
    );
  });
});

describe("idkit import: config module, broken documents", () => {
  it("--config gives schemas and a traits mapping; a dry run skips the config's afterCreate hook", async () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, "idkit.config.mjs"),
      `import { writeFileSync } from "node:fs";
export default {
  schemas: {
    customer: {
      type: "object",
      properties: {
        traits: {
          type: "object",
          properties: {
            email: { type: "string", format: "email", "ory.sh/kratos": { credentials: { password: { identifier: true } } } },
            plan: { type: "string" },
          },
          required: ["email", "plan"],
        },
      },
    },
  },
  hooks: { afterCreate: () => writeFileSync(${JSON.stringify(join(cwd, "after-ran"))}, "x") },
};
export const traits = (record) => ({ email: record.email, plan: "gold" });
`,
    );
    writeFileSync(
      join(cwd, "auth0.ndjson"),
      ndjson([{ user_id: "auth0|cfg", email: "cfg@example.org", email_verified: true }]),
    );
    const argv = [
      "import",
      "--from",
      "auth0",
      "auth0.ndjson",
      "--config",
      "idkit.config.mjs",
      "--schema",
      "customer",
    ];
    const dry = await idkit([...argv, "--dry-run"], { cwd });
    expect(dry.code).toBe(EXIT.ok);
    expect(existsSync(join(cwd, "after-ran"))).toBe(false);
    const storage = new MemoryStorage();
    const run = await idkit(argv, { storage, cwd });
    expect(run.code).toBe(EXIT.ok);
    const [identity] = await all(storage);
    expect(identity).toMatchObject({
      schema_id: "customer",
      traits: { email: "cfg@example.org", plan: "gold" },
    });
    expect(existsSync(join(cwd, "after-ran"))).toBe(true);
    const bad = await idkit(["import", "--from", "auth0", "auth0.ndjson", "--config", "missing.mjs"], {
      cwd,
    });
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toContain("cannot load --config missing.mjs");
  });

  it("a JSON document broken part way: the records before it are imported and checkpointed, exit 3", async () => {
    const cwd = tempDir();
    writeFileSync(
      join(cwd, "users.json"),
      `[${JSON.stringify(user(7001))},${JSON.stringify(user(7002))},{"traits":`,
    );
    const storage = new MemoryStorage();
    const run = await idkit(["import", "--from", "idkit", "users.json"], { storage, cwd });
    expect(run.code).toBe(EXIT.stopped);
    expect(run.stderr).toContain("stopped:");
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect((await all(storage)).length).toBe(2);
    expect(JSON.parse(readFileSync(join(cwd, "users.json.progress"), "utf8")).records).toBe(2);
  });
});
