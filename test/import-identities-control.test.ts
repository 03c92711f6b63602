import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CreateIdentityBody,
  type ImportIdentitiesResult,
  isIdentityError,
  MemoryStorage,
} from "../src/index.js";
import { manager, rejection } from "./helpers.js";
import { person } from "./import-rows.js";

describe("importIdentities: abort, failures and arguments", () => {
  it("stops an infinite generator on abort, closes it, and resolves with a prefix of the source", async () => {
    const idm = manager();
    const controller = new AbortController();
    let pulled = 0;
    let closed = false;
    function* forever() {
      try {
        for (let i = 0; ; i++) {
          pulled++;
          yield person(`inf${i}@example.org`);
        }
      } finally {
        closed = true;
      }
    }
    const result = await idm.importIdentities(forever(), {
      batchSize: 10,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.processed >= 50) controller.abort();
      },
    });
    expect(result.aborted).toBe(true);
    expect(closed).toBe(true);
    expect(result.failed).toBe(0);
    expect(result.processed).toBe(pulled); // every row read was handled, none after
    expect(result.processed).toBeGreaterThanOrEqual(50);
    expect(result.processed).toBeLessThanOrEqual(70);
    const stored = await idm.listIdentities({ pageSize: 500 });
    expect(stored.identities).toHaveLength(result.created);
  });

  it("an abort from a timer stops a synchronous infinite generator (the import yields to the event loop)", async () => {
    const idm = manager();
    function* forever() {
      for (let i = 0; ; i++) yield person(`t${i}@example.org`);
    }
    const result = await idm.importIdentities(forever(), { signal: AbortSignal.timeout(50) });
    expect(result.aborted).toBe(true);
    expect(result.processed).toBe(result.created);
  });

  it("an abort interrupts an async source that never answers; an aborted signal reads nothing", async () => {
    const idm = manager();
    const controller = new AbortController();
    let returned = false;
    const stuck: AsyncIterable<CreateIdentityBody> = {
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise<IteratorResult<CreateIdentityBody>>(() => {}),
        return: async () => {
          returned = true;
          return { done: true, value: undefined };
        },
      }),
    };
    setTimeout(() => controller.abort(), 20);
    const result = await idm.importIdentities(stuck, { signal: controller.signal });
    expect(result).toEqual({ processed: 0, created: 0, failed: 0, errors: [], aborted: true });
    expect(returned).toBe(true);

    let pulled = 0;
    const never = (function* () {
      pulled++;
      yield person("never@example.org");
    })();
    const none = await idm.importIdentities(never, { signal: AbortSignal.abort() });
    expect(none).toMatchObject({ processed: 0, aborted: true });
    expect(pulled).toBe(0);
  });

  it("a source that throws stops the import: validation_failed at its index, with the summary so far", async () => {
    const idm = manager();
    const boom = new Error("disk gone");
    async function* rows() {
      for (let i = 0; i < 7; i++) yield person(`s${i}@example.org`);
      yield 5; // a bad row before the failure is still reported
      throw boom;
    }
    const e = await rejection(
      idm.importIdentities(rows() as AsyncIterable<CreateIdentityBody>, { batchSize: 3 }),
    );
    expect(isIdentityError(e, "validation_failed")).toBe(true);
    expect(e.cause).toBe(boom);
    expect(e.issues).toEqual([
      { pointer: "/8", code: "invalid_json", message: "the value could not be read" },
    ]);
    const summary = e.details?.summary as ImportIdentitiesResult;
    expect(summary).toMatchObject({ processed: 8, created: 7, failed: 1, aborted: false });
    expect(summary.errors.map((x) => x.index)).toEqual([7]);
    expect(JSON.stringify(e.toJSON())).not.toContain("disk gone");
  });

  it("a store that fails a whole batch stops the import with storage_error and the summary", async () => {
    const storage = new MemoryStorage();
    let calls = 0;
    const insert = storage.insertIdentities.bind(storage);
    storage.insertIdentities = async (identities) => {
      if (++calls === 2) throw new Error("connection reset");
      return insert(identities);
    };
    const idm = manager({ storage });
    let closed = false;
    function* rows() {
      try {
        for (let i = 0; i < 100; i++) yield person(`f${i}@example.org`);
      } finally {
        closed = true;
      }
    }
    const e = await rejection(idm.importIdentities(rows(), { batchSize: 4, concurrency: 1 }));
    expect(e.code).toBe("storage_error");
    const summary = e.details?.summary as ImportIdentitiesResult;
    expect(summary).toMatchObject({ processed: 8, created: 4, failed: 4 });
    expect(summary.errors.map((x) => [x.index, x.code])).toEqual(
      [4, 5, 6, 7].map((i) => [i, "storage_error"]),
    );
    expect(closed).toBe(true);
    expect(JSON.stringify(e.toJSON())).not.toContain("connection reset");
  });

  it("a throwing or rejecting onProgress never breaks the import", async () => {
    const idm = manager();
    const rows = Array.from({ length: 9 }, (_, i) => person(`p${i}@example.org`));
    let calls = 0;
    const result = await idm.importIdentities(rows, {
      batchSize: 2,
      onProgress: (() => {
        calls++;
        if (calls % 2) throw new Error("progress bar broke");
        return Promise.reject(new Error("async progress bar broke"));
      }) as () => void,
    });
    expect(result).toMatchObject({ processed: 9, created: 9, failed: 0 });
    expect(calls).toBe(5);
  });

  it("refuses a source that is not iterable and bad options, never with a TypeError", async () => {
    const idm = manager();
    // Items that are no JSON at all fail alone (an undefined item is not skipped, unlike a batch's `create: null`).
    const odd = await idm.importIdentities([undefined, Symbol("s"), 1n, new Date()] as never);
    expect(odd).toMatchObject({ processed: 4, created: 0, failed: 4 });
    expect(odd.errors.map((e) => [e.index, e.code, e.pointer])).toEqual(
      [0, 1, 2, 3].map((i) => [i, "validation_failed", ""]),
    );
    for (const source of [undefined, null, 1, "abc", {}, { [Symbol.iterator]: 1 }, () => {}]) {
      const e = await rejection(idm.importIdentities(source as never));
      expect(e.code).toBe("validation_failed");
      expect(e.issues[0]).toMatchObject({ pointer: "", code: "invalid_type" });
    }
    for (const options of [
      null,
      [],
      { batchsize: 10 },
      { batchSize: 0 },
      { batchSize: 1001 },
      { batchSize: 1.5 },
      { concurrency: 65 },
      { onProgress: 1 },
      { signal: { aborted: false } },
    ]) {
      const e = await rejection(idm.importIdentities([], options as never));
      expect(e.code).toBe("invalid_configuration");
    }
  });

  it("any JS value as source or options gives a result or an IdentityError", async () => {
    const idm = manager();
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
        ownKeys() {
          throw new Error("trap");
        },
        getPrototypeOf() {
          throw new Error("trap");
        },
      },
    );
    const brokenIterators = [
      hostile,
      { [Symbol.iterator]: () => null },
      { [Symbol.iterator]: () => ({ next: () => 1 }) },
      { [Symbol.iterator]: () => ({ next: () => hostile }) },
      { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new TypeError("x")) }) },
      {
        [Symbol.iterator]: () => {
          let left = 3;
          return { next: () => ({ done: left-- === 0, value: hostile }), return: 1 };
        },
      },
    ];
    const values = fc.sample(fc.anything({ withBigInt: true, withMap: true, withSet: true }), 150);
    for (const value of [...values, ...brokenIterators]) {
      for (const [source, options] of [
        [value, undefined],
        [[], value],
      ]) {
        try {
          const result = await idm.importIdentities(source as never, options as never);
          expect(result.processed).toBe(result.created + result.failed);
        } catch (e) {
          expect(isIdentityError(e)).toBe(true);
        }
      }
    }
  });
});
