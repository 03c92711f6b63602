// Runs the fuzz targets against a fresh world and checks the invariants of issue 7 (item 8): only IdentityErrors
// (never a TypeError, RangeError or a storage_error blamed on a store that never failed), nothing written by a
// call that was rejected, no prototype pollution.
import fc from "fast-check";
import { IdentityManager, isIdentityError, MemoryStorage, type StorageAdapter } from "../../src/index.js";
import { materialize } from "./hostile.js";
import type { FuzzTarget, FuzzWorld } from "./targets.js";

/** Adapter methods that only count failed attempts: a rejected code submission legitimately writes one. */
const ATTEMPT_COUNTERS = new Set(["checkFlowCode"]);
const READS = /^(get|find|list|init|close)/;

/** Whether an adapter write's result says it took effect (the shapes of the StorageAdapter contract). */
function tookEffect(result: unknown): number {
  if (Array.isArray(result)) return result.filter((r) => r === null).length; // insertIdentities outcomes
  if (result === undefined) return 1; // void writes (insertFlowToken)
  if (typeof result === "string") return result === "ok" ? 1 : 0; // updateIdentity, redeemFlowToken
  if (typeof result === "boolean") return result ? 1 : 0; // deleteIdentity
  return (result as { status?: string })?.status === "ok" ? 1 : 0;
}

/** Wraps a MemoryStorage and counts every write that took effect (whatever the adapter's method set is). */
export function countingStorage(): { storage: StorageAdapter; writes: () => number } {
  let writes = 0;
  const inner = new MemoryStorage();
  const storage = new Proxy(inner, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== "function") return value;
      if (typeof key !== "string" || READS.test(key)) return value.bind(target);
      return async (...args: unknown[]) => {
        const result = await value.apply(target, args);
        if (!ATTEMPT_COUNTERS.has(key)) writes += tookEffect(result);
        return result;
      };
    },
  });
  return { storage, writes: () => writes };
}

/** A manager with cheap hashing and a few identities, recovery tokens and code flows to aim at. */
export async function makeWorld(): Promise<FuzzWorld & { writes: () => number }> {
  const { storage, writes } = countingStorage();
  const idm = new IdentityManager({
    storage,
    hashing: { algorithm: "bcrypt", bcrypt: { cost: 4 } },
    secrets: ["fuzz-secret-0123456789abcdef"],
  });
  const ids: string[] = [];
  const tokens: string[] = [];
  const flows: string[] = [];
  for (const email of ["a@example.org", "b@example.org"]) {
    const identity = await idm.createIdentity({
      schema_id: "default",
      traits: { email },
      credentials: { password: { config: { password: "correct horse battery" } } },
      external_id: `ext-${email}`,
    });
    ids.push(identity.id);
    const link = await idm.createRecoveryLink({ identity_id: identity.id });
    tokens.push(new URL(link.recovery_link).searchParams.get("token") ?? "");
    const verification = await idm.createVerificationLink({ identity_id: identity.id });
    tokens.push(new URL(verification.verification_link).searchParams.get("token") ?? "");
    flows.push((await idm.createRecoveryCode({ identity_id: identity.id })).flow_id);
  }
  return { idm, ids, tokens, flows, writes };
}

/** What went wrong in one call, or undefined when the invariants held. */
export async function violation(
  world: FuzzWorld & { writes: () => number },
  target: FuzzTarget,
  args: unknown[],
): Promise<string | undefined> {
  const protoKeys = Object.getOwnPropertyNames(Object.prototype).length;
  const before = world.writes();
  let thrown: unknown;
  let threw = false;
  try {
    await target.call(world, materialize(args) as unknown[]);
  } catch (e) {
    thrown = e;
    threw = true;
  }
  if (
    Object.getOwnPropertyNames(Object.prototype).length !== protoKeys ||
    ({} as Record<string, unknown>).polluted !== undefined
  ) {
    return "prototype pollution";
  }
  if (!threw) return undefined;
  if (!isIdentityError(thrown)) {
    return `untyped error: ${thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown)}`;
  }
  if (thrown.code === "storage_error")
    return `storage_error blamed on a store that never failed: ${thrown.reason}`;
  if (world.writes() !== before)
    return `${world.writes() - before} write(s) after a rejection (${thrown.code})`;
  return undefined;
}

/** Counts of one fuzz run. */
export interface FuzzReport {
  runs: number;
  failures: { target: string; problem: string; args: string }[];
}

/** Runs `runsPerTarget` generated calls against every target, each target in a fresh world. */
export async function fuzz(
  targets: readonly FuzzTarget[],
  runsPerTarget: number,
  seed?: number,
): Promise<FuzzReport> {
  const report: FuzzReport = { runs: 0, failures: [] };
  for (const target of targets) {
    const world = await makeWorld();
    const result = await fc.check(
      fc.asyncProperty(target.args(world), async (args) => {
        report.runs++;
        const problem = await violation(world, target, args);
        if (problem) throw new Error(problem);
      }),
      { numRuns: runsPerTarget, ...(seed === undefined ? {} : { seed }), endOnFailure: true },
    );
    if (result.failed) {
      report.failures.push({
        target: target.name,
        problem:
          result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance),
        args: fc.stringify(result.counterexample),
      });
    }
  }
  return report;
}
