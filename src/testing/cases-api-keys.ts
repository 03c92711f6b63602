import assert from "node:assert/strict";
import type { StoredApiKey } from "../storage/api-key-store.js";
import {
  assertStored,
  concurrently,
  describeValue,
  insertAll,
  isoAt,
  makeIdentity,
  tally,
} from "./fixtures.js";
import { keyId, keyTester, makeKey, seed, withKeys } from "./fixtures-api-keys.js";
import type { SuiteContext } from "./harness.js";

/** Cases of the optional API key methods (`ApiKeyStore`). */
export function apiKeyCases({ describe, test, concurrency }: SuiteContext): void {
  const keyTest = keyTester(test);

  describe("API keys: inserts", () => {
    keyTest(
      "insertApiKey stores the key and the identity in one step; findApiKey returns both, equal",
      async (keys, adapter) => {
        const {
          identity,
          keys: [key],
        } = await seed(keys, adapter);
        assert.deepStrictEqual(await keys.findApiKey((key as StoredApiKey).id), { key, identity });
        await assertStored(adapter, identity, "the identity written with the key");
        assert.equal(await keys.findApiKey(keyId()), undefined, "an unknown key id");
      },
    );

    keyTest(
      "insertApiKey is a compare-and-set: stale or not_found changes nothing",
      async (keys, adapter) => {
        const { identity } = await seed(keys, adapter);
        const key = makeKey(identity.id);
        const stale = withKeys(identity, [key.id]);
        const outcome = await keys.insertApiKey({ key, identity: stale, expectedUpdatedAt: isoAt(-5) });
        assert.equal(outcome, "stale");
        assert.equal(await keys.findApiKey(key.id), undefined, "a stale insert stored its key");
        await assertStored(adapter, identity, "a stale insert wrote the identity");
        const ghost = makeIdentity();
        const orphan = makeKey(ghost.id);
        const missing = await keys.insertApiKey({
          key: orphan,
          identity: withKeys(ghost, [orphan.id]),
          expectedUpdatedAt: ghost.updated_at,
        });
        assert.equal(missing, "not_found");
        assert.equal(await keys.findApiKey(orphan.id), undefined, "a key of a missing identity was stored");
      },
    );

    keyTest("concurrent inserts against one identity version: exactly one ok", async (keys, adapter) => {
      const identity = makeIdentity();
      await insertAll(adapter, [identity]);
      const made = Array.from({ length: concurrency }, () => makeKey(identity.id));
      const settled = await concurrently(concurrency, (i) => {
        const key = made[i] as StoredApiKey;
        return keys.insertApiKey({
          key,
          identity: withKeys(identity, [key.id]),
          expectedUpdatedAt: identity.updated_at,
        });
      });
      const outcomes = settled.map((r) =>
        r.status === "fulfilled" ? r.value : `rejected ${describeValue(r.reason)}`,
      );
      assert.deepStrictEqual(tally(outcomes, String), { ok: 1, stale: concurrency - 1 });
      const winner = made[outcomes.indexOf("ok")] as StoredApiKey;
      assert.deepStrictEqual(
        (await keys.listApiKeys(identity.id)).map((k) => k.id),
        [winner.id],
      );
    });

    keyTest(
      "insertApiKey with expire caps the old key's expiry, never extends it, records replaced_by; a revoked or rotated old key makes it stale",
      async (keys, adapter) => {
        const {
          identity,
          keys: [old],
        } = await seed(keys, adapter, 1);
        const oldKey = old as StoredApiKey;
        const key = makeKey(identity.id, { created_at: isoAt(5000), expires_at: isoAt(20_000) });
        const next = withKeys(identity, [oldKey.id, key.id]);
        const at = isoAt(9000);
        assert.equal(
          await keys.insertApiKey({
            key,
            identity: next,
            expectedUpdatedAt: identity.updated_at,
            expire: { id: oldKey.id, at },
          }),
          "ok",
        );
        assert.deepStrictEqual(
          (await keys.findApiKey(oldKey.id))?.key,
          { ...oldKey, expires_at: at, replaced_by: key.id },
          "the old key's expiry was not capped or its replaced_by not recorded",
        );
        const again = makeKey(identity.id, { created_at: isoAt(5500) });
        const retried = await keys.insertApiKey({
          key: again,
          identity: withKeys(next, [oldKey.id, key.id, again.id]),
          expectedUpdatedAt: next.updated_at,
          expire: { id: oldKey.id, at: isoAt(9500) },
        });
        assert.equal(retried, "stale", "a key rotated before must not be rotated again");
        assert.equal(
          await keys.findApiKey(again.id),
          undefined,
          "the refused second rotation stored its key",
        );
        await assertStored(adapter, next, "the refused second rotation wrote the identity");
        // `key` expires at 20 s: an expire at 99 s leaves it there.
        const third = makeKey(identity.id, { created_at: isoAt(6000) });
        const later = withKeys(next, [oldKey.id, key.id, third.id]);
        assert.equal(
          await keys.insertApiKey({
            key: third,
            identity: later,
            expectedUpdatedAt: next.updated_at,
            expire: { id: key.id, at: isoAt(99_000) },
          }),
          "ok",
        );
        assert.equal(
          (await keys.findApiKey(key.id))?.key.expires_at,
          isoAt(20_000),
          "an expire extended a key's expiry",
        );
        await keys.revokeApiKey(third.id, isoAt(7000));
        const fourth = makeKey(identity.id);
        const refused = await keys.insertApiKey({
          key: fourth,
          identity: withKeys(later, [oldKey.id, key.id, third.id, fourth.id]),
          expectedUpdatedAt: later.updated_at,
          expire: { id: third.id, at: isoAt(8000) },
        });
        assert.equal(refused, "stale", "rotating a revoked key must be refused");
        assert.equal(await keys.findApiKey(fourth.id), undefined, "the refused rotation stored its key");
        await assertStored(adapter, later, "the refused rotation wrote the identity");
      },
    );

    keyTest("insertApiKey with remove deletes those keys of that identity only", async (keys, adapter) => {
      const { identity, keys: mine } = await seed(keys, adapter, 3);
      const other = await seed(keys, adapter, 1);
      const [a, b, c] = mine as [StoredApiKey, StoredApiKey, StoredApiKey];
      const theirs = other.keys[0] as StoredApiKey;
      const key = makeKey(identity.id, { created_at: isoAt(2000) });
      const next = withKeys(identity, [c.id, key.id]);
      const remove = [a.id, b.id, theirs.id];
      assert.equal(
        await keys.insertApiKey({ key, identity: next, expectedUpdatedAt: identity.updated_at, remove }),
        "ok",
      );
      assert.deepStrictEqual(
        (await keys.listApiKeys(identity.id)).map((k) => k.id),
        [c.id, key.id],
      );
      assert.deepStrictEqual(
        (await keys.findApiKey(theirs.id))?.key,
        theirs,
        "another identity's key was removed",
      );
    });
  });
}
