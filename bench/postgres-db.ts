/**
 * Helpers of the PostgreSQL benchmark (`postgres.bench.ts`): fresh schemas `idkit_bench_<random>` on the real
 * server, and the raw side of its ratios — the adapter's own `unnest` INSERT statements sent through the same
 * `pg` pool, one transaction per chunk, with no idkit logic around them.
 */
import { randomBytes } from "node:crypto";
import type { StoredIdentity } from "idkit";
import { fromPgPool, PostgresStorage, type SqlExecutor } from "idkit/postgres";
import type pg from "pg";
import { tables, type WriteStatements, writeStatements } from "../src/postgres/identity-sql.js";
import { columnCast, IDENTITY_COLUMNS, identityParams } from "../src/postgres/rows.js";

export const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** One row of `idkit_identity_keys`. */
export interface KeyRow {
  key: string;
  identity_id: string;
  kind: string;
}

/** A fresh, migrated schema with a storage on it and the adapter's write statements for its tables. */
export interface BenchSchema {
  name: string;
  storage: PostgresStorage;
  sql: WriteStatements;
  /** Qualified table names. */
  t: ReturnType<typeof tables>;
}

/** Creates fresh schemas and drops them again (`drop`, or all of them with `dropAll` at the end of the run). */
export class Schemas {
  readonly #made = new Set<string>();
  constructor(readonly pool: pg.Pool) {}

  /** A new migrated schema; `wrap` may wrap the executor (e.g. to record the SQL the storage sends). */
  async fresh(wrap: (e: SqlExecutor) => SqlExecutor = (e) => e): Promise<BenchSchema> {
    const name = `idkit_bench_${randomBytes(6).toString("hex")}`;
    await this.pool.query(`CREATE SCHEMA ${name}`);
    this.#made.add(name);
    const storage = new PostgresStorage(wrap(fromPgPool(this.pool)), { schema: name });
    await storage.migrate();
    const t = tables(name);
    return { name, storage, sql: writeStatements(t), t };
  }

  async drop(name: string): Promise<void> {
    await this.pool.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    this.#made.delete(name);
  }

  async dropAll(): Promise<void> {
    for (const name of [...this.#made]) await this.drop(name);
  }
}

/** The identity columns as text arrays, one per column: the adapter's own {@link identityParams}, transposed. */
export function identityColumns(rows: readonly StoredIdentity[]): Array<Array<string | null>> {
  const params = rows.map(identityParams);
  return IDENTITY_COLUMNS.map((_, c) => params.map((p) => p[c] ?? null));
}

/** Columns as from {@link identityColumns} back into the JSON document of rows the adapter's INSERT takes. */
export function columnsDocument(columns: ReadonlyArray<ReadonlyArray<string | null>>): string {
  const count = columns[0]?.length ?? 0;
  const rows: Array<Record<string, unknown>> = [];
  for (let j = 0; j < count; j++) {
    const row: Record<string, unknown> = {};
    IDENTITY_COLUMNS.forEach((c, i) => {
      const v = columns[i]?.[j] ?? null;
      row[c] = columnCast(c) === "jsonb" && v !== null ? JSON.parse(v) : v;
    });
    rows.push(row);
  }
  return JSON.stringify(rows);
}

/**
 * Inserts one chunk in one transaction with the adapter's own statements (the identities as one JSON document,
 * then their keys with `unnest`), nothing else. `document` is `JSON.stringify(rows)`. Returns how many identity
 * rows were inserted.
 */
export async function rawInsert(
  pool: pg.Pool,
  sql: WriteStatements,
  document: string,
  keys: readonly KeyRow[],
): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const inserted = await client.query(sql.insertIdentities, [document]);
    await client.query(sql.insertKeys, [
      keys.map((k) => k.key),
      keys.map((k) => k.identity_id),
      keys.map((k) => k.kind),
    ]);
    await client.query("COMMIT");
    return inserted.rows.length;
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
}

/** Why the server cannot be used, or undefined when it answers. */
export async function serverUnavailable(Client: typeof pg.Client): Promise<string | undefined> {
  const client = new Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3000 });
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

/** Per-call latencies (ms) of `a` and `b`, called alternately (A-B, then B-A, …) after `warmup` calls each. */
export async function alternate(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  calls: number,
  warmup: number,
): Promise<{ a: number[]; b: number[] }> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const out = { a: [] as number[], b: [] as number[] };
  const timed = async (side: "a" | "b") => {
    const t0 = performance.now();
    await (side === "a" ? a : b)();
    out[side].push(performance.now() - t0);
  };
  for (let i = 0; i < calls; i++) {
    for (const side of i % 2 === 0 ? (["a", "b"] as const) : (["b", "a"] as const)) await timed(side);
  }
  return out;
}

/** Peak RSS (MiB) while `fn` runs, sampled every 5 ms, with the RSS before it. */
export async function withPeakRss<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; baseMb: number; peakMb: number }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, baseMb: base / 2 ** 20, peakMb: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}
