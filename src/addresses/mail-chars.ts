// RFC 5322 character classes and the address checks Go's net/mail parser applies (see mail-address.ts).
import { lazyRequire } from "../json/lazy-require.js";

/** `node:net`, loaded with the first IP literal checked (cold start: most addresses have none). */
const net = lazyRequire<typeof import("node:net")>("node:net");
/** Node's IPv4 parser. */
export const isIPv4 = (s: string): boolean => net().isIPv4(s);
const isIPv6 = (s: string): boolean => net().isIPv6(s);

/** Go's net.ParseIP accepts neither zones nor anything Node's parser would not. */
export function isGoIP(s: string): boolean {
  return isIPv4(s) || (isIPv6(s) && !s.includes("%"));
}

const V4_MAPPED = /^\[::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}\]$/;

export function isV4MappedIPv6(s: string): boolean {
  if (!isIPv6(s) || s.includes("%")) return false;
  // The WHATWG serialiser canonicalises the address, e.g. ::FFFF:1.2.3.4 and 0:0:0:0:0:ffff:102:304 alike.
  return V4_MAPPED.test(new URL(`http://[${s}]/`).hostname);
}

/** Go's %q of a rune: single-quoted (Go's escaping of unprintable runes is not reproduced). */
export function quote(ch: string): string {
  return `'${ch}'`;
}

/** RFC 5322 VCHAR, extended by RFC 6532 to every non-ASCII code point. */
export function isVchar(cp: number): boolean {
  return (cp >= 0x21 && cp <= 0x7e) || cp >= 0x80;
}

export function isWSP(cp: number): boolean {
  return cp === 0x20 || cp === 0x09;
}

export function isQtext(cp: number): boolean {
  return cp !== 0x5c && cp !== 0x22 && isVchar(cp);
}

export function isDtext(cp: number): boolean {
  return cp !== 0x5b && cp !== 0x5d && cp !== 0x5c && isVchar(cp);
}

/** ASCII atext as a table indexed by code unit (period excluded): what {@link isAtext} says for `cp < 0x80`. */
const ASCII_ATEXT: readonly boolean[] = Array.from({ length: 0x80 }, (_, cp) => isAtext(cp, false));

/**
 * Whether `s` is a bare dot-atom addr-spec `local@domain`: one `@`, both sides non-empty runs of atext (every
 * non-ASCII code unit is atext, RFC 6532) separated by single dots, with no dot at either end. No quotes,
 * brackets, spaces, comments or angle brackets. On such a string the parser takes one straight path and returns
 * the string unchanged; anything else goes to the full parser.
 */
export function isPlainAddrSpec(s: string): boolean {
  if (typeof s !== "string") return false;
  let at = -1;
  // True at the start of each side and after a dot: a dot or the end there would be a leading, double or
  // trailing dot, or an empty side.
  let boundary = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2e || c === 0x40) {
      if (boundary || (c === 0x40 && at >= 0)) return false;
      if (c === 0x40) at = i;
      boundary = true;
    } else if (c < 0x80 && ASCII_ATEXT[c] !== true) {
      return false;
    } else {
      boundary = false;
    }
  }
  return at > 0 && !boundary;
}

/** RFC 5322 atext (period included when `dot`): VCHAR minus the specials `()<>[]:;@\,"`. */
export function isAtext(cp: number, dot: boolean): boolean {
  switch (cp) {
    case 0x2e:
      return dot;
    case 0x28:
    case 0x29:
    case 0x3c:
    case 0x3e:
    case 0x5b:
    case 0x5d:
    case 0x3a:
    case 0x3b:
    case 0x40:
    case 0x5c:
    case 0x2c:
    case 0x22:
      return false;
    default:
      return isVchar(cp);
  }
}
