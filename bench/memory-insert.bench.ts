/**
 * MemoryStorage insert cost as the store grows, with random (non time-ordered) UUID v4 ids (idkit issue 8, item 8).
 *
 * One fill inserts 100,000 identities one call at a time (`insertIdentities([identity])`, awaited) into a fresh
 * store. Two windows are timed: inserts 1..1,000 and 99,001..100,000; `ratio` is the mean per-insert wall time of
 * the last window ÷ that of the first (goal ≤ 1.5: an O(log n) index; the sorted array spliced on every insert
 * that it replaces grew 25–35× here). The identities are built outside the timed windows (a password credential,
 * a verifiable and a recovery address, traits and metadata: what the manager stores for a sign-up). A warm-up fill
 * runs first; before each fill the previous one's garbage is collected (so it is not charged to the next first
 * window); then `MEMORY_INSERT_FILLS` fills (default 9). Figures are medians over fills.
 *
 * - `cpu_ratio`: the same on the process's CPU time (all threads, GC helpers included): steadier than wall time
 *   when other processes compete for the CPUs.
 * - `ratio_of_median_inserts`: each window's median insert instead of its mean, i.e. without the garbage
 *   collection pauses that land in one window or the other.
 * - `raw_map_*` (control, same windows and fills): a bare `Map` of deep copies plus a `Map` entry per uniqueness
 *   key, the least any in-memory store does. Its growth is the memory hierarchy's (a 100k store no longer fits in
 *   the CPU caches), not an index's: read `ratio` against it.
 */
import { randomUUID } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { MemoryStorage, type StoredIdentity } from "idkit";
import { check, median, round } from "./util.js";

const TOTAL = Number(process.env.MEMORY_INSERT_TOTAL ?? 100_000);
const WINDOW = 1000;
const FILLS = Number(process.env.MEMORY_INSERT_FILLS ?? 9);

/** A stored identity as the manager writes it for an email sign-up, with a random UUID v4 id. */
function identity(n: number): StoredIdentity {
  const at = new Date(Date.UTC(2024, 0, 1) + n).toISOString();
  const email = `user.${n}@example.org`;
  return {
    id: randomUUID(),
    schema_id: "default",
    state: "active",
    state_changed_at: at,
    traits: { email, name: { first: "Ada", last: "Lovelace" } },
    verifiable_addresses: [
      {
        id: randomUUID(),
        value: email,
        verified: false,
        via: "email",
        status: "pending",
        created_at: at,
        updated_at: at,
      },
    ],
    recovery_addresses: [{ id: randomUUID(), value: email, via: "email", created_at: at, updated_at: at }],
    metadata_public: { plan: "free" },
    metadata_admin: null,
    credentials: {
      password: {
        type: "password",
        identifiers: [email],
        config: { hashed_password: `$argon2id$v=19$m=47104,t=1,p=1$${"a".repeat(22)}$${"b".repeat(43)}` },
        version: 0,
        created_at: at,
        updated_at: at,
      },
    },
    external_id: null,
    organization_id: null,
    created_at: at,
    updated_at: at,
  };
}

/** One timed window: per-insert wall µs (mean, and the median insert) and process CPU µs (mean). */
interface WindowTime {
  meanUs: number;
  medianUs: number;
  cpuUs: number;
}

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/**
 * Collects the previous fill's garbage (a whole 100k store) and lets concurrent sweeping finish, so that it is not
 * charged to the next fill's first window.
 */
async function settle(): Promise<void> {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 200));
}

/**
 * Inserts TOTAL fresh identities with `insert` (awaited one by one) and times the first and the last window.
 * The identities of each window are built before its clock starts.
 */
async function fill(
  insert: (identity: StoredIdentity) => unknown,
): Promise<{ first: WindowTime; last: WindowTime }> {
  await settle();
  const windows: WindowTime[] = [];
  for (let start = 0; start < TOTAL; start += WINDOW) {
    const batch = Array.from({ length: Math.min(WINDOW, TOTAL - start) }, (_, i) => identity(start + i));
    const each: number[] = [];
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (const one of batch) {
      const t = performance.now();
      await insert(one);
      each.push(performance.now() - t);
    }
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    if (start === 0 || start + WINDOW >= TOTAL) {
      windows.push({
        meanUs: (ms * 1000) / batch.length,
        medianUs: median(each) * 1000,
        cpuUs: (cpu.user + cpu.system) / batch.length,
      });
    }
  }
  const [first, last] = windows as [WindowTime, WindowTime];
  return { first, last };
}

/** One fill of a fresh MemoryStorage, checked afterwards. */
async function storeFill(): Promise<{ first: WindowTime; last: WindowTime }> {
  const storage = new MemoryStorage();
  const times = await fill(async (one) => {
    const [outcome] = await storage.insertIdentities([one]);
    if (outcome !== null) throw new Error("insert failed");
  });
  check(storage.size === TOTAL, "every identity was stored");
  const page = await storage.listIdentities({ limit: 100 });
  check(
    page.length === 100 && page.every((p, i) => i === 0 || (page[i - 1] as StoredIdentity).id < p.id),
    "a listing page comes in id order",
  );
  return times;
}

/**
 * The floor: a bare `Map` of deep copies keyed by id plus one `Map` entry per uniqueness key (the least any
 * in-memory store does). Its growth is the memory hierarchy's (bigger maps, more cache misses, more to collect),
 * not an index's.
 */
async function rawMapFill(): Promise<{ first: WindowTime; last: WindowTime }> {
  const rows = new Map<string, StoredIdentity>();
  const keys = new Map<string, string>();
  const times = await fill((one) => {
    rows.set(one.id, jsonCopy(one));
    const email = (one.traits as { email: string }).email;
    for (const k of [`c\0password\0${email}`, `v\0email\0${email}`, `r\0email\0${email}`])
      if (!keys.has(k)) keys.set(k, one.id);
  });
  check(rows.size === TOTAL, "raw map size");
  return times;
}

/** A JSON deep copy, like the store's. */
function jsonCopy<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(jsonCopy) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = jsonCopy(v);
  return out as T;
}

type Fill = { first: WindowTime; last: WindowTime };
const ratioOf = (fills: readonly Fill[], of: keyof WindowTime) =>
  round(median(fills.map((f) => f.last[of] / f.first[of])));

export async function memoryInsertBenchmark(): Promise<Record<string, number>> {
  await storeFill(); // warm-up: JIT, and the allocator at its working size
  await rawMapFill();
  const store: Fill[] = [];
  const raw: Fill[] = [];
  for (let i = 0; i < FILLS; i++) {
    store.push(await storeFill());
    raw.push(await rawMapFill());
  }
  const ratios = store.map((f) => f.last.meanUs / f.first.meanUs);
  return {
    identities: TOTAL,
    window: WINDOW,
    fills: FILLS,
    first_window_insert_us: round(median(store.map((f) => f.first.meanUs))),
    last_window_insert_us: round(median(store.map((f) => f.last.meanUs))),
    ratio: round(median(ratios)),
    ratio_min: round(Math.min(...ratios)),
    ratio_max: round(Math.max(...ratios)),
    cpu_ratio: ratioOf(store, "cpuUs"),
    ratio_of_median_inserts: ratioOf(store, "medianUs"),
    raw_map_ratio: ratioOf(raw, "meanUs"),
    raw_map_cpu_ratio: ratioOf(raw, "cpuUs"),
    raw_map_ratio_of_median_inserts: ratioOf(raw, "medianUs"),
  };
}
