/**
 * The import pipeline (issue 9): pre-hashed identities into MemoryStorage, per second, against the raw reference
 * measured in the same run — a lean hand-written build of the same stored record (same members, UUIDv7 ids from the
 * `uuid` package, ISO timestamps, lower-cased addresses) put into a `Map` with the same uniqueness index (a `Map` per
 * key kind). Schema `default` (Kratos's quickstart: an email that is the password identifier, verifiable and a
 * recovery address), a bcrypt hash per identity, 100k identities, batches of 1000.
 *
 * Figures (each in a fresh child process, rounds interleaved, medians; `_cpu_` on process CPU time, steadier on a
 * shared machine):
 * - `batch_*`: `batchPatchIdentities`; `import_*`: `importIdentities` over a generator; `create_*`: one
 *   `createIdentity` per identity, awaited one by one; `raw_*`: the reference;
 * - `ratio_*_over_raw`: time per identity ÷ the reference's (the goal is identities/s, ≥ 100k for batch and import,
 *   ≥ 60k for the create loop);
 * - `retained_bytes_per_identity`: heap retained by MemoryStorage per identity after importing
 *   `IMPORT_PIPELINE_LARGE` (1M) identities, after a full GC (needs `--expose-gc`, which the child gets).
 *
 * The children measure the built package (`dist/`, what users run: `npm run build` first); without it, or with
 * `IMPORT_PIPELINE_SOURCE=1`, they measure `src/` through tsx, whose transform adds a `__name` call to every
 * function made at run time (~10 % slower here) — `package_built` in the figures says which (1: dist).
 *
 * Where the time goes: run one mode under the profiler, e.g. `node --cpu-prof --expose-gc --import tsx
 * bench/import-pipeline.bench.ts --import-pipeline-child batch 100000` (bench/README.md#import_pipeline).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { CreateIdentityBody, IdentityManager } from "idkit";
import { v7 } from "uuid";
import { median, round } from "./util.js";

const TOTAL = Number(process.env.IMPORT_PIPELINE_TOTAL ?? 100_000);
const LARGE = Number(process.env.IMPORT_PIPELINE_LARGE ?? 1_000_000);
const ROUNDS = Number(process.env.IMPORT_PIPELINE_ROUNDS ?? 3);
const BATCH = 1000;
/** A bcrypt hash (cost 10) of "123456", from Kratos's hash vectors (test/fixtures/kratos-hash-vectors.json). */
const BCRYPT = "$2a$10$ZsCsoVQ3xfBG/K2z2XpBf.tm90GZmtOqtqWcB5.pYd5Eq8y7RlDyq";

export function row(i: number): CreateIdentityBody {
  return {
    schema_id: "default",
    traits: { email: `User.${i}@Example.org` },
    credentials: { password: { config: { hashed_password: BCRYPT } } },
    metadata_public: { plan: "free", imported: true },
  };
}

const DIST = new URL("../dist/index.js", import.meta.url);
const useDist = (): boolean => process.env.IMPORT_PIPELINE_SOURCE !== "1" && existsSync(DIST);

/** The package under measurement: the build when present (see the header). */
async function load(): Promise<typeof import("idkit")> {
  return useDist() ? ((await import(DIST.href)) as typeof import("idkit")) : import("idkit");
}

type Mode = "batch" | "import" | "create" | "raw" | "retained";
interface Figures {
  ms: number;
  cpu_ms: number;
  bytes_per_identity?: number;
}

/** The reference: the same record built by hand and indexed the same way. */
function rawImport(total: number): number {
  const identities = new Map<string, object>();
  const owners = { password: new Map<string, string>(), verifiable: new Map(), recovery: new Map() };
  let inserted = 0;
  for (let i = 0; i < total; i++) {
    const body = row(i);
    const email = (body.traits as { email: string }).email;
    const value = email.toLowerCase();
    const now = new Date().toISOString();
    const id = v7();
    if (owners.password.has(value) || owners.verifiable.has(value) || owners.recovery.has(value)) continue;
    const record = {
      id,
      schema_id: "default",
      state: "active",
      state_changed_at: now,
      traits: { email },
      verifiable_addresses: [
        {
          id: v7(),
          value,
          verified: false,
          via: "email",
          status: "pending",
          created_at: now,
          updated_at: now,
        },
      ],
      recovery_addresses: [{ id: v7(), value, via: "email", created_at: now, updated_at: now }],
      metadata_public: body.metadata_public,
      metadata_admin: null,
      credentials: {
        password: {
          type: "password",
          identifiers: [value],
          version: 1,
          created_at: now,
          updated_at: now,
          config: { hashed_password: BCRYPT },
        },
      },
      external_id: null,
      organization_id: null,
      created_at: now,
      updated_at: now,
    };
    identities.set(id, record);
    owners.password.set(value, id);
    owners.verifiable.set(value, id);
    owners.recovery.set(value, id);
    inserted++;
  }
  if (inserted !== total) throw new Error("raw import lost rows");
  return identities.size;
}

async function run(idm: IdentityManager, mode: Mode, total: number, offset: number): Promise<void> {
  if (mode === "batch") {
    for (let b = 0; b < total / BATCH; b++) {
      const identities = Array.from({ length: BATCH }, (_, i) => ({ create: row(offset + b * BATCH + i) }));
      const result = await idm.batchPatchIdentities({ identities });
      if (result.identities.some((r) => r?.action !== "create")) throw new Error("batch import failed");
    }
  } else if (mode === "import" || mode === "retained") {
    function* rows() {
      for (let i = 0; i < total; i++) yield row(offset + i);
    }
    const result = await idm.importIdentities(rows());
    if (result.failed !== 0 || result.created !== total) throw new Error("import failed");
  } else {
    for (let i = 0; i < total; i++) await idm.createIdentity(row(offset + i));
  }
}

/** One measurement, in this (child) process. */
async function measure(mode: Mode, total: number): Promise<Figures> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const { IdentityManager, MemoryStorage } = await load();
  const storage = new MemoryStorage();
  const idm = new IdentityManager({ storage });
  if (mode !== "raw") await run(idm, mode === "retained" ? "import" : mode, 1000, 10_000_000); // warm up
  if (mode === "raw") rawImport(1000);
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  if (mode === "raw") rawImport(total);
  else await run(idm, mode, total, 0);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const figures: Figures = { ms: round(ms, 0), cpu_ms: round((cpu.user + cpu.system) / 1000, 0) };
  if (mode === "retained") {
    gc?.();
    gc?.();
    figures.bytes_per_identity = Math.round((process.memoryUsage().heapUsed - heap0) / total);
    if (storage.size !== total + 1000) throw new Error("store lost rows");
  }
  return figures;
}

const CHILD = "--import-pipeline-child";

function inChild(mode: Mode, total: number): Figures {
  const self = fileURLToPath(import.meta.url);
  const out = spawnSync(
    process.execPath,
    ["--expose-gc", ...process.execArgv, self, CHILD, mode, String(total)],
    { encoding: "utf8", maxBuffer: 1 << 20 },
  );
  if (out.status !== 0) throw new Error(`import-pipeline child failed: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split("\n").at(-1) as string) as Figures;
}

export async function importPipelineBenchmark(): Promise<Record<string, number>> {
  if (!useDist())
    process.stderr.write(
      "bench import_pipeline: measuring src/ through tsx (no dist/ or IMPORT_PIPELINE_SOURCE=1); `npm run build` to measure the package\n",
    );
  const modes: Mode[] = ["raw", "batch", "import", "create"];
  const runs = new Map<Mode, Figures[]>(modes.map((m) => [m, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? modes : [...modes].reverse();
    for (const mode of order) runs.get(mode)?.push(inChild(mode, TOTAL));
  }
  const out: Record<string, number> = { identities: TOTAL, rounds: ROUNDS, package_built: useDist() ? 1 : 0 };
  const raw = runs.get("raw") as Figures[];
  for (const mode of modes) {
    const figures = runs.get(mode) as Figures[];
    out[`${mode}_identities_per_s`] = Math.round(TOTAL / (median(figures.map((f) => f.ms)) / 1000));
    out[`${mode}_cpu_identities_per_s`] = Math.round(TOTAL / (median(figures.map((f) => f.cpu_ms)) / 1000));
    out[`${mode}_us_per_identity`] = round((median(figures.map((f) => f.ms)) * 1000) / TOTAL, 2);
    if (mode === "raw") continue;
    const ratio = (key: "ms" | "cpu_ms") =>
      round(median(figures.map((f, i) => f[key] / (raw[i] as Figures)[key])), 2);
    out[`ratio_${mode}_over_raw`] = ratio("ms");
    out[`ratio_${mode}_over_raw_cpu`] = ratio("cpu_ms");
  }
  if (LARGE > 0) {
    const retained = inChild("retained", LARGE);
    out.retained_identities = LARGE;
    out.retained_bytes_per_identity = retained.bytes_per_identity ?? Number.NaN;
    out.retained_import_identities_per_s = Math.round(LARGE / (retained.ms / 1000));
  }
  return out;
}

if (process.argv[2] === CHILD) {
  const figures = await measure(process.argv[3] as Mode, Number(process.argv[4]));
  console.log(JSON.stringify(figures));
}
