// idkit issue 7, item 3: deriving identifiers and addresses, and reusing stored addresses, is linear in the size
// of the identity. The normalisers are wrapped to count their calls: the quadratic code normalised every stored
// address again for each derived one (N² calls for a PUT of N addresses), the linear code a few times per value.
// Time is compared between N and 4N in the same run (CPU time, best of 5), never against an absolute bound.
import { randomUUID } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it, vi } from "vitest";
import type { StoredIdentity } from "../src/identity/identity.js";
import { SchemaRegistry } from "../src/index.js";
import { IdentityBuilder } from "../src/services/identity-builder.js";
import { identitySchema } from "./helpers.js";

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

const calls = vi.hoisted(() => ({ count: 0 }));

vi.mock("../src/addresses/normalize.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../src/addresses/normalize.js")>();
  const counted =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): R => {
      calls.count++;
      return fn(...args);
    };
  return {
    ...real,
    canonicalize: counted(real.canonicalize),
    gracefulNormalization: counted(real.gracefulNormalization),
    normalizeEmailIdentifier: counted(real.normalizeEmailIdentifier),
    normalizeEmailStrict: counted(real.normalizeEmailStrict),
    normalizePhoneStrict: counted(real.normalizePhoneStrict),
    normalizeIdentifier: counted(real.normalizeIdentifier),
  };
});

const EMAILS = identitySchema({
  type: "object",
  properties: {
    emails: {
      type: "array",
      items: {
        type: "string",
        format: "email",
        "ory.sh/kratos": {
          credentials: { password: { identifier: true }, code: { identifier: true, via: "email" } },
          verification: { via: "email" },
          recovery: { via: "email" },
        },
      },
    },
  },
});

const UNLIMITED = {
  maxIdentifiers: Number.POSITIVE_INFINITY,
  maxVerifiableAddresses: Number.POSITIVE_INFINITY,
  maxRecoveryAddresses: Number.POSITIVE_INFINITY,
  maxTraitsBytes: Number.POSITIVE_INFINITY,
};

function builder(): IdentityBuilder {
  return new IdentityBuilder({
    schemas: new SchemaRegistry({ schemas: { emails: EMAILS } }),
    defaultSchemaId: "emails",
    hasher: {} as never, // no passwords are hashed here
    newId: randomUUID,
    now: () => new Date("2026-01-01T00:00:00Z"),
    limits: UNLIMITED,
  });
}

const emails = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}.${i}@example.org`);

/** Normaliser calls made by `fn`. */
async function counting(fn: () => Promise<unknown>): Promise<number> {
  calls.count = 0;
  await fn();
  return calls.count;
}

async function created(b: IdentityBuilder, n: number, prefix = "a"): Promise<StoredIdentity> {
  return b.prepareCreate({ schema_id: "emails", traits: { emails: emails(prefix, n) } });
}

/** A PUT of new traits onto `stored`, as `updateIdentity` runs it. */
function put(b: IdentityBuilder, stored: StoredIdentity, traits: unknown): Promise<StoredIdentity> {
  return b.revalidate(
    { ...structuredClone(stored), traits: traits as never },
    stored,
    undefined,
    "2026-01-02T00:00:00.000Z",
  );
}

describe("normaliser calls grow linearly with the number of addresses", () => {
  const N = 400;

  it("create: at most 8 normalisations per email (identifier, code, verification, recovery, finalize)", async () => {
    const b = builder();
    const n = await counting(() => created(b, N));
    expect(n).toBeLessThanOrEqual(8 * N);
    expect(await counting(() => created(b, 2 * N))).toBeLessThanOrEqual(2 * n + 10);
  });

  it("create with N imported addresses: each imported value is normalised once, not once per derived address", async () => {
    const b = builder();
    const body = (n: number) => ({
      schema_id: "emails",
      traits: { emails: emails("a", n) },
      verifiable_addresses: emails("A", n).map((value) => ({ value, verified: true, via: "email" })),
      recovery_addresses: emails("A", n).map((value) => ({ value, via: "email" })),
    });
    const n = await counting(() => b.prepareCreate(body(N)));
    expect(n).toBeLessThanOrEqual(10 * N);
    const stored = await b.prepareCreate(body(N));
    expect(stored.verifiable_addresses.every((a) => a.verified)).toBe(true); // reused, not re-created
  });

  it("PUT replacing N stored addresses with N new ones: linear (quadratic code made N² calls)", async () => {
    const b = builder();
    const stored = await created(b, N);
    const n = await counting(() => put(b, stored, { emails: emails("b", N) }));
    expect(n).toBeLessThanOrEqual(10 * N);
  });

  it("PUT keeping the same N addresses reuses every stored record, linearly", async () => {
    const b = builder();
    const stored = await created(b, N);
    let next: StoredIdentity | undefined;
    const n = await counting(async () => {
      next = await put(b, stored, { emails: emails("a", N).reverse() });
    });
    expect(n).toBeLessThanOrEqual(10 * N);
    expect(new Set(next?.verifiable_addresses.map((a) => a.id))).toEqual(
      new Set(stored.verifiable_addresses.map((a) => a.id)),
    );
    expect(next?.recovery_addresses.map((a) => a.id).sort()).toEqual(
      stored.recovery_addresses.map((a) => a.id).sort(),
    );
  });
});

describe("time grows linearly (N vs 4N in the same run, CPU time, best of 5 each)", () => {
  const cpuMs = async (fn: () => Promise<unknown>) => {
    collectGarbage(); // so that no run pays for the garbage of the one before
    const c0 = process.cpuUsage();
    await fn();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
  async function ratio(run: (n: number) => Promise<unknown>, n: number): Promise<number> {
    await run(4 * n); // warm-up (and JIT) at the larger size
    const best = async (size: number) => {
      let min = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 5; i++) min = Math.min(min, await cpuMs(() => run(size)));
      return min;
    };
    return (await best(4 * n)) / (await best(n));
  }

  // Linear is 4, quadratic 16: the bound of 10 leaves room for garbage-collection noise on a busy machine (the
  // process's CPU time counts the collector's helper threads: 9.4 was seen once with the whole suite running).
  it("create and PUT-replace of 3,000 vs 12,000 addresses: ratio under 10 (quadratic: about 16)", async () => {
    const b = builder();
    const stored = new Map<number, StoredIdentity>();
    for (const n of [3000, 12000]) stored.set(n, await created(b, n));
    expect(await ratio((n) => created(b, n), 3000)).toBeLessThan(10);
    expect(
      await ratio((n) => put(b, stored.get(n) as StoredIdentity, { emails: emails("b", n) }), 3000),
    ).toBeLessThan(10);
  }, 120_000);
});
