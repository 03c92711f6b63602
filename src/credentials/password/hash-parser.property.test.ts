import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isIdentityError } from "../../errors/index.js";
import { FORMAT_HEADS } from "./format-heads.js";
import { findVerifier, VERIFIERS, validateImportedHash, verifyPassword } from "./verify-password.js";

// idkit issue 7, item 2: whatever the input, the hash parser answers with an IdentityError (unsupported_hash or
// hash_parameters_out_of_bounds) or accepts; verifyPassword resolves false for every refused hash, fast. Nothing
// here hashes an accepted hash: verifyPassword only runs on refused ones, so each case stays cheap.

const CODES = new Set(["unsupported_hash", "hash_parameters_out_of_bounds"]);
/**
 * Ceiling for one refused hash, in ms: not a performance figure (those are in bench/), a tripwire for work that is
 * not bounded — a backtracking regex or a hash computed for a refused input takes seconds on these inputs (up to
 * 4.6 million characters), while the bounded checks take well under 1 ms. Wide enough for a loaded CI machine.
 */
const BUDGET_MS = 1000;

/** Published hashes (Kratos's tests, passlib, Drepper's spec): the seeds of the mutations. */
const REAL = [
  "$2a$10$ZsCsoVQ3xfBG/K2z2XpBf.tm90GZmtOqtqWcB5.pYd5Eq8y7RlDyq",
  "$argon2id$v=19$m=32,t=2,p=4$cm94YnRVOW5jZzFzcVE4bQ$MNzk5BtR2vUhrp6qQEjRNw",
  "$argon2i$v=19$m=256,t=2,p=2$c29tZXNhbHQ$T/XOJ2mh1/TIpJHfCdQan76Q5esCFVoT5MAeIM1Oq2E",
  "$pbkdf2-sha256$i=100000,l=32$1jP+5Zxpxgtee/iPxGgOz0RfE9/KJuDElP1ley4VxXc$QJxzfvdbHYBpydCbHoFg3GJEqMFULwskiuqiJctoYpI",
  "$pbkdf2-sha224$i=100000,l=32$A2nzbFd+wwzPSb+TqkF5Pw$9M4GM2yOYw/fZvsvQbF/0Ec8JO2u9O1MYRTfrDimX6o",
  "$scrypt$ln=16384,r=8,p=1$ZtQva9xCHzlSELH/mA7Kj5KjH2tCrkbwYzdxknkL0QQ=$pnTcXKaWVT+FwFDdk3vO1K0J7ZgOxdSU1tCJNYmn8zI=",
  "$firescrypt$ln=14,r=8,p=1$sPtDhWcd1MfdAw==$xbSou7FOl6mChCyzpCPIQ7tku7nsQMTFtyOZSXXd7tjBa4NtimOx7v42Gv2SfzPQu1oxM2/k4SsbOu73wlKe1A==$Bw==$YE0dO4bwD4JnJafh6lZZfkp1MtKzuKAXQcDCJNJNyeCHairWHKENOkbh3dzwaCdizzOspwr/FITUVlnOAwPKyw==",
  "$md5-crypt$TVEiiKNb$SN6/pUaRQS/E8Jh46As2C/",
  "$sha256-crypt$rounds=535000$05R.9KB6UC2kLI3w$Q/zslzx./JjkAVPTwp6th7nW5l7JU91Gte/UmIh.U78",
  "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5",
  "{SSHA}JFZFs0oHzxbMwkSJmYVeI8MnTDy/276a",
  "{SSHA512}xPUl/px+1cG55rUH4rzcwxdOIPSB2TingLpiJJumN2xyDWN4Ix1WQG3ihnvHaWUE8MYNkvMi5rf0C9NYixHsE6Yh59M=",
  "$hmac-sha512$OTFmODY0ZTI1NmU0ZjVhYjhiMDViZGFmNGVmNGZmMGVlNTY4ODYwNWJhYTk4MTk2OTgyMzc3NzI1YTc4MzcxMTMzNzZmY2YxYTk5MGMxM2RiZDk2MGFmMmQ1YzRmODdlMGMwYTNkYjcyNjY0NjM4NGE4YzQ2MjNhZDZkN2UxZTE=$MTIzNDU=",
  "{SMD5}UjFY34os/pnZQ3oQOzjqGu4yeXE=",
  "{SHA}at+xg6SiyUovktq1redipHiJpaE=",
];

/** What validateImportedHash does with `hash`: "valid", an allowed code, or a description of the failure. */
function outcome(hash: unknown): string {
  try {
    validateImportedHash(hash as string);
    return "valid";
  } catch (e) {
    if (isIdentityError(e) && CODES.has(e.code)) return e.code;
    return `threw ${isIdentityError(e) ? e.code : String((e as Error)?.name)}: ${String((e as Error)?.message)}`;
  }
}

/** Asserts the contract for one hash; verifyPassword only runs on refused hashes, so nothing costly is hashed. */
async function check(hash: unknown, password: unknown = "password"): Promise<void> {
  const result = outcome(hash);
  expect(result === "valid" || CODES.has(result), result).toBe(true);
  if (result === "valid") return;
  const started = performance.now();
  await expect(verifyPassword(password as string, hash as string)).resolves.toBe(false);
  expect(performance.now() - started).toBeLessThan(BUDGET_MS);
}

const CHARS = [..."AZaz09+/=$,.{}\r\n-_ilmtprnv\u0000é😀", "rounds=", "pf=", "ln=", "i=", "l="];
const piece = fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 40 });
/**
 * A tail: a short piece, or a piece repeated to up to 4.6 million characters. The old base64 regex overflowed V8's
 * backtracking stack (RangeError) from about 2.5 million characters on; the length cap now answers first.
 */
const tail = fc.oneof(
  piece,
  fc
    .tuple(
      piece.filter((p) => p.length > 0),
      fc.integer({ min: 1, max: 4_600_000 }),
    )
    .map(([p, chars]) => p.repeat(Math.ceil(chars / p.length)).slice(0, chars)),
);
/** A shorter tail for mutations, which may repeat it thousands of times. */
const shortTail = fc.oneof(
  piece,
  fc.tuple(piece, fc.integer({ min: 1, max: 2000 })).map(([p, n]) => p.repeat(n)),
);
/** Longest mutated hash built (characters): repeated fields are cut there. */
const MAX_BUILT = 1_000_000;

describe("the hash parser under arbitrary input (fast-check)", () => {
  it("FORMAT_HEADS has a head for every verifier", () => {
    const ids = new Set(FORMAT_HEADS.map((h) => findVerifier(`${h}x`)?.id));
    for (const v of VERIFIERS) expect(ids.has(v.id), v.id).toBe(true);
  });

  it("any JavaScript value as the hash or the password: IdentityError or false, never a foreign error", async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), fc.anything(), async (hash, password) => {
        await check(hash, password);
        if (typeof hash !== "string") expect(outcome(hash)).toBe("unsupported_hash");
        await expect(verifyPassword(password as string, hash as string)).resolves.toSatisfy(
          (r: unknown) => typeof r === "boolean",
        );
      }),
      { numRuns: 150 },
    );
  });

  it("a real format head followed by any tail, short or megabytes long", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FORMAT_HEADS), tail, tail, async (head, a, b) => {
        await check(head + a);
        await check(`${head}${a}$${b}`);
      }),
      { numRuns: 100 },
    );
  });

  it("published hashes with mutated fields", async () => {
    const mutation = fc.oneof(
      // replace a range with a tail
      fc.tuple(fc.nat(), fc.nat(40), shortTail).map(([at, len, s]) => (h: string) => {
        const i = at % (h.length + 1);
        return h.slice(0, i) + s + h.slice(i + len);
      }),
      // repeat one "$" field many times
      fc.tuple(fc.nat(), fc.integer({ min: 2, max: 5000 })).map(([at, n]) => (h: string) => {
        const parts = h.split("$");
        const i = at % parts.length;
        const field = parts[i] ?? "";
        parts[i] = field.repeat(Math.min(n, Math.floor(MAX_BUILT / Math.max(1, field.length))));
        return parts.join("$");
      }),
      // replace every number with a big one
      fc
        .constantFrom("0", "1", "99", "4294967296", "1".repeat(400))
        .map((n) => (h: string) => h.replace(/\d+/g, n)),
      // insert line breaks
      fc.nat().map((at) => (h: string) => `${h.slice(0, at % h.length)}\r\n${h.slice(at % h.length)}`),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...REAL),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        async (seed, ms) => {
          await check(ms.reduce((h, m) => m(h), seed));
        },
      ),
      { numRuns: 300 },
    );
  });
});
