/**
 * `idkit/testing`: the storage adapter conformance suite. Run it from your own test files against your adapter;
 * every rule of the `StorageAdapter` contract (docs/storage.md) is one named case.
 *
 * @module
 */
import { apiKeyCases } from "./cases-api-keys.js";
import { apiKeyUseCases } from "./cases-api-keys-use.js";
import { atomicityCases } from "./cases-atomicity.js";
import { fidelityCases } from "./cases-fidelity.js";
import { identityCases } from "./cases-identities.js";
import { isolationCases } from "./cases-isolation.js";
import { keyCases } from "./cases-keys.js";
import { listingCases } from "./cases-listing.js";
import { tokenCases } from "./cases-tokens.js";
import { updateCases } from "./cases-update.js";
import { type StorageConformanceOptions, suiteContext } from "./harness.js";

export type { StorageConformanceOptions } from "./harness.js";

/**
 * Registers the storage adapter conformance suite with your test runner: one `describe` named
 * `<name>: StorageAdapter conformance`, with a nested `describe` per area (insert and read, uniqueness, every
 * identifier and address, batch insert, failed writes, concurrent writes, listing, compare-and-set, deletion, flow
 * tokens, isolation, fidelity, API keys) and one `it` per contract rule. Runner-agnostic: it only calls the `describe` and
 * `it` you pass (vitest, `node:test`, mocha and jest all fit) and asserts with `node:assert/strict`.
 *
 * Every case creates a fresh adapter with `createAdapter()`, awaits `init?.()`, exercises the adapter directly
 * (not through the manager), and awaits `close?.()` in a `finally`. The data are valid `StoredIdentity` records:
 * lower-case UUID v4 ids, ISO timestamps with milliseconds, `external_id`, `organization_id`; identities with one
 * password identifier and one address of each kind, and identities holding every credential type with several
 * identifiers each (password: email, username, phone; oidc `google:<n>`; saml; webauthn and passkey user
 * handles; code addresses; totp and lookup_secret), several verifiable and recovery addresses (email and sms),
 * and traits and metadata that are hard to store faithfully (100,000-character strings, emoji, a leading U+FEFF,
 * own `__proto__` and `constructor` members, 100 levels of nesting, `1e308`, `5e-324`, `-0`, 10,000-element
 * arrays; never U+0000 nor a lone surrogate). JSON is compared as JSON compares it: `-0` equals `0`, member
 * order does not count. Flow tokens belong to a stored identity.
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
 * @param options `name` (a string), `createAdapter` (a fresh, empty adapter per call; may be async), `describe`,
 *   `it` (functions), and optionally `concurrency` (calls fired at once by the concurrency cases; an integer from
 *   3 to 10,000, default 50).
 * @returns nothing: the cases are registered through `describe` and `it`, and run when your runner runs them.
 * @throws IdentityError `invalid_configuration`, synchronously and before anything is registered, when `options`
 *   is not an object (or cannot be read), `name` is not a string, `createAdapter`, `describe` or `it` is not a
 *   function, or `concurrency` is not an integer from 3 to 10,000. A broken rule fails its case with an
 *   `AssertionError` naming the rule.
 */
export function runStorageConformance(options: StorageConformanceOptions): void {
  const context = suiteContext(options);
  context.describe(`${context.name}: StorageAdapter conformance`, () => {
    identityCases(context);
    keyCases(context);
    atomicityCases(context);
    listingCases(context);
    updateCases(context);
    tokenCases(context);
    isolationCases(context);
    fidelityCases(context);
    apiKeyCases(context);
    apiKeyUseCases(context);
  });
}
