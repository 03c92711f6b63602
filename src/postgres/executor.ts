/**
 * The structural SQL executor {@link PostgresStorage} runs on: anything that can run a parameterised statement
 * and a transaction. `fromPgPool` and `fromPGlite` adapt the two drivers idkit is tested with; any other driver
 * (postgres.js, a Cloudflare Hyperdrive client, a Kysely or Drizzle connection) fits the same two methods.
 */
import { createHash } from "node:crypto";
import { IdentityError } from "../errors/index.js";
import { readConfiguration } from "../json/arguments.js";
import { methodsOf } from "./configure.js";

/** What one statement returns: its rows (objects keyed by column name). */
export interface SqlResult<Row = Record<string, unknown>> {
  rows: Row[];
}

/** How idkit runs one statement; an executor may ignore any of it. */
export interface SqlQueryOptions {
  /**
   * The statement's text is one of idkit's fixed statements, run again and again with other parameters: the
   * executor may prepare it once per connection (a named prepared statement) and only bind and execute it
   * afterwards, saving the server's parse and plan. Executors that cannot prepare run it as usual.
   */
  prepare?: boolean;
}

/** Runs one parameterised statement (`$1`, `$2`, ... placeholders, PostgreSQL style). */
export interface SqlQueryable {
  query<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    options?: SqlQueryOptions,
  ): Promise<SqlResult<Row>>;
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

/** A named statement in `pg`'s query config form (`{ name, text, values }`). */
export interface PgNamedQuery {
  name: string;
  text: string;
  values: unknown[];
}

/** The part of a `pg` `Pool` that {@link fromPgPool} uses. */
export interface PgPoolLike {
  /** Not called (statements run on checked-out connections); required so that a `pg` `Pool` is recognised. */
  query(sql: string | PgNamedQuery, params?: unknown[]): Promise<{ rows: unknown[] }>;
  connect(): Promise<PgClientLike>;
}

/** The part of a `pg` `PoolClient` that {@link fromPgPool} uses. */
export interface PgClientLike {
  query(sql: string | PgNamedQuery, params?: unknown[]): Promise<{ rows: unknown[] }>;
  release(destroy?: boolean | Error): void;
  /** Listened to while the connection is checked out (a connection that fails is then destroyed). */
  on?(event: "error", listener: (error: Error) => void): unknown;
  removeListener?(event: "error", listener: (error: Error) => void): unknown;
}

/** Options of {@link fromPgPool}. */
export interface PgPoolOptions {
  /**
   * Run idkit's fixed statements as named prepared statements (parsed and planned once per connection; at most
   * 256 distinct statements per pool, further ones run unnamed). Default `true`. Set `false` behind a pooler that does not keep
   * prepared statements across transactions (PgBouncer in transaction mode before 1.21, or with
   * `max_prepared_statements = 0`), or when something runs `DEALLOCATE ALL` / `DISCARD ALL` on the pool's
   * connections.
   */
  preparedStatements?: boolean;
}

/**
 * The most distinct statements `fromPgPool` prepares on one pool (each connection keeps at most these many
 * prepared statements on the server); further statements run unnamed. idkit's adapter has about 25 per schema.
 */
const MAX_PREPARED_STATEMENTS = 256;

/** Statement names per pool (shared by every executor over it, so the bound holds per connection). */
const statementNames = new WeakMap<object, Map<string, string>>();

/** The name `sql` is prepared under on `pool`'s connections, or undefined once the pool holds the maximum. */
function statementName(pool: object, sql: string): string | undefined {
  let names = statementNames.get(pool);
  if (names === undefined) {
    names = new Map();
    statementNames.set(pool, names);
  }
  let name = names.get(sql);
  if (name === undefined) {
    if (names.size >= MAX_PREPARED_STATEMENTS) return undefined;
    // The text's digest: one name always means one text (pg refuses a known name with another text).
    name = `idkit_${createHash("sha256").update(sql).digest("base64url").slice(0, 32)}`;
    names.set(sql, name);
  }
  return name;
}

/** The part of a PGlite instance (`@electric-sql/pglite`) that {@link fromPGlite} uses. */
export interface PGliteLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  transaction<T>(fn: (tx: { query: PGliteLike["query"] }) => Promise<T>): Promise<T>;
}

/**
 * An executor over a `pg` connection pool: a statement checks a connection out and releases it; a transaction
 * checks one out, runs `BEGIN` … `COMMIT` on it, rolls back when the callback throws, and releases it. A
 * connection whose `ROLLBACK` failed, or that failed itself, is destroyed (`release(error)`); one whose
 * statement the server refused (a unique violation, say) goes back to the pool, its prepared statements kept. idkit's fixed statements run as
 * named prepared statements unless `options.preparedStatements` is `false`. The pool stays the caller's: idkit
 * never ends it.
 * @param pool a `pg` `Pool` (or anything with its `query` and `connect`, whose `query` also takes `pg`'s
 *   `{ name, text, values }` form while prepared statements are on).
 * @param options `preparedStatements` (default `true`).
 * @throws IdentityError `invalid_configuration` when `pool` has no `query` and `connect` methods, or for an
 *   unknown or mistyped option.
 */
export function fromPgPool(pool: PgPoolLike, options?: PgPoolOptions): SqlExecutor {
  methodsOf(pool, "pool", ["query", "connect"]);
  const { preparedStatements = true } = readConfiguration(options, "fromPgPool options", [
    "preparedStatements",
  ]);
  if (typeof preparedStatements !== "boolean") {
    throw new IdentityError("invalid_configuration", {
      reason: "fromPgPool options.preparedStatements must be a boolean",
    });
  }
  const run =
    (q: PgClientLike) => async (sql: string, params?: readonly unknown[], options?: SqlQueryOptions) => {
      const values = params === undefined ? [] : [...params];
      const name = preparedStatements && options?.prepare === true ? statementName(pool, sql) : undefined;
      const result = await (name === undefined
        ? q.query(sql, params === undefined ? undefined : values)
        : q.query({ name, text: sql, values }));
      return { rows: result.rows as never[] };
    };
  return {
    // On a checked-out connection, not pool.query: pg's Pool destroys the connection (and the statements prepared
    // on it) after any failed statement, a unique violation included; here only a broken connection goes.
    query: (sql, params, options) =>
      checkedOut(pool, async (client, failed) => {
        try {
          return await run(client)(sql, params, options);
        } catch (error) {
          if (!fromServer(error)) failed(error);
          throw error;
        }
      }),
    transaction: (fn) =>
      checkedOut(pool, async (client, failed) => {
        try {
          await client.query("BEGIN");
          const out = await fn({ query: run(client) });
          await client.query("COMMIT");
          return out;
        } catch (error) {
          try {
            await client.query("ROLLBACK");
          } catch (rollbackError) {
            failed(rollbackError);
          }
          throw error;
        }
      }),
  };
}

/** True for an error the server reported (an ErrorResponse with a SQLSTATE): its connection is still usable. */
function fromServer(error: unknown): boolean {
  try {
    const e = error as { code?: unknown; severity?: unknown } | null;
    return typeof e?.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === "string";
  } catch {
    return false;
  }
}

/**
 * Runs `fn` on a connection checked out of `pool` and releases it; a connection `fn` reports as failed (or that
 * emitted `error` meanwhile: listened to, so a dropped socket cannot become an uncaught `error` event) is
 * destroyed instead of going back to the pool.
 */
async function checkedOut<T>(
  pool: PgPoolLike,
  fn: (client: PgClientLike, failed: (error: unknown) => void) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const failed = (error: unknown) => {
    broken ??= error instanceof Error ? error : new Error("The connection failed.");
  };
  const events = typeof client.on === "function" && typeof client.removeListener === "function";
  if (events) client.on?.("error", failed);
  try {
    return await fn(client, failed);
  } finally {
    if (events) client.removeListener?.("error", failed);
    client.release(broken);
  }
}

/**
 * An executor over a PGlite database (PostgreSQL compiled to WebAssembly, in process): for tests, local
 * development and embedded apps. PGlite has one connection, so transactions run one at a time.
 * @param db a `PGlite` instance (or anything with its `query` and `transaction`).
 * @throws IdentityError `invalid_configuration` when `db` has no `query` and `transaction` methods.
 */
export function fromPGlite(db: PGliteLike): SqlExecutor {
  methodsOf(db, "db", ["query", "transaction"]);
  // PGlite runs in process: a prepared statement would save little, and its query() has no named form.
  const run = (q: { query: PGliteLike["query"] }) => async (sql: string, params?: readonly unknown[]) => {
    const result = await q.query(sql, params === undefined ? undefined : [...params]);
    return { rows: result.rows as never[] };
  };
  return {
    query: run(db),
    transaction: (fn) => db.transaction((tx) => fn({ query: run(tx) })),
  };
}
