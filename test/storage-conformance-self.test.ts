/**
 * The conformance suite checks itself: run through a minimal hand-written runner (neither vitest nor node:test),
 * it passes on MemoryStorage, closes every adapter it opens, and each deliberately broken adapter of conformance-mutants.ts (a
 * MemoryStorage with one contract rule broken) fails the case named for that rule.
 */
import { describe, expect, it } from "vitest";
import type { StorageAdapter } from "../src/index.js";
import { MemoryStorage } from "../src/index.js";
import { runStorageConformance } from "../src/testing/index.js";
import { MUTANTS } from "./conformance-mutants.js";

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
    expect(results.size).toBeGreaterThanOrEqual(70);
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

  it.each(MUTANTS)("catches an adapter where %s (case: %s)", async (_what, caseTitle, createAdapter) => {
    const results = await runSuite(createAdapter);
    const matching = [...results].filter(([title]) => title.includes(caseTitle));
    expect(matching.length).toBeGreaterThan(0);
    for (const [title, error] of matching) expect(error, title).not.toBeNull();
  });
});
