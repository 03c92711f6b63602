import assert from "node:assert/strict";
import type { StoredApiKey } from "../storage/api-key-store.js";
import { concurrently, isoAt, makeIdentity } from "./fixtures.js";
import { keyId, keyTester, seed } from "./fixtures-api-keys.js";
import type { SuiteContext } from "./harness.js";

/** Cases of the API key reads, revocation, uses and removal with their identity. */
export function apiKeyUseCases({ describe, test, concurrency }: SuiteContext): void {
  const keyTest = keyTester(test);
  describe("API keys: reads, revocation, uses", () => {
    keyTest(
      "listApiKeys returns an identity's keys by created_at then id, and no other identity's",
      async (keys, adapter) => {
        const { identity, keys: mine } = await seed(keys, adapter, 4);
        await seed(keys, adapter, 2);
        assert.deepStrictEqual(await keys.listApiKeys(identity.id), mine);
        assert.deepStrictEqual(
          await keys.listApiKeys(makeIdentity().id),
          [],
          "an unknown identity has no keys",
        );
      },
    );

    keyTest(
      "revokeApiKey sets revoked_at once (idempotent), visible at once; undefined for an unknown key",
      async (keys, adapter) => {
        const {
          keys: [key],
        } = await seed(keys, adapter);
        const k = key as StoredApiKey;
        assert.deepStrictEqual(await keys.revokeApiKey(k.id, isoAt(3000)), { ...k, revoked_at: isoAt(3000) });
        assert.equal((await keys.findApiKey(k.id))?.key.revoked_at, isoAt(3000));
        assert.equal(
          (await keys.revokeApiKey(k.id, isoAt(4000)))?.revoked_at,
          isoAt(3000),
          "a second revoke moved revoked_at",
        );
        assert.equal(await keys.revokeApiKey(keyId(), isoAt(3000)), undefined);
      },
    );

    keyTest(
      "touchApiKey writes last_used_at only when null or <= usedBefore, and nothing else",
      async (keys, adapter) => {
        const {
          keys: [key],
        } = await seed(keys, adapter);
        const k = key as StoredApiKey;
        await keys.touchApiKey(k.id, isoAt(10_000), isoAt(9000));
        assert.deepStrictEqual((await keys.findApiKey(k.id))?.key, { ...k, last_used_at: isoAt(10_000) });
        await keys.touchApiKey(k.id, isoAt(10_500), isoAt(9500));
        assert.equal(
          (await keys.findApiKey(k.id))?.key.last_used_at,
          isoAt(10_000),
          "a touch within the interval wrote",
        );
        await keys.touchApiKey(k.id, isoAt(20_000), isoAt(10_000));
        assert.equal(
          (await keys.findApiKey(k.id))?.key.last_used_at,
          isoAt(20_000),
          "a due touch did not write",
        );
        await keys.touchApiKey(keyId(), isoAt(1), isoAt(0));
      },
    );

    keyTest(
      "concurrent revoke and reads: once revokeApiKey resolves, every findApiKey sees revoked_at",
      async (keys, adapter) => {
        const {
          keys: [key],
        } = await seed(keys, adapter);
        const k = key as StoredApiKey;
        const during = concurrently(concurrency, () => keys.findApiKey(k.id));
        await keys.revokeApiKey(k.id, isoAt(3000));
        const after = await concurrently(concurrency, () => keys.findApiKey(k.id));
        for (const r of after) {
          assert.ok(
            r.status === "fulfilled" && r.value?.key.revoked_at === isoAt(3000),
            "a read after the revocation saw the key live",
          );
        }
        assert.ok(
          (await during).every((r) => r.status === "fulfilled" && r.value),
          "a concurrent read failed",
        );
      },
    );

    keyTest("deleteIdentity deletes the identity's keys", async (keys, adapter) => {
      const { identity, keys: mine } = await seed(keys, adapter, 2);
      const other = await seed(keys, adapter, 1);
      assert.equal(await adapter.deleteIdentity(identity.id), true);
      for (const k of mine)
        assert.equal(await keys.findApiKey(k.id), undefined, "a deleted identity's key remains");
      assert.deepStrictEqual(await keys.listApiKeys(identity.id), []);
      assert.ok(
        await keys.findApiKey((other.keys[0] as StoredApiKey).id),
        "another identity's key was deleted",
      );
    });
  });
}
