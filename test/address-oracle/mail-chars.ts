// Frozen copy of src/addresses/mail-chars.ts as of commit ef03307 (before the ASCII fast paths of issue 9): the oracle
// that test/address-fast-path.test.ts compares the current code with. Do not edit.
// RFC 5322 character classes and the address checks Go's net/mail parser applies (see mail-address.ts).
import { lazyRequire } from "../../src/json/lazy-require.js";

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
