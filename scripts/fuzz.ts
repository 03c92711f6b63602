// `npm run fuzz`: at least a million generated inputs across every public method and the hash parser, checking that
// each gives an IdentityError or a result, writes nothing when rejected and pollutes no prototype.
// Usage: npm run fuzz [-- <total inputs, default 1000000>] ; IDKIT_FUZZ_SEED fixes the seed.
import { fuzz } from "../test/fuzz/harness.js";
import { TARGETS } from "../test/fuzz/targets.js";

const total = Number(process.argv[2] ?? 1_000_000);
const seed = process.env.IDKIT_FUZZ_SEED === undefined ? Date.now() : Number(process.env.IDKIT_FUZZ_SEED);
const ROUND = 2_000; // inputs per target per round; each round gets fresh worlds, so memory stays flat
const started = performance.now();
let runs = 0;
let round = 0;
const failures: Awaited<ReturnType<typeof fuzz>>["failures"] = [];

console.log(`fuzz: ${total} inputs over ${TARGETS.length} entry points, seed ${seed}`);
while (runs < total) {
  const perTarget = Math.min(ROUND, Math.ceil((total - runs) / TARGETS.length));
  const report = await fuzz(TARGETS, perTarget, seed + round++);
  runs += report.runs;
  failures.push(...report.failures);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `fuzz: ${runs.toLocaleString("en")} inputs, ${failures.length} failing entry points, ${seconds.toFixed(0)} s`,
  );
  if (failures.length > 0) break;
}

const seconds = (performance.now() - started) / 1000;
for (const f of failures)
  console.log(`FAIL ${f.target}: ${f.problem}\n  counterexample: ${f.args.slice(0, 2000)}`);
console.log(
  `fuzz: ${runs} inputs in ${seconds.toFixed(1)} s: ${failures.length === 0 ? "0 untyped errors, 0 writes after a rejection, 0 pollution" : `${failures.length} failure(s)`}`,
);
process.exitCode = failures.length === 0 ? 0 : 1;
