// Frozen copy of src/addresses/bidi.ts as of commit ef03307 (before the ASCII fast paths of issue 9): the oracle
// that test/address-fast-path.test.ts compares the current code with. Do not edit.
import { BIDI_GROUPS, BIDI_MN_NOT_NSM, BIDI_STARTS } from "../../src/addresses/bidi-data.js";

// Bidi groups, as in bidi-data.ts. R and AL behave identically in the Bidi Rule, and so do ES, CS, ET, ON, BN.
const L = 0;
const RTL = 1;
const AN = 2;
const EN = 3;
const NSM = 4;
const NEUTRAL = 5;

const MARK = /^[\p{Mn}\p{Me}]$/u;
const MN_NOT_NSM = new Set(BIDI_MN_NOT_NSM);

/**
 * Bidi group of one code point (`ch` is the same code point as a string). Only meaningful for code points that
 * can reach the Bidi Rule check: NFKC output that the PRECIS profile allows (see generate-bidi-data.mjs).
 */
export function bidiGroup(cp: number, ch: string): number {
  if (cp >= 0x300 && MARK.test(ch)) return MN_NOT_NSM.has(cp) ? L : NSM;
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

/**
 * RFC 5893 Bidi Rule exactly as golang.org/x/text/secure/bidirule `Valid` applies it to a whole string: it is
 * enforced on every string, not only on RTL ones, so a non-ASCII string that starts with a digit or a symbol, or
 * contains a space, fails too. The PRECIS email profile only runs it on non-ASCII input (Go's ASCII fast path
 * skips it).
 */
export function bidiRuleValid(s: string): boolean {
  let state = INITIAL;
  let seen = 0;
  for (const ch of s) {
    const g = bidiGroup(ch.codePointAt(0) ?? 0, ch);
    seen |= bit(g);
    // [2.4] EN and AN may not both occur.
    if ((seen & EN_AND_AN) === EN_AND_AN) return false;
    state = next(state, g);
    if (state === INVALID) return false;
  }
  return state === LTR_FINAL || state === RTL_FINAL || state === INITIAL;
}
