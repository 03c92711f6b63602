/**
 * Event-loop stall of writing one large identity (idkit issue 7, item 3). The schema is the issue's: an array of
 * emails, each a password identifier, a verifiable address and a recovery address.
 *
 * - `largest_*`: the largest identity the default caps accept (100 emails, traits padded to exactly 64 KiB),
 *   created, then PUT-replaced by 100 other emails (every stored address dropped, 100 new ones made).
 * - `uncapped_<n>_*`: `n` emails with every cap lifted (`Infinity`), to compare with the issue's figures for the
 *   quadratic code on this kind of machine: create 8,000 = 6 s, create 16,000 = 23 s, PUT replacing 8,000 = 20 s
 *   (`issue_before_*_ms`). `uncapped_linearity_ratio` is the create stall of 16,000 ÷ that of 8,000 in this run:
 *   2 when linear, 4 when quadratic.
 *
 * The stall is the longest gap between two turns of the event loop while the call runs (a `setImmediate` chain
 * timestamps every turn), i.e. the longest stretch of synchronous work; medians over rounds. It is wall time: on a
 * machine shared with other processes it includes time the thread waited for a CPU, so `*_cpu_ms` (the process's
 * CPU time during the call) shows the work itself. `*_storage_ms` is the part spent inside MemoryStorage's
 * insert/update in the same calls, and `*_without_storage_ms` the stall minus it: idkit's own work (derivation,
 * validation, copies).
 */
import { IdentityManager, MemoryStorage, type StoredIdentity } from "idkit";
import { check, median, round } from "./util.js";

const ROUNDS = Number(process.env.LARGE_IDENTITY_ROUNDS ?? 30);
const UNCAPPED_ROUNDS = Number(process.env.LARGE_IDENTITY_UNCAPPED_ROUNDS ?? 3);
const TRAITS_BYTES = 64 * 1024;

const SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  properties: {
    traits: {
      type: "object",
      properties: {
        emails: {
          type: "array",
          items: {
            type: "string",
            format: "email",
            "ory.sh/kratos": {
              credentials: { password: { identifier: true } },
              verification: { via: "email" },
              recovery: { via: "email" },
            },
          },
        },
        note: { type: "string" },
      },
    },
  },
};

/** MemoryStorage that adds up the time its identity writes take. */
class TimedStorage extends MemoryStorage {
  ms = 0;
  override async insertIdentities(identities: readonly StoredIdentity[]) {
    const t0 = performance.now();
    try {
      return await super.insertIdentities(identities);
    } finally {
      this.ms += performance.now() - t0;
    }
  }
  override async updateIdentity(identity: StoredIdentity, expectedUpdatedAt?: string) {
    const t0 = performance.now();
    try {
      return await super.updateIdentity(identity, expectedUpdatedAt);
    } finally {
      this.ms += performance.now() - t0;
    }
  }
}

/** The longest synchronous stretch (ms) while `work` runs, the storage's share of the wall time, the CPU time. */
async function stallOf(storage: TimedStorage, work: () => Promise<unknown>) {
  let last = performance.now();
  let longest = 0;
  let running = true;
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  await new Promise((resolve) => setImmediate(resolve)); // start measuring from a fresh turn
  storage.ms = 0;
  const c0 = process.cpuUsage();
  last = performance.now();
  longest = 0;
  await work();
  tick(); // the stretch that ended with the call
  running = false;
  const c = process.cpuUsage(c0);
  return { stall: longest, storage: storage.ms, cpu: (c.user + c.system) / 1000 };
}

const emails = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}.${i}@example.org`);

/** Traits with `list` and a note that brings their JSON to exactly `bytes` bytes. */
function paddedTraits(list: string[], bytes: number) {
  const bare = JSON.stringify({ emails: list, note: "" }).length;
  const traits = { emails: list, note: "n".repeat(bytes - bare) };
  check(Buffer.byteLength(JSON.stringify(traits)) === bytes, "padded traits must be exactly the cap");
  return traits;
}

interface Figures {
  create: number[];
  put: number[];
  createStorage: number[];
  putStorage: number[];
  createCpu: number[];
  putCpu: number[];
}

async function measure(
  idm: IdentityManager,
  storage: TimedStorage,
  traits: (prefix: string) => Record<string, unknown>,
  expected: number,
  rounds: number,
): Promise<Figures> {
  const out: Figures = { create: [], put: [], createStorage: [], putStorage: [], createCpu: [], putCpu: [] };
  for (let r = 0; r < rounds; r++) {
    const c = `c${run}`;
    const p = `p${run++}`;
    let id = "";
    const created = await stallOf(storage, async () => {
      const identity = await idm.createIdentity({ schema_id: "many", traits: traits(c) });
      check(identity.verifiable_addresses?.length === expected, "every email must be a verifiable address");
      id = identity.id;
    });
    const replaced = await stallOf(storage, async () => {
      const identity = await idm.updateIdentity(id, { schema_id: "many", traits: traits(p) });
      check(identity.recovery_addresses?.length === expected, "every email must be a recovery address");
      check(identity.recovery_addresses?.[0]?.value === `${p}.0@example.org`, "the PUT must replace them");
    });
    out.create.push(created.stall);
    out.put.push(replaced.stall);
    out.createStorage.push(created.storage);
    out.putStorage.push(replaced.storage);
    out.createCpu.push(created.cpu);
    out.putCpu.push(replaced.cpu);
  }
  return out;
}

const fmt = (x: number) => round(x, 2);
const without = (stalls: number[], storage: number[]) => stalls.map((s, i) => s - (storage[i] ?? 0));
let run = 0; // distinct emails in every call: they are unique identifiers

export async function largeIdentityBenchmark(): Promise<Record<string, number>> {
  // Defaults: the largest accepted identity.
  const storage = new TimedStorage();
  const idm = new IdentityManager({ storage, schemas: { many: SCHEMA } });
  const largest = (prefix: string) => paddedTraits(emails(prefix, 100), TRAITS_BYTES);
  await measure(idm, storage, largest, 100, 30); // warm-up (the JIT optimises after a few dozen calls)
  const capped = await measure(idm, storage, largest, 100, ROUNDS);

  // Caps lifted: the issue's sizes.
  const unlimited = Number.POSITIVE_INFINITY;
  const bigStorage = new TimedStorage();
  const big = new IdentityManager({
    storage: bigStorage,
    schemas: { many: SCHEMA },
    limits: {
      maxIdentifiers: unlimited,
      maxVerifiableAddresses: unlimited,
      maxRecoveryAddresses: unlimited,
      maxTraitsBytes: unlimited,
    },
  });
  await measure(big, bigStorage, (p) => ({ emails: emails(p, 1000) }), 1000, 1); // warm-up
  const n8 = await measure(big, bigStorage, (p) => ({ emails: emails(p, 8000) }), 8000, UNCAPPED_ROUNDS);
  const n16 = await measure(big, bigStorage, (p) => ({ emails: emails(p, 16000) }), 16000, UNCAPPED_ROUNDS);

  return {
    largest_emails: 100,
    largest_traits_bytes: TRAITS_BYTES,
    largest_create_stall_ms: fmt(median(capped.create)),
    largest_create_stall_max_ms: fmt(Math.max(...capped.create)),
    largest_put_stall_ms: fmt(median(capped.put)),
    largest_put_stall_max_ms: fmt(Math.max(...capped.put)),
    largest_create_cpu_ms: fmt(median(capped.createCpu)),
    largest_put_cpu_ms: fmt(median(capped.putCpu)),
    uncapped_8000_create_stall_ms: Math.round(median(n8.create)),
    uncapped_8000_create_storage_ms: Math.round(median(n8.createStorage)),
    uncapped_8000_put_stall_ms: Math.round(median(n8.put)),
    uncapped_8000_put_storage_ms: Math.round(median(n8.putStorage)),
    uncapped_16000_create_stall_ms: Math.round(median(n16.create)),
    uncapped_16000_create_storage_ms: Math.round(median(n16.createStorage)),
    uncapped_16000_put_stall_ms: Math.round(median(n16.put)),
    uncapped_linearity_ratio: fmt(median(n16.create) / median(n8.create)),
    uncapped_8000_create_without_storage_ms: Math.round(median(without(n8.create, n8.createStorage))),
    uncapped_8000_put_without_storage_ms: Math.round(median(without(n8.put, n8.putStorage))),
    uncapped_16000_create_without_storage_ms: Math.round(median(without(n16.create, n16.createStorage))),
    uncapped_linearity_ratio_without_storage: fmt(
      median(without(n16.create, n16.createStorage)) / median(without(n8.create, n8.createStorage)),
    ),
    issue_before_8000_create_ms: 6000,
    issue_before_16000_create_ms: 23000,
    issue_before_8000_put_ms: 20000,
  };
}
