/**
 * Clear-text password import throughput: `batchPatchIdentities` with batches of 200 entries carrying a clear-text
 * password (Kratos's per-request limit), hashed by the default argon2id hasher, against the raw hasher on all
 * cores: N = os.availableParallelism() `@node-rs/argon2` `hash` calls kept in flight, same parameters (m=47104 KiB,
 * t=1, p=1, 16-byte salt, 32-byte tag), over the same number of passwords. Measured in interleaved rounds.
 *
 * Ratio = idkit identities/s ÷ raw hashes/s (median of per-round ratios). Goal: ≥ 0.9. `cpu_ratio_raw_over_idkit`
 * is the process CPU time (all threads) of raw ÷ idkit for the same passwords: how much of idkit's CPU is hashing,
 * steadier than wall time when other processes share the machine.
 */
import { randomBytes } from "node:crypto";
import { availableParallelism } from "node:os";
import { type Algorithm, hash } from "@node-rs/argon2";
import { IdentityManager } from "idkit";
import { check, median, round } from "./util.js";

const TOTAL = Number(process.env.CLEAR_TEXT_TOTAL ?? 400);
const BATCH = 200;
const ROUNDS = 3;
const PARALLEL = availableParallelism();

const password = (i: number) => `import-password-${i}-${"x".repeat(i % 7)}`;

/** Imports TOTAL identities with clear-text passwords into a fresh IdentityManager; ms. */
async function idkitRound(round: number): Promise<number> {
  const idm = new IdentityManager();
  const batches = Array.from({ length: Math.ceil(TOTAL / BATCH) }, (_, b) => ({
    identities: Array.from({ length: Math.min(BATCH, TOTAL - b * BATCH) }, (_, i) => {
      const n = b * BATCH + i;
      return {
        create: {
          schema_id: "preset://email",
          traits: { email: `import.${round}.${n}@example.org` },
          credentials: { password: { config: { password: password(n) } } },
        },
      };
    }),
  }));
  const t0 = performance.now();
  for (const batch of batches) {
    const { identities } = await idm.batchPatchIdentities(batch);
    check(
      identities.every((r) => r?.action === "create"),
      "every clear-text import must succeed",
    );
  }
  return performance.now() - t0;
}

/** Hashes TOTAL passwords with PARALLEL calls in flight; ms. */
async function rawRound(): Promise<number> {
  const options = {
    algorithm: 2 as Algorithm, // Argon2id (ambient const enum)
    memoryCost: 47104,
    timeCost: 1,
    parallelism: 1,
    outputLen: 32,
  };
  let next = 0;
  const lane = async () => {
    while (next < TOTAL) {
      const n = next++;
      const out = await hash(password(n), { ...options, salt: randomBytes(16) });
      check(out.startsWith("$argon2id$v=19$m=47104,t=1,p=1$"), "raw argon2 hash");
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: PARALLEL }, lane));
  return performance.now() - t0;
}

export async function clearTextImportBenchmark(): Promise<Record<string, number>> {
  // Warm-up: the first argon2 calls pay for allocating their memory.
  await Promise.all(Array.from({ length: PARALLEL }, () => hash("warm-up", { memoryCost: 47104 })));
  const idkitMs: number[] = [];
  const rawMs: number[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  /** Wall ms of `run` and the process CPU µs (all threads) it used. */
  const timed = async (run: () => Promise<number>) => {
    const c0 = process.cpuUsage();
    const wall = await run();
    const c = process.cpuUsage(c0);
    return { wall, cpu: c.user + c.system };
  };
  for (let r = 0; r < ROUNDS; r++) {
    let a: { wall: number; cpu: number };
    let b: { wall: number; cpu: number };
    if (r % 2 === 0) {
      a = await timed(() => idkitRound(r));
      b = await timed(rawRound);
    } else {
      b = await timed(rawRound);
      a = await timed(() => idkitRound(r));
    }
    idkitMs.push(a.wall);
    rawMs.push(b.wall);
    ratios.push(b.wall / a.wall); // throughput ratio: (TOTAL / a) ÷ (TOTAL / b)
    cpuRatios.push(b.cpu / a.cpu); // CPU spent per password: raw ÷ idkit
  }
  const perS = (ms: number) => Math.round(TOTAL / (ms / 1000));
  return {
    identities: TOTAL,
    batch: BATCH,
    raw_parallel: PARALLEL,
    idkit_identities_per_s: perS(median(idkitMs)),
    raw_hashes_per_s: perS(median(rawMs)),
    ratio_idkit_over_raw: round(median(ratios)),
    cpu_ratio_raw_over_idkit: round(median(cpuRatios)),
  };
}
