/**
 * The structural SQL executor {@link PostgresStorage} runs on: anything that can run a parameterised statement
 * and a transaction. `fromPgPool` and `fromPGlite` adapt the two drivers idkit is tested with; any other driver
 * (postgres.js, a Cloudflare Hyperdrive client, a Kysely or Drizzle connection) fits the same two methods.
 */
import { methodsOf } from "./configure.js";

/** What one statement returns: its rows (objects keyed by column name). */
export interface SqlResult<Row = Record<string, unknown>> {
  rows: Row[];
}

/** Runs one parameterised statement (`$1`, `$2`, ... placeholders, PostgreSQL style). */
export interface SqlQueryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<SqlResult<Row>>;
}

/**
 * A connection source that can also run a transaction: `transaction(fn)` MUST run every `tx.query` of `fn` on
 * one connection between `BEGIN` and `COMMIT`, and `ROLLBACK` when `fn` throws (re-throwing its error). The
 * transaction uses the server's default isolation level (READ COMMITTED on PostgreSQL, SERIALIZABLE on
 * CockroachDB); idkit's statements are correct at both.
 */
export interface SqlExecutor extends SqlQueryable {
  transaction<T>(fn: (tx: SqlQueryable) => Promise<T>): Promise<T>;
}

/** The part of a `pg` `Pool` that {@link fromPgPool} uses. */
export interface PgPoolLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  connect(): Promise<PgClientLike>;
}

/** The part of a `pg` `PoolClient` that {@link fromPgPool} uses. */
export interface PgClientLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  release(destroy?: boolean | Error): void;
}

/** The part of a PGlite instance (`@electric-sql/pglite`) that {@link fromPGlite} uses. */
export interface PGliteLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  transaction<T>(fn: (tx: { query: PGliteLike["query"] }) => Promise<T>): Promise<T>;
}

/**
 * An executor over a `pg` connection pool: statements run on any pooled connection; a transaction checks one
 * connection out, runs `BEGIN` … `COMMIT` on it, rolls back when the callback throws, and releases it (a
 * connection whose `ROLLBACK` failed is destroyed, not returned to the pool). The pool stays the caller's: idkit
 * never ends it.
 * @param pool a `pg` `Pool` (or anything with its `query` and `connect`).
 * @throws IdentityError `invalid_configuration` when `pool` has no `query` and `connect` methods.
 */
export function fromPgPool(pool: PgPoolLike): SqlExecutor {
  methodsOf(pool, "pool", ["query", "connect"]);
  const run = (q: PgPoolLike | PgClientLike) => async (sql: string, params?: readonly unknown[]) => {
    const result = await q.query(sql, params === undefined ? undefined : [...params]);
    return { rows: result.rows as never[] };
  };
  return {
    query: run(pool),
    async transaction(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query("BEGIN");
        const out = await fn({ query: run(client) });
        await client.query("COMMIT");
        return out;
      } catch (error) {
        try {
          await client.query("ROLLBACK");
        } catch (rollbackError) {
          broken = rollbackError instanceof Error ? rollbackError : new Error("ROLLBACK failed");
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
  };
}

/**
 * An executor over a PGlite database (PostgreSQL compiled to WebAssembly, in process): for tests, local
 * development and embedded apps. PGlite has one connection, so transactions run one at a time.
 * @param db a `PGlite` instance (or anything with its `query` and `transaction`).
 * @throws IdentityError `invalid_configuration` when `db` has no `query` and `transaction` methods.
 */
export function fromPGlite(db: PGliteLike): SqlExecutor {
  methodsOf(db, "db", ["query", "transaction"]);
  const run = (q: { query: PGliteLike["query"] }) => async (sql: string, params?: readonly unknown[]) => {
    const result = await q.query(sql, params === undefined ? undefined : [...params]);
    return { rows: result.rows as never[] };
  };
  return {
    query: run(db),
    transaction: (fn) => db.transaction((tx) => fn({ query: run(tx) })),
  };
}
