/**
 * The conformance suite checks itself: run through a minimal hand-written runner (neither vitest nor node:test),
 * it passes on MemoryStorage, closes every adapter it opens, each deliberately broken adapter of
 * conformance-mutants*.ts (a MemoryStorage with one contract rule broken) fails the case named for that rule, and
 * options it cannot run with are refused with invalid_configuration before anything is registered.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { StorageAdapter } from "../src/index.js";
import { isIdentityError, MemoryStorage } from "../src/index.js";
import { runStorageConformance } from "../src/testing/index.js";
import { MUTANTS } from "./conformance-mutants.js";
import { API_KEY_MUTANTS } from "./conformance-mutants-api-keys.js";
import { KEY_MUTANTS } from "./conformance-mutants-keys.js";

/** Runs the whole suite with a bare-bones runner; returns each case's full title and its error (null: passed). */
async function runSuite(createAdapter: () => StorageAdapter): Promise<Map<string, unknown>> {
  const cases: Array<{ title: string; fn: () => Promise<void> }> = [];
  const path: string[] = [];
  runStorageConformance({
    name: "self",
    createAdapter,
    concurrency: 12,
    describe: (name, fn) => {
      path.push(name);
      fn();
      path.pop();
    },
    it: (name, fn) => {
      cases.push({ title: [...path, name].join(" > "), fn });
    },
  });
  const results = new Map<string, unknown>();
  for (const c of cases) {
    try {
      await c.fn();
      results.set(c.title, null);
    } catch (e) {
      results.set(c.title, e);
    }
  }
  return results;
}

describe("runStorageConformance checks itself", () => {
  it("passes on MemoryStorage under a hand-written runner, and closes every adapter it opened", async () => {
    let created = 0;
    let initialised = 0;
    let closed = 0;
    const results = await runSuite(() => {
      created++;
      const storage: StorageAdapter = new MemoryStorage();
      storage.init = async () => void initialised++;
      storage.close = async () => void closed++;
      return storage;
    });
    const failed = [...results].filter(([, e]) => e !== null);
    expect(failed).toEqual([]);
    expect(results.size).toBeGreaterThanOrEqual(83);
    expect([initialised, closed]).toEqual([created, created]);
    expect(created).toBe(results.size);
  });

  it("a failing close() fails the case; a failing case still closes its adapter", async () => {
    let closed = 0;
    const results = await runSuite(() => {
      const storage: StorageAdapter = new MemoryStorage();
      storage.close = async () => {
        closed++;
        throw new Error("close failed");
      };
      storage.getIdentity = async () => {
        throw new Error("get failed");
      };
      return storage;
    });
    const errors = [...results.values()].map((e) => (e instanceof Error ? e.message : String(e)));
    expect(errors.every((m) => m !== "null")).toBe(true);
    expect(errors).toContain("get failed");
    expect(errors).toContain("close failed");
    expect(closed).toBe(results.size);
  });

  it.each([...MUTANTS, ...KEY_MUTANTS, ...API_KEY_MUTANTS])(
    "catches an adapter where %s (case: %s)",
    async (_what, caseTitle, createAdapter) => {
      const results = await runSuite(createAdapter);
      const matching = [...results].filter(([title]) => title.includes(caseTitle));
      expect(matching.length).toBeGreaterThan(0);
      for (const [title, error] of matching) expect(error, title).not.toBeNull();
    },
  );
});

/** What calling runStorageConformance(options) did: returned, or threw (and what). */
function attempt(options: unknown): { ran: true } | { thrown: unknown } {
  try {
    runStorageConformance(options as Parameters<typeof runStorageConformance>[0]);
    return { ran: true };
  } catch (thrown) {
    return { thrown };
  }
}

describe("runStorageConformance refuses options it cannot run with", () => {
  const valid = () => {
    const calls: string[] = [];
    const options = {
      name: "x",
      createAdapter: () => new MemoryStorage(),
      describe: (name: string, fn: () => void) => {
        calls.push(`describe ${name}`);
        fn();
      },
      it: (name: string) => void calls.push(`it ${name}`),
    };
    return { options, calls };
  };
  const refused = (options: unknown, reason: RegExp) => {
    const result = attempt(options);
    expect(result).toHaveProperty("thrown");
    const thrown = (result as { thrown: unknown }).thrown;
    expect(isIdentityError(thrown, "invalid_configuration"), String(thrown)).toBe(true);
    expect((thrown as { reason: string }).reason).toMatch(reason);
  };

  it("names what is wrong, for each option", () => {
    const { options, calls } = valid();
    refused(null, /options must be an object.*got null/);
    refused(undefined, /options must be an object/);
    refused([options], /got an array/);
    refused(() => options, /got a function/);
    refused({ ...options, describe: undefined }, /describe must be a function, got undefined/);
    refused({ ...options, it: "it" }, /it must be a function/);
    refused({ ...options, createAdapter: new MemoryStorage() }, /createAdapter must be a function/);
    refused({ ...options, name: 7 }, /name must be a string, got the number 7/);
    for (const concurrency of [Number.POSITIVE_INFINITY, Number.NaN, 2.5, 2, 0, -3, 10_001, "50", 50n, null])
      refused({ ...options, concurrency }, /concurrency must be an integer from 3 to 10000/);
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    refused(revoked.proxy, /cannot be read/);
    refused(
      new Proxy(options, {
        get() {
          throw new Error("trap");
        },
      }),
      /cannot be read/,
    );
    expect(calls).toEqual([]);
  });

  it("accepts concurrency 3 and 10000, and registers everything", () => {
    for (const concurrency of [3, 10_000, undefined]) {
      const { options, calls } = valid();
      expect(attempt({ ...options, concurrency })).toEqual({ ran: true });
      expect(calls[0]).toBe("describe x: StorageAdapter conformance");
      expect(calls.filter((c) => c.startsWith("it ")).length).toBeGreaterThanOrEqual(83);
    }
  });

  it("any value as options, or as any option, is an IdentityError thrown before anything is registered", () => {
    const hostile = fc.oneof(
      fc.anything(),
      fc.func(fc.anything()),
      fc.double(),
      fc.integer({ min: -20, max: 20_000 }),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          hostile,
          fc.record(
            {
              name: fc.oneof(fc.string(), hostile),
              createAdapter: fc.oneof(
                fc.constant(() => new MemoryStorage()),
                hostile,
              ),
              describe: fc.oneof(
                fc.constant(() => {}),
                hostile,
              ),
              it: fc.oneof(
                fc.constant(() => {}),
                hostile,
              ),
              concurrency: fc.oneof(fc.integer({ min: 3, max: 10_000 }), hostile),
            },
            { requiredKeys: [] },
          ),
        ),
        (options) => {
          let registered = 0;
          const o = options as Record<string, unknown> | null;
          const spy =
            o !== null && typeof o === "object" && !Array.isArray(o)
              ? {
                  ...o,
                  describe:
                    typeof o.describe === "function"
                      ? (_: string, fn: () => void) => {
                          registered++;
                          fn();
                        }
                      : o.describe,
                  it: typeof o.it === "function" ? () => void registered++ : o.it,
                }
              : options;
          const result = attempt(spy);
          if ("thrown" in result) {
            expect(isIdentityError(result.thrown, "invalid_configuration"), String(result.thrown)).toBe(true);
            expect(registered).toBe(0);
          } else {
            expect(registered).toBeGreaterThan(83);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
