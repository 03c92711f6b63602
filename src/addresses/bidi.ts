import { BIDI_GROUPS, BIDI_MN_NOT_NSM, BIDI_STARTS } from "./bidi-data.js";

// Bidi groups, as in bidi-data.ts. R and AL behave identically in the Bidi Rule, and so do ES, CS, ET, ON, BN.
const L = 0;
const RTL = 1;
const AN = 2;
const EN = 3;
const NSM = 4;
const NEUTRAL = 5;

const MARK = /^[\p{Mn}\p{Me}]$/u;
const ANY_MARK = /[\p{Mn}\p{Me}]/u;
const MN_NOT_NSM = new Set(BIDI_MN_NOT_NSM);

/**
 * Bidi group of one code point (`ch` is the same code point as a string). Only meaningful for code points that
 * can reach the Bidi Rule check: NFKC output that the PRECIS profile allows (see generate-bidi-data.mjs).
 */
export function bidiGroup(cp: number, ch: string): number {
  if (cp >= 0x300 && MARK.test(ch)) return MN_NOT_NSM.has(cp) ? L : NSM;
  return tableGroup(cp);
}

/** The group of a code point that is not a mark (Mn/Me), from the Bidi_Class table. */
function tableGroup(cp: number): number {
  let lo = 0;
  let hi = BIDI_STARTS.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if ((BIDI_STARTS[mid] ?? 0) <= cp) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found < 0 ? L : (BIDI_GROUPS[found] ?? L);
}

// States of golang.org/x/text/secure/bidirule.
const INITIAL = 0;
const LTR = 1;
const LTR_FINAL = 2;
const RTL_STATE = 3;
const RTL_FINAL = 4;
const INVALID = 5;

const bit = (g: number) => 1 << g;
const EN_AND_AN = bit(EN) | bit(AN);

/** Next state of the RFC 5893 automaton, transcribed from golang.org/x/text/secure/bidirule `transitions`. */
function next(state: number, g: number): number {
  const m = bit(g);
  switch (state) {
    case INITIAL:
      // [2.1] the first character must be L, R or AL.
      if (m & bit(L)) return LTR_FINAL;
      if (m & bit(RTL)) return RTL_FINAL;
      return INVALID;
    case RTL_STATE:
      // [2.2]/[2.3]: R, AL, AN, EN, ES, CS, ET, ON, BN, NSM; must end in R, AL, EN or AN (+ NSM*).
      if (m & (bit(RTL) | bit(EN) | bit(AN))) return RTL_FINAL;
      if (m & (bit(NEUTRAL) | bit(NSM))) return RTL_STATE;
      return INVALID;
    case RTL_FINAL:
      if (m & (bit(RTL) | bit(EN) | bit(AN) | bit(NSM))) return RTL_FINAL;
      if (m & bit(NEUTRAL)) return RTL_STATE;
      return INVALID;
    case LTR:
      // [2.5]/[2.6]: L, EN, ES, CS, ET, ON, BN, NSM; must end in L or EN (+ NSM*).
      if (m & (bit(L) | bit(EN))) return LTR_FINAL;
      if (m & (bit(NEUTRAL) | bit(NSM))) return LTR;
      return INVALID;
    case LTR_FINAL:
      if (m & (bit(L) | bit(EN) | bit(NSM))) return LTR_FINAL;
      if (m & bit(NEUTRAL)) return LTR;
      return INVALID;
    default:
      return INVALID;
  }
}

/** Groups 0..6 (6: WS, B, S and the explicit embeddings, which no state accepts). */
const GROUPS = 7;
/** {@link next} as a table indexed by `state * GROUPS + group`. */
const TRANSITIONS = Uint8Array.from({ length: (INVALID + 1) * GROUPS }, (_, i) =>
  next(Math.floor(i / GROUPS), i % GROUPS),
);

/** bidiGroup below U+0300 (no marks there), built at the first Bidi Rule check. */
let lowGroups: Uint8Array | undefined;
const LOW_LIMIT = 0x300;

/**
 * RFC 5893 Bidi Rule exactly as golang.org/x/text/secure/bidirule `Valid` applies it to a whole string: it is
 * enforced on every string, not only on RTL ones, so a non-ASCII string that starts with a digit or a symbol, or
 * contains a space, fails too. The PRECIS email profile only runs it on non-ASCII input (Go's ASCII fast path
 * skips it).
 *
 * Walks the code points as `for...of` would (a lone surrogate is one), without making a string per code point:
 * groups below U+0300 come from a table, and the mark check runs per code point only in a string that has one.
 */
export function bidiRuleValid(s: string): boolean {
  lowGroups ??= Uint8Array.from({ length: LOW_LIMIT }, (_, cp) => tableGroup(cp));
  const low = lowGroups;
  let hasMarks: boolean | undefined;
  let state = INITIAL;
  let seen = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let cp = s.charCodeAt(i);
    let g: number;
    if (cp < LOW_LIMIT) {
      g = low[cp] as number;
    } else {
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n) {
        const trail = s.charCodeAt(i + 1);
        if (trail >= 0xdc00 && trail <= 0xdfff) {
          cp = (cp - 0xd800) * 0x400 + (trail - 0xdc00) + 0x10000;
          i++;
        }
      }
      hasMarks ??= ANY_MARK.test(s);
      g = hasMarks ? bidiGroup(cp, String.fromCodePoint(cp)) : tableGroup(cp);
    }
    seen |= 1 << g;
    // [2.4] EN and AN may not both occur.
    if ((seen & EN_AND_AN) === EN_AND_AN) return false;
    state = TRANSITIONS[state * GROUPS + g] as number;
    if (state === INVALID) return false;
  }
  return state === LTR_FINAL || state === RTL_FINAL || state === INITIAL;
}
