/**
 * `idkit/postgres`: the PostgreSQL storage adapter (also PGlite, CockroachDB and other PostgreSQL-compatible
 * engines), over a structural SQL executor.
 *
 * @module
 */
export {
  fromPGlite,
  fromPgPool,
  type PGliteLike,
  type PgClientLike,
  type PgNamedQuery,
  type PgPoolLike,
  type PgPoolOptions,
  type SqlExecutor,
  type SqlQueryable,
  type SqlQueryOptions,
  type SqlResult,
} from "./executor.js";
export { MIGRATIONS, type Migration, SCHEMA_VERSION } from "./migrations.js";
export { PostgresStorage, type PostgresStorageOptions } from "./postgres-storage.js";
export type { RetryOptions } from "./retry.js";
