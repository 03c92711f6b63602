import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { StoredIdentity } from "../identity/identity.js";
import { API_KEY_STORE_METHODS, type ApiKeyStore, type StoredApiKey } from "../storage/api-key-store.js";
import type { StorageAdapter } from "../storage/storage-adapter.js";
import { insertAll, isoAt, makeIdentity } from "./fixtures.js";
import type { SuiteContext } from "./harness.js";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** A key id of the manager's shape: 20 base62 characters. */
export const keyId = () => [...randomBytes(20)].map((b) => BASE62[b % 62]).join("");

/** The adapter's key methods, or undefined when it implements none (then every key case passes vacuously). */
export function keysOf(adapter: StorageAdapter): ApiKeyStore | undefined {
  const present = API_KEY_STORE_METHODS.filter((m) => typeof adapter[m] === "function");
  if (present.length === 0) return undefined;
  assert.deepStrictEqual(
    present,
    [...API_KEY_STORE_METHODS],
    "an adapter implements all API key methods or none",
  );
  return adapter as ApiKeyStore;
}

export function makeKey(identityId: string, spec: Partial<StoredApiKey> = {}): StoredApiKey {
  return {
    id: keyId(),
    identity_id: identityId,
    name: "\uFEFFdeploy \u{1F680}",
    scopes: ["read:identities", "write"],
    metadata: { team: "platform", nested: [1, { x: null }] },
    digest: randomBytes(32).toString("hex"),
    created_at: isoAt(1000),
    expires_at: null,
    last_used_at: null,
    revoked_at: null,
    replaced_by: null,
    ...spec,
  };
}

/** `identity` as the manager writes it with these key ids: an `api_key` credential, `updated_at` moved on. */
export function withKeys(identity: StoredIdentity, ids: readonly string[], offsetMs = 1): StoredIdentity {
  const at = new Date(Date.parse(identity.updated_at) + offsetMs).toISOString();
  return {
    ...identity,
    credentials: {
      ...identity.credentials,
      api_key: {
        type: "api_key",
        identifiers: [...ids],
        config: {},
        version: 0,
        created_at: at,
        updated_at: at,
      },
    },
    updated_at: at,
  };
}

/** An identity with `count` keys, inserted through `insertApiKey` one by one; returns both. */
export async function seed(
  keys: ApiKeyStore,
  adapter: StorageAdapter,
  count = 1,
  spec: Partial<StoredApiKey> = {},
) {
  let identity = makeIdentity();
  await insertAll(adapter, [identity]);
  const stored: StoredApiKey[] = [];
  for (let i = 0; i < count; i++) {
    const key = makeKey(identity.id, { created_at: isoAt(1000 + i), ...spec });
    const next = withKeys(identity, [...stored.map((k) => k.id), key.id]);
    assert.equal(
      await keys.insertApiKey({ key, identity: next, expectedUpdatedAt: identity.updated_at }),
      "ok",
    );
    identity = next;
    stored.push(key);
  }
  return { identity, keys: stored };
}

/** Registers key cases: each runs only when the adapter implements the key methods (else passes vacuously). */
export function keyTester(test: SuiteContext["test"]) {
  return (title: string, body: (keys: ApiKeyStore, adapter: StorageAdapter) => Promise<void>) =>
    test(title, async (adapter) => {
      const keys = keysOf(adapter);
      if (keys) await body(keys, adapter);
    });
}
