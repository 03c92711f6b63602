import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isIdentityError } from "../src/errors/index.js";
import { conflictKeyOf } from "../src/storage/conflict-error.js";
import { Keys, UniqueIndex } from "../src/storage/memory/unique-index.js";

/**
 * MemoryStorage's value-keyed uniqueness index against a model written the obvious way: one map per
 * `kind\0scope\0value` string (the index before it kept one slot per value). Small alphabets make values shared
 * across kinds and scopes (an e-mail that is an identifier, a verifiable and a recovery address) the common case.
 */
const KINDS = ["credential", "verifiable_address", "recovery_address", "external_id"] as const;
const key = fc.tuple(
  fc.constantFrom(...KINDS),
  // Up to 48 (kind, scope) pairs per value: slots past 8 scopes become maps (and must behave the same).
  fc.constantFrom("password", "email", "sms", "", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11"),
  fc.constantFrom("a", "b", "c"),
);
const keys = fc.array(key, { maxLength: 14 }).map((list) => list.flat());
const op = fc.oneof(
  fc.record({ op: fc.constant("put" as const), id: fc.constantFrom("i1", "i2", "i3"), keys }),
  fc.record({ op: fc.constant("drop" as const), id: fc.constantFrom("i1", "i2", "i3") }),
);

class Model {
  readonly owners = new Map<string, string>();
  readonly held = new Map<string, string[]>();

  check(id: string, list: string[]): string | "ok" {
    const seen = new Set<string>();
    for (let i = 0; i < list.length; i += 3) {
      const k = `${list[i]}\0${list[i + 1]}\0${list[i + 2]}`;
      const owner = this.owners.get(k);
      if (seen.has(k) || (owner !== undefined && owner !== id)) return k;
      seen.add(k);
    }
    return "ok";
  }

  put(id: string, list: string[]): void {
    this.drop(id);
    for (let i = 0; i < list.length; i += 3)
      this.owners.set(`${list[i]}\0${list[i + 1]}\0${list[i + 2]}`, id);
    this.held.set(id, list);
  }

  drop(id: string): void {
    const list = this.held.get(id) ?? [];
    for (let i = 0; i < list.length; i += 3) {
      const k = `${list[i]}\0${list[i + 1]}\0${list[i + 2]}`;
      if (this.owners.get(k) === id) this.owners.delete(k);
    }
    this.held.delete(id);
  }
}

describe("UniqueIndex (value-keyed) behaves as one map per kind, scope and value", () => {
  it("check, claim and release agree with the model on every owner and conflict (fast-check)", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const index = new UniqueIndex();
        const model = new Model();
        for (const step of ops) {
          if (step.op === "drop") {
            index.release(step.id, model.held.get(step.id) ?? []);
            model.drop(step.id);
            continue;
          }
          const expected = model.check(step.id, step.keys);
          const got = index.check(step.id, step.keys);
          if (expected === "ok") {
            expect(got).toBeInstanceOf(Keys);
            // As MemoryStorage replaces an identity: its old keys released, then the new ones claimed.
            index.release(step.id, model.held.get(step.id) ?? []);
            index.claim(step.id, got as Keys);
            model.put(step.id, step.keys);
          } else {
            expect(isIdentityError(got, "identity_conflict")).toBe(true);
            const [kind, scope, value] = expected.split("\0");
            expect(conflictKeyOf(got)).toEqual({ kind, scope, value });
          }
          for (const [k, owner] of model.owners) {
            const [kind, scope, value] = k.split("\0") as [string, string, string];
            if (kind === "credential" || kind === "external_id")
              expect(index.owner(kind, scope, value)).toBe(owner);
          }
          for (const kind of ["credential", "external_id"] as const) {
            for (const scope of ["password", "email", "sms", "", "s4", "s9"]) {
              for (const value of ["a", "b", "c"]) {
                const owner = model.owners.get(`${kind}\0${scope}\0${value}`);
                expect(index.owner(kind, scope, value)).toBe(owner);
              }
            }
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it("one value under three scopes is one identity's, and stays another's after the first releases it", () => {
    const index = new UniqueIndex();
    const email = [
      "credential",
      "password",
      "a@x",
      "verifiable_address",
      "email",
      "a@x",
      "recovery_address",
      "email",
      "a@x",
    ];
    index.claim("i1", index.check("i1", email) as Keys);
    expect(isIdentityError(index.check("i2", email.slice(3, 6)), "identity_conflict")).toBe(true);
    index.release("i1", email.slice(0, 3));
    expect(index.owner("credential", "password", "a@x")).toBeUndefined();
    expect(isIdentityError(index.check("i2", email), "identity_conflict")).toBe(true);
    index.claim("i2", index.check("i2", email.slice(0, 3)) as Keys);
    expect(index.owner("credential", "password", "a@x")).toBe("i2");
    index.release("i1", email);
    expect(index.check("i3", email.slice(3))).toBeInstanceOf(Keys);
    expect(index.owner("credential", "password", "a@x")).toBe("i2");
  });
});
