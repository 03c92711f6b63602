import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { StoredIdentity } from "../identity/identity.js";
import type { StorageAdapter } from "../storage/storage-adapter.js";
import {
  assertKeysFree,
  assertStored,
  concurrently,
  describeValue,
  insertAll,
  keyOf,
  makeIdentity,
  read,
  revise,
  tally,
} from "./fixtures.js";
import type { SuiteContext } from "./harness.js";

/**
 * Fires one update per revision, all at once, with the same `expectedUpdatedAt`, and asserts that exactly one
 * resolves `ok`, the others `stale`, and that the stored identity is the winner's revision.
 */
async function assertOneCasWinner(
  adapter: StorageAdapter,
  base: StoredIdentity,
  revisions: readonly StoredIdentity[],
): Promise<void> {
  const results = await concurrently(revisions.length, (i) =>
    adapter.updateIdentity(revisions[i] as StoredIdentity, base.updated_at),
  );
  const outcomes = results.map((r) =>
    r.status === "fulfilled" ? r.value : `rejected ${describeValue(r.reason)}`,
  );
  assert.deepStrictEqual(
    tally(outcomes, (o) => o),
    { ok: 1, stale: revisions.length - 1 },
    `outcomes ${JSON.stringify(outcomes)}`,
  );
  await assertStored(adapter, revisions[outcomes.indexOf("ok")] as StoredIdentity, "the winner's revision");
}

/** Cases of compare-and-set updates and of deletion. */
export function updateCases({ describe, test, concurrency }: SuiteContext): void {
  describe("updateIdentity (compare-and-set)", () => {
    test("an update with the current updated_at writes the new identity", async (adapter) => {
      const identity = makeIdentity();
      await insertAll(adapter, [identity, makeIdentity()]);
      const next = revise(identity);
      assert.equal(await adapter.updateIdentity(next, identity.updated_at), "ok");
      await assertStored(adapter, next, "after the update");
      assert.deepStrictEqual(
        await adapter.findIdentityByCredentialIdentifier("password", keyOf(next, "identifier")),
        next,
      );
      assert.deepStrictEqual(await adapter.findIdentityByExternalId(keyOf(next, "external_id")), next);
      assert.equal(
        await adapter.findIdentityByCredentialIdentifier("password", keyOf(identity, "identifier")),
        undefined,
      );
    });

    test("an update without expectedUpdatedAt writes unconditionally", async (adapter) => {
      const identity = makeIdentity();
      await insertAll(adapter, [identity]);
      const next = revise(identity);
      assert.equal(await adapter.updateIdentity(next), "ok");
      await assertStored(adapter, next, "after the update");
    });

    test("a stale expectedUpdatedAt resolves stale and writes nothing", async (adapter) => {
      const identity = makeIdentity();
      await insertAll(adapter, [identity]);
      const first = revise(identity);
      assert.equal(await adapter.updateIdentity(first, identity.updated_at), "ok");
      const late = revise(identity);
      assert.equal(await adapter.updateIdentity(late, identity.updated_at), "stale");
      await assertStored(adapter, first, "a stale update wrote");
      await assertKeysFree(
        adapter,
        { identifier: keyOf(late, "identifier"), externalId: keyOf(late, "external_id") },
        "the stale update's keys",
      );
    });

    test("an expectedUpdatedAt differing only in spelling or precision is stale (exact text)", async (adapter) => {
      const identity = makeIdentity();
      await insertAll(adapter, [identity]);
      const at = identity.updated_at;
      assert.ok(at.endsWith(".000Z"), "the suite stores updated_at with milliseconds");
      const sameInstant = [
        at.replace(".000Z", "Z"),
        at.replace(".000Z", ".000000Z"),
        at.replace("Z", "+00:00"),
      ];
      const offByOne = new Date(Date.parse(at) + 1).toISOString();
      for (const expectedUpdatedAt of [...sameInstant, offByOne]) {
        assert.equal(
          await adapter.updateIdentity(revise(identity), expectedUpdatedAt),
          "stale",
          expectedUpdatedAt,
        );
      }
      await assertStored(adapter, identity, "a stale update wrote");
    });

    test("an update of an unknown id resolves not_found and creates nothing", async (adapter) => {
      const ghost = makeIdentity();
      await insertAll(adapter, [makeIdentity()]);
      assert.equal(await adapter.updateIdentity(ghost, ghost.updated_at), "not_found");
      assert.equal(await adapter.updateIdentity(ghost), "not_found");
      assert.equal(await read(adapter, ghost.id), undefined);
      await assertKeysFree(
        adapter,
        { identifier: keyOf(ghost, "identifier") },
        "the unknown identity's keys",
      );
    });

    test("two concurrent updates in the same millisecond (equal new updated_at): exactly one ok", async (adapter) => {
      const identity = makeIdentity();
      await insertAll(adapter, [identity]);
      const at = new Date(Date.parse(identity.updated_at) + 1).toISOString();
      await assertOneCasWinner(adapter, identity, [
        revise(identity, { updatedAt: at }),
        revise(identity, { updatedAt: at }),
      ]);
    });

    test("two concurrent updates whose new updated_at differ by 1 ms: exactly one ok", async (adapter) => {
      const identity = makeIdentity();
      await insertAll(adapter, [identity]);
      const t = Date.parse(identity.updated_at);
      await assertOneCasWinner(adapter, identity, [
        revise(identity, { updatedAt: new Date(t + 2).toISOString() }),
        revise(identity, { updatedAt: new Date(t + 1).toISOString() }),
      ]);
    });

    test(`${concurrency} concurrent updates with one expectedUpdatedAt: exactly one ok`, async (adapter) => {
      const identity = makeIdentity();
      await insertAll(adapter, [identity]);
      const t = Date.parse(identity.updated_at);
      const revisions = Array.from({ length: concurrency }, (_, i) =>
        revise(identity, { updatedAt: new Date(t + 1 + (i % 2)).toISOString() }),
      );
      await assertOneCasWinner(adapter, identity, revisions);
    });

    test("each write needs the previous version's updated_at (versions 1 ms apart)", async (adapter) => {
      const identity = makeIdentity();
      await insertAll(adapter, [identity]);
      const v1 = revise(identity);
      const v2 = revise(v1);
      assert.equal(await adapter.updateIdentity(v1, identity.updated_at), "ok");
      assert.equal(await adapter.updateIdentity(v2, identity.updated_at), "stale");
      assert.equal(await adapter.updateIdentity(v2, v1.updated_at), "ok");
      await assertStored(adapter, v2, "the end of the chain");
    });
  });

  describe("deleteIdentity", () => {
    test("deleteIdentity resolves true, then false; the identity is gone, others stay", async (adapter) => {
      const identity = makeIdentity();
      const other = makeIdentity();
      await insertAll(adapter, [identity, other]);
      assert.equal(await adapter.deleteIdentity(identity.id), true);
      assert.equal(await read(adapter, identity.id), undefined);
      assert.equal(await adapter.deleteIdentity(identity.id), false);
      assert.equal(await adapter.deleteIdentity(randomUUID()), false);
      await assertStored(adapter, other, "another identity");
      assert.deepStrictEqual(
        (await adapter.listIdentities({ limit: 10 })).map((i) => i.id),
        [other.id],
      );
    });

    test("deleteIdentity releases every uniqueness key", async (adapter) => {
      const identity = makeIdentity();
      await insertAll(adapter, [identity]);
      assert.equal(await adapter.deleteIdentity(identity.id), true);
      assert.equal(
        await adapter.findIdentityByCredentialIdentifier("password", keyOf(identity, "identifier")),
        undefined,
      );
      assert.equal(await adapter.findIdentityByExternalId(keyOf(identity, "external_id")), undefined);
      await assertKeysFree(
        adapter,
        {
          identifier: keyOf(identity, "identifier"),
          verifiable: keyOf(identity, "verifiable"),
          recovery: keyOf(identity, "recovery"),
          externalId: keyOf(identity, "external_id"),
        },
        "a deleted identity's keys",
      );
    });
  });
}
