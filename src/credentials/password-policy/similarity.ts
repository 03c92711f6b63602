import { utf8ByteLength } from "./byte-length.js";

/** Kratos skips the similarity check when the identifier or the password is longer than this, in bytes. */
export const MAX_SIMILARITY_CHECK_BYTES = 256;
/** A Levenshtein distance below this is too similar (Kratos's `minIdentifierPasswordDist`). */
export const MIN_IDENTIFIER_DISTANCE = 5;
/** A longest common substring covering more than this share of the password is too similar. */
export const MAX_COMMON_SUBSTRING_RATIO = 0.5;

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0)!);
  return out;
}

function levenshteinOf(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = new Uint32Array(b.length + 1);
  let curr = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    curr[0] = i;
    const ai = a[i - 1];
    for (let j = 1; j <= b.length; j++) {
      const substitution = prev[j - 1]! + (ai === b[j - 1] ? 0 : 1);
      curr[j] = Math.min(prev[j]! + 1, curr[j - 1]! + 1, substitution);
    }
    [prev, curr] = [curr, prev];
  }
  return prev[b.length]!;
}

function lcsOf(a: readonly number[], b: readonly number[]): number {
  // curr[0] and prev[0] are never written and stay 0: the empty prefix has no common suffix.
  let prev = new Uint32Array(b.length + 1);
  let curr = new Uint32Array(b.length + 1);
  let best = 0;
  for (let i = 1; i <= a.length; i++) {
    const ai = a[i - 1];
    for (let j = 1; j <= b.length; j++) {
      const run = ai === b[j - 1] ? prev[j - 1]! + 1 : 0;
      curr[j] = run;
      if (run > best) best = run;
    }
    [prev, curr] = [curr, prev];
  }
  return best;
}

/** Levenshtein edit distance between `a` and `b`, over Unicode code points (O(n·m) time, two rows of memory). */
export function levenshteinDistance(a: string, b: string): number {
  return levenshteinOf(codePoints(a), codePoints(b));
}

/** Length, in code points, of the longest common substring of `a` and `b` (O(n·m) time, two rows of memory). */
export function longestCommonSubstringLength(a: string, b: string): number {
  return lcsOf(codePoints(a), codePoints(b));
}

/**
 * Kratos's identifier-similarity rule: both sides lower-cased; skipped for an empty identifier or when either side
 * is longer than {@link MAX_SIMILARITY_CHECK_BYTES} bytes; too similar when the Levenshtein distance is below
 * {@link MIN_IDENTIFIER_DISTANCE} or the longest common substring covers more than half of the password.
 *
 * Lengths in the ratio are in code points on both sides (Kratos mixes runes and bytes; the two agree for ASCII).
 */
export function isTooSimilarToIdentifier(identifier: string, password: string): boolean {
  if (identifier.length === 0) return false;
  if (utf8ByteLength(identifier) > MAX_SIMILARITY_CHECK_BYTES) return false;
  if (utf8ByteLength(password) > MAX_SIMILARITY_CHECK_BYTES) return false;
  const id = identifier.toLowerCase();
  const pw = password.toLowerCase();
  // Lower-casing can change the byte length (e.g. "İ"), so check again like Kratos does.
  if (utf8ByteLength(id) > MAX_SIMILARITY_CHECK_BYTES || utf8ByteLength(pw) > MAX_SIMILARITY_CHECK_BYTES) {
    return false;
  }
  const a = codePoints(id);
  const b = codePoints(pw);
  if (b.length === 0) return false;
  // The distance is at least the length difference, so skip the matrix when that alone clears the bar.
  if (
    Math.abs(a.length - b.length) < MIN_IDENTIFIER_DISTANCE &&
    levenshteinOf(a, b) < MIN_IDENTIFIER_DISTANCE
  ) {
    return true;
  }
  return lcsOf(a, b) / b.length > MAX_COMMON_SUBSTRING_RATIO;
}
