/**
 * API key verification (`authenticateApiKey`), against the raw primitives it cannot avoid, in the same run:
 *
 * 1. memory: `idm.authenticateApiKey(key)` on MemoryStorage ÷ (one keyed digest — `createHmac("sha512-256")` of the
 *    key's id and secret, hex — plus one `Map` lookup), timed synchronously. Goal ≤ 1.5. `memory_keys_per_s`: keys
 *    verified per second, sequentially, on one core. `noise_aa_memory_ratio`: the raw side against itself.
 *    idkit computes that same HMAC with its padded key made once (two one-shot `crypto.hash` calls, no Hmac object),
 *    cheaper than `createHmac`; so a second reference, same run: `memory_ratio_vs_padded_hmac` ÷ that HMAC written
 *    here the same way (checked equal to createHmac's) plus the `Map` lookup. Both raw sides run in a plain loop
 *    while the authentication is awaited call by call (an await per call counts against idkit).
 * 2. postgres: `idm.authenticateApiKey(key)` on PostgresStorage ÷ one raw indexed `SELECT * FROM idkit_api_keys
 *    WHERE id = $1` through the same pool, sent as an ordinary (unnamed) statement (the real server at
 *    DATABASE_URL, else PGlite in-process; `pg_target` says which). Goal ≤ 1.2. `pg_keys_per_s`: sequential keys
 *    per second. idkit's own statements run as named prepared statements (`fromPgPool`'s default), so two more
 *    references, same run: `pg_ratio_vs_prepared` ÷ that SELECT as a named prepared statement (a hand-written
 *    lookup that prepares too), and `pg_ratio_vs_join` ÷ an unnamed SELECT of the key row joined to its identity's
 *    row (everything the authentication needs from the database, as a hand-written lookup would fetch it).
 *
 * `last_used_at` is written at most once a minute (the default), so a steady stream of one key is reads only, as
 * in production; the first call of each side pays its one write before the timing starts.
 */
import { createHmac, hash } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { IdentityManager, MemoryStorage, type StorageAdapter } from "idkit";
import { fromPGlite, fromPgPool, PostgresStorage, type SqlExecutor } from "idkit/postgres";
import pg from "pg";
import { DATABASE_URL, serverUnavailable } from "./postgres-db.js";
import { check, compare, round } from "./util.js";

const SECRET = "bench-secret-0123456789abcdef";

/** A manager on `storage` with one service account and one key; the key already used once. */
async function setUp(storage: StorageAdapter) {
  const idm = new IdentityManager({ storage, secrets: [SECRET] });
  const account = await idm.createIdentity({
    schema_id: "preset://machine",
    traits: { name: "bench-service", owner: "platform" },
  });
  const { key, api_key } = await idm.createApiKey({
    identity_id: account.id,
    name: "bench",
    scopes: ["read"],
  });
  const first = await idm.authenticateApiKey(key, { requiredScopes: ["read"] });
  check(first.identity.id === account.id, "the key must authenticate");
  const secret = key.slice(`idk_${api_key.id}`.length, -6);
  return { idm, key, id: api_key.id, secret };
}

/**
 * HMAC-SHA512/256 under an ASCII key of at most 128 bytes, hex, RFC 2104 by hand: the key's inner and outer pads
 * made once, then `H(opad || H(ipad || m))` with two one-shot hashes.
 */
function paddedHmac(key: string): (message: string) => string {
  const inner = Buffer.alloc(128, 0x36);
  const outer = Buffer.alloc(128 + 32, 0x5c);
  for (let i = 0; i < key.length; i++) {
    inner[i] = key.charCodeAt(i) ^ 0x36;
    outer[i] = key.charCodeAt(i) ^ 0x5c;
  }
  const innerPad = inner.toString("latin1");
  return (message) => {
    outer.write(hash("sha512-256", innerPad + message, "binary"), 128, "binary");
    return hash("sha512-256", outer, "hex");
  };
}

async function memory(): Promise<Record<string, number>> {
  const { idm, key, id, secret } = await setUp(new MemoryStorage());
  const map = new Map([
    [id, { digest: createHmac("sha512-256", SECRET).update(`${id}.${secret}`).digest("hex") }],
  ]);
  const raw = () => {
    const digest = createHmac("sha512-256", SECRET).update(`${id}.${secret}`, "utf8").digest("hex");
    return map.get(id)?.digest === digest;
  };
  check(raw(), "the raw digest must match");
  const padded = paddedHmac(SECRET);
  const rawPadded = () => map.get(id)?.digest === padded(`${id}.${secret}`);
  check(rawPadded(), "the padded HMAC must match createHmac's");
  const auth = () => idm.authenticateApiKey(key);
  const options = { rounds: 21, calls: 2000, warmup: 5000 };
  const vs = await compare({ run: auth }, { run: raw, sync: true }, options);
  const vsPadded = await compare({ run: auth }, { run: rawPadded, sync: true }, options);
  const aa = await compare({ run: raw, sync: true }, { run: raw, sync: true }, { rounds: 11, calls: 2000 });
  return {
    memory_ratio: round(vs.ratio),
    memory_cpu_ratio: round(vs.cpuRatio),
    memory_auth_us: round(vs.aMs * 1000, 2),
    memory_raw_us: round(vs.bMs * 1000, 2),
    memory_keys_per_s: Math.round(1000 / vs.aMs),
    memory_ratio_vs_padded_hmac: round(vsPadded.ratio),
    memory_raw_padded_us: round(vsPadded.bMs * 1000, 2),
    noise_aa_memory_ratio: round(aa.ratio),
  };
}

/** The real server's pool, or PGlite when no server answers. */
async function executor(): Promise<{ target: number; executor: SqlExecutor; end: () => Promise<void> }> {
  const unavailable = await serverUnavailable(pg.Client);
  if (unavailable === undefined) {
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
    return { target: 1, executor: fromPgPool(pool), end: () => pool.end() };
  }
  process.stderr.write(`[bench api_keys] no PostgreSQL server (${unavailable}): PGlite instead\n`);
  const db = new PGlite();
  return { target: 0, executor: fromPGlite(db), end: () => db.close() };
}

async function postgres(): Promise<Record<string, number>> {
  const { target, executor: ex, end } = await executor();
  const schema = `idkit_bench_keys_${Date.now().toString(36)}`;
  await ex.query(`CREATE SCHEMA ${schema}`);
  try {
    const storage = new PostgresStorage(ex, { schema });
    await storage.migrate();
    const { idm, key, id } = await setUp(storage);
    const select = `SELECT * FROM ${schema}.idkit_api_keys WHERE id = $1`;
    const raw = () => ex.query(select, [id]);
    const prepared = () => ex.query(select, [id], { prepare: true });
    const join = () =>
      ex.query(
        `SELECT k.*, i.* FROM ${schema}.idkit_api_keys k JOIN ${schema}.idkit_identities i ON i.id = k.identity_id WHERE k.id = $1`,
        [id],
      );
    for (const side of [raw, prepared, join])
      check((await side()).rows.length === 1, "the raw SELECT must find the key");
    const auth = () => idm.authenticateApiKey(key);
    const options = { rounds: 21, calls: 100, warmup: 300 };
    const vs = await compare({ run: auth }, { run: raw }, options);
    const vsPrepared = await compare({ run: auth }, { run: prepared }, options);
    const vsJoin = await compare({ run: auth }, { run: join }, options);
    return {
      pg_target: target,
      pg_ratio: round(vs.ratio),
      pg_cpu_ratio: round(vs.cpuRatio),
      pg_auth_us: round(vs.aMs * 1000, 1),
      pg_raw_select_us: round(vs.bMs * 1000, 1),
      pg_keys_per_s: Math.round(1000 / vs.aMs),
      pg_ratio_vs_prepared: round(vsPrepared.ratio),
      pg_raw_prepared_us: round(vsPrepared.bMs * 1000, 1),
      pg_ratio_vs_join: round(vsJoin.ratio),
      pg_raw_join_us: round(vsJoin.bMs * 1000, 1),
    };
  } finally {
    await ex.query(`DROP SCHEMA ${schema} CASCADE`);
    await end();
  }
}

/** BENCH_API_KEYS_PARTS (default `memory,postgres`) selects the parts. */
export async function apiKeysBenchmark(): Promise<Record<string, number>> {
  const parts = (process.env.BENCH_API_KEYS_PARTS ?? "memory,postgres").split(",");
  return {
    ...(parts.includes("memory") ? await memory() : {}),
    ...(parts.includes("postgres") ? await postgres() : {}),
  };
}
