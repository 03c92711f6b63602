/**
 * Broken adapters that passed every case of the suite while its fixtures held one password identifier, one
 * address of each kind and small JSON (the adversarial review's `first_only`, `password_only_unique` and `lossy`),
 * plus a few more for the cases added against them. Each is a MemoryStorage seen through a wrapper, paired with
 * (a fragment of) the title of the case that must catch it.
 */

import { randomUUID } from "node:crypto";
import type { ListIdentitiesQuery, StorageAdapter, StoredIdentity } from "../src/index.js";
import { broken } from "./conformance-mutants.js";

const copy = <T>(value: T): T => structuredClone(value);

/**
 * An adapter that enforces uniqueness only for the keys `indexed` keeps of an identity (MemoryStorage holds that
 * reduced identity), while it stores and returns the full identity and finds identifiers by scanning, like a
 * table whose unique index covers only some of the key rows. Finds and listings match the identifiers `seen`
 * keeps (all by default).
 */
function weakIndex(
  indexed: (identity: StoredIdentity) => StoredIdentity,
  seen: (identity: StoredIdentity) => StoredIdentity = (identity) => identity,
): () => StorageAdapter {
  return broken((inner) => {
    const full = new Map<string, StoredIdentity>();
    const keep = (identity: StoredIdentity) => full.set(identity.id, copy(identity));
    const out = (row: StoredIdentity | undefined) => (row ? copy(full.get(row.id) ?? row) : undefined);
    const matches = (row: StoredIdentity, pairs: ListIdentitiesQuery["credentialsIdentifiers"]) =>
      pairs === undefined ||
      pairs.some((p) => seen(row).credentials[p.type]?.identifiers.includes(p.identifier));
    return {
      async insertIdentities(identities) {
        const outcomes = await inner.insertIdentities(identities.map(indexed));
        for (const [i, identity] of identities.entries()) if (outcomes[i] === null) keep(identity);
        return outcomes;
      },
      async getIdentity(id) {
        return out(await inner.getIdentity(id));
      },
      async findIdentityByExternalId(externalId) {
        return out(await inner.findIdentityByExternalId(externalId));
      },
      async findIdentityByCredentialIdentifier(type, identifier) {
        const hit = [...full.values()].find((row) => matches(row, [{ type, identifier }]));
        return hit && copy(hit);
      },
      async listIdentities({ credentialsIdentifiers, limit, ...rest }) {
        const rows = await inner.listIdentities({ ...rest, limit: Number.MAX_SAFE_INTEGER });
        return rows
          .map((row) => out(row) as StoredIdentity)
          .filter((row) => matches(row, credentialsIdentifiers))
          .slice(0, limit);
      },
      async updateIdentity(identity, expected) {
        const outcome = await inner.updateIdentity(indexed(identity), expected);
        if (outcome === "ok") keep(identity);
        return outcome;
      },
      async deleteIdentity(id) {
        full.delete(id);
        return inner.deleteIdentity(id);
      },
      async redeemFlowToken(redemption) {
        const { update } = redemption;
        if (!update) return inner.redeemFlowToken(redemption);
        const outcome = await inner.redeemFlowToken({
          ...redemption,
          update: { ...update, identity: indexed(update.identity) },
        });
        if (outcome === "ok") keep(update.identity);
        return outcome;
      },
    };
  });
}

/** `identity` with only `identifiers[0]` of each credential and only the first address of each list. */
const firstOnly = (identity: StoredIdentity): StoredIdentity => ({
  ...identity,
  credentials: Object.fromEntries(
    Object.entries(identity.credentials).map(([type, c]) => [
      type,
      { ...c, identifiers: c.identifiers.slice(0, 1) },
    ]),
  ),
  verifiable_addresses: identity.verifiable_addresses.slice(0, 1),
  recovery_addresses: identity.recovery_addresses.slice(0, 1),
});

/** `identity` whose credentials other than `password` have no identifiers. */
const passwordOnly = (identity: StoredIdentity): StoredIdentity => ({
  ...identity,
  credentials: Object.fromEntries(
    Object.entries(identity.credentials).map(([type, c]) => [
      type,
      type === "password" ? c : { ...c, identifiers: [] },
    ]),
  ),
});

/** JSON with every string cut to 300 characters and every `__proto__` member dropped (a VARCHAR(300) store). */
function lossy(value: unknown): unknown {
  if (typeof value === "string") return value.slice(0, 300);
  if (Array.isArray(value)) return value.map(lossy);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (key !== "__proto__") out[key] = lossy(v);
  return out;
}

const lossyIdentity = (identity: StoredIdentity): StoredIdentity => ({
  ...identity,
  traits: lossy(identity.traits) as StoredIdentity["traits"],
  metadata_public: lossy(identity.metadata_public) as StoredIdentity["metadata_public"],
  metadata_admin: lossy(identity.metadata_admin) as StoredIdentity["metadata_admin"],
});

/** `before` keeping only the keys `after` does not hold. */
function dropKeys(before: StoredIdentity, after: StoredIdentity): StoredIdentity {
  const credentials = Object.fromEntries(
    Object.entries(before.credentials).map(([type, c]) => {
      const kept = after.credentials[type as keyof typeof after.credentials]?.identifiers ?? [];
      return [type, { ...c, identifiers: c.identifiers.filter((i) => !kept.includes(i)) }];
    }),
  );
  const gone = <A extends { via: string; value: string }>(list: A[], now: A[]) =>
    list.filter((a) => !now.some((b) => b.via === a.via && b.value === a.value));
  return {
    ...before,
    credentials,
    verifiable_addresses: gone(before.verifiable_addresses, after.verifiable_addresses),
    recovery_addresses: gone(before.recovery_addresses, after.recovery_addresses),
    external_id: before.external_id === after.external_id ? null : before.external_id,
  };
}

/** `identity` read back with a leading U+FEFF stripped from `external_id` (PGlite's TEXT bug). */
const bomStripped = (identity: StoredIdentity | undefined): StoredIdentity | undefined =>
  identity && { ...identity, external_id: identity.external_id?.replace(/^\uFEFF/, "") ?? null };

const FIRST_ONLY = weakIndex(firstOnly);
const PASSWORD_ONLY_UNIQUE = weakIndex(passwordOnly);
const INSERT_IDENTIFIER = "a taken identifier of any credential type is refused on insert";
const UPDATE_IDENTIFIER = "a taken identifier of any credential type is refused on update";

/** Broken adapters, each with (a fragment of) the title of a case that must fail. */
export const KEY_MUTANTS: Array<[string, string, () => StorageAdapter]> = [
  ["first_only: only identifiers[0] is unique", INSERT_IDENTIFIER, FIRST_ONLY],
  ["first_only: only identifiers[0] is unique", UPDATE_IDENTIFIER, FIRST_ONLY],
  ["first_only: only the first address is unique", "a taken verifiable or recovery address", FIRST_ONLY],
  [
    "first_only: only the first key is unique",
    "an in-batch duplicate of any identifier or address",
    FIRST_ONLY,
  ],
  ["password_only_unique: only password identifiers are unique", INSERT_IDENTIFIER, PASSWORD_ONLY_UNIQUE],
  ["password_only_unique: only password identifiers are unique", UPDATE_IDENTIFIER, PASSWORD_ONLY_UNIQUE],
  [
    "lossy: strings cut to 300 characters, __proto__ dropped",
    "rich JSON round-trips exactly",
    broken((inner) => ({
      insertIdentities: (identities) => inner.insertIdentities(identities.map(lossyIdentity)),
      updateIdentity: (identity, expected) => inner.updateIdentity(lossyIdentity(identity), expected),
      redeemFlowToken: ({ update, ...rest }) =>
        inner.redeemFlowToken(
          update ? { ...rest, update: { ...update, identity: lossyIdentity(update.identity) } } : rest,
        ),
    })),
  ],
  [
    "lookups see only identifiers[0]",
    "findIdentityByCredentialIdentifier finds every identifier of every credential type",
    weakIndex((identity) => identity, firstOnly),
  ],
  [
    "credentialsIdentifiers matches only password identifiers",
    "listIdentities credentialsIdentifiers matches each identifier",
    weakIndex((identity) => identity, passwordOnly),
  ],
  [
    "a leading U+FEFF of external_id is lost on read",
    "with a leading U+FEFF round-trip exactly",
    broken((inner) => ({
      getIdentity: async (id) => bomStripped(await inner.getIdentity(id)),
      findIdentityByExternalId: async (x) => bomStripped(await inner.findIdentityByExternalId(x)),
      findIdentityByCredentialIdentifier: async (t, i) =>
        bomStripped(await inner.findIdentityByCredentialIdentifier(t, i)),
      listIdentities: async (query) =>
        (await inner.listIdentities(query)).map((i) => bomStripped(i) as StoredIdentity),
    })),
  ],
  [
    "an update keeps the keys it drops",
    "an update moves every identifier and address",
    broken((inner) => {
      const dropped = new Map<string, StoredIdentity>();
      return {
        async updateIdentity(identity, expected) {
          const before = await inner.getIdentity(identity.id);
          const outcome = await inner.updateIdentity(identity, expected);
          if (outcome === "ok" && before) {
            // The old keys the update dropped stay held by a hidden row, as when old key rows are not deleted.
            const ghost = { ...dropKeys(before, identity), id: randomUUID() };
            if ((await inner.insertIdentities([ghost]))[0] === null) dropped.set(ghost.id, ghost);
          }
          return outcome;
        },
        async listIdentities(query) {
          return (await inner.listIdentities(query)).filter((i) => !dropped.has(i.id));
        },
      };
    }),
  ],
];
