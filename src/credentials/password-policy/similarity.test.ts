import { describe, expect, it } from "vitest";
import { isTooSimilarToIdentifier, levenshteinDistance, longestCommonSubstringLength } from "./similarity.js";

// Straightforward full-matrix references to compare the two-row implementations with.
function naiveLevenshtein(a: string, b: string): number {
  const s = [...a];
  const t = [...b];
  const d = Array.from({ length: s.length + 1 }, (_, i) =>
    Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
    }
  }
  return d[s.length]![t.length]!;
}

function naiveLcs(a: string, b: string): number {
  const s = [...a];
  const t = [...b];
  let best = 0;
  for (let i = 0; i < s.length; i++) {
    for (let j = 0; j < t.length; j++) {
      let k = 0;
      while (i + k < s.length && j + k < t.length && s[i + k] === t[j + k]) k++;
      best = Math.max(best, k);
    }
  }
  return best;
}

// Small deterministic PRNG (mulberry32) so failures reproduce.
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("levenshteinDistance", () => {
  it("matches known values", () => {
    expect(levenshteinDistance("kitten", "sitting")).toBe(3);
    expect(levenshteinDistance("flaw", "lawn")).toBe(2);
    expect(levenshteinDistance("", "abc")).toBe(3);
    expect(levenshteinDistance("abc", "")).toBe(3);
    expect(levenshteinDistance("", "")).toBe(0);
    expect(levenshteinDistance("same", "same")).toBe(0);
  });

  it("counts code points, not UTF-16 units", () => {
    expect(levenshteinDistance("🔑a", "a")).toBe(1);
    expect(levenshteinDistance("🔑", "🐙")).toBe(1);
  });

  it("agrees with a full-matrix reference on random strings", () => {
    const next = rng(42);
    const alphabet = "abcé🔑";
    const word = () =>
      Array.from({ length: Math.floor(next() * 12) }, () => [...alphabet][Math.floor(next() * 5)]).join("");
    for (let n = 0; n < 500; n++) {
      const a = word();
      const b = word();
      expect(levenshteinDistance(a, b), `${a} / ${b}`).toBe(naiveLevenshtein(a, b));
      expect(longestCommonSubstringLength(a, b), `${a} / ${b}`).toBe(naiveLcs(a, b));
    }
  });
});

describe("longestCommonSubstringLength", () => {
  it("matches known values", () => {
    expect(longestCommonSubstringLength("xabcdy", "zabcdw")).toBe(4);
    expect(longestCommonSubstringLength("abc", "xyz")).toBe(0);
    expect(longestCommonSubstringLength("", "xyz")).toBe(0);
    expect(longestCommonSubstringLength("abab", "baba")).toBe(3);
    expect(longestCommonSubstringLength("🔑🔑x", "y🔑🔑")).toBe(2);
  });
});

describe("isTooSimilarToIdentifier", () => {
  it("applies Kratos's thresholds", () => {
    expect(isTooSimilarToIdentifier("alice@example.com", "alice@example.com")).toBe(true);
    expect(isTooSimilarToIdentifier("alice@example.com", "ALICE@EXAMPLE.COM")).toBe(true);
    expect(isTooSimilarToIdentifier("johnsmith", "johnsmith1234")).toBe(true); // distance 4
    expect(isTooSimilarToIdentifier("johnsmith", "johnsmith12345")).toBe(true); // distance 5, substring 9/14
    expect(isTooSimilarToIdentifier("johnsmith", "johnsmith!x7Qz_3aa")).toBe(false); // 9/18 = 0.5
    expect(isTooSimilarToIdentifier("alice@example.com", "correct horse battery staple")).toBe(false);
  });

  it("rejects short identifiers close to the password by distance alone", () => {
    // distance 4 with no long common substring: "abcd" vs "wxyz" differs everywhere
    expect(isTooSimilarToIdentifier("abcd", "wxyz")).toBe(true);
    expect(isTooSimilarToIdentifier("abcd", "wxyzq")).toBe(false);
  });

  it("skips an empty identifier and anything over 256 bytes", () => {
    expect(isTooSimilarToIdentifier("", "abcd")).toBe(false);
    expect(isTooSimilarToIdentifier("a".repeat(256), "a".repeat(256))).toBe(true);
    expect(isTooSimilarToIdentifier("a".repeat(257), "a".repeat(256))).toBe(false);
    expect(isTooSimilarToIdentifier("a".repeat(256), "a".repeat(257))).toBe(false);
  });

  it("re-checks the byte length after lower-casing", () => {
    // "Ⱥ" (U+023A, 2 bytes) lower-cases to "ⱥ" (U+2C65, 3 bytes): 128 × 2 = 256 bytes before, 384 after.
    const id = "Ⱥ".repeat(128);
    expect(Buffer.byteLength(id)).toBe(256);
    expect(Buffer.byteLength(id.toLowerCase())).toBe(384);
    expect(isTooSimilarToIdentifier(id, id)).toBe(false);
  });
});
