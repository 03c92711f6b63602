/**
 * Deliberately broken storage adapters for the conformance suite's self-test: each is a MemoryStorage with one
 * contract rule broken, paired with (a fragment of) the title of the case that must catch it.
 */
import type { StorageAdapter, StoredIdentity } from "../src/index.js";
import { MemoryStorage } from "../src/index.js";

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A MemoryStorage whose methods in `overrides` replace its own. */
export function broken(overrides: (inner: MemoryStorage) => Partial<StorageAdapter>): () => StorageAdapter {
  return () => {
    const inner = new MemoryStorage();
    const own = overrides(inner) as Record<string | symbol, unknown>;
    return new Proxy(inner, {
      get(target, prop) {
        if (own[prop]) return own[prop];
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
  };
}

const tokenOf = (inner: MemoryStorage, id: string, kind: string) =>
  inner.dumpFlowTokens().find((t) => t.id === id && t.kind === kind);

/** Broken adapters, each with (a fragment of) the title of a case that must fail. */
export const MUTANTS: Array<[string, string, () => StorageAdapter]> = [
  [
    "findFlowToken consumes",
    "findFlowToken returns an equal token by kind and digest, and is read-only",
    broken((inner) => ({
      async findFlowToken(kind, digests) {
        const found = await inner.findFlowToken(kind, digests);
        if (found) await inner.redeemFlowToken({ id: found.id, kind });
        return found;
      },
    })),
  ],
  [
    "a refused insert leaves its other keys behind",
    "insert refused on its external_id: no row, none of its other keys",
    broken((inner) => ({
      async insertIdentities(identities) {
        const outcomes = await inner.insertIdentities(identities);
        for (const [i, o] of outcomes.entries()) {
          if (o !== null)
            await inner.insertIdentities([{ ...(identities[i] as StoredIdentity), external_id: null }]);
        }
        return outcomes;
      },
    })),
  ],
  [
    "after is inclusive",
    "after is exclusive",
    broken((inner) => ({
      async listIdentities({ after, ...rest }) {
        const all = await inner.listIdentities({ ...rest, limit: 1e9 });
        return all.filter((i) => after === undefined || i.id >= after).slice(0, rest.limit);
      },
    })),
  ],
  [
    "CAS compares instants",
    "differing only in spelling or precision is stale",
    broken((inner) => ({
      async updateIdentity(identity, expected) {
        const current = await inner.getIdentity(identity.id);
        const same =
          current && expected !== undefined && Date.parse(current.updated_at) === Date.parse(expected);
        return inner.updateIdentity(identity, same ? current.updated_at : expected);
      },
    })),
  ],
  [
    "CAS by read-then-write",
    "two concurrent updates in the same millisecond (equal new updated_at): exactly one ok",
    broken((inner) => ({
      async updateIdentity(identity, expected) {
        const current = await inner.getIdentity(identity.id);
        if (!current) return "not_found";
        if (expected !== undefined && current.updated_at !== expected) return "stale";
        await tick();
        return inner.updateIdentity(identity);
      },
    })),
  ],
  [
    "stores the caller's object",
    "mutating an inserted object after insertIdentities changes nothing stored",
    broken((inner) => {
      const refs = new Map<string, StoredIdentity>();
      return {
        async insertIdentities(identities) {
          const outcomes = await inner.insertIdentities(identities);
          for (const [i, x] of identities.entries()) if (outcomes[i] === null) refs.set(x.id, x);
          return outcomes;
        },
        async getIdentity(id) {
          return refs.get(id) ?? inner.getIdentity(id);
        },
      };
    }),
  ],
  [
    "code attempts counted by read-then-write",
    "concurrent wrong codes: exactly maxAttempts mismatches",
    broken((inner) => ({
      async checkFlowCode(flowId, kind, digests, max) {
        const token = tokenOf(inner, flowId, kind);
        if (!token) return { status: "not_found" };
        await tick();
        if (token.attempts >= max) return { status: "exhausted" };
        return inner.checkFlowCode(flowId, kind, digests, Number.POSITIVE_INFINITY);
      },
    })),
  ],
  [
    "a wrong code is not counted",
    "a wrong code is a mismatch that counts one attempt",
    broken((inner) => ({
      async checkFlowCode(flowId, kind, digests) {
        const token = tokenOf(inner, flowId, kind);
        if (!token) return { status: "not_found" };
        return digests.includes(token.digest) ? { status: "ok", token } : { status: "mismatch" };
      },
    })),
  ],
  [
    "redemption by read-then-delete",
    "concurrent redemptions of one token: exactly one ok",
    broken((inner) => ({
      async redeemFlowToken(redemption) {
        if (!tokenOf(inner, redemption.id, redemption.kind)) return "token_gone";
        await tick();
        await inner.redeemFlowToken(redemption);
        return "ok";
      },
    })),
  ],
  [
    "a stale redemption burns the token",
    "with a stale update resolves stale and keeps the token",
    broken((inner) => ({
      async redeemFlowToken(redemption) {
        const outcome = await inner.redeemFlowToken(redemption);
        if (outcome === "stale") await inner.redeemFlowToken({ id: redemption.id, kind: redemption.kind });
        return outcome;
      },
    })),
  ],
  [
    "uniqueness by read-then-write",
    "concurrent creates of one email: exactly one wins",
    broken((inner) => ({
      async insertIdentities(identities) {
        const taken = await Promise.all(
          identities.map((i) =>
            inner.findIdentityByCredentialIdentifier(
              "password",
              i.credentials.password?.identifiers[0] ?? "",
            ),
          ),
        );
        await tick();
        const outcomes = await inner.insertIdentities(identities);
        return outcomes.map((o, i) => (taken[i] === undefined ? null : o));
      },
    })),
  ],
  [
    "a batch fails as a whole",
    "conflicting identities fail alone",
    broken((inner) => ({
      async insertIdentities(identities) {
        const outcomes = await inner.insertIdentities(identities);
        return outcomes.some((o) => o !== null)
          ? outcomes.map((o) => o ?? new Error("batch failed"))
          : outcomes;
      },
    })),
  ],
  [
    "deleteIdentity keeps the tokens",
    "deleteIdentity deletes the identity's flow tokens and no other",
    broken((inner) => ({
      async deleteIdentity(id) {
        const tokens = inner.dumpFlowTokens();
        const deleted = await inner.deleteIdentity(id);
        for (const t of tokens) if (!tokenOf(inner, t.id, t.kind)) await inner.insertFlowToken(t);
        return deleted;
      },
    })),
  ],
  [
    "identifier lookup ignores case",
    "findIdentityByCredentialIdentifier matches (type, identifier) exactly",
    broken((inner) => ({
      async findIdentityByCredentialIdentifier(type, identifier) {
        return (
          (await inner.findIdentityByCredentialIdentifier(type, identifier)) ??
          inner.findIdentityByCredentialIdentifier(type, identifier.toLowerCase())
        );
      },
    })),
  ],
  [
    "a refused update writes part of it",
    "update refused on its identifier: old identity intact",
    broken((inner) => ({
      async updateIdentity(identity, expected) {
        try {
          return await inner.updateIdentity(identity, expected);
        } catch (e) {
          await inner.updateIdentity({
            ...identity,
            credentials: {},
            verifiable_addresses: [],
            recovery_addresses: [],
          });
          throw e;
        }
      },
    })),
  ],
  [
    "the organization filter is dropped with ids",
    "filters ids, credentialsIdentifiers and organizationId",
    broken((inner) => ({
      async listIdentities({ organizationId, ...rest }) {
        return inner.listIdentities(
          rest.ids ? rest : organizationId === undefined ? rest : { ...rest, organizationId },
        );
      },
    })),
  ],
];
