/**
 * `idkit/testing`: the storage adapter conformance suite. Run it from your own test files against your adapter;
 * every rule of the `StorageAdapter` contract (docs/storage.md) is one named case.
 *
 * @module
 */
import { atomicityCases } from "./cases-atomicity.js";
import { identityCases } from "./cases-identities.js";
import { isolationCases } from "./cases-isolation.js";
import { listingCases } from "./cases-listing.js";
import { tokenCases } from "./cases-tokens.js";
import { updateCases } from "./cases-update.js";
import { type StorageConformanceOptions, suiteContext } from "./harness.js";

export type { StorageConformanceOptions } from "./harness.js";

/**
 * Registers the storage adapter conformance suite with your test runner: one `describe` named
 * `<name>: StorageAdapter conformance`, with a nested `describe` per area (insert and read, uniqueness, batch
 * insert, failed writes, concurrent writes, listing, compare-and-set, deletion, flow tokens, isolation) and one
 * `it` per contract rule. Runner-agnostic: it only calls the `describe` and `it` you pass (vitest, `node:test`,
 * mocha and jest all fit) and asserts with `node:assert/strict`.
 *
 * Every case creates a fresh adapter with `createAdapter()`, awaits `init?.()`, exercises the adapter directly
 * (not through the manager), and awaits `close?.()` in a `finally`. The data are valid `StoredIdentity` records
 * (lower-case UUID v4 ids, ISO timestamps with milliseconds, password credentials, addresses, `external_id`,
 * `organization_id`) and flow tokens whose `identity_id` is a stored identity.
 *
 * Runner notes: mocha's default 2 s timeout is short for a database adapter (use `--timeout 30000`); with
 * `node:test`, `describe`/`it` come from `import { describe, it } from "node:test"`.
 *
 * @example
 * ```ts
 * import { describe, it } from "vitest";
 * import { MemoryStorage } from "idkit";
 * import { runStorageConformance } from "idkit/testing";
 *
 * runStorageConformance({ name: "memory", createAdapter: () => new MemoryStorage(), describe, it });
 * ```
 * @param options `name`, `createAdapter` (a fresh, empty adapter per call; may be async), `describe`, `it`,
 *   and optionally `concurrency` (calls fired at once by the concurrency cases; default 50, at least 3).
 * @returns nothing: the cases are registered through `describe` and `it`, and run when your runner runs them.
 * @throws nothing itself; a broken rule fails its case with an `AssertionError` naming the rule.
 */
export function runStorageConformance(options: StorageConformanceOptions): void {
  const context = suiteContext(options);
  options.describe(`${options.name}: StorageAdapter conformance`, () => {
    identityCases(context);
    atomicityCases(context);
    listingCases(context);
    updateCases(context);
    tokenCases(context);
    isolationCases(context);
  });
}
