/**
 * Cold start: a fresh `node` process that imports the built package and constructs a manager, ÷ a fresh
 * `node -e 0`, each timed from spawn to exit (median of interleaved runs). Also `idkit/passwords` alone, and
 * inside the child the import and construction times. Needs `npm run build` first (it loads `dist/` through the
 * package's own `exports`, as a user does).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { median, round } from "./util.js";

const RUNS = Number(process.env.COLD_START_RUNS ?? 15);
const root = fileURLToPath(new URL("..", import.meta.url));

const SCRIPTS = {
  baseline: "0",
  idkit: `const t0 = performance.now();
const { IdentityManager } = await import("idkit");
const t1 = performance.now();
new IdentityManager();
const t2 = performance.now();
console.log(JSON.stringify({ import: t1 - t0, construct: t2 - t1 }));`,
  passwords: `const t0 = performance.now();
await import("idkit/passwords");
console.log(JSON.stringify({ import: performance.now() - t0, construct: 0 }));`,
} as const;
type Side = keyof typeof SCRIPTS;

/** Spawns one fresh process; returns its wall time (spawn to exit) in ms and what it printed. */
function run(side: Side): { ms: number; inner?: { import: number; construct: number } } {
  const t0 = performance.now();
  const child = spawnSync(process.execPath, ["--input-type=module", "-e", SCRIPTS[side]], {
    cwd: root,
    encoding: "utf8",
  });
  const ms = performance.now() - t0;
  if (child.status !== 0) throw new Error(`cold start (${side}) failed: ${child.stderr}`);
  return side === "baseline" ? { ms } : { ms, inner: JSON.parse(child.stdout) };
}

export async function coldStartBenchmark(): Promise<Record<string, number>> {
  if (!existsSync(new URL("../dist/index.js", import.meta.url))) {
    throw new Error("cold start measures the built package: run `npm run build` first");
  }
  const sides: Side[] = ["baseline", "idkit", "passwords"];
  for (const side of sides) run(side); // warm the file system cache
  const times: Record<Side, number[]> = { baseline: [], idkit: [], passwords: [] };
  const imports: number[] = [];
  const constructs: number[] = [];
  const passwordImports: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    // Interleaved, in a rotating order, so drift of the machine hits every side alike.
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(i + k) % sides.length] as Side;
      const { ms, inner } = run(side);
      times[side].push(ms);
      if (side === "idkit" && inner) {
        imports.push(inner.import);
        constructs.push(inner.construct);
      }
      if (side === "passwords" && inner) passwordImports.push(inner.import);
    }
  }
  const base = median(times.baseline);
  return {
    runs: RUNS,
    node_e0_ms: round(base, 1),
    idkit_ms: round(median(times.idkit), 1),
    idkit_ratio: round(median(times.idkit) / base, 2),
    idkit_import_ms: round(median(imports), 1),
    idkit_construct_ms: round(median(constructs), 1),
    passwords_ms: round(median(times.passwords), 1),
    passwords_ratio: round(median(times.passwords) / base, 2),
    passwords_import_ms: round(median(passwordImports), 1),
  };
}
