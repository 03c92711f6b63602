// Test databases for the PostgreSQL adapter: the real server (DATABASE_URL, else 127.0.0.1:5432 database `test`)
// and PGlite, each adapter in a schema of its own so every test starts empty.
import { randomUUID } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { fromPGlite, fromPgPool, PostgresStorage, type SqlExecutor } from "../../src/postgres/index.js";

export const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A PostgresStorage in a fresh schema; `close()` drops the schema. */
export class TestStorage extends PostgresStorage {
  readonly executor: SqlExecutor;
  readonly schema: string;
  readonly #drop: () => Promise<void>;
  constructor(executor: SqlExecutor, schema: string, drop: () => Promise<void>) {
    super(executor, { schema });
    this.executor = executor;
    this.schema = schema;
    this.#drop = drop;
  }
  override async close(): Promise<void> {
    await this.#drop();
  }
}

/** Why the real server cannot be used, or undefined when it answers (checked once per test file). */
export async function serverUnavailable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return undefined;
  } catch (e) {
    return `no PostgreSQL server at ${DATABASE_URL.replace(/\/\/[^@]*@/, "//")} (${(e as Error).message})`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Prints, outside any test (so it is not a test's console output), why the server run was skipped. */
export function reportSkip(what: string, reason: string): void {
  process.stderr.write(
    `\n[idkit] ${what}: the real PostgreSQL server run was SKIPPED (PGlite ran instead): ${reason}\n`,
  );
}

const schemaName = () => `idkit_t_${randomUUID().replaceAll("-", "").slice(0, 16)}`;

/** Pools of the real server, opened lazily; `endPools()` ends them (call in afterAll). */
const pools = new Map<string, pg.Pool>();
function pool(isolation: "default" | "serializable"): pg.Pool {
  let p = pools.get(isolation);
  if (!p) {
    p = new pg.Pool({
      connectionString: DATABASE_URL,
      max: 20,
      ...(isolation === "serializable" ? { options: "-c default_transaction_isolation=serializable" } : {}),
    });
    pools.set(isolation, p);
  }
  return p;
}

export async function endPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.end()));
}

/** A fresh, migrated adapter on the real server (`serializable`: every transaction SERIALIZABLE). */
export async function serverStorage(isolation: "default" | "serializable" = "default"): Promise<TestStorage> {
  const p = pool(isolation);
  const schema = schemaName();
  await p.query(`CREATE SCHEMA ${schema}`);
  const storage = new TestStorage(fromPgPool(p), schema, async () => {
    await p.query(`DROP SCHEMA ${schema} CASCADE`);
  });
  await storage.migrate();
  return storage;
}

let shared: PGlite | undefined;
/** A fresh, migrated adapter on a PGlite database shared by the test file (one schema per adapter). */
export async function pgliteStorage(): Promise<TestStorage> {
  shared ??= new PGlite();
  const db = shared;
  const schema = schemaName();
  await db.query(`CREATE SCHEMA ${schema}`);
  const storage = new TestStorage(fromPGlite(db), schema, async () => {
    await db.query(`DROP SCHEMA ${schema} CASCADE`);
  });
  await storage.migrate();
  return storage;
}

/**
 * The stores a PostgreSQL test file runs on: PGlite always, the real server when it answers (else the skip and its
 * reason are printed for `file`).
 */
export async function postgresTargets(file: string): Promise<Array<[string, () => Promise<TestStorage>]>> {
  const unavailable = await serverUnavailable();
  if (unavailable) reportSkip(file, unavailable);
  const targets: Array<[string, () => Promise<TestStorage>]> = [["PGlite", pgliteStorage]];
  if (!unavailable) targets.push(["PostgreSQL server", () => serverStorage()]);
  return targets;
}
