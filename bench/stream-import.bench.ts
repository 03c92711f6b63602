/**
 * Streaming import: pre-hashed identities from a generator through `importIdentities`.
 *
 * - Throughput into MemoryStorage (100k), as a ratio against `batchPatchIdentities` (1000 per call) of the same
 *   rows into a fresh MemoryStorage, the path it shares: the median over interleaved rounds of the per-round ratio,
 *   on wall time and on process CPU time (steadier on a shared machine).
 * - Memory: peak RSS of the import into a store that keeps nothing (so only the import's own memory can grow),
 *   for 100k and for a larger count (1M; STREAM_IMPORT_LARGE to change). Bounded memory means the two peaks are
 *   about equal. Into MemoryStorage the peak grows with the store, as it must.
 *
 * Each measurement runs in a fresh child process, so one run's heap never inflates another's RSS.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  type CreateIdentityBody,
  IdentityManager,
  type InsertOutcome,
  MemoryStorage,
  type StorageAdapter,
} from "idkit";
import { median, round } from "./util.js";

const SMALL = Number(process.env.STREAM_IMPORT_TOTAL ?? 100_000);
const LARGE = Number(process.env.STREAM_IMPORT_LARGE ?? 1_000_000);
const BCRYPT = "$2a$10$ZsCsoVQ3xfBG/K2z2XpBf.tm90GZmtOqtqWcB5.pYd5Eq8y7RlDyq";

function row(i: number): CreateIdentityBody {
  return {
    schema_id: "preset://email",
    traits: { email: `User.${i}@Example.org` },
    credentials: { password: { config: { hashed_password: BCRYPT } } },
    metadata_public: { plan: "free", imported: true },
  };
}

function* rows(total: number): Generator<CreateIdentityBody> {
  for (let i = 0; i < total; i++) yield row(i);
}

/** A store that accepts every identity and keeps none. */
function sink(): StorageAdapter {
  const none = async () => undefined;
  return {
    insertIdentities: async (identities): Promise<InsertOutcome[]> => identities.map(() => null),
    getIdentity: none,
    findIdentityByCredentialIdentifier: none,
    findIdentityByExternalId: none,
    listIdentities: async () => [],
    updateIdentity: async () => "not_found",
    deleteIdentity: async () => false,
    insertFlowToken: async () => {},
    findFlowToken: none,
    checkFlowCode: async () => ({ status: "not_found" }),
    redeemFlowToken: async () => "token_gone",
  };
}

type Mode = "stream_memory" | "stream_sink" | "batch_memory";
interface ChildFigures {
  ms: number;
  /** Process CPU time (user + system, all threads) of the import. */
  cpu_ms: number;
  peak_rss_mb: number;
  base_rss_mb: number;
}

/** One measurement, in this (child) process. */
async function measure(mode: Mode, total: number): Promise<ChildFigures> {
  const storage = mode === "stream_sink" ? sink() : new MemoryStorage();
  const idm = new IdentityManager({ storage });
  await idm.createIdentity(row(-1)); // warm up: schema compiled, adapter initialised
  const mb = (bytes: number) => round(bytes / 2 ** 20, 1);
  const base = process.memoryUsage().rss;
  let peak = base;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const timer = setInterval(sample, 5);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  if (mode === "batch_memory") {
    for (let b = 0; b < total; b += 1000) {
      const identities = Array.from({ length: Math.min(1000, total - b) }, (_, i) => ({
        create: row(b + i),
      }));
      const result = await idm.batchPatchIdentities({ identities });
      if (result.identities.some((r) => r?.action !== "create")) throw new Error("batch import failed");
      sample();
    }
  } else {
    const result = await idm.importIdentities(rows(total), { onProgress: sample });
    if (result.created !== total)
      throw new Error(`stream import failed: ${JSON.stringify(result.errors[0])}`);
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  clearInterval(timer);
  sample();
  return {
    ms: round(ms, 0),
    cpu_ms: round((cpu.user + cpu.system) / 1000, 0),
    peak_rss_mb: mb(peak),
    base_rss_mb: mb(base),
  };
}

const CHILD = "--stream-import-child";

function inChild(mode: Mode, total: number): ChildFigures {
  const self = fileURLToPath(import.meta.url);
  const out = spawnSync(process.execPath, [...process.execArgv, self, CHILD, mode, String(total)], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (out.status !== 0) throw new Error(`stream-import child failed: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split("\n").at(-1) as string) as ChildFigures;
}

/** Rounds of the stream ÷ batch comparison, interleaved (A-B, B-A, ...) so drift of the machine cancels out. */
const ROUNDS = Number(process.env.STREAM_IMPORT_ROUNDS ?? 3);

export async function streamImportBenchmark(): Promise<Record<string, number>> {
  const streams: ChildFigures[] = [];
  const batches: ChildFigures[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      streams.push(inChild("stream_memory", SMALL));
      batches.push(inChild("batch_memory", SMALL));
    } else {
      batches.push(inChild("batch_memory", SMALL));
      streams.push(inChild("stream_memory", SMALL));
    }
  }
  const small = inChild("stream_sink", SMALL);
  const large = inChild("stream_sink", LARGE);
  const perSecond = (total: number, ms: number) => Math.round(total / (ms / 1000));
  const ms = (runs: ChildFigures[]) => median(runs.map((f) => f.ms));
  const ratio = (key: "ms" | "cpu_ms") =>
    round(median(streams.map((s, i) => s[key] / (batches[i] as ChildFigures)[key])), 2);
  return {
    identities: SMALL,
    rounds: ROUNDS,
    stream_memory_ms: ms(streams),
    stream_memory_identities_per_s: perSecond(SMALL, ms(streams)),
    stream_memory_peak_rss_mb: Math.max(...streams.map((f) => f.peak_rss_mb)),
    batch_memory_ms: ms(batches),
    batch_memory_identities_per_s: perSecond(SMALL, ms(batches)),
    batch_memory_peak_rss_mb: Math.max(...batches.map((f) => f.peak_rss_mb)),
    ratio_stream_over_batch_time: ratio("ms"),
    ratio_stream_over_batch_cpu: ratio("cpu_ms"),
    sink_small_identities: SMALL,
    sink_small_identities_per_s: perSecond(SMALL, small.ms),
    sink_small_peak_rss_mb: small.peak_rss_mb,
    sink_small_rss_growth_mb: round(small.peak_rss_mb - small.base_rss_mb, 1),
    sink_large_identities: LARGE,
    sink_large_identities_per_s: perSecond(LARGE, large.ms),
    sink_large_peak_rss_mb: large.peak_rss_mb,
    sink_large_rss_growth_mb: round(large.peak_rss_mb - large.base_rss_mb, 1),
    ratio_peak_rss_large_over_small: round(large.peak_rss_mb / small.peak_rss_mb, 2),
  };
}

if (process.argv[2] === CHILD) {
  const figures = await measure(process.argv[3] as Mode, Number(process.argv[4]));
  console.log(JSON.stringify(figures));
}
