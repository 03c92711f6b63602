import assert from "node:assert/strict";
import type { StoredIdentity } from "../identity/identity.js";
import type { StorageAdapter } from "../storage/storage-adapter.js";
import { assertConflict, insertAll, makeIdentity, makeToken, read, unique } from "./fixtures.js";
import { assertSameJson, LONG_STRING_LENGTH, richDocument } from "./fixtures-json.js";
import { keySlots, makeKeyedIdentity, reviseKeyed, slotName, withSlot } from "./fixtures-keys.js";
import type { SuiteContext } from "./harness.js";

const BOM = "\uFEFF";

/**
 * An identity holding every credential type and several addresses, whose traits and metadata are
 * {@link richDocument}s (metadata_admin an array around one) and whose oidc provider carries a long token.
 */
function makeRichIdentity(label: string, keys = makeKeyedIdentity()): StoredIdentity {
  const identity = keys;
  identity.traits = richDocument(`traits ${label}`);
  identity.metadata_public = richDocument(`public ${label}`);
  identity.metadata_admin = [richDocument(`admin ${label}`), BOM, 5e-324, -0, [[[]]]];
  const providers = identity.credentials.oidc?.config?.providers as Array<Record<string, unknown>>;
  (providers[0] as Record<string, unknown>).initial_id_token = `eyJ${"a".repeat(5000)}😀`;
  return identity;
}

/** Every way to read `identity` back: get, both finds, a filtered and an unfiltered page. */
async function readEveryWay(adapter: StorageAdapter, identity: StoredIdentity) {
  const oidc = identity.credentials.oidc?.identifiers[1] as string;
  const all = await adapter.listIdentities({ limit: 100 });
  return {
    getIdentity: await read(adapter, identity.id),
    "findIdentityByCredentialIdentifier (oidc #1)": await adapter.findIdentityByCredentialIdentifier(
      "oidc",
      oidc,
    ),
    findIdentityByExternalId: await adapter.findIdentityByExternalId(identity.external_id as string),
    "listIdentities by ids": (await adapter.listIdentities({ limit: 10, ids: [identity.id] }))[0],
    "listIdentities unfiltered": all.find((row) => row.id === identity.id),
  };
}

/** Asserts every read of `expected` returns it exactly (as JSON), and that no prototype was polluted. */
async function assertReadsBack(adapter: StorageAdapter, expected: StoredIdentity, when: string) {
  for (const [how, got] of Object.entries(await readEveryWay(adapter, expected)))
    assertSameJson(got, expected, `${how} ${when}`);
  assert.equal(
    (Object.prototype as Record<string, unknown>).polluted,
    undefined,
    "Object.prototype was polluted",
  );
}

/** Cases of data fidelity: what goes in comes out, string for string and number for number. */
export function fidelityCases({ describe, test }: SuiteContext): void {
  describe(`fidelity (${LONG_STRING_LENGTH}-character strings, emoji, U+FEFF, __proto__ keys, 100 levels, 1e308, 5e-324, -0)`, () => {
    test("rich JSON round-trips exactly through insert, get, find and list", async (adapter) => {
      const identity = makeRichIdentity("insert");
      const pristine = structuredClone(identity);
      await insertAll(adapter, [makeIdentity(), identity, makeIdentity()]);
      await assertReadsBack(adapter, pristine, "after insertIdentities");
    });

    test("rich JSON round-trips exactly through updateIdentity and redeemFlowToken", async (adapter) => {
      const plain = makeKeyedIdentity();
      await insertAll(adapter, [plain, makeIdentity()]);
      const updated = makeRichIdentity("update", reviseKeyed(plain));
      assert.equal(await adapter.updateIdentity(updated, plain.updated_at), "ok");
      await assertReadsBack(adapter, updated, "after updateIdentity");
      const token = makeToken(plain.id, "verification_code");
      await adapter.insertFlowToken(token);
      const redeemed = makeRichIdentity("redeem", reviseKeyed(updated));
      const update = { identity: redeemed, expectedUpdatedAt: updated.updated_at };
      assert.equal(await adapter.redeemFlowToken({ id: token.id, kind: token.kind, update }), "ok");
      await assertReadsBack(adapter, redeemed, "after redeemFlowToken");
    });

    test("external_id, identifiers and addresses with a leading U+FEFF round-trip exactly and match only exactly", async (adapter) => {
      // With the BOM: external_id, the first two password identifiers (the second has one already), the first
      // verifiable and recovery addresses. Its twin holds the same values without the BOM.
      let identity = makeKeyedIdentity();
      const chosen = keySlots(identity).filter((s) =>
        s.kind === "credential" ? s.scope === "password" && s.index < 2 : s.index === 0,
      );
      for (const slot of chosen)
        identity = withSlot(identity, slot, slot.value.startsWith(BOM) ? slot.value : `${BOM}${slot.value}`);
      identity.external_id = `${BOM}${unique("ext")}`;
      const withBom = keySlots(identity).filter((s) => s.value.startsWith(BOM));
      assert.equal(withBom.length, 4, "the suite's generator placed the BOMs wrongly");
      let twin = makeKeyedIdentity();
      for (const slot of withBom) twin = withSlot(twin, slot, slot.value.slice(1));
      twin.external_id = identity.external_id.slice(1);
      await insertAll(adapter, [identity, twin]);
      await assertReadsBack(adapter, identity, "with a leading U+FEFF");
      await assertReadsBack(adapter, twin, "of the twin without U+FEFF");
      for (const slot of withBom.filter((s) => s.kind === "credential")) {
        const found = await adapter.findIdentityByCredentialIdentifier("password", slot.value);
        assertSameJson(found, identity, `the ${slotName(slot)}`);
        const plain = await adapter.findIdentityByCredentialIdentifier("password", slot.value.slice(1));
        assertSameJson(plain, twin, `the ${slotName(slot)} without its U+FEFF`);
      }
      const copycat = makeKeyedIdentity();
      copycat.external_id = identity.external_id;
      const [outcome] = await adapter.insertIdentities([copycat]);
      assertConflict(outcome, "a second identity with the same U+FEFF external_id");
    });
  });
}
