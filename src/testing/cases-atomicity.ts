import assert from "node:assert/strict";
import type { StoredIdentity } from "../identity/identity.js";
import type { StorageAdapter } from "../storage/storage-adapter.js";
import {
  assertConflict,
  assertKeysFree,
  assertRejectsConflict,
  assertStored,
  concurrently,
  describeValue,
  email,
  type IdentitySpec,
  insertAll,
  keyOf,
  makeIdentity,
  read,
  revise,
  specWith,
  tally,
  UNIQUE_KEYS,
  type UniqueKey,
  unique,
} from "./fixtures.js";
import type { SuiteContext } from "./harness.js";

/** The keys of `identity` as a spec, except `except` (made fresh) when given. */
function otherKeys(identity: StoredIdentity, except?: UniqueKey): IdentitySpec {
  const spec: IdentitySpec = {
    identifier: keyOf(identity, "identifier"),
    verifiable: keyOf(identity, "verifiable"),
    recovery: keyOf(identity, "recovery"),
    externalId: keyOf(identity, "external_id"),
  };
  if (except === "identifier") spec.identifier = email();
  else if (except === "verifiable") spec.verifiable = email();
  else if (except === "recovery") spec.recovery = email();
  else if (except === "external_id") spec.externalId = unique("ext");
  return spec;
}

/** Asserts that every uniqueness key of `identity` is still held (a new identity taking it is refused). */
async function assertKeysHeld(
  adapter: StorageAdapter,
  identity: StoredIdentity,
  what: string,
): Promise<void> {
  for (const key of UNIQUE_KEYS) {
    const [outcome] = await adapter.insertIdentities([makeIdentity(specWith(key, keyOf(identity, key)))]);
    assertConflict(outcome, `${what}: its ${key} should still be held`);
  }
}

/** Cases of all-or-nothing writes and of concurrent writes competing for one key. */
export function atomicityCases({ describe, test, concurrency }: SuiteContext): void {
  describe("a failed write leaves nothing behind", () => {
    for (const key of UNIQUE_KEYS) {
      test(`insert refused on its ${key}: no row, none of its other keys occupied`, async (adapter) => {
        const holder = makeIdentity();
        await insertAll(adapter, [holder]);
        const intruder = makeIdentity(specWith(key, keyOf(holder, key)));
        const [outcome] = await adapter.insertIdentities([intruder]);
        assertConflict(outcome, `insert with a taken ${key}`);
        assert.equal(await read(adapter, intruder.id), undefined, "the refused identity has a row");
        await assertKeysFree(adapter, otherKeys(intruder, key), "the refused identity's other keys");
      });

      test(`batch member refused on its ${key}: no row, none of its other keys occupied`, async (adapter) => {
        const holder = makeIdentity();
        await insertAll(adapter, [holder]);
        const intruder = makeIdentity(specWith(key, keyOf(holder, key)));
        const [before, failed, after] = [makeIdentity(), intruder, makeIdentity()];
        const outcomes = await adapter.insertIdentities([before, failed, after]);
        assert.equal(outcomes[0], null, describeValue(outcomes[0]));
        assertConflict(outcomes[1], `batch member with a taken ${key}`);
        assert.equal(outcomes[2], null, describeValue(outcomes[2]));
        assert.equal(await read(adapter, intruder.id), undefined, "the refused identity has a row");
        await assertKeysFree(adapter, otherKeys(intruder, key), "the refused identity's other keys");
      });

      test(`update refused on its ${key}: old identity intact, its keys held, the new keys free`, async (adapter) => {
        const holder = makeIdentity();
        const target = makeIdentity();
        await insertAll(adapter, [holder, target]);
        const next = revise(target, specWith(key, keyOf(holder, key)));
        await assertRejectsConflict(
          adapter.updateIdentity(next, target.updated_at),
          `update with a taken ${key}`,
        );
        await assertStored(adapter, target, "the identity changed despite the refused update");
        await assertStored(adapter, holder, "the holder changed");
        await assertKeysHeld(adapter, target, "the identity whose update was refused");
        await assertKeysFree(adapter, otherKeys(next, key), "the refused update's new keys");
      });
    }

    test("an update keeping its own keys is no conflict", async (adapter) => {
      const identity = makeIdentity();
      await insertAll(adapter, [identity]);
      const next = revise(identity, otherKeys(identity));
      assert.equal(await adapter.updateIdentity(next, identity.updated_at), "ok");
      await assertStored(adapter, next, "after the update");
    });

    test("an update releases the keys it drops and may take keys another identity released", async (adapter) => {
      const a = makeIdentity();
      const b = makeIdentity();
      await insertAll(adapter, [a, b]);
      const a2 = revise(a);
      assert.equal(await adapter.updateIdentity(a2, a.updated_at), "ok");
      const b2 = revise(b, otherKeys(a));
      assert.equal(await adapter.updateIdentity(b2, b.updated_at), "ok");
      await assertStored(adapter, b2, "b after taking a's old keys");
      assert.deepStrictEqual(
        await adapter.findIdentityByCredentialIdentifier("password", keyOf(a, "identifier")),
        b2,
      );
      await assertKeysFree(adapter, otherKeys(b), "b's released keys");
    });
  });

  describe("concurrent writes", () => {
    test(`${concurrency} concurrent creates of one email: exactly one wins`, async (adapter) => {
      const shared = email();
      const candidates = Array.from({ length: concurrency }, () => makeIdentity({ identifier: shared }));
      const results = await concurrently(concurrency, (i) =>
        adapter.insertIdentities([candidates[i] as StoredIdentity]),
      );
      await assertOneWinner(adapter, results, candidates);
      const winner = await adapter.findIdentityByCredentialIdentifier("password", shared);
      assert.ok(winner && candidates.some((c) => c.id === winner.id), "the email's holder is no candidate");
    });

    test(`${concurrency} concurrent creates of one external_id: exactly one wins`, async (adapter) => {
      const shared = unique("ext");
      const candidates = Array.from({ length: concurrency }, () => makeIdentity({ externalId: shared }));
      const results = await concurrently(concurrency, (i) =>
        adapter.insertIdentities([candidates[i] as StoredIdentity]),
      );
      await assertOneWinner(adapter, results, candidates);
      const winner = await adapter.findIdentityByExternalId(shared);
      assert.ok(
        winner && candidates.some((c) => c.id === winner.id),
        "the external_id's holder is no candidate",
      );
    });

    test(`${concurrency} concurrent updates taking one email: exactly one wins`, async (adapter) => {
      const identities = Array.from({ length: concurrency }, () => makeIdentity());
      await insertAll(adapter, identities);
      const shared = email();
      const revisions = identities.map((i) => revise(i, { identifier: shared }));
      const results = await concurrently(concurrency, (i) => {
        const next = revisions[i] as StoredIdentity;
        return adapter.updateIdentity(next, (identities[i] as StoredIdentity).updated_at);
      });
      const ok = results.filter((r) => r.status === "fulfilled" && r.value === "ok").length;
      assert.equal(ok, 1, `exactly one update must win: ${describeOutcomes(results)}`);
      for (const [i, r] of results.entries()) {
        if (r.status === "rejected") assertConflict(r.reason, `update ${i}`);
        else assert.equal(r.value, "ok", `update ${i}`);
        const expected = r.status === "fulfilled" ? revisions[i] : identities[i];
        await assertStored(adapter, expected as StoredIdentity, `identity ${i} after the race`);
      }
    });
  });
}

/** Exactly one insert of `results` succeeded, every other was refused with identity_conflict and left no row. */
async function assertOneWinner(
  adapter: StorageAdapter,
  results: PromiseSettledResult<Array<null | Error>>[],
  candidates: readonly StoredIdentity[],
): Promise<void> {
  const outcomes = results.map((r, i) => {
    assert.equal(r.status, "fulfilled", `insert ${i} rejected: ${describeOutcomes([r])}`);
    const value = (r as PromiseFulfilledResult<Array<null | Error>>).value;
    assert.equal(value.length, 1, `insert ${i}: one outcome`);
    return value[0];
  });
  const counts = tally(outcomes, (o) => (o === null ? "ok" : "refused"));
  assert.deepStrictEqual(counts, { ok: 1, refused: candidates.length - 1 }, describeOutcomes(results));
  for (const [i, o] of outcomes.entries()) {
    const candidate = candidates[i] as StoredIdentity;
    if (o === null) await assertStored(adapter, candidate, "the winner");
    else {
      assertConflict(o, `insert ${i}`);
      assert.equal(await read(adapter, candidate.id), undefined, `loser ${i} has a row`);
    }
  }
}

/** A compact summary of settled results for assertion messages. */
function describeOutcomes(results: readonly PromiseSettledResult<unknown>[]): string {
  const counts = tally(results, (r) =>
    r.status === "rejected" ? `rejected ${describeValue(r.reason)}` : describeValue(r.value),
  );
  return JSON.stringify(counts);
}
