import { readFileSync } from "node:fs";
/**
 * Shared helpers of the benchmarks: medians, rounding and an interleaved A/B timer, so that every ratio compares
 * two measurements taken in the same run, on a machine in the same state.
 */

/** The median of `values` (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Rounds to `digits` decimals (3 by default). */
export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Milliseconds taken by `calls` sequential (awaited one by one) calls of `fn`. */
export async function timeCalls(fn: () => unknown, calls: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) await fn();
  return performance.now() - t0;
}

/** Milliseconds taken by `calls` calls of a synchronous `fn` (nothing awaited). */
export function timeSyncCalls(fn: () => unknown, calls: number): number {
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) fn();
  return performance.now() - t0;
}

/** One side of an A/B comparison: awaited sequentially, or run synchronously in a tight loop. */
export interface Side {
  run: () => unknown;
  /** True when `run` is synchronous: timed in a plain loop, without `await`. */
  sync?: boolean;
}

/** Result of {@link compare}: per-call medians (ms) and the medians of the per-round ratios A ÷ B. */
export interface Comparison {
  aMs: number;
  bMs: number;
  /** Wall-clock time ratio. */
  ratio: number;
  /**
   * Process CPU time ratio (user + system, all threads: libuv pool and workers included). Other processes' load
   * lengthens wall time but barely CPU time, so on a busy machine this one is the steadier.
   */
  cpuRatio: number;
}

/** Wall ms and process CPU µs of one timed batch. */
async function measure(time: () => number | Promise<number>): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const wall = await time();
  const c = process.cpuUsage(c0);
  return { wall, cpu: c.user + c.system };
}

/**
 * Times A and B in interleaved rounds (A-B, then B-A, … so slow drift of the machine cancels out), after `warmup`
 * calls of each. Each round runs `calls` calls of one side back to back. Returns the median per-call time of each
 * side and the median over rounds of (A's time ÷ B's time in that round).
 */
export async function compare(
  a: Side,
  b: Side,
  { rounds, calls, warmup = calls }: { rounds: number; calls: number; warmup?: number },
): Promise<Comparison> {
  const time = (side: Side, n: number) => (side.sync ? timeSyncCalls(side.run, n) : timeCalls(side.run, n));
  await time(a, warmup);
  await time(b, warmup);
  const aTimes: number[] = [];
  const bTimes: number[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let ta: { wall: number; cpu: number };
    let tb: { wall: number; cpu: number };
    if (r % 2 === 0) {
      ta = await measure(() => time(a, calls));
      tb = await measure(() => time(b, calls));
    } else {
      tb = await measure(() => time(b, calls));
      ta = await measure(() => time(a, calls));
    }
    aTimes.push(ta.wall / calls);
    bTimes.push(tb.wall / calls);
    ratios.push(ta.wall / tb.wall);
    cpuRatios.push(ta.cpu / tb.cpu);
  }
  return { aMs: median(aTimes), bMs: median(bTimes), ratio: median(ratios), cpuRatio: median(cpuRatios) };
}

/** Throws when a benchmark's sanity check fails: a benchmark of a wrong answer measures nothing. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`bench sanity check failed: ${message}`);
}

/** One of Kratos's hash test vectors (test/fixtures, origin in test/fixtures/README.md). */
export interface HashVector {
  format: string;
  variant?: string;
  password: string;
  hash: string;
  match: boolean;
}

const loadVectors = (path: string): HashVector[] =>
  (JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8")) as { vectors: HashVector[] }).vectors;

/** Kratos's legacy and modern hash vectors. */
export const HASH_VECTORS: readonly HashVector[] = [
  ...loadVectors("../test/fixtures/legacy-hashes/kratos-legacy-vectors.json"),
  ...loadVectors("../test/fixtures/hash-vectors/kratos-hash-vectors.json"),
];

/** The first positive Kratos vector whose hash starts with `prefix`. */
export function hashVector(prefix: string): { password: string; hash: string } {
  const v = HASH_VECTORS.find((x) => x.match && x.hash.startsWith(prefix));
  check(v, `no positive vector starting with ${prefix}`);
  return { password: v.password, hash: v.hash };
}
