/**
 * Runs the benchmarks and prints their figures as JSON. `npm run bench` (set BENCH=import to run one).
 * Figures are ratios against the raw primitive measured in the same run, never absolute timings alone.
 */
import { authBenchmark } from "./auth.bench.js";
import { clearTextImportBenchmark } from "./clear-text-import.bench.js";
import { eventLoopBenchmark } from "./event-loop.bench.js";
import { importBenchmark } from "./import.bench.js";
import { largeIdentityBenchmark } from "./large-identity.bench.js";
import { legacyBenchmark } from "./legacy-verifiers.bench.js";
import { loginTimingBenchmark } from "./login-timing.bench.js";
import { memoryInsertBenchmark } from "./memory-insert.bench.js";
import { streamImportBenchmark } from "./stream-import.bench.js";

const only = process.env.BENCH?.split(",");
const suites: Record<string, () => Promise<Record<string, number>>> = {
  import: importBenchmark,
  postgres: async () => (await import("./postgres.bench.js")).postgresBenchmark(),
  auth: authBenchmark,
  event_loop: eventLoopBenchmark,
  legacy: legacyBenchmark,
  clear_text_import: clearTextImportBenchmark,
  login_timing: loginTimingBenchmark,
  large_identity: largeIdentityBenchmark,
  memory_insert: memoryInsertBenchmark,
  stream_import: streamImportBenchmark,
  http: async () => (await import("./http.bench.js")).httpBenchmark(),
  cold_start: async () => (await import("./cold-start.bench.js")).coldStartBenchmark(),
  cli_import: async () => (await import("./cli-import.bench.js")).cliImportBenchmark(),
  api_keys: async () => (await import("./api-keys.bench.js")).apiKeysBenchmark(),
  import_pipeline: async () => (await import("./import-pipeline.bench.js")).importPipelineBenchmark(),
  hash_validate: async () => (await import("./hash-validate.bench.js")).hashValidateBenchmark(),
  address_extraction: async () =>
    (await import("./address-extraction.bench.js")).addressExtractionBenchmark(),
};

for (const [name, run] of Object.entries(suites)) {
  if (only && !only.includes(name)) continue;
  const result = await run();
  console.log(JSON.stringify({ bench: name, node: process.version, ...result }));
}
