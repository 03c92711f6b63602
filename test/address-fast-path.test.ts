// idkit issue 9: the address work of an identity runs each normalisation once per value, with ASCII fast paths.
// Every observable result must stay exactly what it was, so the code before the change is kept as an oracle
// (test/address-oracle/, frozen copies) and compared with the current code on generated input: ASCII and
// non-ASCII e-mail addresses, host names and phone numbers (mixed case, quoted local parts, IP literals, IDN,
// bidi, combining marks, compatibility characters, white space, lone surrogates, very long values).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bidiGroup, bidiRuleValid } from "../src/addresses/bidi.js";
import type { ExistingAddresses, ExtractionLimits } from "../src/addresses/extract.js";
import { extractFromHits } from "../src/addresses/extract.js";
import { isEmailFormat, isTelFormat } from "../src/addresses/formats.js";
import { NormalizedForms } from "../src/addresses/forms.js";
import { parseAddress } from "../src/addresses/mail-address.js";
import {
  canonicalize,
  gracefulNormalization,
  normalizeEmailIdentifier,
  normalizeEmailStrict,
  normalizeIdentifier,
  normalizePhoneStrict,
  toE164IfValidPhone,
} from "../src/addresses/normalize.js";
import { enforceEmailProfile, enforcePhoneProfile, gracefulEmailProfile } from "../src/addresses/precis.js";
import type { ExtensionHit, KratosExtension } from "../src/identity/extension.js";
import { type IdentityError, IdentityManager, isIdentityError, MemoryStorage } from "../src/index.js";
import * as oldBidi from "./address-oracle/bidi.js";
import * as oldExtract from "./address-oracle/extract.js";
import * as oldFormats from "./address-oracle/formats.js";
import * as oldMail from "./address-oracle/mail-address.js";
import * as oldNormalize from "./address-oracle/normalize.js";
import * as oldPrecis from "./address-oracle/precis.js";

const RUNS = Number(process.env.ADDRESS_FAST_PATH_RUNS ?? 3000);

// ---------------------------------------------------------------------------------------------------------------
// Generators

/** Fragments that matter to the parsers and the PRECIS profiles, beside plain letters. */
const SPECIAL = [
  ..."@.\"\\()<>[]:;,- \t+_~!#$%&'*/=?^`{|}",
  "\n",
  "\r",
  "\u000b",
  "\u0000",
  "\u007f",
  "..",
  "IPv6:",
  "::1",
  "::ffff:",
  "1.2.3.4",
  "300.1.1.1",
  "%eth0",
  "xn--",
  "ü",
  "Ü",
  "ß",
  "İ",
  "Σ",
  "ς",
  "ﬃ",
  "ａ",
  "Ａ",
  "１",
  "＠",
  "\u3000",
  "\u00a0",
  "\u0085",
  "\u2028",
  "\ufeff",
  "\u200b",
  "\u200c",
  "\u200d",
  "\u034f",
  "\u0301",
  "\u0308",
  "\u00a8",
  "\u05d0",
  "\u05f3",
  "\u0627",
  "\u0663",
  "\u06f3",
  "\u0660",
  "\u06f0",
  "\u00b7",
  "l",
  "\u0375",
  "\u03b1",
  "\u30fb",
  "\u30a2",
  "\u1100",
  "\u0640",
  "\u202e",
  "\u2066",
  "\u212a",
  "𝐀",
  "😀",
  "\ud800",
  "\udc00",
  "\ufdd0",
  "\ue000",
  "한",
  "ö",
  "É",
];

const fragment = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 4 }) },
  { weight: 4, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 2 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) },
);
/** Any string, biased towards what the parsers look at. */
const anyText = fc.array(fragment, { maxLength: 12 }).map((parts) => parts.join(""));

const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const atextExtra = "!#$%&'*+-/=?^_`{|}~";
const word = (alphabet: string, max: number) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength: 1, maxLength: max });
const label = fc.oneof(
  { weight: 8, arbitrary: word(letters, 10) },
  { weight: 2, arbitrary: word(`${letters}-`, 10) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("a".repeat(63), "b".repeat(64), "-a", "a-", "öry", "xn--ry-fka", "😀"),
  },
);
const hostname = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 4 }), fc.constantFrom("", "", "", ".", ".."))
  .map(([labels, end]) => labels.join(".") + end);
const domain = fc.oneof(
  { weight: 8, arbitrary: hostname },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      "[1.2.3.4]",
      "[300.1.1.1]",
      "[IPv6:::1]",
      "[IPv6:fe80::1%eth0]",
      "[::ffff:1.2.3.4]",
      "[::1]",
      "[a]",
      "[1.2.3.4",
    ),
  },
  { weight: 1, arbitrary: anyText },
);
const dotAtom = fc
  .array(word(letters + atextExtra, 8), { minLength: 1, maxLength: 4 })
  .map((w) => w.join("."));
const localPart = fc.oneof(
  { weight: 8, arbitrary: dotAtom },
  {
    weight: 2,
    arbitrary: fc
      .tuple(dotAtom, fc.constantFrom("ü", "😀", "Jürgen", "\u05d0", "ＡＢ", "\u0301", "İ"))
      .map(([a, b]) => a + b),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('"john doe"', '"a@b"', '"esc\\"aped"', '""', '"x\\\ty"', ".a", "a.", "a..b"),
  },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom("a".repeat(64), "b".repeat(65), "ü".repeat(22), "ü".repeat(33)) },
);
const email = fc.tuple(localPart, domain).map(([l, d]) => `${l}@${d}`);
/** E-mail-like values with what may surround them: white space, display names, comments, groups. */
const emailish = fc.oneof(
  { weight: 10, arbitrary: email },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom("", " ", "\t", "\u00a0", "\u3000", "\u200b", "Name <", "(c) ", "G: "),
        email,
        fc.constantFrom("", " ", "\n", ">", " (c)", ";", "."),
      )
      .map(([a, e, b]) => a + e + b),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(email, fc.integer({ min: 200, max: 300 })).map(([e, n]) => `${"x".repeat(n)}${e}`),
  },
  { weight: 3, arbitrary: anyText },
);
const phone = fc.oneof(
  fc.constantFrom(
    "+1 650 253 0000",
    "+16502530000",
    "+49 176 671 11 638",
    "+600136866982",
    "12112112",
    "+１６５０２５３００００",
    "tel:+1-650-253-0000;phone-context=example.com",
    "+1 650 253 0000 ext. 123",
    "+1 (650) 253-0000",
    "+1-800-FLOWERS",
    "user+16502530000@example.com",
  ),
  fc
    .tuple(
      fc.constantFrom("+", "", "＋", " +"),
      fc.string({ unit: fc.constantFrom(..."0123456789 -()."), maxLength: 16 }),
    )
    .map(([a, b]) => a + b),
);
const value = fc.oneof(
  { weight: 6, arbitrary: emailish },
  { weight: 2, arbitrary: phone },
  { weight: 2, arbitrary: anyText },
);

// ---------------------------------------------------------------------------------------------------------------
// Comparison helpers

/** A call's observable result: its value, or the thrown error's class name and message. */
function outcome(fn: () => unknown): unknown {
  try {
    return { value: fn() };
  } catch (e) {
    return { threw: e instanceof Error ? [e.name, e.constructor.name, e.message] : e };
  }
}

const sameOutcome = (now: () => unknown, before: () => unknown) =>
  expect(outcome(now)).toEqual(outcome(before));

describe("the fast paths give the old results", () => {
  it("parseAddress: same addr-spec or the same error text", () => {
    fc.assert(
      fc.property(emailish, (s) => {
        expect(parseAddress(s)).toEqual(oldMail.parseAddress(s));
      }),
      { numRuns: RUNS },
    );
  });

  it("isEmailFormat (also repeated and interleaved, past its cache of recent values)", () => {
    fc.assert(
      fc.property(
        fc.array(emailish, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 16 }),
        (list, order) => {
          for (const s of list) expect(isEmailFormat(s)).toBe(oldFormats.isEmailFormat(s));
          for (const i of order) {
            const s = list[i % list.length] as string;
            expect(isEmailFormat(s)).toBe(oldFormats.isEmailFormat(s));
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("isEmailFormat on host names at the length limits", () => {
    const long = fc
      .tuple(
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 0, max: 5 }),
        fc.constantFrom("", ".", "-"),
      )
      .map(
        ([a, b, n, end]) =>
          `u@${Array.from({ length: n + 1 }, (_, i) => (i % 2 ? "a".repeat(a) : "b".repeat(b))).join(".")}${end}`,
      );
    fc.assert(
      fc.property(long, (s) => {
        expect(isEmailFormat(s)).toBe(oldFormats.isEmailFormat(s));
      }),
      { numRuns: RUNS },
    );
  });

  it("isTelFormat", () => {
    fc.assert(
      fc.property(phone, (s) => {
        expect(isTelFormat(s)).toBe(oldFormats.isTelFormat(s));
      }),
      { numRuns: 300 },
    );
  });

  it("the normalisers: same value or the same error", () => {
    const kinds = fc.constantFrom("email", "sms", "username", "");
    fc.assert(
      fc.property(value, kinds, (s, kind) => {
        expect(canonicalize(s)).toBe(oldNormalize.canonicalize(s));
        expect(gracefulNormalization(s)).toBe(oldNormalize.gracefulNormalization(s));
        expect(normalizeEmailIdentifier(s)).toBe(oldNormalize.normalizeEmailIdentifier(s));
        expect(toE164IfValidPhone(s)).toBe(oldNormalize.toE164IfValidPhone(s));
        sameOutcome(
          () => normalizeEmailStrict(s),
          () => oldNormalize.normalizeEmailStrict(s),
        );
        sameOutcome(
          () => normalizePhoneStrict(s),
          () => oldNormalize.normalizePhoneStrict(s),
        );
        sameOutcome(
          () => normalizeIdentifier(s, kind),
          () => oldNormalize.normalizeIdentifier(s, kind),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it("the PRECIS profiles and the Bidi Rule", () => {
    fc.assert(
      fc.property(value, (s) => {
        expect(enforceEmailProfile(s)).toEqual(oldPrecis.enforceEmailProfile(s));
        expect(enforcePhoneProfile(s)).toEqual(oldPrecis.enforcePhoneProfile(s));
        expect(gracefulEmailProfile(s)).toBe(oldPrecis.gracefulEmailProfile(s));
        expect(bidiRuleValid(s)).toBe(oldBidi.bidiRuleValid(s));
        const nfkc = s.toLowerCase().normalize("NFKC");
        expect(bidiRuleValid(nfkc)).toBe(oldBidi.bidiRuleValid(nfkc));
      }),
      { numRuns: RUNS },
    );
  });

  it("the Bidi Rule on every code point alone and between L and R characters, and on any string", () => {
    const differ: number[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      const ch = String.fromCodePoint(cp);
      if (bidiGroup(cp, ch) !== oldBidi.bidiGroup(cp, ch)) differ.push(cp);
      for (const s of [ch, `a${ch}a`, `\u05d0${ch}\u05d0`]) {
        if (bidiRuleValid(s) !== oldBidi.bidiRuleValid(s)) differ.push(cp);
      }
    }
    expect(differ).toEqual([]);
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 12 }), (s) => {
        expect(bidiRuleValid(s)).toBe(oldBidi.bidiRuleValid(s));
      }),
      { numRuns: RUNS },
    );
  });

  it("NormalizedForms: each form is its function's result, whatever the order of the calls", () => {
    const call = fc.constantFrom("canonical", "graceful", "strictEmail", "strictPhone");
    fc.assert(
      fc.property(value, fc.array(call, { minLength: 1, maxLength: 8 }), (s, calls) => {
        const forms = new NormalizedForms(s);
        const before = {
          canonical: () => oldNormalize.canonicalize(s),
          graceful: () => oldNormalize.gracefulNormalization(s),
          strictEmail: () => oldNormalize.normalizeEmailStrict(s),
          strictPhone: () => oldNormalize.normalizePhoneStrict(s),
        };
        for (const c of calls) sameOutcome(() => forms[c](), before[c]);
      }),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// extractFromHits

const via = fc.constantFrom("email", "sms", "email", "", "fax" as never);
const flag = fc.constantFrom(true, true, false, undefined, "yes" as never);
const extension = fc.record(
  {
    credentials: fc.record(
      {
        password: fc.record({ identifier: flag }),
        webauthn: fc.record({ identifier: flag }),
        totp: fc.record({ account_name: flag }),
        code: fc.record({ identifier: flag, via }, { requiredKeys: ["identifier"] }),
        passkey: fc.record({ display_name: flag }),
      },
      { requiredKeys: [] },
    ),
    verification: fc.record({ via }),
    recovery: fc.record({ via }),
  },
  { requiredKeys: [] },
);
const format = fc.constantFrom(undefined, "", "email", "email", "tel", "no-validate", "date");
const hitValue = fc.oneof(
  { weight: 12, arbitrary: value },
  { weight: 1, arbitrary: fc.constantFrom(null, 42, true, undefined) },
);

describe("extractFromHits gives the old extraction", () => {
  it("same identifiers, code addresses, addresses (reused records included), issues, in the same key order", () => {
    const hits = fc.array(
      fc.record({
        pointer: fc.constantFrom("/traits/a", "/traits/b/0", "/traits/c"),
        value: hitValue,
        extension,
        format,
      }),
      { maxLength: 6 },
    );
    const stored = fc.array(
      fc.record({
        value: fc.oneof(value, fc.constantFrom("ADA@EXAMPLE.ORG", " ada@example.org", "+16502530000")),
        via: fc.constantFrom("email", "sms", "" as never),
      }),
      { maxLength: 4 },
    );
    const cap = fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined });
    const limits = fc.record(
      { maxIdentifiers: cap, maxVerifiableAddresses: cap, maxRecoveryAddresses: cap },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(hits, stored, stored, limits, (hitList, verifiable, recovery, lim) => {
        // Values met as trait values are stored too, in other cases, so that records are reused.
        const existing: ExistingAddresses = {
          verifiable: verifiable.map((a, i) => ({ ...a, verified: i % 2 === 0, status: "completed" })),
          recovery: recovery.map((a) => ({ ...a })),
        };
        const now = outcome(() =>
          extractFromHits(hitList as ExtensionHit[], existing, lim as ExtractionLimits),
        );
        const before = outcome(() =>
          oldExtract.extractFromHits(hitList as ExtensionHit[], existing, lim as ExtractionLimits),
        );
        expect(JSON.stringify(now)).toBe(JSON.stringify(before));
        // Reused records are the caller's own objects, at the same places.
        const refs = (o: unknown) => {
          const x = (o as { value?: { verifiableAddresses: object[]; recoveryAddresses: object[] } }).value;
          return [
            x?.verifiableAddresses.map((a) => (existing.verifiable as object[]).indexOf(a)),
            x?.recoveryAddresses.map((a) => (existing.recovery as object[]).indexOf(a)),
          ];
        };
        expect(refs(now)).toEqual(refs(before));
      }),
      { numRuns: RUNS },
    );
  });

  it("an e-mail trait met as a value and as stored records in other spellings", () => {
    const ext: KratosExtension = {
      credentials: { password: { identifier: true }, code: { identifier: true, via: "email" } },
      verification: { via: "email" },
      recovery: { via: "email" },
    };
    const spelling = (s: string) =>
      fc.constantFrom(s, s.toUpperCase(), ` ${s} `, `\u3000${s}`, s.replace("a", "ａ"), `${s}\u200b`);
    fc.assert(
      fc.property(
        fc
          .array(emailish, { minLength: 1, maxLength: 4 })
          .chain((list) =>
            fc.tuple(fc.constant(list), fc.array(fc.constantFrom(...list).chain(spelling), { maxLength: 6 })),
          ),
        ([list, spellings]) => {
          const hitList = list.map((v, i) => ({
            pointer: `/traits/emails/${i}`,
            value: v,
            extension: ext,
            format: "email",
          }));
          const existing = {
            verifiable: spellings.map((v) => ({
              value: v,
              via: "email" as const,
              verified: true,
              status: "completed",
            })),
            recovery: spellings.map((v) => ({ value: v, via: "email" as const })),
          };
          const now = extractFromHits(hitList, existing);
          const before = oldExtract.extractFromHits(hitList, existing);
          expect(JSON.stringify(now)).toBe(JSON.stringify(before));
          expect(now.verifiableAddresses.map((a) => existing.verifiable.indexOf(a as never))).toEqual(
            before.verifiableAddresses.map((a) => existing.verifiable.indexOf(a as never)),
          );
          expect(now.recoveryAddresses.map((a) => existing.recovery.indexOf(a as never))).toEqual(
            before.recoveryAddresses.map((a) => existing.recovery.indexOf(a as never)),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("phone numbers and addresses in several spellings that normalise alike, as values and as stored records", () => {
    const spellings = fc.constantFrom(
      "+16502530000",
      "+1 650 253 0000",
      "+1 (650) 253-0000",
      "+１６５０２５３００００",
      " +16502530000 ",
      "+4917667111638",
      "+49 176 671 11 638",
      "a@example.org",
      "A@EXAMPLE.ORG",
      "ａ@example.org",
      "\u{1D400}@example.org",
    );
    const ext = fc.record({
      credentials: fc.record(
        { code: fc.record({ identifier: fc.constant(true), via }) },
        { requiredKeys: [] },
      ),
      verification: fc.record({ via }),
      recovery: fc.record({ via }),
    });
    const record = fc.record({ value: spellings, via: fc.constantFrom("email", "sms") });
    fc.assert(
      fc.property(
        fc.array(fc.record({ value: spellings, extension: ext, format }), { minLength: 1, maxLength: 6 }),
        fc.array(record, { maxLength: 4 }),
        fc.array(record, { maxLength: 4 }),
        (list, verifiable, recovery) => {
          const hitList = list.map((h, i) => ({ ...h, pointer: `/traits/p/${i}` })) as ExtensionHit[];
          const existing: ExistingAddresses = {
            verifiable: verifiable.map((a) => ({ ...a, verified: true, status: "completed" })),
            recovery,
          };
          const now = extractFromHits(hitList, existing);
          const before = oldExtract.extractFromHits(hitList, existing);
          expect(JSON.stringify(now)).toBe(JSON.stringify(before));
          const index = (list: readonly object[], a: object) => list.indexOf(a);
          expect(now.verifiableAddresses.map((a) => index(existing.verifiable, a))).toEqual(
            before.verifiableAddresses.map((a) => index(existing.verifiable, a)),
          );
          expect(now.recoveryAddresses.map((a) => index(existing.recovery, a))).toEqual(
            before.recoveryAddresses.map((a) => index(existing.recovery, a)),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("many hits over a few values (past the small-list sizes), vias whose address keys could collide", () => {
    const oddVia = fc.constantFrom(
      "email",
      "email",
      "sms",
      "email\u0000",
      "email\u0000a",
      "",
      "fax",
    ) as fc.Arbitrary<never>;
    const pool = fc.array(
      fc.oneof(value, fc.constantFrom("a\u0000b@x.org", "\u0000", "a@x.org", "b@x.org", "A@X.ORG")),
      {
        minLength: 1,
        maxLength: 14,
      },
    );
    const ext = fc.record(
      {
        credentials: fc.record(
          {
            password: fc.record({ identifier: fc.boolean() }),
            webauthn: fc.record({ identifier: fc.boolean() }),
            code: fc.record({ identifier: fc.constant(true), via: oddVia }),
          },
          { requiredKeys: [] },
        ),
        verification: fc.record({ via: oddVia }),
        recovery: fc.record({ via: oddVia }),
      },
      { requiredKeys: [] },
    );
    const cap = fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined });
    fc.assert(
      fc.property(
        pool.chain((values) =>
          fc.array(fc.record({ value: fc.constantFrom(...values), extension: ext, format }), {
            maxLength: 30,
          }),
        ),
        fc.record(
          { maxIdentifiers: cap, maxVerifiableAddresses: cap, maxRecoveryAddresses: cap },
          { requiredKeys: [] },
        ),
        (list, lim) => {
          const hitList = list.map((h, i) => ({ ...h, pointer: `/traits/x/${i}` })) as ExtensionHit[];
          const none = { verifiable: [], recovery: [] };
          const now = outcome(() => extractFromHits(hitList, none, lim as ExtractionLimits));
          const before = outcome(() => oldExtract.extractFromHits(hitList, none, lim as ExtractionLimits));
          expect(JSON.stringify(now)).toBe(JSON.stringify(before));
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe("trait values whose own toString is not a function (npm run fuzz, patchIdentity)", () => {
  it.each([[{ toString: 0 }], [{ toString: "x" }], [{ valueOf: 0, toString: 0 }]])(
    "%j reads as any object: validation issues, no TypeError",
    async (email) => {
      const idm = new IdentityManager({ storage: new MemoryStorage() });
      const error = await idm.createIdentity({ schema_id: "default", traits: { email } }).catch((e) => e);
      expect(isIdentityError(error)).toBe(true);
      expect((error as IdentityError).issues).toEqual([
        expect.objectContaining({ pointer: "/traits/email", code: "type" }),
        {
          pointer: "/traits/email",
          code: "format",
          message: '"[object Object]" can not be normalized for format "email"',
        },
        { pointer: "/traits/email", code: "format", message: '"[object Object]" is not valid "email"' },
      ]);
    },
  );
});
