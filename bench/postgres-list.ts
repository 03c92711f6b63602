/**
 * The `list_*` and `lookup_*` figures of the PostgreSQL benchmark: `listIdentities({ pageSize: 100 })` and a
 * `credentialsIdentifier` lookup at a large table (1M) ÷ at 1k. Both tables are filled with the raw `unnest`
 * inserts (ids from `uuid` v7, as the library makes them), then `VACUUM ANALYZE`d.
 */
import { IdentityManager, MemoryStorage, type StoredIdentity } from "idkit";
import type { SqlExecutor } from "idkit/postgres";
import { v7 } from "uuid";
import { IDENTITY_COLUMNS, uniqueKeys } from "../src/postgres/rows.js";
import {
  alternate,
  type BenchSchema,
  columnsDocument,
  identityColumns,
  type KeyRow,
  rawInsert,
  type Schemas,
} from "./postgres-db.js";
import { check, median, round } from "./util.js";

export const TEMPLATE_EMAIL = "template.user@example.org";
const FILL_CHUNK = 2000;

/** A filled schema: its manager, sampled ids and emails (in id order), the id 101 rows before the end. */
interface Filled {
  schema: BenchSchema;
  idm: IdentityManager;
  sampleIds: string[];
  sampleEmails: string[];
  lastPageToken: string;
  /** The SQL statements the storage sent, in order (for EXPLAIN). */
  sent: Array<{ sql: string; params: readonly unknown[] }>;
}

/** One stored identity of the benchmark's shape (preset://email, imported argon2id hash), made by idkit. */
export async function template(hash: string): Promise<StoredIdentity> {
  const storage = new MemoryStorage();
  const idm = new IdentityManager({ storage });
  const made = await idm.createIdentity({
    schema_id: "preset://email",
    traits: { email: TEMPLATE_EMAIL },
    credentials: { password: { config: { hashed_password: hash } } },
    metadata_public: { plan: "free" },
  });
  const stored = await storage.getIdentity(made.id);
  check(stored, "template identity stored");
  return stored;
}

/** `n` identities shaped like `t` (own id, email and address ids) inserted raw, 2 chunks in flight. */
async function fill(schemas: Schemas, t: StoredIdentity, n: number): Promise<Filled> {
  const sent: Filled["sent"] = [];
  const record = (e: SqlExecutor): SqlExecutor => ({
    query: (sql, params, options) => {
      sent.push({ sql, params: params ?? [] });
      return e.query(sql, params, options);
    },
    transaction: (fn) => e.transaction(fn),
  });
  const schema = await schemas.fresh(record);
  const templateColumns = identityColumns([t]).map((c) => c[0] ?? null);
  const idAt = IDENTITY_COLUMNS.indexOf("id");
  const addressIds = [...t.verifiable_addresses, ...t.recovery_addresses].map((a) => a.id);
  const every = Math.max(1, Math.floor(n / 1000));
  const filled: Omit<Filled, "schema" | "idm" | "sent"> = {
    sampleIds: [],
    sampleEmails: [],
    lastPageToken: "",
  };
  const inFlight = new Set<Promise<unknown>>();
  for (let start = 0; start < n; start += FILL_CHUNK) {
    const size = Math.min(FILL_CHUNK, n - start);
    const columns: Array<Array<string | null>> = IDENTITY_COLUMNS.map(() => new Array(size));
    const keys: KeyRow[] = [];
    for (let j = 0; j < size; j++) {
      const i = start + j;
      const id = v7();
      const email = `user.${i}@example.org`;
      const fresh = new Map(addressIds.map((a) => [a, v7()]));
      IDENTITY_COLUMNS.forEach((_, c) => {
        let v = templateColumns[c] ?? null;
        if (v !== null) v = v.replaceAll(TEMPLATE_EMAIL, email);
        if (v !== null && c !== idAt) for (const [old, nu] of fresh) v = v.replaceAll(old, nu);
        (columns[c] as Array<string | null>)[j] = c === idAt ? id : v;
      });
      for (const k of uniqueKeys(synthetic(t, email)))
        keys.push({ key: k.digest, identity_id: id, kind: k.kind });
      if (i % every === 0 && i < n - 101) {
        filled.sampleIds.push(id);
        filled.sampleEmails.push(email);
      }
      if (i === n - 101) filled.lastPageToken = id;
    }
    const p = rawInsert(schemas.pool, schema.sql, columnsDocument(columns), keys).then((inserted) =>
      check(inserted === size, "fill chunk inserted whole"),
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => {});
    if (inFlight.size >= 2) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  await schemas.pool.query(`VACUUM ANALYZE ${schema.t.identities}`);
  await schemas.pool.query(`VACUUM ANALYZE ${schema.t.keys}`);
  return { ...filled, schema, sent, idm: new IdentityManager({ storage: schema.storage }) };
}

/** The identity `t` with every identifier and address set to `email` (the template has one email). */
function synthetic(t: StoredIdentity, email: string): StoredIdentity {
  const credentials = Object.fromEntries(
    Object.entries(t.credentials).map(([type, c]) => [type, { ...c, identifiers: [email] }]),
  );
  return {
    ...t,
    credentials,
    verifiable_addresses: t.verifiable_addresses.map((a) => ({ ...a, value: email })),
    recovery_addresses: t.recovery_addresses.map((a) => ({ ...a, value: email })),
  } as StoredIdentity;
}

/** Cycles through `values` in a shuffled order. */
function cycler<T>(values: readonly T[]): () => T {
  const order = [...values].sort(() => Math.random() - 0.5);
  let i = 0;
  return () => order[i++ % order.length] as T;
}

/** EXPLAIN (ANALYZE, BUFFERS) of the last statement the storage sent, as text lines. */
async function explainLast(schemas: Schemas, f: Filled): Promise<string> {
  const last = f.sent[f.sent.length - 1];
  check(last, "a statement was recorded");
  const { rows } = await schemas.pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${last.sql}`, [...last.params]);
  const sql = last.sql.replace(/SELECT .*? FROM/s, "SELECT <identity columns> FROM").replace(/\s+/g, " ");
  return [sql, ...rows.map((r) => `  ${r["QUERY PLAN"]}`)].join("\n");
}

/** `list_*` / `lookup_*` figures, large ÷ small; EXPLAIN plans of the large table's queries go to `explain`. */
export async function listPart(
  schemas: Schemas,
  hash: string,
  large: number,
  small: number,
  explain: string[],
): Promise<Record<string, number>> {
  const t = await template(hash);
  const t0 = performance.now();
  const big = await fill(schemas, t, large);
  const fillMs = performance.now() - t0;
  const little = await fill(schemas, t, small);
  const out: Record<string, number> = {
    list_large_n: large,
    list_small_n: small,
    list_fill_per_s: Math.round(large / (fillMs / 1000)),
  };
  const page = (f: Filled, token?: () => string) => async () => {
    const r = await f.idm.listIdentities({ pageSize: 100, ...(token ? { pageToken: token() } : {}) });
    check(r.identities.length === 100, "a full page");
  };
  const lookup = (f: Filled) => {
    const next = cycler(f.sampleEmails);
    return async () => {
      const r = await f.idm.listIdentities({ credentialsIdentifier: next() });
      check(r.identities.length === 1, "the lookup finds its identity");
    };
  };
  const cases: Array<[string, (f: Filled) => () => Promise<void>]> = [
    ["list_first", (f) => page(f)],
    ["list_random", (f) => page(f, cycler(f.sampleIds))],
    ["list_last", (f) => page(f, () => f.lastPageToken)],
    ["lookup", lookup],
  ];
  for (const [name, make] of cases) {
    const { a, b } = await alternate(make(big), make(little), 200, 20);
    out[`${name}_large_ms`] = round(median(a));
    out[`${name}_small_ms`] = round(median(b));
    out[`${name}_ratio`] = round(median(a) / median(b));
    await make(big)();
    explain.push(`-- ${name} at ${large}\n${await explainLast(schemas, big)}`);
  }
  await schemas.drop(big.schema.name);
  await schemas.drop(little.schema.name);
  return out;
}
