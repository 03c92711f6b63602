/**
 * The PostgreSQL adapter on the real server (DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test); every
 * figure is a ratio measured in the same run, every table lives in a fresh schema `idkit_bench_<random>` dropped at
 * the end.
 *
 * 1. `import_*`: 100k pre-hashed identities (preset://email: a password, webauthn and code identifier, a verifiable
 *    and a recovery address — 5 keys each; one argon2id hash made once and reused) through
 *    `idm.importIdentities(source, { batchSize: 1000 })` ÷ a raw batched INSERT of the same stored rows (read back
 *    from idkit's tables, keys included) into another fresh schema, 1000 per transaction, with the adapter's own
 *    `unnest` statements and nothing else. Rounds idkit, raw, raw, idkit, each into its own schema;
 *    `import_ratio` = idkit identities/s ÷ raw identities/s over both rounds (goal ≥ 0.5; goal ≥ 20k/s for idkit).
 *    `import_peak_rss_mb`: the process's peak RSS during the first idkit round.
 * 2. `adapter_*` (postgres-adapter.ts): `insertIdentities` alone, 1000 ready records per call, 100k ÷ a raw batched
 *    INSERT of the same rows (the adapter's one-statement write; `adapter_raw_tx_*`: BEGIN, the two ON CONFLICT
 *    statements, COMMIT). Goal ≥ 30k/s.
 * 3. `list_*` / `lookup_*` (postgres-list.ts): `listIdentities({ pageSize: 100 })` at 1M ÷ at 1k identities, ratio of
 *    median latencies (goal ≤ 2): first page, pages at random positions, the last page; a
 *    `credentialsIdentifier` lookup the same way. EXPLAIN (ANALYZE, BUFFERS) of each query at 1M goes to stderr.
 * 4. `login_*`: `authenticatePassword` on PostgreSQL ÷ on MemoryStorage (the same argon2id hash, library default
 *    parameters, no rehash), calls alternated, ratio of the mean latencies (goal ≤ 1.1). `login_pg_lookup_*`: the
 *    credential lookup alone, the one round trip a login adds on PostgreSQL. `load_avg_1m`: the machine's load
 *    at the end (other processes stretch every round trip to the server).
 *
 * BENCH_PG_SCALE (default 1) multiplies the 100k and 1M counts; BENCH_PG_PARTS (default
 * `import,adapter,list,login`) selects parts. 3–8 minutes at scale 1 on a 2-core machine, depending on its load.
 * Without a server it prints why on stderr and returns `{ skipped: 1 }`.
 */
import os from "node:os";
import { type CreateIdentityBody, IdentityManager } from "idkit";
import pg from "pg";
import { tables } from "../src/postgres/identity-sql.js";
import { IDENTITY_SELECT, identityFromRow } from "../src/postgres/rows.js";
import { adapterPart } from "./postgres-adapter.js";
import {
  alternate,
  DATABASE_URL,
  type KeyRow,
  rawInsert,
  Schemas,
  serverUnavailable,
  withPeakRss,
} from "./postgres-db.js";
import { listPart } from "./postgres-list.js";
import { check, median, round } from "./util.js";

const SCALE = Number(process.env.BENCH_PG_SCALE ?? 1);
const PARTS = (process.env.BENCH_PG_PARTS ?? "import,adapter,list,login").split(",");
const IMPORT_TOTAL = Math.max(1000, Math.round(100_000 * SCALE));
const LIST_LARGE = Math.max(2000, Math.round(1_000_000 * SCALE));
const LIST_SMALL = 1000;
const BATCH = 1000;
const LOGINS = 100;
const PASSWORD = "correct horse battery staple";

function* bodies(total: number, hash: string): Generator<CreateIdentityBody> {
  for (let i = 0; i < total; i++) {
    yield {
      schema_id: "preset://email",
      traits: { email: `User.${i}@Example.org` },
      credentials: { password: { config: { hashed_password: hash } } },
      metadata_public: { plan: "free", imported: true },
    };
  }
}

/** idkit's import of `total` identities into a fresh schema; returns its time and the schema. */
async function idkitImport(schemas: Schemas, hash: string, total: number) {
  const schema = await schemas.fresh();
  const idm = new IdentityManager({ storage: schema.storage });
  await idm.listIdentities({ pageSize: 1 }); // adapter initialised (schema version checked) before the clock
  const t0 = performance.now();
  const result = await idm.importIdentities(bodies(total, hash), { batchSize: BATCH });
  const ms = performance.now() - t0;
  check(result.created === total && result.failed === 0, `idkit imported ${result.created} of ${total}`);
  return { ms, schema };
}

/** The stored rows of a schema (identities in id order, their keys), grouped in chunks of {@link BATCH}. */
async function readBack(schemas: Schemas, name: string) {
  const own = tables(name);
  const identities = (
    await schemas.pool.query(`SELECT ${IDENTITY_SELECT} FROM ${own.identities} i ORDER BY i.id`)
  ).rows.map(identityFromRow);
  const keys = (
    await schemas.pool.query<KeyRow>(
      `SELECT encode(key, 'hex') AS key, identity_id::text AS identity_id, kind FROM ${own.keys}`,
    )
  ).rows;
  const byIdentity = new Map<string, KeyRow[]>();
  for (const k of keys) byIdentity.set(k.identity_id, [...(byIdentity.get(k.identity_id) ?? []), k]);
  const chunks = [];
  for (let i = 0; i < identities.length; i += BATCH) {
    const rows = identities.slice(i, i + BATCH);
    chunks.push({ rows, keys: rows.flatMap((r) => byIdentity.get(r.id) ?? []) });
  }
  return { chunks, keyCount: keys.length };
}

/** The raw side: the chunks inserted into a fresh schema, one transaction each, sequentially. */
async function rawImport(schemas: Schemas, chunks: Awaited<ReturnType<typeof readBack>>["chunks"]) {
  const schema = await schemas.fresh();
  let inserted = 0;
  const t0 = performance.now();
  for (const c of chunks)
    inserted += await rawInsert(schemas.pool, schema.sql, JSON.stringify(c.rows), c.keys);
  const ms = performance.now() - t0;
  check(inserted === chunks.reduce((n, c) => n + c.rows.length, 0), "raw inserted every row");
  await schemas.drop(schema.name);
  return ms;
}

async function importPart(schemas: Schemas, hash: string): Promise<Record<string, number>> {
  // Warm-up of both paths (JIT, statement plans, connections), in throwaway schemas.
  const warm = await idkitImport(schemas, hash, 2000);
  await rawImport(schemas, (await readBack(schemas, warm.schema.name)).chunks);
  await schemas.drop(warm.schema.name);

  const first = await withPeakRss(() => idkitImport(schemas, hash, IMPORT_TOTAL));
  const { chunks, keyCount } = await readBack(schemas, first.value.schema.name);
  check(keyCount === IMPORT_TOTAL * 5, `5 keys an identity (got ${keyCount})`);
  await schemas.drop(first.value.schema.name);
  const raw1 = await rawImport(schemas, chunks);
  const raw2 = await rawImport(schemas, chunks);
  const second = await idkitImport(schemas, hash, IMPORT_TOTAL);
  await schemas.drop(second.schema.name);
  const idkitMs = (first.value.ms + second.ms) / 2;
  const rawMs = (raw1 + raw2) / 2;
  const perS = (ms: number) => Math.round(IMPORT_TOTAL / (ms / 1000));
  return {
    import_n: IMPORT_TOTAL,
    import_idkit_per_s: perS(idkitMs),
    import_idkit_round_per_s_min: perS(Math.max(first.value.ms, second.ms)),
    import_raw_per_s: perS(rawMs),
    import_ratio: round(rawMs / idkitMs),
    import_ratio_round1: round(raw1 / first.value.ms),
    import_ratio_round2: round(raw2 / second.ms),
    import_peak_rss_mb: round(first.peakMb, 1),
    import_rss_growth_mb: round(first.peakMb - first.baseMb, 1),
  };
}

async function loginPart(schemas: Schemas, hash: string): Promise<Record<string, number>> {
  const schema = await schemas.fresh();
  const onPg = new IdentityManager({ storage: schema.storage });
  const inMemory = new IdentityManager();
  check(!inMemory.passwordHasher.needsRehash(hash), "the stored hash must not trigger a rehash");
  const identifier = "login.bench@example.org";
  for (const idm of [onPg, inMemory]) {
    await idm.createIdentity({
      schema_id: "preset://email",
      traits: { email: identifier },
      credentials: { password: { config: { hashed_password: hash } } },
    });
  }
  const login = (idm: IdentityManager) => async () => {
    const who = await idm.authenticatePassword({ identifier, password: PASSWORD });
    check(who.traits !== null, "login must succeed");
  };
  const { a, b } = await alternate(login(onPg), login(inMemory), LOGINS, 5);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  // Diagnostic: the one round trip a login adds on PostgreSQL (the credential lookup), alone.
  const lookup = await alternate(
    () => schema.storage.findIdentityByCredentialIdentifier("password", identifier),
    async () => {},
    LOGINS,
    5,
  );
  await schemas.drop(schema.name);
  return {
    login_pg_mean_ms: round(mean(a)),
    login_memory_mean_ms: round(mean(b)),
    login_ratio: round(mean(a) / mean(b)),
    login_median_ratio: round(median(a) / median(b)),
    login_pg_lookup_mean_ms: round(mean(lookup.a)),
    login_pg_lookup_median_ms: round(median(lookup.a)),
  };
}

const GOALS: Record<string, string> = {
  import_idkit_per_s: "≥ 20000",
  import_ratio: "≥ 0.5",
  adapter_per_s: "≥ 30000",
  adapter_ratio: "(≥ 0.5)",
  list_first_ratio: "≤ 2",
  list_random_ratio: "≤ 2",
  list_last_ratio: "≤ 2",
  lookup_ratio: "(≤ 2)",
  login_ratio: "≤ 1.1",
};

function printTable(figures: Record<string, number>): void {
  const lines = Object.entries(figures).map(
    ([k, v]) => `${k.padEnd(32)} ${String(v).padStart(12)}  ${GOALS[k] ?? ""}`,
  );
  process.stderr.write(`\nPostgreSQL bench (${DATABASE_URL.replace(/\/\/[^@]*@/, "//")}, scale ${SCALE})\n`);
  process.stderr.write(`${"figure".padEnd(32)} ${"value".padStart(12)}  goal\n${lines.join("\n")}\n\n`);
}

export async function postgresBenchmark(): Promise<Record<string, number>> {
  const reason = await serverUnavailable(pg.Client);
  if (reason !== undefined) {
    process.stderr.write(`[idkit] PostgreSQL bench SKIPPED: ${reason}\n`);
    return { skipped: 1 };
  }
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
  const schemas = new Schemas(pool);
  const explain: string[] = [];
  try {
    const hash = await new IdentityManager().passwordHasher.hash(PASSWORD);
    const out: Record<string, number> = {};
    if (PARTS.includes("import")) Object.assign(out, await importPart(schemas, hash));
    if (PARTS.includes("adapter")) Object.assign(out, await adapterPart(schemas, hash, IMPORT_TOTAL));
    if (PARTS.includes("list"))
      Object.assign(out, await listPart(schemas, hash, LIST_LARGE, LIST_SMALL, explain));
    if (PARTS.includes("login")) Object.assign(out, await loginPart(schemas, hash));
    if (explain.length > 0) process.stderr.write(`\n${explain.join("\n\n")}\n`);
    out.load_avg_1m = round(os.loadavg()[0] ?? 0, 2); // other processes' load: it stretches every round trip
    printTable(out);
    return out;
  } finally {
    await schemas.dropAll();
    await pool.end();
  }
}
