import assert from "node:assert/strict";
import type { StoredIdentity } from "../identity/identity.js";
import type { StoredFlowToken } from "../storage/storage-adapter.js";
import { assertStored, insertAll, keyOf, makeIdentity, makeToken, revise } from "./fixtures.js";
import type { SuiteContext } from "./harness.js";

/** Changes every level of an identity object in place: top-level fields, traits, addresses, credentials. */
function vandalise(identity: StoredIdentity): void {
  identity.state = "inactive";
  const traits = identity.traits as Record<string, unknown>;
  traits.email = "vandal@example.org";
  const metadata = identity.metadata_public as { nested?: { list: unknown[] } } | null;
  if (metadata?.nested) metadata.nested.list.length = 0;
  const [verifiable] = identity.verifiable_addresses;
  if (verifiable) verifiable.verified = true;
  const [recovery] = identity.recovery_addresses;
  if (recovery) recovery.value = "vandal@example.org";
  identity.credentials.password?.identifiers.push("vandal@example.org");
  delete identity.credentials.password;
}

/** Changes a flow token object in place. */
function vandaliseToken(token: StoredFlowToken): void {
  token.attempts = 99;
  token.digest = "vandal";
  if (token.address) token.address.value = "vandal@example.org";
}

/** Deep-copy isolation: no object passed in or handed out aliases stored state. */
export function isolationCases({ describe, test }: SuiteContext): void {
  describe("deep-copy isolation", () => {
    test("mutating an inserted object after insertIdentities changes nothing stored", async (adapter) => {
      const identity = makeIdentity();
      const pristine = structuredClone(identity);
      await insertAll(adapter, [identity]);
      vandalise(identity);
      await assertStored(adapter, pristine, "the stored identity follows the caller's object");
    });

    test("mutating identities returned by get, find and list changes nothing stored", async (adapter) => {
      const identity = makeIdentity();
      await insertAll(adapter, [identity]);
      const reads = [
        await adapter.getIdentity(identity.id),
        await adapter.findIdentityByCredentialIdentifier("password", keyOf(identity, "identifier")),
        await adapter.findIdentityByExternalId(keyOf(identity, "external_id")),
        ...(await adapter.listIdentities({ limit: 10 })),
        ...(await adapter.listIdentities({ limit: 10, ids: [identity.id] })),
      ];
      assert.equal(reads.length, 5);
      for (const read of reads) {
        assert.ok(read, "every read finds the identity");
        vandalise(read);
        await assertStored(adapter, identity, "a returned object aliases stored state");
      }
      const [a, b] = [await adapter.getIdentity(identity.id), await adapter.getIdentity(identity.id)];
      assert.notStrictEqual(a, b, "two reads returned one object");
    });

    test("mutating the object passed to updateIdentity after the update changes nothing stored", async (adapter) => {
      const identity = makeIdentity();
      await insertAll(adapter, [identity]);
      const next = revise(identity);
      const pristine = structuredClone(next);
      assert.equal(await adapter.updateIdentity(next, identity.updated_at), "ok");
      vandalise(next);
      await assertStored(adapter, pristine, "the stored identity follows the caller's object");
    });

    test("mutating the update passed to redeemFlowToken after the redemption changes nothing stored", async (adapter) => {
      const identity = makeIdentity();
      await insertAll(adapter, [identity]);
      const token = makeToken(identity.id, "verification_link");
      await adapter.insertFlowToken(token);
      const next = revise(identity);
      const pristine = structuredClone(next);
      const update = { identity: next, expectedUpdatedAt: identity.updated_at };
      assert.equal(await adapter.redeemFlowToken({ id: token.id, kind: token.kind, update }), "ok");
      vandalise(next);
      await assertStored(adapter, pristine, "the stored identity follows the caller's object");
    });

    test("mutating tokens passed in or returned changes nothing stored", async (adapter) => {
      const identity = makeIdentity();
      await insertAll(adapter, [identity]);
      const token = makeToken(identity.id, "verification_code");
      const pristine = structuredClone(token);
      await adapter.insertFlowToken(token);
      vandaliseToken(token);
      const found = await adapter.findFlowToken(pristine.kind, [pristine.digest]);
      assert.deepStrictEqual(found, pristine, "the stored token follows the caller's object");
      vandaliseToken(found as StoredFlowToken);
      const checked = await adapter.checkFlowCode(pristine.id, pristine.kind, [pristine.digest], 5);
      assert.deepStrictEqual(
        checked,
        { status: "ok", token: pristine },
        "a found token aliases stored state",
      );
      if (checked.status === "ok") vandaliseToken(checked.token);
      assert.deepStrictEqual(await adapter.findFlowToken(pristine.kind, [pristine.digest]), pristine);
    });
  });
}
