/**
 * The `adapter_*` figures of the PostgreSQL benchmark (issue 9's PostgreSQL line, the adapter alone):
 * `PostgresStorage.insertIdentities` with 1000 ready `StoredIdentity` records per call (100k in all, sequential,
 * preset://email with an imported argon2id hash: 5 uniqueness keys each; made from one identity idkit built, with
 * their own UUIDv7 ids, address ids and emails) ÷ a raw batched INSERT of the same rows through the same pool:
 *
 * - `adapter_raw_*`: the adapter's own one-statement write (`insertAtOnce`: the rows as one JSON document, their
 *   keys as `unnest` arrays sent as array literals, plain INSERTs, autocommit), its parameters (keys, digests,
 *   literals) computed before the clock; only `JSON.stringify` of the chunk is timed. The leanest write of these
 *   rows idkit knows, so the ratio is what the adapter's own work (digests, rounds, checks) costs.
 * - `adapter_raw_tx_*`: what the storage issue's bench called raw — `BEGIN`, the rows (`ON CONFLICT DO NOTHING
 *   RETURNING`), the keys (the same), `COMMIT`: the adapter's write before the one-statement path.
 *
 * Rounds adapter, raw, raw_tx, raw_tx, raw, adapter, each into a fresh schema; ratios over both rounds.
 */
import { randomUUID } from "node:crypto";
import type { StoredIdentity } from "idkit";
import { v7 } from "uuid";
import { uniqueKeys } from "../src/postgres/rows.js";
import { type KeyRow, rawInsert, type Schemas } from "./postgres-db.js";
import { TEMPLATE_EMAIL, template } from "./postgres-list.js";
import { check, round } from "./util.js";

const BATCH = 1000;

/** `n` records shaped like `t`, each with its own id, address ids and email, in chunks of {@link BATCH}. */
function records(t: StoredIdentity, n: number): StoredIdentity[][] {
  const text = JSON.stringify(t);
  const addressIds = [...t.verifiable_addresses, ...t.recovery_addresses].map((a) => a.id);
  const chunks: StoredIdentity[][] = [];
  for (let start = 0; start < n; start += BATCH) {
    const chunk: StoredIdentity[] = [];
    for (let i = start; i < Math.min(n, start + BATCH); i++) {
      let own = text.replaceAll(t.id, v7()).replaceAll(TEMPLATE_EMAIL, `user.${i}@example.org`);
      for (const a of addressIds) own = own.replaceAll(a, randomUUID());
      chunk.push(JSON.parse(own));
    }
    chunks.push(chunk);
  }
  return chunks;
}

/** The keys of a chunk as `insertAtOnce` takes them: hex digests, identity ids, kinds. */
function keyArrays(chunk: readonly StoredIdentity[]): [string[], string[], string[]] {
  const keys = chunk.flatMap((r) => uniqueKeys(r).map((k) => [k.digest, r.id, k.kind] as const));
  return [keys.map((k) => k[0]), keys.map((k) => k[1]), keys.map((k) => k[2])];
}

/** The same as array literals (`{a,b,...}`), as the adapter sends them: none of these values needs quoting. */
const literal = (values: readonly string[]) => `{${values.join(",")}}`;

export async function adapterPart(
  schemas: Schemas,
  hash: string,
  total: number,
): Promise<Record<string, number>> {
  const chunks = records(await template(hash), total);
  const keys = chunks.map(keyArrays);
  const literals = keys.map((columns) => columns.map(literal));
  const keyRows: KeyRow[][] = keys.map(([k, i, n]) =>
    k.map((key, j) => ({ key, identity_id: i[j] as string, kind: n[j] as string })),
  );

  const rows = () => chunks.reduce((n, c) => n + c.length, 0);
  const adapter = async () => {
    const schema = await schemas.fresh();
    const t0 = performance.now();
    for (const chunk of chunks) {
      const outcomes = await schema.storage.insertIdentities(chunk);
      check(
        outcomes.every((o) => o === null),
        "the adapter inserted every identity",
      );
    }
    const ms = performance.now() - t0;
    await schemas.drop(schema.name);
    return ms;
  };
  const raw = async () => {
    const schema = await schemas.fresh();
    const t0 = performance.now();
    for (const [c, chunk] of chunks.entries())
      await schemas.pool.query(schema.sql.insertAtOnce, [
        JSON.stringify(chunk),
        ...(literals[c] as string[]),
      ]);
    const ms = performance.now() - t0;
    const count = await schemas.pool.query(`SELECT count(*)::int AS n FROM ${schema.t.identities}`);
    check(count.rows[0]?.n === rows(), "raw inserted every row");
    await schemas.drop(schema.name);
    return ms;
  };
  const rawTx = async () => {
    const schema = await schemas.fresh();
    let inserted = 0;
    const t0 = performance.now();
    for (const [c, chunk] of chunks.entries())
      inserted += await rawInsert(schemas.pool, schema.sql, JSON.stringify(chunk), keyRows[c] as KeyRow[]);
    const ms = performance.now() - t0;
    check(inserted === rows(), "raw_tx inserted every row");
    await schemas.drop(schema.name);
    return ms;
  };

  // Warm-up of the three paths (JIT, plans, connections) on a tenth of the rows.
  const all = [...chunks];
  chunks.splice(0, chunks.length, ...all.slice(0, Math.max(1, all.length / 10)));
  await adapter();
  await raw();
  await rawTx();
  chunks.splice(0, chunks.length, ...all);

  const a1 = await adapter();
  const r1 = await raw();
  const t1 = await rawTx();
  const t2 = await rawTx();
  const r2 = await raw();
  const a2 = await adapter();
  const perS = (ms: number) => Math.round(total / (ms / 1000));
  return {
    adapter_n: total,
    adapter_per_s: perS((a1 + a2) / 2),
    adapter_raw_per_s: perS((r1 + r2) / 2),
    adapter_raw_tx_per_s: perS((t1 + t2) / 2),
    adapter_ratio: round((r1 + r2) / (a1 + a2)),
    adapter_ratio_vs_tx: round((t1 + t2) / (a1 + a2)),
    adapter_ratio_round1: round(r1 / a1),
    adapter_ratio_round2: round(r2 / a2),
  };
}
