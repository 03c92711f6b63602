import type { StoredIdentity } from "../identity/identity.js";
import { idConflict, uniqueKeyConflict } from "../storage/conflict-error.js";
import type { InsertOutcome } from "../storage/storage-adapter.js";
import type { SqlQueryable } from "./executor.js";
import { PREPARED, repeatedKey, type WriteStatements } from "./identity-sql.js";
import { type UniqueKey, uniqueKeys } from "./rows.js";

/**
 * PostgresStorage's `insertIdentities`: a batch whose identities share no id or key with each other is written
 * in one statement ({@link insertAtOnce}); when that statement finds an id or key taken, or the batch repeats one
 * inside itself, {@link insertBatch} writes it in rounds inside a transaction, identity by identity.
 */

/** An identity of a batch with its keys, computed once. */
export interface Entry {
  index: number;
  identity: StoredIdentity;
  keys: UniqueKey[];
}

/**
 * Splits a batch into rounds so that no two identities of one round share a key or an id: an identity goes one
 * round after the last earlier identity it shares one with. Inside a round every conflict is therefore with
 * stored data, and the batch behaves as if its identities were inserted one by one, in order.
 */
function rounds(entries: readonly Entry[]): Entry[][] {
  if (entries.length === 0) return [];
  if (!sharesAny(entries)) return [entries as Entry[]]; // the common case, one Set pass
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

/** True when two entries share an id or a key. */
function sharesAny(entries: readonly Entry[]): boolean {
  const seen = new Set<string>();
  for (const { identity, keys } of entries) {
    if (seen.size === seen.add(`id:${identity.id}`).size) return true;
    for (const key of keys) if (seen.size === seen.add(key.digest).size) return true;
  }
  return false;
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
  /** The parameters of `insertAtOnce` when the batch is one round (no identity shares an id or key with another). */
  atOnce: unknown[] | undefined;
}

/** The keys of `entries` as the three parallel arrays the statements take (the server sorts them by digest). */
function keyColumns(entries: readonly Entry[]): [string[], string[], string[]] {
  const digests: string[] = [];
  const ids: string[] = [];
  const kinds: string[] = [];
  for (const { identity, keys } of entries) {
    for (const key of keys) {
      digests.push(key.digest);
      ids.push(identity.id);
      kinds.push(key.kind);
    }
  }
  return [digests, ids, kinds];
}

const UUID_SHAPE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * {@link keyColumns} as PostgreSQL array literals (`{a,b,...}`), joined once instead of quoted and escaped element
 * by element by the driver (a third of the batch's JavaScript time in `pg`): hex digests and key kinds never need
 * quoting; identity ids are joined only when every one has the UUID shape, else they travel as an array.
 */
function keyLiterals(entries: readonly Entry[]): [string, string | string[], string] {
  const [digests, ids, kinds] = keyColumns(entries);
  const plainIds = entries.every((e) => UUID_SHAPE.test(e.identity.id));
  return [`{${digests.join(",")}}`, plainIds ? `{${ids.join(",")}}` : ids, `{${kinds.join(",")}}`];
}

/**
 * Computes a batch's uniqueness keys, its rounds and their JSON documents, outside any transaction (so this work
 * overlaps the database's, and a retried transaction does not redo it). An identity holding one key twice fails
 * here.
 */
export function prepareBatch(identities: readonly StoredIdentity[]): PreparedBatch {
  const outcomes: InsertOutcome[] = new Array(identities.length).fill(null);
  const entries: Entry[] = [];
  identities.forEach((identity, index) => {
    const keys = uniqueKeys(identity);
    const repeated = repeatedKey(keys);
    if (repeated) outcomes[index] = uniqueKeyConflict(repeated.kind, repeated.scope, repeated.value);
    else entries.push({ index, identity, keys });
  });
  const split = rounds(entries);
  const whole = split.length === 1 && entries.length === identities.length;
  const first = JSON.stringify(whole ? identities : (split[0] ?? []).map((e) => e.identity));
  const atOnce = split.length === 1 ? [first, ...keyLiterals(split[0] as Entry[])] : undefined;
  return { outcomes, rounds: split, first, atOnce };
}

/**
 * The common case in one statement and one round trip: a one-round batch written with `insertAtOnce`, atomic by
 * itself. Resolves to the outcomes, or to undefined when an id or key was taken (nothing was written: the
 * statement failed whole) or the batch has several rounds; {@link insertBatch} then says which identity
 * conflicts.
 */
export async function insertAtOnce(
  db: SqlQueryable,
  sql: WriteStatements,
  batch: PreparedBatch,
): Promise<InsertOutcome[] | undefined> {
  if (batch.atOnce === undefined) return undefined;
  try {
    await db.query(sql.insertAtOnce, batch.atOnce, PREPARED);
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === "23505") return undefined; // unique_violation
    throw error;
  }
  return [...batch.outcomes];
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
    const keys = keyColumns(placed);
    if (keys[0].length === 0) continue;
    const claimed = new Set(
      (await tx.query<{ key: string }>(sql.insertKeys, keys, PREPARED)).rows.map((r) => r.key),
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
