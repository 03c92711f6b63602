/**
 * Event-loop responsiveness during a burst of logins: `perf_hooks.monitorEventLoopDelay({ resolution: 1 })` while
 * 32 `authenticatePassword` calls run concurrently (32 identities, one login each). Reported in ms: p50, p99, max.
 *
 * - argon2id (default OWASP parameters): 5 rounds, medians of p50/p99 and the overall max; the same histogram over
 *   32 concurrent raw `@node-rs/argon2` `hashRaw` calls with the same parameters is the reference (same run).
 * - `$sha512-crypt$rounds=535000$…` (imported, computed by the crypt worker pool): one round. The hash is made at
 *   start by `openssl passwd -6 -salt 'rounds=535000$<salt>'` (independent of idkit); skipped if openssl is missing.
 *   Each login succeeds and then rehashes the password with the configured argon2id (as a first login after an
 *   import does). The reference is how long one such checksum blocks the loop if computed on the main thread.
 *
 * An idle loop (1 s sleep) gives the histogram's floor: with resolution 1 each sample is the full ~1 ms interval.
 * Goal: p99 < 10 ms.
 */
import { execFileSync } from "node:child_process";
import { createHash, timingSafeEqual } from "node:crypto";
import { monitorEventLoopDelay, performance as perf } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { type Algorithm, hashRaw } from "@node-rs/argon2";
import { IdentityManager } from "idkit";
import { crypt64Encode } from "../src/credentials/password/verifiers/legacy/crypt64.js";
import { shaCryptChecksum } from "../src/credentials/password/verifiers/legacy/sha-crypt.js";
import { check, median, round } from "./util.js";

const CONCURRENT = 32;
const CRYPT_LOGINS = Number(process.env.EVENT_LOOP_CRYPT_LOGINS ?? CONCURRENT);
const PASSWORD = "correct horse battery staple";
const CRYPT_ROUNDS = 535_000;
const CRYPT_SALT = "idkitBenchSalt01"; // 16 characters of ./0-9A-Za-z

interface Lag {
  p50: number;
  p99: number;
  max: number;
  wallMs: number;
  /** Share of the wall time the main thread spent running JavaScript (event-loop utilisation), in %. */
  busyPct: number;
}

/** Event-loop delay (ms) while `work` runs. */
async function lagDuring(work: () => Promise<unknown>): Promise<Lag> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const elu = perf.eventLoopUtilization();
  const t0 = performance.now();
  await work();
  const wallMs = performance.now() - t0;
  const busyPct = perf.eventLoopUtilization(elu).utilization * 100;
  h.disable();
  return { p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6, wallMs, busyPct };
}

/** An IdentityManager (default hashing) with `count` identities sharing the stored `hash`; their identifiers. */
async function identitiesWith(
  idm: IdentityManager,
  prefix: string,
  count: number,
  hash: string,
): Promise<string[]> {
  const emails = Array.from({ length: count }, (_, i) => `${prefix}.${i}@example.org`);
  const { identities } = await idm.batchPatchIdentities({
    identities: emails.map((email) => ({
      create: {
        schema_id: "preset://email",
        traits: { email },
        credentials: { password: { config: { hashed_password: hash } } },
      },
    })),
  });
  check(
    identities.every((r) => r?.action === "create"),
    "identities must import",
  );
  return emails;
}

/** `$sha512-crypt$rounds=535000$…` of PASSWORD made by openssl, or undefined (with a note) without openssl. */
function opensslShaCrypt(): string | undefined {
  try {
    const out = execFileSync(
      "openssl",
      ["passwd", "-6", "-salt", `rounds=${CRYPT_ROUNDS}$${CRYPT_SALT}`, PASSWORD],
      { encoding: "utf8", timeout: 30_000, stdio: ["ignore", "pipe", "ignore"] },
    ).trim();
    const prefix = `$6$rounds=${CRYPT_ROUNDS}$${CRYPT_SALT}$`;
    if (!out.startsWith(prefix)) throw new Error(`unexpected openssl output: ${out}`);
    return `$sha512-crypt$${out.slice(3)}`;
  } catch (error) {
    console.error(
      `event_loop: skipping the sha512-crypt figures (openssl passwd unavailable: ${(error as Error).message})`,
    );
    return undefined;
  }
}

const fmt = (x: number) => round(x, 2);

export async function eventLoopBenchmark(): Promise<Record<string, number>> {
  const idle = await lagDuring(() => sleep(1000));

  // argon2id with the default parameters.
  const idm = new IdentityManager();
  const hash = await idm.passwordHasher.hash(PASSWORD);
  const [, , , params, salt64, tag64] = hash.split("$") as string[];
  const p = Object.fromEntries((params as string).split(",").map((kv) => kv.split("="))) as Record<
    string,
    string
  >;
  const tag = Buffer.from(tag64 as string, "base64");
  const rawOptions = {
    algorithm: 2 as Algorithm,
    memoryCost: Number(p.m),
    timeCost: Number(p.t),
    parallelism: Number(p.p),
    salt: Buffer.from(salt64 as string, "base64"),
    outputLen: tag.length,
  };
  const emails = await identitiesWith(idm, "argon2", CONCURRENT, hash);
  let startMs = 0;
  const burst = () => {
    const t0 = performance.now();
    const logins = emails.map((identifier) => idm.authenticatePassword({ identifier, password: PASSWORD }));
    startMs = performance.now() - t0; // the synchronous part of starting 32 logins: one loop turn
    return Promise.all(logins);
  };
  const rawBurst = () =>
    Promise.all(
      emails.map(async () => check(timingSafeEqual(await hashRaw(PASSWORD, rawOptions), tag), "raw argon2")),
    );
  await burst(); // warm-up
  await rawBurst();
  const runs: Lag[] = [];
  const rawRuns: Lag[] = [];
  const startMsRuns: number[] = [];
  for (let r = 0; r < 5; r++) {
    runs.push(await lagDuring(burst));
    startMsRuns.push(startMs);
    rawRuns.push(await lagDuring(rawBurst));
  }
  const result: Record<string, number> = {
    concurrent_logins: CONCURRENT,
    idle_p50_ms: fmt(idle.p50),
    idle_p99_ms: fmt(idle.p99),
    argon2id_p50_ms: fmt(median(runs.map((x) => x.p50))),
    argon2id_p99_ms: fmt(median(runs.map((x) => x.p99))),
    argon2id_max_ms: fmt(Math.max(...runs.map((x) => x.max))),
    argon2id_burst_ms: fmt(median(runs.map((x) => x.wallMs))),
    argon2id_main_thread_busy_pct: fmt(median(runs.map((x) => x.busyPct))),
    argon2id_burst_start_block_ms: fmt(median(startMsRuns)),
    raw_argon2_p50_ms: fmt(median(rawRuns.map((x) => x.p50))),
    raw_argon2_p99_ms: fmt(median(rawRuns.map((x) => x.p99))),
    raw_argon2_max_ms: fmt(Math.max(...rawRuns.map((x) => x.max))),
    raw_argon2_burst_ms: fmt(median(rawRuns.map((x) => x.wallMs))),
    raw_argon2_main_thread_busy_pct: fmt(median(rawRuns.map((x) => x.busyPct))),
  };

  // Imported SHA-512-crypt, 535,000 rounds: computed in the crypt worker pool.
  const cryptHash = opensslShaCrypt();
  if (cryptHash !== undefined) {
    const cryptIdm = new IdentityManager();
    const cryptEmails = await identitiesWith(cryptIdm, "crypt", CRYPT_LOGINS, cryptHash);
    const rehashed: string[] = [];
    const lag = await lagDuring(() =>
      Promise.all(
        cryptEmails.map(async (identifier) => {
          const who = await cryptIdm.authenticatePassword({ identifier, password: PASSWORD });
          rehashed.push(who.id);
        }),
      ),
    );
    check(rehashed.length === CRYPT_LOGINS, "every crypt login must succeed");
    // Reference: one checksum computed on the main thread blocks the loop for its whole duration.
    const t0 = performance.now();
    const checksum = shaCryptChecksum(
      { createHash, crypt64Encode },
      "sha512",
      Buffer.from(PASSWORD),
      Buffer.from(CRYPT_SALT),
      CRYPT_ROUNDS,
    );
    const blockMs = performance.now() - t0;
    check(cryptHash.endsWith(`$${checksum}`), "main-thread sha-crypt must match openssl");
    Object.assign(result, {
      sha512crypt_rounds: CRYPT_ROUNDS,
      sha512crypt_logins: CRYPT_LOGINS,
      sha512crypt_p50_ms: fmt(lag.p50),
      sha512crypt_p99_ms: fmt(lag.p99),
      sha512crypt_max_ms: fmt(lag.max),
      sha512crypt_burst_ms: Math.round(lag.wallMs),
      sha512crypt_main_thread_busy_pct: fmt(lag.busyPct),
      sha512crypt_main_thread_block_ms: Math.round(blockMs),
    });
  }
  return result;
}
