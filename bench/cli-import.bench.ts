/**
 * `idkit import` through the built CLI (dist/cli.js; `npm run build` first) into the PostgreSQL server, from an
 * NDJSON file of pre-hashed users (CLI_IMPORT_LINES, default 100,000; the run is 1,000,000):
 *
 * - identities/s of the CLI, and as a ratio against `importIdentities` of the same bodies (from memory, no file,
 *   no checkpoint) into a fresh schema of the same server in the same run: what reading, converting, the
 *   checkpoint and the report cost on top of the library's own import;
 * - peak RSS of the CLI process (it reports it), for the full file: bounded memory means it stays near the
 *   small-file figure whatever the line count;
 * - resume: a second file is imported with a SIGINT at about a third, then the same command again; the schema
 *   must then hold every line exactly once.
 */
import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { IdentityManager } from "idkit";
import pg from "pg";
import { DATABASE_URL, Schemas } from "./postgres-db.js";
import { round } from "./util.js";

const LINES = Number(process.env.CLI_IMPORT_LINES ?? 100_000);
const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const BCRYPT = "$2a$10$ZsCsoVQ3xfBG/K2z2XpBf.tm90GZmtOqtqWcB5.pYd5Eq8y7RlDyq";

function body(i: number, tag: string) {
  return {
    schema_id: "preset://email",
    traits: { email: `${tag}${i}@example.org` },
    external_id: `${tag}-${i}`,
    metadata_public: { n: i },
    credentials: { password: { config: { hashed_password: BCRYPT } } },
  };
}

async function writeFile(path: string, lines: number, tag: string): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < lines; i++) {
    if (!out.write(`${JSON.stringify(body(i, tag))}\n`))
      await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

interface CliRun {
  code: number | null;
  stderr: string;
  seconds: number;
}

/** Runs the CLI; `interruptAfter` sends SIGINT once a progress line shows that many records. */
function runCli(args: string[], interruptAfter?: number): Promise<CliRun> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, ...args, "--progress-interval", "0.5"], {
    env: { ...process.env, DATABASE_URL },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  let sent = false;
  child.stderr.setEncoding("utf8").on("data", (s: string) => {
    stderr += s;
    const done = [...s.matchAll(/: (\d+) records/g)].map((m) => Number(m[1]));
    if (interruptAfter !== undefined && !sent && done.some((n) => n >= interruptAfter)) {
      sent = true;
      child.kill("SIGINT");
    }
  });
  return new Promise((resolve) =>
    child.on("close", (code) => resolve({ code, stderr, seconds: (performance.now() - started) / 1000 })),
  );
}

const peakMb = (stderr: string) => Number(/peak RSS (\d+) MB/.exec(stderr)?.[1] ?? Number.NaN);

export async function cliImportBenchmark(): Promise<Record<string, number>> {
  if (!existsSync(CLI)) {
    process.stderr.write("bench cli_import: SKIPPED, no dist/cli.js (run `npm run build` first)\n");
    return { skipped: 1 };
  }
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 8 });
  const schemas = new Schemas(pool);
  const dir = mkdtempSync(join(tmpdir(), "idkit-cli-bench-"));
  try {
    const file = join(dir, "users.ndjson");
    await writeFile(file, LINES, "u");

    const cliSchema = await schemas.fresh();
    const cli = await runCli(["import", "--from", "idkit", file, "--db-schema", cliSchema.name]);
    if (cli.code !== 0) throw new Error(`idkit import failed (${cli.code}): ${cli.stderr.slice(-500)}`);

    const libSchema = await schemas.fresh();
    const idm = new IdentityManager({ storage: libSchema.storage });
    const started = performance.now();
    const lib = await idm.importIdentities(
      (function* () {
        for (let i = 0; i < LINES; i++) yield body(i, "u");
      })(),
    );
    const libSeconds = (performance.now() - started) / 1000;
    if (lib.failed > 0) throw new Error(`importIdentities failed ${lib.failed}`);

    // Resume: interrupt at about a third, run again, count.
    const resumeFile = join(dir, "resume.ndjson");
    const resumeLines = Math.min(LINES, 200_000);
    await writeFile(resumeFile, resumeLines, "r");
    const resumeSchema = await schemas.fresh();
    const args = ["import", "--from", "idkit", resumeFile, "--db-schema", resumeSchema.name];
    const first = await runCli(args, Math.floor(resumeLines / 3));
    const second = await runCli(args);
    const { rows } = await pool.query<{ n: string; distinct_ids: string }>(
      `SELECT count(*) AS n, count(DISTINCT external_id) AS distinct_ids FROM ${resumeSchema.t.identities}`,
    );
    const resumed = first.code === 130 && second.code === 0 && Number(rows[0]?.n) === resumeLines;
    if (!resumed || rows[0]?.n !== rows[0]?.distinct_ids)
      throw new Error(`resume check failed: ${first.code}, ${second.code}, ${JSON.stringify(rows[0])}`);

    return {
      lines: LINES,
      cli_identities_per_s: round(LINES / cli.seconds, 0),
      library_identities_per_s: round(LINES / libSeconds, 0),
      cli_vs_library_rate: round(libSeconds / cli.seconds, 3),
      cli_peak_rss_mb: peakMb(cli.stderr),
      resume_lines: resumeLines,
      resume_interrupted_exit: first.code ?? -1,
      resume_rerun_peak_rss_mb: peakMb(second.stderr),
      resume_rows_after: Number(rows[0]?.n),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await schemas.dropAll();
    await pool.end();
  }
}
