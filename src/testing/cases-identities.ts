import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  assertConflict,
  assertStored,
  describeValue,
  email,
  insertAll,
  keyOf,
  makeIdentity,
  read,
  specWith,
  UNIQUE_KEYS,
} from "./fixtures.js";
import type { SuiteContext } from "./harness.js";

/** Cases of insert, get, the lookups, the uniqueness keys on insert, and batch semantics. */
export function identityCases({ describe, test }: SuiteContext): void {
  describe("insert and read", () => {
    test("insert then getIdentity returns an equal identity", async (adapter) => {
      const identity = makeIdentity({ organizationId: randomUUID() });
      await insertAll(adapter, [identity]);
      await assertStored(adapter, identity, "getIdentity after insert");
    });

    test("getIdentity of an unknown id is undefined", async (adapter) => {
      await insertAll(adapter, [makeIdentity()]);
      assert.equal(await adapter.getIdentity(randomUUID()), undefined);
    });

    test("an identity without external_id, organization or metadata round-trips", async (adapter) => {
      const identity = makeIdentity({ externalId: null });
      identity.metadata_public = null;
      identity.traits = {};
      await insertAll(adapter, [identity]);
      await assertStored(adapter, identity, "getIdentity after insert");
    });

    test("an empty batch inserts nothing and returns no outcome", async (adapter) => {
      assert.deepStrictEqual(await adapter.insertIdentities([]), []);
    });

    test("findIdentityByCredentialIdentifier matches (type, identifier) exactly", async (adapter) => {
      const identifier = email();
      const identity = makeIdentity({ identifier });
      await insertAll(adapter, [identity, makeIdentity()]);
      assert.deepStrictEqual(
        await adapter.findIdentityByCredentialIdentifier("password", identifier),
        identity,
      );
      assert.equal(
        await adapter.findIdentityByCredentialIdentifier("password", identifier.toUpperCase()),
        undefined,
      );
      assert.equal(await adapter.findIdentityByCredentialIdentifier("password", ` ${identifier}`), undefined);
      assert.equal(await adapter.findIdentityByCredentialIdentifier("code", identifier), undefined);
      assert.equal(await adapter.findIdentityByCredentialIdentifier("password", email()), undefined);
    });

    test("findIdentityByExternalId matches exactly", async (adapter) => {
      const identity = makeIdentity({ externalId: `Ext-${randomUUID()}` });
      await insertAll(adapter, [identity, makeIdentity()]);
      const externalId = identity.external_id as string;
      assert.deepStrictEqual(await adapter.findIdentityByExternalId(externalId), identity);
      assert.equal(await adapter.findIdentityByExternalId(externalId.toLowerCase()), undefined);
      assert.equal(await adapter.findIdentityByExternalId(randomUUID()), undefined);
    });

    test("supportsMultipleProcesses is a boolean when present", async (adapter) => {
      const flag = adapter.supportsMultipleProcesses;
      assert.ok(flag === undefined || typeof flag === "boolean", `got ${describeValue(flag)}`);
    });
  });

  describe("uniqueness on insert", () => {
    for (const key of UNIQUE_KEYS) {
      test(`a taken ${key} is refused with identity_conflict and nothing is written`, async (adapter) => {
        const holder = makeIdentity();
        await insertAll(adapter, [holder]);
        const intruder = makeIdentity(specWith(key, keyOf(holder, key)));
        const [outcome] = await adapter.insertIdentities([intruder]);
        assertConflict(outcome, `insert with a taken ${key}`);
        assert.equal(await read(adapter, intruder.id), undefined, "the refused identity was written");
        await assertStored(adapter, holder, "the holder changed");
      });
    }

    test("keys are per kind: one value as identifier, verifiable and recovery of different identities", async (adapter) => {
      const value = email();
      await insertAll(adapter, [
        makeIdentity({ identifier: value, verifiable: email(), recovery: email() }),
        makeIdentity({ identifier: email(), verifiable: value, recovery: email() }),
        makeIdentity({ identifier: email(), verifiable: email(), recovery: value }),
      ]);
    });

    test("the same identifier under another credential type is no conflict", async (adapter) => {
      const identifier = email();
      const holder = makeIdentity({ identifier });
      const other = makeIdentity();
      const at = other.created_at;
      other.credentials.code = {
        type: "code",
        identifiers: [identifier],
        config: { addresses: [{ channel: "email", address: identifier }] },
        version: 1,
        created_at: at,
        updated_at: at,
      };
      await insertAll(adapter, [holder, other]);
      assert.deepStrictEqual(await adapter.findIdentityByCredentialIdentifier("code", identifier), other);
      assert.deepStrictEqual(
        await adapter.findIdentityByCredentialIdentifier("password", identifier),
        holder,
      );
    });

    test("an address on another channel (sms vs email) is no conflict", async (adapter) => {
      const value = "+15550100123";
      const a = makeIdentity();
      const b = makeIdentity();
      (a.verifiable_addresses[0] as { value: string }).value = value;
      const vb = b.verifiable_addresses[0] as { value: string; via: string };
      vb.value = value;
      vb.via = "sms";
      await insertAll(adapter, [a, b]);
    });

    test("an existing id is refused and the stored identity is unchanged", async (adapter) => {
      const original = makeIdentity();
      await insertAll(adapter, [original]);
      const copy = makeIdentity({ id: original.id });
      const next = makeIdentity();
      const [dup, fresh] = await adapter.insertIdentities([copy, next]);
      assert.ok(dup instanceof Error, `a duplicate id must fail (${describeValue(dup)})`);
      assert.equal(fresh, null, "the other identity of the batch must be inserted");
      await assertStored(adapter, original, "the stored identity changed");
      await assertStored(adapter, next, "the other identity");
    });
  });

  describe("batch insert", () => {
    test("outcomes come in input order; conflicting identities fail alone", async (adapter) => {
      const held = makeIdentity();
      await insertAll(adapter, [held]);
      const batch = [
        makeIdentity(),
        makeIdentity(specWith("identifier", keyOf(held, "identifier"))),
        makeIdentity(),
        makeIdentity(specWith("external_id", keyOf(held, "external_id"))),
        makeIdentity(),
      ];
      const outcomes = await adapter.insertIdentities(batch);
      assert.equal(outcomes.length, batch.length);
      assert.deepStrictEqual(
        outcomes.map((o) => o === null),
        [true, false, true, false, true],
      );
      assertConflict(outcomes[1], "outcome 1");
      assertConflict(outcomes[3], "outcome 3");
      for (const [i, identity] of batch.entries()) {
        if (outcomes[i] === null) await assertStored(adapter, identity, `batch identity ${i}`);
        else
          assert.equal(await read(adapter, identity.id), undefined, `failed batch identity ${i} was written`);
      }
    });

    for (const key of UNIQUE_KEYS) {
      test(`an in-batch duplicate ${key}: the later identity fails, the earlier is inserted`, async (adapter) => {
        const first = makeIdentity();
        const second = makeIdentity(specWith(key, keyOf(first, key)));
        const [a, b] = await adapter.insertIdentities([first, second]);
        assert.equal(a, null, `the first identity must be inserted (${describeValue(a)})`);
        assertConflict(b, `the second identity (${key})`);
        await assertStored(adapter, first, "the first identity");
        assert.equal(await read(adapter, second.id), undefined, "the second identity was written");
      });
    }

    test("sequential semantics: a conflict with an earlier FAILED identity of the batch is no conflict", async (adapter) => {
      const held = makeIdentity();
      await insertAll(adapter, [held]);
      // `failing` conflicts on its external_id (with stored data) but holds a fresh identifier; `later` takes it.
      const failing = makeIdentity(specWith("external_id", keyOf(held, "external_id")));
      const later = makeIdentity({ identifier: keyOf(failing, "identifier") });
      const [a, b] = await adapter.insertIdentities([failing, later]);
      assertConflict(a, "the failing identity");
      assert.equal(b, null, `the later identity must be inserted (${describeValue(b)})`);
      await assertStored(adapter, later, "the later identity");
      assert.equal(await read(adapter, failing.id), undefined);
    });
  });
}
