import type { StorageAdapter } from "../storage/storage-adapter.js";

/**
 * The options of {@link runStorageConformance}. `describe` and `it` are your test runner's (vitest, `node:test`,
 * mocha, jest…): the suite only calls `describe(name, fn)` and `it(name, asyncFn)`, and asserts with
 * `node:assert/strict`, so a failed rule fails the `it` it belongs to.
 */
export interface StorageConformanceOptions {
  /** The adapter's name, the outer `describe`'s title (`<name>: StorageAdapter conformance`). */
  name: string;
  /**
   * Returns a fresh, EMPTY adapter on every call (a new in-memory store, a new schema, or truncated tables).
   * May be async. Each case calls it (once or more), then `init?.()` on what it got, and `close?.()` in a
   * `finally` once the case is over, pass or fail.
   */
  createAdapter: () => StorageAdapter | Promise<StorageAdapter>;
  /** Your runner's `describe`: called with a title and a synchronous callback. */
  describe: (name: string, fn: () => void) => unknown;
  /** Your runner's `it` / `test`: called with a title and an async callback. */
  it: (name: string, fn: () => Promise<void>) => unknown;
  /**
   * How many calls the concurrency cases fire at once (concurrent creates, code attempts, redemptions).
   * Default 50; at least 3 (smaller values are raised to 3). Raise it against a database server to stress its
   * locking (1000 is a good soak), at the cost of a slower run.
   */
  concurrency?: number;
}

/** What a case file receives: the runner's functions and a wrapper that supplies a fresh adapter. */
export interface SuiteContext {
  describe: (name: string, fn: () => void) => unknown;
  /** Registers one case: `body` gets a fresh, initialised adapter that is closed afterwards. */
  test: (name: string, body: (adapter: StorageAdapter) => Promise<void>) => void;
  /** Number of concurrent calls of the concurrency cases (≥ 3). */
  concurrency: number;
}

/** Builds the {@link SuiteContext} for `options`. */
export function suiteContext(options: StorageConformanceOptions): SuiteContext {
  const concurrency = Math.max(3, Math.floor(options.concurrency ?? 50));
  return {
    describe: options.describe,
    concurrency,
    test: (name, body) => {
      options.it(name, () => withAdapters(options.createAdapter, body));
    },
  };
}

/** Runs `body` on a fresh initialised adapter, and closes the adapter afterwards, even when `body` fails. */
async function withAdapters(
  create: () => StorageAdapter | Promise<StorageAdapter>,
  body: (adapter: StorageAdapter) => Promise<void>,
): Promise<void> {
  const adapter = await create();
  let failure: { error: unknown } | undefined;
  try {
    await adapter.init?.();
    await body(adapter);
  } catch (error) {
    failure = { error };
  }
  // Closed pass or fail (init included); the case's own failure is the more useful report than close()'s.
  try {
    await adapter.close?.();
  } catch (error) {
    failure ??= { error };
  }
  if (failure) throw failure.error;
}
