import { IdentityError, isIdentityError } from "../errors/index.js";
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
   * An integer from 3 to 10,000; default 50. Raise it against a database server to stress its locking (1000 is a
   * good soak), at the cost of a slower run.
   */
  concurrency?: number;
}

/** What a case file receives: the runner's functions and a wrapper that supplies a fresh adapter. */
export interface SuiteContext {
  /** The adapter's name (the validated `options.name`). */
  name: string;
  describe: (name: string, fn: () => void) => unknown;
  /** Registers one case: `body` gets a fresh, initialised adapter that is closed afterwards. */
  test: (name: string, body: (adapter: StorageAdapter) => Promise<void>) => void;
  /** Number of concurrent calls of the concurrency cases (3 to 10,000). */
  concurrency: number;
}

/** Bounds of `concurrency` (inclusive) and its default. */
export const CONCURRENCY = Object.freeze({ min: 3, max: 10_000, default: 50 });

/** Throws the `invalid_configuration` error of a bad option. */
function invalid(reason: string): never {
  throw new IdentityError("invalid_configuration", { reason: `runStorageConformance: ${reason}` });
}

/** A short description of an option's value for error reasons (never throws). */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return `the number ${String(value)}`;
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * Reads and checks `options` once (a getter is called once; a throwing getter or a revoked proxy is refused).
 * @throws IdentityError `invalid_configuration` when `options` is not an object, `name` is not a string,
 *   `createAdapter`, `describe` or `it` is not a function, or `concurrency` is given and is not an integer from
 *   3 to 10,000.
 */
function readOptions(options: unknown): Required<StorageConformanceOptions> {
  let o: Record<string, unknown>;
  try {
    if (options === null || typeof options !== "object" || Array.isArray(options))
      return invalid(
        `options must be an object { name, createAdapter, describe, it, concurrency? }, got ${kindOf(options)}.`,
      );
    const { name, createAdapter, describe, it, concurrency } = options as Record<string, unknown>;
    o = { name, createAdapter, describe, it, concurrency };
  } catch (e) {
    if (isIdentityError(e)) throw e;
    return invalid("options cannot be read (a getter or proxy trap threw).");
  }
  if (typeof o.name !== "string") invalid(`name must be a string, got ${kindOf(o.name)}.`);
  for (const key of ["createAdapter", "describe", "it"]) {
    if (typeof o[key] !== "function") invalid(`${key} must be a function, got ${kindOf(o[key])}.`);
  }
  const concurrency = o.concurrency === undefined ? CONCURRENCY.default : o.concurrency;
  if (
    typeof concurrency !== "number" ||
    !Number.isInteger(concurrency) ||
    concurrency < CONCURRENCY.min ||
    concurrency > CONCURRENCY.max
  ) {
    invalid(
      `concurrency must be an integer from ${CONCURRENCY.min} to ${CONCURRENCY.max} (default ${CONCURRENCY.default}), got ${kindOf(concurrency)}.`,
    );
  }
  return { ...(o as unknown as Required<StorageConformanceOptions>), concurrency };
}

/**
 * Builds the {@link SuiteContext} for `options`, checking them first (before anything is registered).
 * @throws IdentityError `invalid_configuration` for options {@link runStorageConformance} refuses (see there).
 */
export function suiteContext(options: unknown): SuiteContext {
  const { name, createAdapter, describe, it, concurrency } = readOptions(options);
  return {
    name,
    describe,
    concurrency,
    test: (title, body) => {
      it(title, () => withAdapters(createAdapter, body));
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
