import type { StoredIdentity } from "../identity/identity.js";
import { uniqueKeyConflict } from "../storage/conflict-error.js";
import type { SqlQueryable, SqlQueryOptions } from "./executor.js";
import { columnCast, IDENTITY_COLUMNS, identityParams, type UniqueKey, uniqueKeys } from "./rows.js";

/** The options of idkit's fixed statements: an executor may prepare them once per connection. */
export const PREPARED: SqlQueryOptions = Object.freeze({ prepare: true });
/** The options of a statement whose text varies (not worth a prepared statement each). */
export const AD_HOC: SqlQueryOptions = Object.freeze({});

/** Qualified table names (`schema.table`, or bare names on the search path). */
export interface Tables {
  identities: string;
  keys: string;
  tokens: string;
  migrations: string;
  apiKeys: string;
}

/** The table names, in `schema` when given (validated: lower-case letters, digits, underscores). */
export function tables(schema: string | undefined): Tables {
  const q = (name: string) => (schema === undefined ? name : `"${schema}".${name}`);
  return {
    identities: q("idkit_identities"),
    keys: q("idkit_identity_keys"),
    tokens: q("idkit_flow_tokens"),
    migrations: q("idkit_migrations"),
    apiKeys: q("idkit_api_keys"),
  };
}

const COLUMN_LIST = IDENTITY_COLUMNS.join(", ");
/** The identity rows of the JSON document `$1` (an array of stored identities). */
const ROWS_OF_DOCUMENT = `SELECT ${IDENTITY_COLUMNS.map((c) => (columnCast(c) === "jsonb" ? `e->'${c}'` : `(e->>'${c}')::${columnCast(c)}`)).join(", ")}
  FROM jsonb_array_elements($1::jsonb) AS e`;
/**
 * Key rows from three parallel text arrays: hex digests, identity ids, kinds. Inserted in digest order (bytes,
 * whatever the collation): concurrent batches then lock shared keys in the same order and cannot deadlock on them
 * (in batch order, two overlapping batches each waited for the other).
 */
const KEYS_OF_ARRAYS = (keys: string, ids: string, kinds: string) =>
  `SELECT decode(t.key, 'hex'), t.identity_id::uuid, t.kind
  FROM unnest(${keys}::text[], ${ids}::text[], ${kinds}::text[]) AS t(key, identity_id, kind) ORDER BY 1`;

/** The write statements for one set of tables, built once per storage. */
export function writeStatements(t: Tables) {
  return {
    // One JSON document per batch (the identities themselves): one JSON.stringify, no per-element escaping of
    // array literals by the driver, and JSONB members extracted by the server.
    insertIdentities: `INSERT INTO ${t.identities} (${COLUMN_LIST}) ${ROWS_OF_DOCUMENT}
  ON CONFLICT (id) DO NOTHING
  RETURNING id::text AS id`,
    insertKeys: `INSERT INTO ${t.keys} (key, identity_id, kind) ${KEYS_OF_ARRAYS("$1", "$2", "$3")}
  ON CONFLICT (key) DO NOTHING
  RETURNING encode(key, 'hex') AS key`,
    // A whole batch in one statement (so one round trip, and atomic without BEGIN/COMMIT): the rows, then their
    // keys, plain INSERTs. Any taken id or key fails the whole statement (23505) before anything is visible; the
    // caller then writes the batch with the statements above, which say who conflicts. The keys' foreign key is
    // checked at the end of the statement, when the rows of the WITH are in (PostgreSQL and CockroachDB alike).
    insertAtOnce: `WITH rows AS (INSERT INTO ${t.identities} (${COLUMN_LIST}) ${ROWS_OF_DOCUMENT})
  INSERT INTO ${t.keys} (key, identity_id, kind) ${KEYS_OF_ARRAYS("$2", "$3", "$4")}`,
    /** Claims keys for one identity: new keys inserted, keys it holds kept; others' keys are not returned. */
    claimKeys: `INSERT INTO ${t.keys} (key, identity_id, kind)
  SELECT decode(t.key, 'hex'), $2::uuid, t.kind FROM unnest($1::text[], $3::text[]) AS t(key, kind)
  ON CONFLICT (key) DO UPDATE SET kind = excluded.kind WHERE ${t.keys}.identity_id = excluded.identity_id
  RETURNING encode(key, 'hex') AS key`,
    updateIdentity: `UPDATE ${t.identities} SET ${IDENTITY_COLUMNS.slice(1)
      .map((c, i) => `${c} = $${i + 2}::${columnCast(c)}`)
      .join(", ")}
  WHERE id = $1::uuid AND ($${IDENTITY_COLUMNS.length + 1}::text IS NULL OR updated_at = $${IDENTITY_COLUMNS.length + 1}::text)
  RETURNING id`,
    identityExists: `SELECT 1 FROM ${t.identities} WHERE id = $1::uuid`,
    releaseKeys: `DELETE FROM ${t.keys} WHERE identity_id = $1::uuid
  AND key NOT IN (SELECT decode(h, 'hex') FROM unnest($2::text[]) AS h)`,
    deleteIdentities: `DELETE FROM ${t.identities} WHERE id = ANY($1::uuid[])`,
  };
}

/** The statements of identity writes (batches and {@link replaceIdentity}). */
export type WriteStatements = ReturnType<typeof writeStatements>;

/** The first key of `keys` that repeats an earlier one (an identity cannot hold one key twice). */
export function repeatedKey(keys: readonly UniqueKey[]): UniqueKey | undefined {
  if (keys.length <= 8) {
    // A handful (an email identity has 5): pairwise, without a Set per identity.
    for (let i = 1; i < keys.length; i++) {
      const digest = (keys[i] as UniqueKey).digest;
      for (let j = 0; j < i; j++) if ((keys[j] as UniqueKey).digest === digest) return keys[i];
    }
    return undefined;
  }
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.size === seen.add(key.digest).size) return key;
  }
  return undefined;
}

/**
 * Replaces an identity by compare-and-set (`updated_at` compared as text) and moves its uniqueness keys: keys it
 * no longer holds are released, new ones claimed; a key held by another identity throws `identity_conflict`
 * (the caller's transaction then rolls back, so nothing is written).
 */
export async function replaceIdentity(
  tx: SqlQueryable,
  sql: WriteStatements,
  identity: StoredIdentity,
  expectedUpdatedAt: string | undefined,
): Promise<"ok" | "stale" | "not_found"> {
  const keys = uniqueKeys(identity);
  const repeated = repeatedKey(keys);
  if (repeated) throw uniqueKeyConflict(repeated.kind, repeated.scope, repeated.value);
  const params = identityParams(identity);
  const updated = await tx.query(sql.updateIdentity, [...params, expectedUpdatedAt ?? null], PREPARED);
  if (updated.rows.length === 0) {
    const exists = await tx.query(sql.identityExists, [identity.id], PREPARED);
    return exists.rows.length === 0 ? "not_found" : "stale";
  }
  const sorted = [...keys].sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
  const digests = sorted.map((k) => k.digest);
  await tx.query(sql.releaseKeys, [identity.id, digests], PREPARED);
  if (keys.length === 0) return "ok";
  const claimed = await tx.query<{ key: string }>(
    sql.claimKeys,
    [digests, identity.id, sorted.map((k) => k.kind)],
    PREPARED,
  );
  const held = new Set(claimed.rows.map((r) => r.key));
  const taken = keys.find((k) => !held.has(k.digest));
  if (taken) throw uniqueKeyConflict(taken.kind, taken.scope, taken.value);
  return "ok";
}
