import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FORMAT_HEADS } from "../src/credentials/password/format-heads.js";
import { MAX_HASH_LENGTH } from "../src/credentials/password/limits.js";
import {
  findVerifier,
  VERIFIERS,
  validateImportedHash,
} from "../src/credentials/password/verify-password.js";
import { isIdentityError } from "../src/errors/index.js";
import { OLD_VALIDATE, oldFindVerifier, oldValidateImportedHash } from "./hash-validate-oracle.js";

// Issue 9: validating an imported hash takes a syntax-only fast path (no Buffer, no base64 decoding). Every
// observable result must stay what it was: the verdict, the error code, its reason. The oracle is the validation as
// it was before (hash-validate-oracle.ts: the full parsers behind the old glue); the generators build near-valid
// hashes of every format (fields at and past the bounds, non-canonical base64, line breaks, non-ASCII, one-character
// mutations, strings around the length cap).

/** Everything observable about a call: "ok", or the error's class, code, status, reason, message and details. */
function outcome(run: () => unknown): unknown {
  try {
    run();
    return "ok";
  } catch (e) {
    if (isIdentityError(e))
      return { code: e.code, status: e.status, reason: e.reason, message: e.message, details: e.details };
    return { foreign: (e as Error)?.name, message: (e as Error)?.message };
  }
}

/** Asserts that `hash` gets the same answers as before, from `validateImportedHash`, `findVerifier` and each `validate`. */
function assertSame(hash: unknown): void {
  const h = hash as string;
  expect(outcome(() => validateImportedHash(h))).toEqual(outcome(() => oldValidateImportedHash(h)));
  expect(findVerifier(h)?.id).toBe(oldFindVerifier(h)?.id);
  for (const v of VERIFIERS) {
    const old = OLD_VALIDATE[v.id];
    if (old === undefined) throw new Error(`no oracle for ${v.id}`);
    expect(
      outcome(() => v.validate(h)),
      v.id,
    ).toEqual(outcome(() => old(h)));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Field generators

const CRYPT = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const STD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/** Characters that break fields: separators, padding, line breaks, URL-safe base64, non-ASCII, surrogates. */
const ODD = [
  "$",
  "=",
  ",",
  ".",
  "/",
  "+",
  "-",
  "_",
  " ",
  "{",
  "}",
  "\r",
  "\n",
  "\u0000",
  "é",
  "\u0100",
  "😀",
  "\ud800",
];
const anyChar = fc.oneof(fc.constantFrom(...CRYPT), fc.constantFrom(...STD), fc.constantFrom(...ODD));

const cryptChars = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...CRYPT), minLength: min, maxLength: max });

/** Byte counts: small ones, and the ones around the 1024-byte caps. */
const byteCount = (near: readonly number[] = []) =>
  fc.oneof(fc.nat(40), fc.constantFrom(0, 1, 3, 4, 7, 8, 16, 20, 32, 64, 1023, 1024, 1025, ...near));

const bytes = (count: fc.Arbitrary<number>) =>
  count.chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));

/** Mostly `usual`, sometimes `rare`: keeps a good share of the generated hashes valid. */
const mostly = <T>(usual: fc.Arbitrary<T>, rare: fc.Arbitrary<T>, weight = 4) =>
  fc.oneof({ weight, arbitrary: usual }, { weight: 1, arbitrary: rare });

/** The ways a base64 field is spoilt (or not: "none" keeps it canonical, two times in three). */
const SPOIL = [..."nnnnnnnnnn"].map(() => "none" as const);
const SPOILT = ["bits", "pad", "unpad", "crlf", "char", "extra", "drop"] as const;

/** A base64 field of `count` bytes, padded or raw, canonical or spoilt one way. */
function b64(count: fc.Arbitrary<number>, padded: boolean, spoil = true): fc.Arbitrary<string> {
  return fc
    .tuple(bytes(count), fc.constantFrom(...(spoil ? [...SPOIL, ...SPOILT] : SPOIL)), fc.nat(), anyChar)
    .map(([data, how, at, ch]) => {
      const text = Buffer.from(data).toString("base64");
      const s = padded ? text : text.replace(/=+$/, "");
      const body = s.replace(/=+$/, "");
      switch (how) {
        case "bits": {
          // set the lowest bit of the last data character: non-zero trailing bits when the length leaves some
          if (body.length === 0) return s;
          const last = STD.indexOf(body.at(-1) as string) | 1;
          return body.slice(0, -1) + STD[last] + s.slice(body.length);
        }
        case "pad":
          return `${s}=`;
        case "extra": // one more alphabet character (a raw length of 4k + 1 when it was 4k)
          return body + STD[at % 64] + s.slice(body.length);
        case "drop":
          return body.slice(0, -1) + s.slice(body.length);
        case "unpad":
          return body;
        case "crlf": {
          const i = at % (s.length + 1);
          return `${s.slice(0, i)}${at % 2 === 0 ? "\r\n" : "\n"}${s.slice(i)}`;
        }
        case "char": {
          const i = at % (s.length + 1);
          return s.slice(0, i) + ch + s.slice(i + 1);
        }
        default:
          return s;
      }
    });
}

/**
 * A decimal parameter: mostly within [`min`, `max`]; else at and around `bounds`, random, with leading zeros, or
 * not a plain number at all (empty, signed, exponent, over 9 digits, 130 digits).
 */
function num(min: number, max: number, bounds: readonly number[] = []): fc.Arbitrary<string> {
  const edges = [min, max, ...bounds].flatMap((b) => [b - 1, b, b + 1]).filter((b) => b >= 0);
  const value = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min, max }) },
    { weight: 2, arbitrary: fc.constantFrom(...edges) },
    { weight: 1, arbitrary: fc.nat(2_000_000) },
  );
  return fc.oneof(
    { weight: 12, arbitrary: value.map(String) },
    { weight: 1, arbitrary: value.map((v) => `00${v}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("", "-1", "+1", "1e3", "12345678901", "4294967296", "1".repeat(130)),
    },
  );
}

/** Most iterations a PBKDF2 digest accepts (and halves of them: two blocks of key). */
const PBKDF2_WORK = [1_000_000, 1_600_000, 2_000_000, 2_500_000, 3_000_000, 4_000_000, 5_000_000, 8_000_000];

// ---------------------------------------------------------------------------------------------------------------
// Near-valid hashes of each format

const bcrypt = fc
  .tuple(
    mostly(fc.constantFrom("", "a", "b", "y", "z"), fc.constantFrom("x", "A", "$")),
    fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: 3, max: 16 }).map((c) => String(c).padStart(2, "0")) },
      { weight: 2, arbitrary: fc.integer({ min: 0, max: 99 }).map((c) => String(c).padStart(2, "0")) },
      { weight: 1, arbitrary: fc.constantFrom("4", "004", "1a", " 9") },
    ),
    cryptChars(22, 22),
    mostly(cryptChars(30, 30), cryptChars(28, 32)),
    mostly(fc.constantFrom(...".CGKOSWaeimquy26"), fc.constantFrom(...CRYPT)),
  )
  .map(([minor, cost, salt, sum, last]) => `$2${minor}$${cost}$${salt}${sum}${last}`);

const bcryptVariants = fc.oneof(
  bcrypt.map((h) => `bcrypt_sha256$${h}`),
  fc.tuple(b64(byteCount([3072, 3073]), true), bcrypt).map(([pepper, h]) => `$bcrypt-peppered$${pepper}${h}`),
);

const argon2 = fc
  .tuple(
    mostly(fc.constantFrom("argon2id", "argon2i", "argon2d"), fc.constant("argon2x")),
    mostly(fc.constant("v=19"), fc.constantFrom("v=16", "v=019", "19")),
    mostly(num(8, 1 << 16, [64, 128]), num(1, 1 << 20, [419430, 524288, 1 << 20, 4 << 20]), 2),
    num(1, 10, [4]),
    num(1, 16, [4, 8]),
    b64(byteCount([8, 9, 16]), false),
    b64(byteCount([4, 5, 32]), false),
  )
  .map(([variant, v, m, t, p, salt, tag]) => `$${variant}$${v}$m=${m},t=${t},p=${p}$${salt}$${tag}`);

const pbkdf2 = fc
  .tuple(
    mostly(
      fc.constantFrom(
        ...[
          "sha1",
          "sha224",
          "sha256",
          "sha384",
          "sha512",
          "sha2-224",
          "sha2-384",
          "sha512-224",
          "sha512-256",
        ],
        ...["md5", "md4", "ripemd160", "sha3-224", "sha3-256", "sha3-384", "sha3-512"],
      ),
      fc.constantFrom("sha3", "sha999", "constructor", "__proto__", "sha1x", "SHA256", ""),
    ),
    num(1, 1_000_000, [...PBKDF2_WORK, ...PBKDF2_WORK.map((w) => w / 2)]),
    num(0, 64, [32]),
    b64(byteCount(), false),
    b64(byteCount([28, 29, 48, 49, 56, 57, 96, 97, 128, 129]), false),
  )
  .map(([name, i, l, salt, key]) => `$pbkdf2-${name}$i=${i},l=${l}$${salt}$${key}`);

const scrypt = fc
  .tuple(
    mostly(
      fc.integer({ min: 1, max: 17 }).map((e) => String(2 ** e)),
      num(0, 1 << 17, [1, 3, 262144]),
      2,
    ),
    num(1, 8),
    num(1, 10, [2, 4]),
    b64(byteCount(), true),
    b64(byteCount(), true),
  )
  .map(([n, r, p, salt, key]) => `$scrypt$ln=${n},r=${r},p=${p}$${salt}$${key}`);

const firescrypt = fc
  .tuple(
    mostly(num(1, 14), num(0, 17), 2),
    num(1, 8),
    num(1, 10, [2]),
    b64(byteCount(), true),
    fc.tuple(fc.constantFrom(4, 16, 32, 64, 1024, 1025), fc.integer({ min: -1, max: 1 })),
    b64(byteCount(), true),
    fc.boolean(),
  )
  .chain(([ln, r, p, salt, [size, delta], separator, spoil]) =>
    fc
      .tuple(b64(fc.constant(size), true, spoil), b64(fc.constant(size + delta), true, spoil))
      .map(([key, signer]) => `$firescrypt$ln=${ln},r=${r},p=${p}$${salt}$${key}$${separator}$${signer}`),
  );

/** Salted digests (lenient base64 of digest ‖ salt) and the unsalted RFC 2307 ones. */
const ldap = fc.oneof(
  fc
    .constantFrom(["SSHA", 20], ["SSHA256", 32], ["SSHA512", 64], ["SMD5", 16], ["SSHA384", 48])
    .chain(([tag, len]) =>
      b64(
        mostly(fc.integer({ min: len + 1, max: len + 64 }), byteCount([len, len + 1024, len + 1025])),
        true,
      ).map((b) => `{${tag}}${b}`),
    ),
  fc
    .constantFrom(["MD5", 16], ["SHA", 20], ["SHA256", 32])
    .chain(([tag, len]) =>
      b64(mostly(fc.constant(len), byteCount([len - 1, len + 1])), true).map((b) => `{${tag}}${b}`),
    ),
);

const DIGESTS = [
  ["md4", 16],
  ["md5", 16],
  ["sha1", 20],
  ["sha224", 28],
  ["sha256", 32],
  ["sha384", 48],
  ["sha512", 64],
  ["ripemd160", 20],
  ["sha3", 32],
] as const;
const encoding = mostly(
  fc.constantFrom("", "", "-utf16le", "-latin1"),
  fc.constantFrom("-utf8", "-", "-latin"),
);

/** Kratos's `$md5$`, `$sha…$pf=` and idkit's templated digests. */
const templated = fc.oneof(
  b64(mostly(fc.constant(16), byteCount([15, 17])), true).map((d) => `$md5$${d}`),
  fc
    .tuple(fc.constantFrom(...DIGESTS), encoding, mostly(fc.constant("pf="), fc.constantFrom("pf", "xf=")))
    .chain(([[alg, len], enc, pf]) =>
      fc
        .tuple(
          b64(
            fc.oneof(
              { weight: 6, arbitrary: fc.integer({ min: 1, max: 40 }) },
              { weight: 1, arbitrary: fc.constant(0) },
              { weight: 1, arbitrary: byteCount() },
            ),
            true,
          ),
          b64(byteCount(), true),
          b64(mostly(fc.constant(len), fc.constantFrom(len - 1, len + 1)), true),
        )
        .map(([tpl, salt, digest]) => `$${alg}${enc}$${pf}${tpl}$${salt}$${digest}`),
    ),
);

/** Kratos's and idkit's HMACs: the base64 of the lowercase hex MAC, then the key. */
const hmac = fc
  .tuple(
    fc.constantFrom(...DIGESTS),
    encoding,
    mostly(fc.constant("lower"), fc.constantFrom("upper", "short", "long", "junk")),
  )
  .chain(([[alg, len], enc, kind]) =>
    fc
      .tuple(fc.uint8Array({ minLength: len + 1, maxLength: len + 1 }), b64(byteCount(), true), fc.nat())
      .map(([mac, key, at]) => {
        let hex = Buffer.from(mac)
          .toString("hex")
          .slice(0, len * 2);
        if (kind === "upper") hex = hex.toUpperCase();
        if (kind === "short") hex = hex.slice(1);
        if (kind === "long") hex += "0";
        if (kind === "junk") hex = `${hex.slice(0, at % hex.length)}g${hex.slice((at % hex.length) + 1)}`;
        return `$hmac-${alg}${enc}$${Buffer.from(hex, "latin1").toString("base64")}$${key}`;
      }),
  );

const crypt = fc
  .tuple(
    fc.constantFrom(
      ["$md5-crypt$", 22],
      ["$sha256-crypt$", 43],
      ["$sha512-crypt$", 86],
      ["$1$", 22],
      ["$5$", 43],
      ["$6$", 86],
    ),
    fc.oneof(
      { weight: 3, arbitrary: fc.constant("") },
      { weight: 3, arbitrary: num(0, 1_000_000, [1000, 5000]).map((n) => `rounds=${n}$`) },
      { weight: 1, arbitrary: fc.constantFrom("rounds=$", "rounds=1$", "round=5000$", "rounds=1000") },
    ),
    mostly(cryptChars(0, 8), cryptChars(9, 17)),
    mostly(fc.constant(0), fc.constantFrom(-1, 1)),
  )
  .chain(([[prefix, len], rounds, salt, delta]) =>
    cryptChars(len + delta, len + delta).map((sum) => `${prefix}${rounds}${salt}$${sum}`),
  );

const phpass = fc
  .tuple(
    mostly(fc.constantFrom("P", "H"), fc.constantFrom("X", "$")),
    mostly(fc.constantFrom(..."456789ABCDEFGHIJ"), fc.constantFrom(...CRYPT)),
    mostly(cryptChars(30, 30), cryptChars(29, 31)),
  )
  .map(([kind, cost, rest]) => `$${kind}$${cost}${rest}`);

const symfony = fc
  .tuple(
    num(1, 100_000, [5000]),
    b64(byteCount(), true),
    b64(mostly(fc.constant(64), fc.constantFrom(63, 65)), true),
  )
  .map(([i, salt, digest]) => `$sha512-symfony$i=${i}$${salt}$${digest}`);

const FORMATS = {
  bcrypt,
  bcryptVariants,
  argon2,
  pbkdf2,
  scrypt,
  firescrypt,
  ldap,
  templated,
  hmac,
  crypt,
  phpass,
  symfony,
};

/** One edit of a string: replace, insert or delete a character, or grow it to around the length cap. */
const edit = fc.oneof(
  fc.tuple(fc.nat(), anyChar).map(([at, ch]) => (s: string) => {
    const i = at % (s.length + 1);
    return s.slice(0, i) + ch + s.slice(i + 1);
  }),
  fc.tuple(fc.nat(), anyChar).map(([at, ch]) => (s: string) => {
    const i = at % (s.length + 1);
    return s.slice(0, i) + ch + s.slice(i);
  }),
  fc.nat().map((at) => (s: string) => {
    const i = at % (s.length + 1);
    return s.slice(0, i) + s.slice(i + 1);
  }),
  fc
    .tuple(fc.nat(), fc.constantFrom(-4, -1, 0, 1, 4), fc.constantFrom("A", "AAAA", "$", "."))
    .map(([at, delta, unit]) => (s: string) => {
      const i = at % (s.length + 1);
      const grow = Math.max(0, MAX_HASH_LENGTH + delta - s.length);
      return s.slice(0, i) + unit.repeat(Math.ceil(grow / unit.length)).slice(0, grow) + s.slice(i);
    }),
);

/** A hash of the format, with no edit (most often) or one or two. */
const nearValid = (format: fc.Arbitrary<string>) =>
  fc
    .tuple(format, fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, fc.array(edit, { maxLength: 2 })))
    .map(([hash, edits]) => edits.reduce((h, e) => e(h), hash));

describe("the fast validation of imported hashes answers exactly as the full parsers did", () => {
  for (const [name, format] of Object.entries(FORMATS)) {
    it(`${name}: near-valid hashes`, () => {
      fc.assert(fc.property(nearValid(format), assertSame), { numRuns: 700 });
    });
  }

  it("every format head followed by anything", () => {
    const tail = fc.string({ unit: anyChar, maxLength: 80 });
    fc.assert(
      fc.property(fc.constantFrom(...FORMAT_HEADS), tail, (head, t) => assertSame(head + t)),
      { numRuns: 1500 },
    );
  });

  it("any JavaScript value", () => {
    fc.assert(fc.property(fc.anything(), assertSame), { numRuns: 300 });
    for (const v of [undefined, null, 0, 42, true, {}, [], ["$2a$"], new String("$md5$"), Symbol("x")])
      assertSame(v);
  });

  it("bcrypt: every cost and every last character of the checksum", () => {
    const base = "$2b$10$ZsCsoVQ3xfBG/K2z2XpBf.tm90GZmtOqtqWcB5.pYd5Eq8y7RlDy";
    for (const ch of [...CRYPT, ...STD, ...ODD]) {
      assertSame(base + ch);
      assertSame(`$2a$10$${ch}${base.slice(8)}q`); // the salt's first character
      assertSame(`$2a$10$${base.slice(7, 28)}${ch}${base.slice(29)}q`); // the salt's last (trailing bits ignored)
    }
    for (let cost = 0; cost < 100; cost++)
      assertSame(`$2y$${String(cost).padStart(2, "0")}${base.slice(6)}q`);
  });
});

describe("valid hashes take the fast path", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** Canonical valid hashes of each bulk-import format. */
  const VALID = fc.oneof(
    fc
      .tuple(fc.constantFrom("", "a", "b", "y"), fc.integer({ min: 4, max: 15 }), cryptChars(52, 52))
      .chain(([minor, cost, body]) =>
        fc
          .constantFrom(...".CGKOSWaeimquy26")
          .map((last) => `$2${minor}$${String(cost).padStart(2, "0")}$${body}${last}`),
      ),
    fc
      .tuple(
        fc.constantFrom("argon2id", "argon2i", "argon2d"),
        fc.integer({ min: 1, max: 16 }),
        b64(fc.integer({ min: 8, max: 64 }), false, false),
        b64(fc.integer({ min: 4, max: 64 }), false, false),
      )
      .map(([v, p, salt, tag]) => `$${v}$v=19$m=${65536},t=3,p=${p}$${salt}$${tag}`),
    fc
      .tuple(
        fc.constantFrom("sha1", "sha256", "sha512", "sha2-384", "sha3-256", "md4"),
        b64(fc.nat(64), false, false),
        b64(fc.integer({ min: 4, max: 64 }), false, false),
      )
      .map(([d, salt, key]) => `$pbkdf2-${d}$i=10000,l=32$${salt}$${key}`),
    fc
      .tuple(b64(fc.nat(64), true, false), b64(fc.integer({ min: 4, max: 64 }), true, false))
      .map(([salt, key]) => `$scrypt$ln=16384,r=8,p=1$${salt}$${key}`),
    fc
      .tuple(b64(fc.nat(32), true, false), bytes(fc.integer({ min: 4, max: 64 })))
      .map(
        ([salt, key]) =>
          `$firescrypt$ln=14,r=8,p=1$${salt}$${Buffer.from(key).toString("base64")}$Bw==$${Buffer.from(key.reverse()).toString("base64")}`,
      ),
    b64(fc.integer({ min: 21, max: 80 }), true, false).map((b) => `{SSHA}${b}`),
    b64(fc.integer({ min: 65, max: 100 }), true, false).map((b) => `{SSHA512}${b}`),
    b64(fc.constant(20), true, false).map((b) => `{SHA}${b}`),
    fc
      .tuple(b64(fc.nat(16), true, false), b64(fc.constant(32), true, false))
      .map(([salt, d]) => `$sha256$pf=e1NBTFR9e1BBU1NXT1JEfQ==$${salt}$${d}`),
    b64(fc.constant(16), true, false).map((d) => `$md5$${d}`),
    bytes(fc.constant(32)).map(
      (mac) => `$hmac-sha256$${Buffer.from(Buffer.from(mac).toString("hex")).toString("base64")}$MTIzNDU=`,
    ),
    fc
      .tuple(cryptChars(0, 16), cryptChars(86, 86), fc.constantFrom("$sha512-crypt$", "$6$"))
      .map(([salt, sum, prefix]) => `${prefix}rounds=656000$${salt}$${sum}`),
    fc.tuple(cryptChars(8, 8), cryptChars(22, 22)).map(([salt, sum]) => `$md5-crypt$${salt}$${sum}`),
    cryptChars(30, 30).map((rest) => `$P$B${rest}`),
  );

  it("no Buffer is made and the old parsers agree they are valid", () => {
    fc.assert(
      fc.property(VALID, (hash) => {
        expect(
          outcome(() => oldValidateImportedHash(hash)),
          hash,
        ).toBe("ok");
        const spies = [vi.spyOn(Buffer, "from"), vi.spyOn(Buffer, "alloc"), vi.spyOn(Buffer, "allocUnsafe")];
        let calls: number[];
        try {
          validateImportedHash(hash);
        } finally {
          calls = spies.map((s) => s.mock.calls.length);
          vi.restoreAllMocks();
        }
        expect(calls, hash).toEqual([0, 0, 0]);
      }),
      { numRuns: 500 },
    );
  });
});
