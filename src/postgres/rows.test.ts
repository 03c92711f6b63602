import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { digestOf, type UniqueKey } from "./rows.js";

describe("digestOf", () => {
  it("is SHA-256 of `kind NUL scope NUL value` as createHash computes it, for any strings (lone surrogates too)", () => {
    const kinds: UniqueKey["kind"][] = [
      "credential",
      "verifiable_address",
      "recovery_address",
      "external_id",
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.string({ unit: "binary" }),
        fc.string({ unit: "binary" }),
        (kind, scope, value) => {
          const expected = createHash("sha256").update(`${kind}\0${scope}\0${value}`).digest("hex");
          expect(digestOf(kind, scope, value)).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
    // A stored key of the previous releases (the digest is the primary key: it must never change).
    expect(digestOf("credential", "password", "a@example.org")).toBe(
      "ad2c4526c1b531268b863ac0a9c995daca5ba3e6bde8734214a7688eb93c1e01",
    );
  });
});
