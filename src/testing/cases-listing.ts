import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { CredentialsType, StoredIdentity } from "../identity/identity.js";
import type { ListIdentitiesQuery, StorageAdapter } from "../storage/storage-adapter.js";
import { isStoredIdentity } from "../storage/stored-shape.js";
import { email, insertAll, keyOf, makeIdentity, revise } from "./fixtures.js";
import type { SuiteContext } from "./harness.js";

/** One page, asserting the shape of each row and that no page is longer than `limit`. */
async function page(adapter: StorageAdapter, query: ListIdentitiesQuery): Promise<StoredIdentity[]> {
  const rows = await adapter.listIdentities(query);
  assert.ok(Array.isArray(rows), "listIdentities must resolve an array");
  assert.ok(rows.length <= query.limit, `a page of ${rows.length} rows exceeds limit ${query.limit}`);
  let previous = query.after;
  for (const row of rows) {
    assert.ok(isStoredIdentity(row), "listIdentities returned a malformed identity");
    // Keyset order: strictly ascending ids, all strictly after `after` (a walk always makes progress).
    assert.ok(previous === undefined || row.id > previous, `page out of order: ${row.id} after ${previous}`);
    previous = row.id;
  }
  return rows;
}

const ids = (rows: readonly StoredIdentity[]) => rows.map((r) => r.id);
const ascending = (values: readonly string[]) => [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** What `query` must return from `all` (the reference model of the contract). */
function expected(all: readonly StoredIdentity[], query: ListIdentitiesQuery): string[] {
  const matches = all.filter(
    (i) =>
      (query.after === undefined || i.id > query.after) &&
      (query.ids === undefined || query.ids.includes(i.id)) &&
      (query.organizationId === undefined || i.organization_id === query.organizationId) &&
      (query.credentialsIdentifiers === undefined ||
        query.credentialsIdentifiers.some((p) => i.credentials[p.type]?.identifiers.includes(p.identifier))),
  );
  return ascending(ids(matches)).slice(0, query.limit);
}

/** A deterministic pseudo-random generator (mulberry32), so a failing walk replays the same way. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cases of keyset listing: order, `after`, `limit`, the filters alone and combined, stability under writes. */
export function listingCases({ describe, test }: SuiteContext): void {
  describe("listIdentities (keyset pagination)", () => {
    test("pages come in ascending id order, after is exclusive, limit caps the page", async (adapter) => {
      const all = Array.from({ length: 23 }, () => makeIdentity());
      await insertAll(adapter, all.slice(0, 11));
      await insertAll(adapter, all.slice(11));
      const sorted = ascending(ids(all));
      assert.deepStrictEqual(ids(await page(adapter, { limit: 1000 })), sorted);
      assert.deepStrictEqual(ids(await page(adapter, { limit: 7 })), sorted.slice(0, 7));
      assert.deepStrictEqual(
        ids(await page(adapter, { limit: 7, after: sorted[6] as string })),
        sorted.slice(7, 14),
      );
      assert.deepStrictEqual(await page(adapter, { limit: 5, after: sorted.at(-1) as string }), []);
      const zero = "00000000-0000-4000-8000-000000000000";
      assert.deepStrictEqual(ids(await page(adapter, { limit: 3, after: zero })), sorted.slice(0, 3));
      // `after` need not be a stored id.
      const unknown = randomUUID();
      assert.deepStrictEqual(
        ids(await page(adapter, { limit: 100, after: unknown })),
        sorted.filter((id) => id > unknown),
      );
      const rows = await page(adapter, { limit: 1000 });
      for (const row of rows)
        assert.deepStrictEqual(
          row,
          all.find((i) => i.id === row.id),
        );
    });

    test("walking pages of every size visits every identity once, in order", async (adapter) => {
      const all = Array.from({ length: 17 }, () => makeIdentity());
      await insertAll(adapter, all);
      const sorted = ascending(ids(all));
      for (const limit of [1, 2, 5, 16, 17, 18]) {
        const seen: string[] = [];
        let after: string | undefined;
        for (let pages = 0; pages <= sorted.length; pages++) {
          const rows = await page(adapter, after === undefined ? { limit } : { limit, after });
          seen.push(...ids(rows));
          if (rows.length < limit) break;
          after = rows.at(-1)?.id;
        }
        assert.deepStrictEqual(seen, sorted, `walk with limit ${limit}`);
      }
    });

    test("filters ids, credentialsIdentifiers and organizationId, alone and combined, with after and limit", async (adapter) => {
      const orgs = [randomUUID(), randomUUID()];
      const all = Array.from({ length: 30 }, (_, n) =>
        makeIdentity({ organizationId: n % 3 === 2 ? null : (orgs[n % 3] as string) }),
      );
      await insertAll(adapter, all);
      const sorted = ascending(ids(all));
      const pick = (step: number) => all.filter((_, n) => n % step === 0);
      const idFilter = [...pick(2).map((i) => i.id), randomUUID(), (all[0] as StoredIdentity).id];
      const credFilter: Array<{ type: CredentialsType; identifier: string }> = [
        ...pick(3).map((i) => ({ type: "password" as const, identifier: keyOf(i, "identifier") })),
        { type: "code", identifier: keyOf(all[1] as StoredIdentity, "identifier") }, // wrong type: no match
        { type: "password", identifier: keyOf(all[4] as StoredIdentity, "identifier").toUpperCase() }, // inexact
        { type: "password", identifier: email() }, // unknown
        ...pick(5).map((i) => ({ type: "password" as const, identifier: keyOf(i, "identifier") })),
      ];
      let checked = 0;
      for (const useIds of [false, true]) {
        for (const useCreds of [false, true]) {
          for (const org of [undefined, orgs[0], randomUUID()]) {
            for (const after of [undefined, sorted[8], sorted[21], randomUUID()]) {
              for (const limit of [1, 4, 100]) {
                const query: ListIdentitiesQuery = { limit };
                if (after !== undefined) query.after = after;
                if (useIds) query.ids = idFilter;
                if (useCreds) query.credentialsIdentifiers = credFilter;
                if (org !== undefined) query.organizationId = org;
                const got = ids(await page(adapter, query));
                assert.deepStrictEqual(got, expected(all, query), `query ${JSON.stringify(query)}`);
                checked++;
              }
            }
          }
        }
      }
      assert.equal(checked, 2 * 2 * 3 * 4 * 3);
    });

    test("updates and deletes move identities between organization pages", async (adapter) => {
      const [orgA, orgB] = [randomUUID(), randomUUID()];
      const all = Array.from({ length: 6 }, () => makeIdentity({ organizationId: orgA }));
      await insertAll(adapter, all);
      const [moved, gone, cleared] = all as [StoredIdentity, StoredIdentity, StoredIdentity];
      const movedNext = revise(moved, { organizationId: orgB });
      assert.equal(await adapter.updateIdentity(movedNext, moved.updated_at), "ok");
      assert.equal(
        await adapter.updateIdentity(revise(cleared, { organizationId: null }), cleared.updated_at),
        "ok",
      );
      assert.equal(await adapter.deleteIdentity(gone.id), true);
      const inA = all.slice(3);
      assert.deepStrictEqual(
        ids(await page(adapter, { limit: 100, organizationId: orgA })),
        ascending(ids(inA)),
      );
      assert.deepStrictEqual(await page(adapter, { limit: 100, organizationId: orgB }), [movedNext]);
      assert.deepStrictEqual(
        ids(await page(adapter, { limit: 100, organizationId: orgA, ids: [moved.id, cleared.id, gone.id] })),
        [],
      );
    });

    test("pages neither skip nor repeat while identities are inserted and deleted between reads", async (adapter) => {
      const random = prng(0x1d7e);
      const present = new Map<string, StoredIdentity>();
      const initial = Array.from({ length: 40 }, () => makeIdentity());
      await insertAll(adapter, initial);
      for (const i of initial) present.set(i.id, i);
      const everPresent = new Set(present.keys());
      const deleted = new Set<string>();
      const seen: string[] = [];
      let after: string | undefined;
      let done = false;
      for (let round = 0; round < 1000 && !done; round++) {
        const rows = await page(adapter, after === undefined ? { limit: 4 } : { limit: 4, after });
        seen.push(...ids(rows));
        done = rows.length < 4;
        if (done) break;
        after = rows.at(-1)?.id;
        // Writes between two page reads: new identities anywhere in the order, deletions before and after the
        // cursor, and every other round the cursor row itself.
        const added = Array.from({ length: 3 }, () => makeIdentity());
        await insertAll(adapter, added);
        for (const i of added) {
          present.set(i.id, i);
          everPresent.add(i.id);
        }
        const victims = [...present.keys()].filter(() => random() < 0.06);
        if (round % 2 === 0 && after !== undefined && present.has(after)) victims.push(after);
        for (const id of new Set(victims)) {
          assert.equal(await adapter.deleteIdentity(id), true, "deleteIdentity of a present identity");
          present.delete(id);
          deleted.add(id);
        }
      }
      assert.ok(done, "the walk never reached the end");
      assert.equal(new Set(seen).size, seen.length, "an identity was seen twice");
      assert.deepStrictEqual(seen, ascending(seen), "pages went backwards");
      for (const id of seen) assert.ok(everPresent.has(id), "a page returned an identity never stored");
      const stable = initial.filter((i) => !deleted.has(i.id));
      for (const i of stable)
        assert.ok(seen.includes(i.id), "an identity present throughout the walk was skipped");
      assert.ok(deleted.size > 0 && everPresent.size > initial.length, "the walk wrote nothing");
    });
  });
}
