/**
 * Go's `net/mail.ParseAddress` (Go 1.26: RFC 5322 with RFC 6532 UTF-8, domain literals, groups, comments),
 * returning only what Kratos keeps: the addr-spec `local@domain`, with a quoted local part unquoted.
 *
 * Simplification: RFC 2047 encoded words in display names and comments are not decoded. Go fails on an
 * encoded word whose charset it cannot decode (anything but UTF-8, US-ASCII and ISO-8859-1); here such a
 * display name is accepted. Display names are discarded either way.
 *
 * @module
 */
import {
  isAtext,
  isDtext,
  isGoIP,
  isIPv4,
  isPlainAddrSpec,
  isQtext,
  isV4MappedIPv6,
  isVchar,
  isWSP,
  quote,
} from "./mail-chars.js";

/** Result of {@link parseAddress}: the addr-spec, or Go's error text. */
export type MailParseResult = { readonly address: string } | { readonly error: string };

class MailError extends Error {}

/** Positions are UTF-16 indices; every delimiter the grammar looks at is ASCII, as in Go's byte-wise parser. */
class AddrParser {
  s: string;

  constructor(s: string) {
    this.s = s;
  }

  empty(): boolean {
    return this.s.length === 0;
  }

  peek(): string {
    return this.s.charAt(0);
  }

  consume(c: string): boolean {
    if (this.s.charAt(0) !== c) return false;
    this.s = this.s.slice(1);
    return true;
  }

  skipSpace(): void {
    let i = 0;
    while (i < this.s.length && (this.s[i] === " " || this.s[i] === "\t")) i++;
    if (i > 0) this.s = this.s.slice(i);
  }

  skipCFWS(): boolean {
    this.skipSpace();
    while (this.consume("(")) {
      if (this.consumeComment() === undefined) return false;
      this.skipSpace();
    }
    return true;
  }

  /** After a consumed `(`: the comment text, or `undefined` when the parentheses do not balance. */
  consumeComment(): string | undefined {
    let depth = 1;
    let comment = "";
    while (!this.empty() && depth > 0) {
      if (this.peek() === "\\" && this.s.length > 1) this.s = this.s.slice(1);
      else if (this.peek() === "(") depth++;
      else if (this.peek() === ")") depth--;
      if (depth > 0) comment += this.s.charAt(0);
      this.s = this.s.slice(1);
    }
    return depth === 0 ? comment : undefined;
  }

  parseSingleAddress(): string {
    const addrs = this.parseAddress(true);
    if (!this.skipCFWS()) throw new MailError("mail: misformatted parenthetical comment");
    if (!this.empty()) throw new MailError(`mail: expected single address, got ${JSON.stringify(this.s)}`);
    if (addrs.length === 0) throw new MailError("mail: empty group");
    if (addrs.length > 1) throw new MailError("mail: group with multiple addresses");
    return addrs[0] ?? "";
  }

  parseAddress(handleGroup: boolean): string[] {
    this.skipSpace();
    if (this.empty()) throw new MailError("mail: no address");

    // addr-spec has a more restricted grammar than name-addr, so it is tried first.
    const spec = this.tryAddrSpec();
    if (spec !== undefined) {
      this.skipSpace();
      if (!this.empty() && this.peek() === "(") this.consumeDisplayNameComment();
      return [spec];
    }

    const displayName = this.peek() === "<" ? "" : this.consumePhrase();
    this.skipSpace();
    if (handleGroup && this.consume(":")) return this.consumeGroupList();
    if (!this.consume("<")) {
      // Go tells "foo.bar" (probably a missing @domain) from "Full Name" (probably a missing <...>).
      const atext = Array.from(displayName).every((ch) => isAtext(ch.codePointAt(0) ?? 0, true));
      throw new MailError(atext ? "mail: missing '@' or angle-addr" : "mail: no angle-addr");
    }
    const inner = this.consumeAddrSpec();
    if (!this.consume(">")) throw new MailError("mail: unclosed angle-addr");
    return [inner];
  }

  consumeGroupList(): string[] {
    const group: string[] = [];
    this.skipSpace();
    if (this.consume(";")) {
      if (!this.skipCFWS()) throw new MailError("mail: misformatted parenthetical comment");
      return group;
    }
    for (;;) {
      this.skipSpace();
      group.push(...this.parseAddress(false));
      if (!this.skipCFWS()) throw new MailError("mail: misformatted parenthetical comment");
      if (this.consume(";")) {
        if (!this.skipCFWS()) throw new MailError("mail: misformatted parenthetical comment");
        return group;
      }
      if (!this.consume(",")) throw new MailError("mail: expected comma");
    }
  }

  /** consumeAddrSpec, restoring the position and returning `undefined` on failure. */
  tryAddrSpec(): string | undefined {
    const orig = this.s;
    try {
      return this.consumeAddrSpec();
    } catch (e) {
      if (!(e instanceof MailError)) throw e;
      this.s = orig;
      return undefined;
    }
  }

  consumeAddrSpec(): string {
    const orig = this.s;
    try {
      this.skipSpace();
      if (this.empty()) throw new MailError("mail: no addr-spec");
      let local: string;
      if (this.peek() === '"') {
        local = this.consumeQuotedString();
        if (local === "") throw new MailError("mail: empty quoted string in addr-spec");
      } else {
        local = this.consumeAtom(true, false);
      }
      if (!this.consume("@")) throw new MailError("mail: missing @ in addr-spec");
      this.skipSpace();
      if (this.empty()) throw new MailError("mail: no domain in addr-spec");
      const domain = this.peek() === "[" ? this.consumeDomainLiteral() : this.consumeAtom(true, false);
      return `${local}@${domain}`;
    } catch (e) {
      this.s = orig;
      throw e;
    }
  }

  consumePhrase(): string {
    const words: string[] = [];
    for (;;) {
      if (words.length > 0 && !this.skipCFWS()) {
        throw new MailError("mail: misformatted parenthetical comment");
      }
      this.skipSpace();
      if (this.empty()) break;
      try {
        // Go parses dot-atoms here, permissively, to accept more than RFC 5322's atom.
        words.push(this.peek() === '"' ? this.consumeQuotedString() : this.consumeAtom(true, true));
      } catch (e) {
        if (!(e instanceof MailError)) throw e;
        if (words.length === 0) throw new MailError(`mail: missing word in phrase: ${e.message}`);
        break;
      }
    }
    return words.join(" ");
  }

  consumeQuotedString(): string {
    // The first character is '"'.
    let i = 1;
    let out = "";
    let escaped = false;
    for (;;) {
      if (i >= this.s.length) throw new MailError("mail: unclosed quoted-string");
      const cp = this.s.codePointAt(i) ?? 0;
      const ch = String.fromCodePoint(cp);
      if (escaped) {
        // quoted-pair = ("\" (VCHAR / WSP))
        if (!isVchar(cp) && !isWSP(cp))
          throw new MailError(`mail: bad character in quoted-string: ${quote(ch)}`);
        out += ch;
        escaped = false;
      } else if (isQtext(cp) || isWSP(cp)) {
        out += ch;
      } else if (ch === '"') {
        break;
      } else if (ch === "\\") {
        escaped = true;
      } else {
        throw new MailError(`mail: bad character in quoted-string: ${quote(ch)}`);
      }
      i += ch.length;
    }
    this.s = this.s.slice(i + 1);
    return out;
  }

  consumeAtom(dot: boolean, permissive: boolean): string {
    let i = 0;
    while (i < this.s.length) {
      const cp = this.s.codePointAt(i) ?? 0;
      if (!isAtext(cp, dot)) break;
      i += cp > 0xffff ? 2 : 1;
    }
    if (i === 0) throw new MailError("mail: invalid string");
    const atom = this.s.slice(0, i);
    this.s = this.s.slice(i);
    if (!permissive) {
      if (atom.startsWith(".")) throw new MailError("mail: leading dot in atom");
      if (atom.includes("..")) throw new MailError("mail: double dot in atom");
      if (atom.endsWith(".")) throw new MailError("mail: trailing dot in atom");
    }
    return atom;
  }

  consumeDomainLiteral(): string {
    if (!this.consume("[")) throw new MailError('mail: missing "[" in domain-literal');
    let dtext = "";
    for (;;) {
      if (this.empty()) throw new MailError("mail: unclosed domain-literal");
      if (this.peek() === "]") break;
      const cp = this.s.codePointAt(0) ?? 0;
      const ch = String.fromCodePoint(cp);
      if (!isDtext(cp)) throw new MailError(`mail: bad character in domain-literal: ${quote(ch)}`);
      dtext += ch;
      this.s = this.s.slice(ch.length);
    }
    this.consume("]");
    if (dtext.startsWith("IPv6:")) {
      // Go: len(net.ParseIP(addr)) == 16, which every IPv4 or IPv6 literal satisfies.
      if (!isGoIP(dtext.slice(5))) {
        throw new MailError(`mail: invalid IPv6 address in domain-literal: ${JSON.stringify(dtext)}`);
      }
    } else if (!isIPv4(dtext) && !isV4MappedIPv6(dtext)) {
      // Go: net.ParseIP(dtext).To4() != nil, i.e. IPv4 or IPv4-mapped IPv6.
      throw new MailError(`mail: invalid IP address in domain-literal: ${JSON.stringify(dtext)}`);
    }
    return `[${dtext}]`;
  }

  consumeDisplayNameComment(): void {
    if (!this.consume("(")) throw new MailError("mail: comment does not start with (");
    if (this.consumeComment() === undefined) throw new MailError("mail: misformatted parenthetical comment");
  }
}

/**
 * `net/mail.ParseAddress(s)`, returning `Address.Address` (the bare addr-spec) or Go's error text. Never throws.
 */
export function parseAddress(s: string): MailParseResult {
  // On a plain `local@domain` (isPlainAddrSpec) the parser finds no space to skip, tries the addr-spec first,
  // consumeAtom takes the local part up to the `@` (not atext) and its dot checks pass, the domain atom runs to
  // the end with the same checks, and skipCFWS finds nothing left: the addr-spec it rebuilds is the input.
  if (isPlainAddrSpec(s)) return { address: s };
  try {
    return { address: new AddrParser(s).parseSingleAddress() };
  } catch (e) {
    if (e instanceof MailError) return { error: e.message };
    throw e;
  }
}
