import assert from "node:assert/strict";
import { CREDENTIALS_TYPES, type CredentialsType, type StoredIdentity } from "../identity/identity.js";
import type { StorageAdapter } from "../storage/storage-adapter.js";
import {
  assertConflict,
  assertRejectsConflict,
  describeValue,
  insertAll,
  makeIdentity,
  read,
} from "./fixtures.js";
import { assertSameJson } from "./fixtures-json.js";
import {
  addressSlots,
  freshValue,
  holds,
  identifierSlots,
  type KeySlot,
  keySlots,
  makeKeyedIdentity,
  reviseKeyed,
  slotName,
  withSlot,
} from "./fixtures-keys.js";
import type { SuiteContext } from "./harness.js";

/** A credential type under which `identity` does not hold `value`. */
function otherType(identity: StoredIdentity, slot: KeySlot): CredentialsType {
  const type = CREDENTIALS_TYPES.find(
    (t) => t !== slot.scope && !identity.credentials[t]?.identifiers.includes(slot.value),
  );
  assert.ok(type, "every credential type holds the value");
  return type;
}

/**
 * For each slot: a fresh identity taking `holder`'s key there is refused on insert and leaves no row; the same
 * identity with that one key made fresh is then accepted (the refused insert left none of its other keys).
 */
async function assertInsertsRefused(adapter: StorageAdapter, holder: StoredIdentity, slots: KeySlot[]) {
  for (const slot of slots) {
    const intruder = withSlot(makeKeyedIdentity(), slot, slot.value);
    const [outcome] = await adapter.insertIdentities([intruder]);
    assertConflict(outcome, `an insert taking the ${slotName(slot)}`);
    assert.equal(await read(adapter, intruder.id), undefined, `the refused insert (${slotName(slot)}) wrote`);
    const [retry] = await adapter.insertIdentities([withSlot(intruder, slot, freshValue(slot))]);
    assert.equal(
      retry,
      null,
      `a refused insert (${slotName(slot)}) left keys behind: ${describeValue(retry)}`,
    );
  }
  assertSameJson(await read(adapter, holder.id), holder, "the holder changed");
}

/** For each slot: an update of `target` taking `holder`'s key there is refused and `target` stays as it was. */
async function assertUpdatesRefused(
  adapter: StorageAdapter,
  holder: StoredIdentity,
  target: StoredIdentity,
  slots: KeySlot[],
) {
  for (const slot of slots) {
    const next = withSlot(reviseKeyed(target), slot, slot.value);
    await assertRejectsConflict(
      adapter.updateIdentity(next, target.updated_at),
      `an update taking the ${slotName(slot)}`,
    );
    assertSameJson(await read(adapter, target.id), target, `a refused update (${slotName(slot)}) wrote`);
  }
  assertSameJson(await read(adapter, holder.id), holder, "the holder changed");
}

/**
 * Cases of the uniqueness rules over every key, not only the first: identities with several identifiers per
 * credential, every credential type, several verifiable and recovery addresses on two channels.
 */
export function keyCases({ describe, test }: SuiteContext): void {
  describe("every identifier and address (several per credential, every credential type)", () => {
    test("findIdentityByCredentialIdentifier finds every identifier of every credential type, exactly", async (adapter) => {
      const identities = [makeKeyedIdentity(), makeKeyedIdentity(), makeIdentity()];
      await insertAll(adapter, identities);
      for (const holder of identities) {
        for (const slot of identifierSlots(holder)) {
          const type = slot.scope as CredentialsType;
          const found = await adapter.findIdentityByCredentialIdentifier(type, slot.value);
          assertSameJson(found, holder, `findIdentityByCredentialIdentifier of the ${slotName(slot)}`);
          const wrongType = otherType(holder, slot);
          for (const [t, value] of [
            [wrongType, slot.value],
            [type, `${slot.value} `],
            [type, slot.value.slice(1)],
          ] as const) {
            const other = await adapter.findIdentityByCredentialIdentifier(t, value);
            assert.equal(other, undefined, `(${t}, ${JSON.stringify(value)}) matched the ${slotName(slot)}`);
          }
        }
      }
    });

    test("a taken identifier of any credential type is refused on insert, whatever its position", async (adapter) => {
      const holder = makeKeyedIdentity();
      await insertAll(adapter, [holder]);
      await assertInsertsRefused(adapter, holder, identifierSlots(holder));
    });

    test("a taken identifier of any credential type is refused on update, whatever its position", async (adapter) => {
      const [holder, target] = [makeKeyedIdentity(), makeKeyedIdentity()];
      await insertAll(adapter, [holder, target]);
      await assertUpdatesRefused(adapter, holder, target, identifierSlots(holder));
    });

    test("a taken verifiable or recovery address (each of several, email and sms) is refused on insert and update", async (adapter) => {
      const [holder, target] = [makeKeyedIdentity(), makeKeyedIdentity()];
      await insertAll(adapter, [holder, target]);
      await assertInsertsRefused(adapter, holder, addressSlots(holder));
      await assertUpdatesRefused(adapter, holder, target, addressSlots(holder));
    });

    test("an in-batch duplicate of any identifier or address: the later identity fails alone", async (adapter) => {
      const first = makeKeyedIdentity();
      const slots = keySlots(first);
      const batch = [first, ...slots.map((slot) => withSlot(makeKeyedIdentity(), slot, slot.value))];
      const outcomes = await adapter.insertIdentities(batch);
      assert.equal(outcomes.length, batch.length, "one outcome per identity");
      assert.equal(outcomes[0], null, `the first identity must be inserted (${describeValue(outcomes[0])})`);
      for (const [i, slot] of slots.entries()) {
        assertConflict(outcomes[i + 1], `a later identity of the batch repeating the ${slotName(slot)}`);
        assert.equal(await read(adapter, (batch[i + 1] as StoredIdentity).id), undefined);
      }
      assertSameJson(await read(adapter, first.id), first, "the first identity");
    });

    test("listIdentities credentialsIdentifiers matches each identifier of every credential type", async (adapter) => {
      const keyed = [makeKeyedIdentity(), makeKeyedIdentity(), makeKeyedIdentity()];
      await insertAll(adapter, [...keyed, makeIdentity()]);
      for (const holder of keyed) {
        for (const slot of identifierSlots(holder)) {
          const query = {
            limit: 10,
            credentialsIdentifiers: [{ type: slot.scope as CredentialsType, identifier: slot.value }],
          };
          const rows = await adapter.listIdentities(query);
          assert.deepStrictEqual(
            rows.map((r) => r.id),
            [holder.id],
            `listing by the ${slotName(slot)}`,
          );
          assertSameJson(rows[0], holder, `the identity listed by the ${slotName(slot)}`);
        }
      }
      const [a, , c] = keyed as [StoredIdentity, StoredIdentity, StoredIdentity];
      const pairs = [...identifierSlots(a), ...identifierSlots(c)]
        .filter((s) => s.index > 0)
        .map((s) => ({ type: s.scope as CredentialsType, identifier: s.value }));
      const rows = await adapter.listIdentities({ limit: 10, credentialsIdentifiers: pairs });
      assert.deepStrictEqual(
        rows.map((r) => r.id),
        [a.id, c.id].sort(),
        "listing by every later identifier",
      );
    });

    test("an update moves every identifier and address: the new ones are found, the old ones released", async (adapter) => {
      const before = makeKeyedIdentity();
      await insertAll(adapter, [before, makeKeyedIdentity()]);
      const after = reviseKeyed(before);
      assert.equal(await adapter.updateIdentity(after, before.updated_at), "ok");
      assertSameJson(await read(adapter, before.id), after, "after the update");
      for (const slot of identifierSlots(before).concat(identifierSlots(after))) {
        const found = await adapter.findIdentityByCredentialIdentifier(
          slot.scope as CredentialsType,
          slot.value,
        );
        if (holds(after, slot)) assertSameJson(found, after, `the ${slotName(slot)} after the update`);
        else assert.equal(found, undefined, `the dropped ${slotName(slot)} still finds the identity`);
      }
      // Another identity may now take every key the update dropped.
      const taker = makeKeyedIdentity();
      const released = keySlots(before).filter((s) => !holds(after, s));
      const claim = released.reduce((identity, slot) => withSlot(identity, slot, slot.value), taker);
      const [outcome] = await adapter.insertIdentities([claim]);
      assert.equal(outcome, null, `the keys the update dropped are still taken: ${describeValue(outcome)}`);
    });
  });
}
