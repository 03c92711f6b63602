import fc from "fast-check";
import { parse, stringify, validate, version } from "uuid";
import { describe, expect, it, vi } from "vitest";
import { uuidText, uuidv7 } from "../src/services/uuid-v7.js";

describe("the default generateId (uuid's v7 with pooled random bytes)", () => {
  it("makes valid lower-case UUIDv7s, strictly increasing within a process, past the pool's refill", () => {
    let previous = "";
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const id = uuidv7();
      expect(validate(id) && version(id) === 7).toBe(true);
      expect(id).toBe(id.toLowerCase());
      expect(id > previous).toBe(true);
      seen.add(id);
      previous = id;
    }
    expect(seen.size).toBe(5000);
  });

  it("stays increasing when the clock stands still or goes back", () => {
    const now = vi.spyOn(Date, "now").mockReturnValue(Date.parse("2030-01-01T00:00:00Z"));
    try {
      const ids = Array.from({ length: 1000 }, () => uuidv7());
      now.mockReturnValue(Date.parse("2029-01-01T00:00:00Z"));
      ids.push(...Array.from({ length: 1000 }, () => uuidv7()));
      for (let i = 1; i < ids.length; i++) expect((ids[i] as string) > (ids[i - 1] as string)).toBe(true);
    } finally {
      now.mockRestore();
    }
  });
});

describe("uuidText", () => {
  it("writes any 16 bytes as Node's hex encoder does, dashed 8-4-4-4-12 (fast-check); a v7's as uuid does", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const hex = Buffer.from(bytes).toString("hex");
        const dashed = [
          hex.slice(0, 8),
          hex.slice(8, 12),
          hex.slice(12, 16),
          hex.slice(16, 20),
          hex.slice(20),
        ];
        expect(uuidText(bytes)).toBe(dashed.join("-"));
      }),
      { numRuns: 2000 },
    );
    const id = uuidv7();
    expect(stringify(parse(id))).toBe(id);
  });
});
