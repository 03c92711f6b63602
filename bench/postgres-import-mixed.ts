/**
 * Issue 8 acceptance at scale: a streaming import of mixed rows into the real PostgreSQL server — pre-hashed (bcrypt),
 * clear-text (hashed by the library with cheap argon2id parameters, so hashing does not swamp the run), conflicts
 * with earlier rows, invalid rows and non-objects — checked against the exact set of failing indices, with the
 * peak RSS of the process for 100k and for 1M rows (bounded memory: about equal).
 *
 * Run: `npx tsx bench/postgres-import-mixed.ts [count...]` (default 100000 1000000). Each count runs in a fresh
 * child process in a fresh schema, dropped afterwards. Needs a server (DATABASE_URL, else 127.0.0.1:5432/test).
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { IdentityManager } from "idkit";
import { fromPgPool, PostgresStorage } from "idkit/postgres";
import pg from "pg";

const URL_ = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const HASH = "$2a$04$4l3OT6GtzDvZ7V1Mcr0vteYzF9fFu8tk8khuXP8fyhvEiS5RPMS/q";

/** Row i and whether it must fail: 1 in 100 clear-text, 2 in 100 conflicts, 1 in 100 invalid, 1 in 100 non-object. */
function row(i: number): [unknown, boolean] {
  const email = `user${i}@example.org`;
  switch (i % 100) {
    case 10:
      return [
        { traits: { email }, credentials: { password: { config: { password: `passphrase ${i} ok!` } } } },
        false,
      ];
    case 20:
    case 70:
      return [{ traits: { email: `USER${i - 3}@example.org` } }, true];
    case 30:
      return [{ traits: { email: "not an email" } }, true];
    case 40:
      return ["not an object", true];
    default:
      return [
        {
          traits: { email },
          metadata_public: { n: i },
          credentials: { password: { config: { hashed_password: HASH } } },
        },
        false,
      ];
  }
}

async function child(count: number): Promise<void> {
  const pool = new pg.Pool({ connectionString: URL_, max: 8 });
  const schema = `idkit_bench_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  await pool.query(`CREATE SCHEMA ${schema}`);
  try {
    const storage = new PostgresStorage(fromPgPool(pool), { schema });
    await storage.migrate();
    const idm = new IdentityManager({
      storage,
      hashing: { algorithm: "argon2id", argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 } },
    });
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    function* source() {
      for (let i = 0; i < count; i++) yield row(i)[0];
    }
    const started = performance.now();
    const result = await idm.importIdentities(source() as never, { batchSize: 1000, concurrency: 2 });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const expected: number[] = [];
    for (let i = 0; i < count; i++) if (row(i)[1]) expected.push(i);
    const got = result.errors.map((e) => e.index);
    const exact = got.length === expected.length && got.every((v, k) => v === expected[k]);
    const stored = await pool.query(`SELECT count(*)::int AS n FROM ${schema}.idkit_identities`);
    process.stdout.write(
      `${JSON.stringify({
        count,
        processed: result.processed,
        created: result.created,
        failed: result.failed,
        exactFailingIndices: exact,
        stored: stored.rows[0].n,
        seconds: Math.round(seconds * 10) / 10,
        perSecond: Math.round(count / seconds),
        peakRssMiB: Math.round(peak / 2 ** 20),
      })}\n`,
    );
  } finally {
    await pool.query(`DROP SCHEMA ${schema} CASCADE`);
    await pool.end();
  }
}

if (process.argv[2] === "--child") {
  await child(Number(process.argv[3]));
} else {
  const counts = process.argv.slice(2).map(Number);
  for (const count of counts.length ? counts : [100_000, 1_000_000]) {
    const out = spawnSync(
      process.execPath,
      ["--import", "tsx", fileURLToPath(import.meta.url), "--child", String(count)],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    if (out.status !== 0) throw new Error(`child for ${count} failed`);
    console.log(out.stdout.trim());
  }
}
