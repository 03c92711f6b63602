import { validate, version } from "uuid";
import { describe, expect, it, vi } from "vitest";
import { uuidv7 } from "../src/services/uuid-v7.js";

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
