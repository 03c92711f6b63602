// The cost model and the padding plan behind failed-login timing equalisation (idkit issue 7, item 4): pure
// functions, checked with fast-check over hash parameters. Fixed hashes are Kratos's test vectors (test/fixtures).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { estimateVerifyCost } from "../src/credentials/hash-cost.js";
import { paddingHashes } from "../src/credentials/login-timing.js";
import { validateImportedHash } from "../src/credentials/password/verify-password.js";

const SALT = "c2FsdHNhbHRzYWx0c2FsdA";
const TAG = "dGFndGFndGFndGFndGFndGFndGFndGFndGFndGFnZw";
const argon2id = (m: number, t: number, p: number) => `$argon2id$v=19$m=${m},t=${t},p=${p}$${SALT}$${TAG}`;
/** Kratos's bcrypt vector (hash/hasher_test.go) with its cost replaced. */
const bcrypt = (cost: number) =>
  `$2a$${String(cost).padStart(2, "0")}$ZsCsoVQ3xfBG/K2z2XpBf.tm90GZmtOqtqWcB5.pYd5Eq8y7RlDyq`;
const total = (stored: unknown, pads: string[]) =>
  estimateVerifyCost(stored) + pads.reduce((sum, h) => sum + estimateVerifyCost(h), 0);

const argonParams = fc.record({
  m: fc.integer({ min: 64, max: 262_144 }),
  t: fc.integer({ min: 1, max: 4 }),
  p: fc.integer({ min: 1, max: 4 }),
});

describe("estimateVerifyCost", () => {
  it("orders the Kratos vectors as measured: digests ≈ 0 < md5-crypt < argon2 default < pbkdf2 < bcrypt 10", () => {
    const digest = estimateVerifyCost("$md5$CY9rzUYh03PK3k6DJie09g==");
    const md5crypt = estimateVerifyCost("$md5-crypt$TVEiiKNb$SN6/pUaRQS/E8Jh46As2C/");
    const argonDefault = estimateVerifyCost(argon2id(47104, 1, 1));
    const pbkdf2 = estimateVerifyCost(
      "$pbkdf2-sha256$i=100000,l=32$1jP+5Zxpxgtee/iPxGgOz0RfE9/KJuDElP1ley4VxXc$QJxzfvdbHYBpydCbHoFg3GJEqMFULwskiuqiJctoYpI",
    );
    expect(digest).toBe(0);
    expect(estimateVerifyCost("{SSHA}JFZFs0oHzxbMwkSJmYVeI8MnTDy/276a")).toBe(0);
    expect(md5crypt).toBeGreaterThan(0);
    expect(md5crypt).toBeLessThan(argonDefault / 4);
    expect(argonDefault).toBeLessThan(pbkdf2);
    expect(pbkdf2).toBeLessThan(estimateVerifyCost(bcrypt(10)));
  });

  it("is 0 for what the verifiers reject before any work, and never throws for any value", () => {
    for (const h of ["", "$argon2id$v=19$m=oops", argon2id(1 << 22, 1, 1), "$2a$31$x", "{SHA}"]) {
      expect(estimateVerifyCost(h)).toBe(0);
    }
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const cost = estimateVerifyCost(value);
        return Number.isFinite(cost) && cost >= 0;
      }),
    );
  });

  it("grows with every cost parameter", () => {
    fc.assert(
      fc.property(argonParams, ({ m, t, p }) => {
        const base = estimateVerifyCost(argon2id(m, t, p));
        return (
          base > 0 &&
          estimateVerifyCost(argon2id(m + 8, t, p)) > base &&
          estimateVerifyCost(argon2id(m, t + 1, p)) > base
        );
      }),
    );
    for (let cost = 4; cost < 15; cost++) {
      expect(estimateVerifyCost(bcrypt(cost + 1))).toBeCloseTo(2 * estimateVerifyCost(bcrypt(cost)));
    }
    const sha = (rounds: number) => `$sha512-crypt$rounds=${rounds}$saltsalt$${"a".repeat(86)}`;
    expect(estimateVerifyCost(sha(50_000))).toBeCloseTo(10 * estimateVerifyCost(sha(5000)));
  });
});

describe("paddingHashes", () => {
  it("argon2id configured: stored + padding ≈ one configured verification, or nothing when as strong", () => {
    fc.assert(
      fc.property(argonParams, argonParams, (conf, stored) => {
        const dummy = argon2id(conf.m, conf.t, conf.p);
        const hash = argon2id(stored.m, stored.t, stored.p);
        const share = estimateVerifyCost(hash) / estimateVerifyCost(dummy);
        const pads = paddingHashes(hash, dummy);
        if (share >= 15 / 16) return pads.length === 0;
        // Rounding of m and its floor of 8p KiB add at most 8p/m on top of the 1/16 steps.
        const slack = 1 / 16 + (8 * conf.p) / conf.m + 1 / conf.m;
        const ratio = total(hash, pads) / estimateVerifyCost(dummy);
        return pads.length === 1 && Math.abs(ratio - 1) <= slack;
      }),
    );
  });

  it("bcrypt configured: lower costs sum to the difference, within 1/16 (cost ≥ 8) or never over (cost < 8)", () => {
    for (let configured = 4; configured <= 15; configured++) {
      for (const stored of [
        bcrypt(4),
        bcrypt(configured - 1),
        bcrypt(configured - 2),
        "$md5$CY9rzUYh03PK3k6DJie09g==",
      ]) {
        const pads = paddingHashes(stored, bcrypt(configured));
        const ratio = total(stored, pads) / estimateVerifyCost(bcrypt(configured));
        if (configured >= 8) expect(Math.abs(ratio - 1)).toBeLessThanOrEqual(1 / 16);
        else expect(ratio).toBeLessThanOrEqual(1 + 1 / 16);
      }
      expect(paddingHashes(bcrypt(configured), bcrypt(configured))).toEqual([]);
    }
  });

  it("pads a digest, an unparseable hash or a non-string with the dummy itself", () => {
    const dummy = argon2id(47104, 1, 1);
    for (const stored of ["$md5$CY9rzUYh03PK3k6DJie09g==", "garbage", 42, undefined]) {
      expect(paddingHashes(stored, dummy)).toEqual([dummy]);
    }
    expect(paddingHashes("$md5$CY9rzUYh03PK3k6DJie09g==", "not a hash")).toEqual(["not a hash"]);
  });

  it("every padding hash is a well-formed, in-bounds hash, so its verification does the full work", () => {
    fc.assert(
      fc.property(argonParams, argonParams, fc.integer({ min: 4, max: 15 }), (conf, stored, cost) => {
        const hashes = [
          ...paddingHashes(argon2id(stored.m, stored.t, stored.p), argon2id(conf.m, conf.t, conf.p)),
          ...paddingHashes(bcrypt(4), bcrypt(cost)),
        ];
        for (const h of hashes) validateImportedHash(h);
        return true;
      }),
    );
  });
});

describe("templated digests and HMACs cost what they digest (review of issue 13, finding 10)", () => {
  const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");
  const md4Template = `$md4$pf=${b64("{PASSWORD}".repeat(102))}$${b64("salt")}$${b64(Buffer.alloc(16))}`;
  const hmac = `$hmac-sha256-utf16le$${b64("0".repeat(64))}$${b64("key")}`;
  const long = "x".repeat(4096);

  it("grows with the substituted template and the password's length in the hash's encoding", () => {
    expect(() => validateImportedHash(md4Template)).not.toThrow();
    const short = estimateVerifyCost(md4Template, "x".repeat(64));
    const big = estimateVerifyCost(md4Template, long);
    expect(big).toBeGreaterThan(5); // ~420 KB of MD4 in TypeScript: milliseconds, not microseconds
    expect(big / short).toBeGreaterThan(50);
    expect(estimateVerifyCost(hmac, long)).toBeGreaterThan(estimateVerifyCost(hmac, "x"));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4096 }), (n) => {
        const c = estimateVerifyCost(md4Template, "é".repeat(n));
        expect(Number.isFinite(c) && c >= 0).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it("a failed login against a heavy templated digest is padded less than against a cheap one", () => {
    const dummy = argon2id(47104, 1, 1);
    expect(paddingHashes(md4Template, dummy, "x")).toEqual([dummy]);
    const pads = paddingHashes(md4Template, dummy, long);
    expect(pads).not.toEqual([dummy]);
    expect(total(md4Template, pads) + estimateVerifyCost(md4Template, long)).toBeGreaterThan(
      estimateVerifyCost(dummy) * 0.9,
    );
  });
});
