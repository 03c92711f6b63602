import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { FlowTokenKind, StorageAdapter, StoredFlowToken } from "../storage/storage-adapter.js";
import {
  assertRejectsConflict,
  assertStored,
  concurrently,
  describeValue,
  insertAll,
  keyOf,
  makeIdentity,
  makeToken,
  revise,
  tally,
} from "./fixtures.js";
import type { SuiteContext } from "./harness.js";

const KINDS: readonly FlowTokenKind[] = [
  "recovery_link",
  "recovery_code",
  "verification_link",
  "verification_code",
];
const WRONG = ["0".repeat(64)];

/** The stored token (found by its digest), asserting it is still there. */
async function stored(adapter: StorageAdapter, token: StoredFlowToken): Promise<StoredFlowToken> {
  const found = await adapter.findFlowToken(token.kind, [token.digest]);
  assert.ok(found, `the ${token.kind} token should still be stored`);
  return found;
}

/** An identity with one token of `kind` (and `attempts` wrong codes so far), both stored. */
async function seed(adapter: StorageAdapter, kind: FlowTokenKind = "recovery_code", attempts = 0) {
  const identity = makeIdentity();
  await insertAll(adapter, [identity]);
  const token = makeToken(identity.id, kind, attempts);
  await adapter.insertFlowToken(token);
  return { identity, token };
}

const results = (settled: PromiseSettledResult<unknown>[]) =>
  settled.map((r) => (r.status === "fulfilled" ? r.value : `rejected ${describeValue(r.reason)}`));

/** Cases of flow tokens: lookup, code attempts, redemption, and removal with their identity. */
export function tokenCases({ describe, test, concurrency }: SuiteContext): void {
  describe("flow tokens: lookup and codes", () => {
    test("findFlowToken returns an equal token by kind and digest, and is read-only", async (adapter) => {
      const identity = makeIdentity();
      await insertAll(adapter, [identity]);
      const tokens = KINDS.map((kind) => makeToken(identity.id, kind));
      for (const token of tokens) await adapter.insertFlowToken(token);
      for (const token of tokens) {
        assert.deepStrictEqual(await adapter.findFlowToken(token.kind, [...WRONG, token.digest]), token);
        assert.deepStrictEqual(
          await adapter.findFlowToken(token.kind, [token.digest]),
          token,
          "find consumed it",
        );
      }
      const [link] = tokens as [StoredFlowToken];
      assert.equal(await adapter.findFlowToken("verification_link", [link.digest]), undefined, "wrong kind");
      assert.equal(await adapter.findFlowToken(link.kind, WRONG), undefined, "unknown digest");
      assert.equal(await adapter.findFlowToken(link.kind, []), undefined, "no digest");
    });

    test("checkFlowCode: not_found for an unknown flow or another kind", async (adapter) => {
      const { token } = await seed(adapter);
      assert.deepStrictEqual(await adapter.checkFlowCode(randomUUID(), token.kind, [token.digest], 5), {
        status: "not_found",
      });
      assert.deepStrictEqual(await adapter.checkFlowCode(token.id, "verification_code", [token.digest], 5), {
        status: "not_found",
      });
      assert.equal((await stored(adapter, token)).attempts, 0, "a not_found check counted an attempt");
    });

    test("checkFlowCode: ok returns the token and keeps it, attempts unchanged", async (adapter) => {
      const { token } = await seed(adapter, "recovery_code", 2);
      for (let i = 0; i < 2; i++) {
        assert.deepStrictEqual(
          await adapter.checkFlowCode(token.id, token.kind, [...WRONG, token.digest], 5),
          {
            status: "ok",
            token,
          },
        );
      }
      assert.deepStrictEqual(await stored(adapter, token), token);
    });

    test("checkFlowCode: a wrong code is a mismatch that counts one attempt, up to exhausted", async (adapter) => {
      const { token } = await seed(adapter, "verification_code");
      const max = 4;
      for (let i = 1; i <= 3; i++) {
        assert.deepStrictEqual(await adapter.checkFlowCode(token.id, token.kind, WRONG, max), {
          status: "mismatch",
        });
        assert.equal((await stored(adapter, token)).attempts, i);
      }
      assert.equal((await adapter.checkFlowCode(token.id, token.kind, [token.digest], max)).status, "ok");
      assert.deepStrictEqual(await adapter.checkFlowCode(token.id, token.kind, WRONG, max), {
        status: "mismatch",
      });
      assert.deepStrictEqual(await adapter.checkFlowCode(token.id, token.kind, WRONG, max), {
        status: "exhausted",
      });
      assert.equal((await stored(adapter, token)).attempts, max);
    });

    test("checkFlowCode: exhausted when attempts >= maxAttempts, even for the right code", async (adapter) => {
      const { token } = await seed(adapter, "recovery_code", 5);
      assert.deepStrictEqual(await adapter.checkFlowCode(token.id, token.kind, [token.digest], 5), {
        status: "exhausted",
      });
      assert.deepStrictEqual(await adapter.checkFlowCode(token.id, token.kind, [token.digest], 3), {
        status: "exhausted",
      });
      assert.deepStrictEqual(await stored(adapter, token), token, "an exhausted check changed the token");
    });

    test(`${concurrency} concurrent wrong codes: exactly maxAttempts mismatches in total, the rest exhausted`, async (adapter) => {
      const { token } = await seed(adapter);
      const max = Math.min(5, concurrency - 1);
      const settled = await concurrently(concurrency, () =>
        adapter.checkFlowCode(token.id, token.kind, WRONG, max),
      );
      const statuses = results(settled).map((r) =>
        typeof r === "object" && r ? (r as { status: string }).status : r,
      );
      assert.deepStrictEqual(tally(statuses, String), { mismatch: max, exhausted: concurrency - max });
      assert.equal((await stored(adapter, token)).attempts, max, "stored attempts");
    });
  });

  describe("flow tokens: redemption", () => {
    test("redeemFlowToken without update deletes the token once", async (adapter) => {
      const { token } = await seed(adapter, "recovery_link");
      assert.equal(await adapter.redeemFlowToken({ id: token.id, kind: "recovery_code" }), "token_gone");
      await stored(adapter, token);
      assert.equal(await adapter.redeemFlowToken({ id: token.id, kind: token.kind }), "ok");
      assert.equal(
        await adapter.findFlowToken(token.kind, [token.digest]),
        undefined,
        "the token is still stored",
      );
      assert.equal(await adapter.redeemFlowToken({ id: token.id, kind: token.kind }), "token_gone");
      assert.equal(await adapter.redeemFlowToken({ id: randomUUID(), kind: token.kind }), "token_gone");
    });

    test("redeemFlowToken with update writes the identity and deletes the token", async (adapter) => {
      const { identity, token } = await seed(adapter, "verification_link");
      const next = revise(identity);
      const update = { identity: next, expectedUpdatedAt: identity.updated_at };
      assert.equal(await adapter.redeemFlowToken({ id: token.id, kind: token.kind, update }), "ok");
      await assertStored(adapter, next, "the redeemed update");
      assert.equal(await adapter.findFlowToken(token.kind, [token.digest]), undefined);
    });

    test(`${concurrency} concurrent redemptions of one token: exactly one ok, the rest token_gone`, async (adapter) => {
      const { token } = await seed(adapter, "recovery_code");
      const settled = await concurrently(concurrency, () =>
        adapter.redeemFlowToken({ id: token.id, kind: token.kind }),
      );
      assert.deepStrictEqual(tally(results(settled), String), { ok: 1, token_gone: concurrency - 1 });
      assert.deepStrictEqual(await adapter.checkFlowCode(token.id, token.kind, [token.digest], 5), {
        status: "not_found",
      });
    });

    test(`${concurrency} concurrent redemptions with an update: exactly one ok, its update written`, async (adapter) => {
      const { identity, token } = await seed(adapter, "verification_code");
      const revisions = Array.from({ length: concurrency }, () => revise(identity));
      const settled = await concurrently(concurrency, (i) =>
        adapter.redeemFlowToken({
          id: token.id,
          kind: token.kind,
          update: { identity: revisions[i] as typeof identity, expectedUpdatedAt: identity.updated_at },
        }),
      );
      const outcomes = results(settled);
      assert.equal(outcomes.filter((o) => o === "ok").length, 1, JSON.stringify(tally(outcomes, String)));
      // The losers found the token gone (or, having checked the identity first, stale): never a second write.
      for (const o of outcomes) assert.ok(o === "ok" || o === "token_gone" || o === "stale", String(o));
      await assertStored(
        adapter,
        revisions[outcomes.indexOf("ok")] as typeof identity,
        "the winner's update",
      );
    });

    test("redeemFlowToken with a stale update resolves stale and keeps the token and identity", async (adapter) => {
      const { identity, token } = await seed(adapter, "verification_link");
      const expectedUpdatedAt = new Date(Date.parse(identity.updated_at) - 1).toISOString();
      const update = { identity: revise(identity), expectedUpdatedAt };
      assert.equal(await adapter.redeemFlowToken({ id: token.id, kind: token.kind, update }), "stale");
      await stored(adapter, token);
      await assertStored(adapter, identity, "a stale redemption wrote");
    });

    test("redeemFlowToken with a conflicting update throws identity_conflict and keeps the token and identity", async (adapter) => {
      const holder = makeIdentity();
      await insertAll(adapter, [holder]);
      const { identity, token } = await seed(adapter, "recovery_code");
      const next = revise(identity, { identifier: keyOf(holder, "identifier") });
      const update = { identity: next, expectedUpdatedAt: identity.updated_at };
      await assertRejectsConflict(
        adapter.redeemFlowToken({ id: token.id, kind: token.kind, update }),
        "redemption",
      );
      await stored(adapter, token);
      await assertStored(adapter, identity, "a refused redemption wrote");
      assert.equal((await adapter.checkFlowCode(token.id, token.kind, [token.digest], 5)).status, "ok");
    });

    test("redeemFlowToken whose identity is gone resolves identity_not_found and keeps the token", async (adapter) => {
      const { token } = await seed(adapter, "recovery_link");
      const ghost = makeIdentity();
      const update = { identity: ghost, expectedUpdatedAt: ghost.updated_at };
      assert.equal(
        await adapter.redeemFlowToken({ id: token.id, kind: token.kind, update }),
        "identity_not_found",
      );
      await stored(adapter, token);
      assert.equal(await adapter.getIdentity(ghost.id), undefined);
    });

    test("deleteIdentity deletes the identity's flow tokens and no other", async (adapter) => {
      const { identity, token: code } = await seed(adapter, "recovery_code");
      const link = makeToken(identity.id, "verification_link");
      await adapter.insertFlowToken(link);
      const { token: kept } = await seed(adapter, "recovery_code");
      assert.equal(await adapter.deleteIdentity(identity.id), true);
      assert.equal(await adapter.findFlowToken(link.kind, [link.digest]), undefined);
      assert.equal(await adapter.findFlowToken(code.kind, [code.digest]), undefined);
      assert.deepStrictEqual(await adapter.checkFlowCode(code.id, code.kind, [code.digest], 5), {
        status: "not_found",
      });
      assert.equal(await adapter.redeemFlowToken({ id: link.id, kind: link.kind }), "token_gone");
      assert.deepStrictEqual(await stored(adapter, kept), kept);
    });
  });
}
