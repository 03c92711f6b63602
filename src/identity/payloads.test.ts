import { describe, expect, it } from "vitest";
import { pointerDeeperThan } from "./payloads.js";

describe("pointerDeeperThan", () => {
  it("finds the first value past the limit and escapes its pointer", () => {
    expect(pointerDeeperThan({ a: { "b/c": { d: 1 } } }, 2)).toBe("/a/b~1c");
    expect(pointerDeeperThan({ a: { "b/c": { d: 1 } } }, 3)).toBeUndefined();
    expect(pointerDeeperThan({ list: [[[]]] }, 3)).toBe("/list/0/0");
    expect(pointerDeeperThan("scalar", 0)).toBeUndefined();
  });

  it("handles depth far beyond the stack without recursing past the limit", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(pointerDeeperThan(deep, 256)?.split("/")).toHaveLength(257);
  });
});
