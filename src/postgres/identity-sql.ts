import type { StoredIdentity } from "../identity/identity.js";
import { idConflict, uniqueKeyConflict } from "../storage/conflict-error.js";
import type { InsertOutcome } from "../storage/storage-adapter.js";
import type { SqlQueryable, SqlQueryOptions } from "./executor.js";
import { columnCast, IDENTITY_COLUMNS, identityParams, type UniqueKey, uniqueKeys } from "./rows.js";

/** An identity of a batch with its keys, computed once. */
export interface Entry {
  index: number;
  identity: StoredIdentity;
  keys: UniqueKey[];
}

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

/** The write statements for one set of tables, built once per storage. */
export function writeStatements(t: Tables) {
  return {
    // One JSON document per batch (the identities themselves): one JSON.stringify, no per-element escaping of
    // array literals by the driver, and JSONB members extracted by the server.
    insertIdentities: `INSERT INTO ${t.identities} (${COLUMN_LIST})
  SELECT ${IDENTITY_COLUMNS.map((c) => (columnCast(c) === "jsonb" ? `e->'${c}'` : `(e->>'${c}')::${columnCast(c)}`)).join(", ")}
  FROM jsonb_array_elements($1::jsonb) AS e
  ON CONFLICT (id) DO NOTHING
  RETURNING id::text AS id`,
    insertKeys: `INSERT INTO ${t.keys} (key, identity_id, kind)
  SELECT decode(t.key, 'hex'), t.identity_id::uuid, t.kind
  FROM unnest($1::text[], $2::text[], $3::text[]) AS t(key, identity_id, kind)
  ON CONFLICT (key) DO NOTHING
  RETURNING encode(key, 'hex') AS key`,
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

/** The statements {@link insertBatch} and {@link replaceIdentity} run. */
export type WriteStatements = ReturnType<typeof writeStatements>;

/** The first key of `keys` that repeats an earlier one (an identity cannot hold one key twice). */
function repeatedKey(keys: readonly UniqueKey[]): UniqueKey | undefined {
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.size === seen.add(key.digest).size) return key;
  }
  return undefined;
}

/**
 * Splits a batch into rounds so that no two identities of one round share a key or an id: an identity goes one
 * round after the last earlier identity it shares one with. Inside a round every conflict is therefore with
 * stored data, and the batch behaves as if its identities were inserted one by one, in order.
 */
function rounds(entries: readonly Entry[]): Entry[][] {
  const roundOf = new Map<string, number>();
  const out: Entry[][] = [];
  for (const entry of entries) {
    const marks = [`id:${entry.identity.id}`, ...entry.keys.map((k) => k.digest)];
    let round = 0;
    for (const mark of marks) round = Math.max(round, (roundOf.get(mark) ?? -1) + 1);
    for (const mark of marks) roundOf.set(mark, round);
    const bucket = out[round] ?? [];
    out[round] = bucket;
    bucket.push(entry);
  }
  return out;
}

/** True (and the outcome set) when `entry` takes an id or key an inserted identity of its batch holds. */
function clashesWithBatch(
  entry: Entry,
  held: ReadonlyMap<string, UniqueKey | "id">,
  outcomes: InsertOutcome[],
): boolean {
  if (held.has(`id:${entry.identity.id}`)) {
    outcomes[entry.index] = idConflict(entry.identity.id);
    return true;
  }
  const key = entry.keys.find((k) => held.has(k.digest));
  if (key === undefined) return false;
  outcomes[entry.index] = uniqueKeyConflict(key.kind, key.scope, key.value);
  return true;
}

/** A batch ready to write: the entries to insert (keys and documents computed before the transaction opens). */
export interface PreparedBatch {
  outcomes: InsertOutcome[];
  /** Rounds of entries sharing no key or id with each other; the first round's identities as one JSON document. */
  rounds: Entry[][];
  first: string;
}

/**
 * Computes a batch's uniqueness keys, its rounds and their JSON documents, outside any transaction (so this work
 * overlaps the database's, and a retried transaction does not redo it). An identity holding one key twice fails
 * here.
 */
export function prepareBatch(identities: readonly StoredIdentity[]): PreparedBatch {
  const outcomes: InsertOutcome[] = identities.map(() => null);
  const entries: Entry[] = [];
  identities.forEach((identity, index) => {
    const keys = uniqueKeys(identity);
    const repeated = repeatedKey(keys);
    if (repeated) outcomes[index] = uniqueKeyConflict(repeated.kind, repeated.scope, repeated.value);
    else entries.push({ index, identity, keys });
  });
  const split = rounds(entries);
  return { outcomes, rounds: split, first: JSON.stringify((split[0] ?? []).map((e) => e.identity)) };
}

/**
 * Inserts a prepared batch inside one transaction with multi-row statements, each identity standing alone: per
 * round, all identity rows (one JSON document), then all their keys (`unnest`) with `ON CONFLICT DO NOTHING`; an
 * identity that did not get its row or every key is deleted again (its keys go with it, `ON DELETE CASCADE`) and
 * reported as a conflict.
 */
export async function insertBatch(tx: SqlQueryable, sql: WriteStatements, batch: PreparedBatch) {
  const outcomes = [...batch.outcomes];
  /** Ids and keys taken by identities of this batch already inserted. */
  const held = new Map<string, UniqueKey | "id">();
  for (const [r, all] of batch.rounds.entries()) {
    // A later round's identity that repeats a key of an inserted earlier one fails here, without a statement:
    // only those whose earlier rival failed reach the database.
    const round = r === 0 ? all : all.filter((e) => !clashesWithBatch(e, held, outcomes));
    if (round.length === 0) continue;
    const document = r === 0 ? batch.first : JSON.stringify(round.map((e) => e.identity));
    const inserted = new Set(
      (await tx.query<{ id: string }>(sql.insertIdentities, [document], PREPARED)).rows.map((r) => r.id),
    );
    const placed = round.filter((e) => inserted.has(e.identity.id));
    for (const e of round) if (!inserted.has(e.identity.id)) outcomes[e.index] = idConflict(e.identity.id);
    // Keys are claimed in digest order: concurrent batches then lock shared keys in the same order and cannot
    // deadlock on them (in batch order, two overlapping batches each waited for the other).
    const keys = placed
      .flatMap((e) => e.keys.map((k) => [k.digest, e.identity.id, k.kind] as const))
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    if (keys.length === 0) continue;
    const claimed = new Set(
      (
        await tx.query<{ key: string }>(
          sql.insertKeys,
          [keys.map((k) => k[0]), keys.map((k) => k[1]), keys.map((k) => k[2])],
          PREPARED,
        )
      ).rows.map((r) => r.key),
    );
    const undo: string[] = [];
    for (const e of placed) {
      const taken = e.keys.find((k) => !claimed.has(k.digest));
      if (taken === undefined) continue;
      outcomes[e.index] = uniqueKeyConflict(taken.kind, taken.scope, taken.value);
      undo.push(e.identity.id);
    }
    if (undo.length > 0) await tx.query(sql.deleteIdentities, [undo], PREPARED);
    for (const e of placed) {
      if (outcomes[e.index] !== null) continue;
      held.set(`id:${e.identity.id}`, "id");
      for (const k of e.keys) held.set(k.digest, k);
    }
  }
  return outcomes;
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
