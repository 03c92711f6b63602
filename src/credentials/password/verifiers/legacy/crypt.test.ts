import { createHash } from "node:crypto";
import { availableParallelism } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import { isIdentityError } from "../../../../errors/index.js";
import type { HashVerifier } from "../../hash-verifier.js";
import {
  createCryptVerifiers,
  SHA_CRYPT_MAX_ROUNDS,
  SHA_CRYPT_MAX_WORK,
  SHA_CRYPT_MIN_WORK_BYTES,
} from "./crypt.js";
import { createCryptPool } from "./crypt-pool.js";
import { crypt64Encode } from "./crypt64.js";
import { md5CryptChecksum } from "./md5-crypt.js";
import { shaCryptChecksum } from "./sha-crypt.js";

const pool = createCryptPool({ size: 2 });
const crypt = createCryptVerifiers({ pool });
afterAll(() => pool.close());

const code = (verifier: HashVerifier, hash: string): string => {
  try {
    verifier.validate(hash);
    return "valid";
  } catch (error) {
    return isIdentityError(error) ? error.code : "other";
  }
};
const SHA512_TEST = // Kratos TestCompare/sha512-crypt, password "test"
  "$sha512-crypt$rounds=656000$3LVbIAVxR//cRajw$uuNasMW.RYxlGzIRFU1Was70BPSa933AjxhZIGJdJBOlqJAHlgqa0yuiuq5JHF/ryNGryJkj87G9i3G2HPSXg1";

describe("crypt parsing and bounds", () => {
  it("rejects a hostile rounds=999999999 without hashing, fast", async () => {
    const hostile = "$sha512-crypt$rounds=999999999$salt$hash";
    let started = performance.now();
    expect(code(crypt.sha512crypt, hostile)).toBe("hash_parameters_out_of_bounds");
    expect(performance.now() - started).toBeLessThan(50);
    started = performance.now();
    await expect(crypt.sha512crypt.verify("password", hostile)).resolves.toBe(false);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it("bounds rounds at 1,000,000 and accepts passlib's 535000 / 656000 defaults", () => {
    const h = (rounds: string) => `$6$rounds=${rounds}$salt$${"a".repeat(86)}`;
    expect(SHA_CRYPT_MAX_ROUNDS).toBe(1_000_000);
    expect(code(crypt.sha512cryptMcf, h("1000000"))).toBe("valid");
    expect(code(crypt.sha512cryptMcf, h("535000"))).toBe("valid");
    expect(code(crypt.sha512cryptMcf, h("656000"))).toBe("valid");
    expect(code(crypt.sha512cryptMcf, h("1000001"))).toBe("hash_parameters_out_of_bounds");
    expect(code(crypt.sha512cryptMcf, h("99999999999999999999999"))).toBe("hash_parameters_out_of_bounds");
    expect(code(crypt.sha512cryptMcf, h("10"))).toBe("valid"); // raised to 1000, as the spec says
  });

  it("rejects malformed crypt hashes as unsupported_hash", () => {
    const sha256 = "uy/jIAhCetNCTtb0$YWvUOXbkqlqhyoPMpN8BMe.ZGsGx2aBvxTvDFI613c3";
    const malformed: [HashVerifier, string][] = [
      [crypt.md5cryptMcf, "$1$dOHYPKoP$tnxS1T8Q6VVn3kpV8cN6o!"], // passlib: bad character
      [crypt.md5cryptMcf, "$1$dOHYPKoP$tnxS1T8Q6VVn3kpV8cN6o.$"], // passlib: too many fields
      [crypt.md5cryptMcf, "$1$123456789$tnxS1T8Q6VVn3kpV8cN6o."], // salt over 8
      [crypt.md5crypt, "$md5-crypt$whuMjZj.HMFoaTaZRRtkO0"], // Kratos: no salt section
      [crypt.sha256cryptMcf, `$5$rounds=10428$uy/:jIAhCetNCTtb0$YWvUOXbkqlqhyoPMpN8BMeZGsGx2aBvxTvDFI613c3`], // passlib
      [crypt.sha256cryptMcf, `$5$rounds=10428$${sha256}$`], // passlib: extra $
      [crypt.sha256cryptMcf, `$5$rounds=abc$${sha256}`],
      [crypt.sha256cryptMcf, `$5$ROUNDS=5000$${sha256}`],
      [crypt.sha256cryptMcf, `$5$saltstringsaltstring$${"a".repeat(43)}`], // salt over 16
      [crypt.sha256cryptMcf, `$5$salt$${"a".repeat(42)}`],
      [crypt.sha512crypt, "$sha512-crypt$$"],
    ];
    for (const [verifier, hash] of malformed)
      expect({ hash, code: code(verifier, hash) }).toEqual({ hash, code: "unsupported_hash" });
  });

  it("verify resolves false (never throws) for malformed and foreign hashes", async () => {
    for (const hash of [
      "",
      "$1$",
      "$5$$",
      "$6$rounds=5000$",
      "$2b$12$abc",
      "{SSHA}x",
      "$6$\u0000$\u{1F600}",
    ]) {
      await expect(crypt.sha512cryptMcf.verify("pw", hash)).resolves.toBe(false);
      await expect(crypt.md5cryptMcf.verify("pw", hash)).resolves.toBe(false);
    }
  });
});

describe("SHA-crypt work: rounds × password length", () => {
  const spy = {
    size: 1,
    runs: 0,
    run: async () => {
      spy.runs++;
      return "x";
    },
    close: async () => {},
  };
  const counting = createCryptVerifiers({ pool: spy });
  const checksum = "a".repeat(86);

  it("is bounded at 256,000,000: rounds × max(password bytes, 256)", () => {
    expect(SHA_CRYPT_MAX_WORK).toBe(256_000_000);
    expect(SHA_CRYPT_MIN_WORK_BYTES).toBe(256);
  });

  it("refuses a password that would take the work over the bound, without hashing, fast", async () => {
    const cases: Array<[string, number]> = [
      [`$6$rounds=1000000$salt$${checksum}`, 257],
      [`$6$rounds=656000$salt$${checksum}`, 391], // passlib's default rounds: up to 390 bytes
      [`$sha256-crypt$rounds=535000$salt$${checksum.slice(0, 43)}`, 479],
      [`$6$rounds=62501$salt$${checksum}`, 4096],
    ];
    for (const [hash, length] of cases) {
      const started = performance.now();
      const verifier = hash.startsWith("$6$") ? counting.sha512cryptMcf : counting.sha256crypt;
      await expect(verifier.verify("p".repeat(length), hash)).resolves.toBe(false);
      expect(performance.now() - started).toBeLessThan(50);
    }
    expect(spy.runs).toBe(0);
  });

  it("hashes passwords within the bound, at any accepted rounds", async () => {
    await counting.sha512cryptMcf.verify("p".repeat(256), `$6$rounds=1000000$salt$${checksum}`);
    await counting.sha512cryptMcf.verify("p".repeat(390), `$6$rounds=656000$salt$${checksum}`);
    await counting.sha512cryptMcf.verify("p".repeat(4096), `$6$rounds=62500$salt$${checksum}`);
    await counting.sha512cryptMcf.verify("p".repeat(4096), `$6$salt$${checksum}`); // 5000 rounds
    expect(spy.runs).toBe(4);
  });

  it("verifies a 300-byte password at 5000 rounds (glibc/libxcrypt crypt(3) vector, via Python's crypt)", async () => {
    const hash =
      "$6$rounds=5000$saltsalt$Y8j5HjpaA1Pz68OHhPzZeP3srB5/M0HHSgSAItnYVcA7s5zVC9rCUlwpqVMGyaTJH3p5i9wasjCU5Fj/QJKJV/";
    await expect(crypt.sha512cryptMcf.verify("a".repeat(300), hash)).resolves.toBe(true);
    await expect(crypt.sha512cryptMcf.verify("a".repeat(301), hash)).resolves.toBe(false);
  });
});

describe("crypt worker pool", () => {
  it("computes the same checksums as the in-process algorithms", async () => {
    const deps = { createHash, crypt64Encode };
    const password = Buffer.from("p\u00e4ss");
    const salt = Buffer.from("s4lt./");
    await expect(pool.run({ kind: "md5", password, salt, rounds: 0 })).resolves.toBe(
      md5CryptChecksum(deps, password, salt),
    );
    for (const kind of ["sha256", "sha512"] as const) {
      await expect(pool.run({ kind, password, salt, rounds: 1234 })).resolves.toBe(
        shaCryptChecksum(deps, kind, password, salt, 1234),
      );
    }
  });

  it("keeps the event loop responsive during a 656000-round SHA-512-crypt verification", async () => {
    let ticks = 0;
    let maxGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      ticks++;
    }, 5);
    try {
      await expect(crypt.sha512crypt.verify("test", SHA512_TEST)).resolves.toBe(true);
    } finally {
      clearInterval(timer);
    }
    // Done on the main thread this takes ~1 s with no tick at all.
    expect(ticks).toBeGreaterThanOrEqual(5);
    expect(maxGap).toBeLessThan(500);
  });

  it("clamps its size, rejects queued jobs on close and starts again afterwards", async () => {
    expect(createCryptPool({ size: 0 }).size).toBe(1);
    expect(createCryptPool({ size: 10_000 }).size).toBe(availableParallelism());
    const own = createCryptPool({ size: 1 });
    const job = {
      kind: "sha512" as const,
      password: Buffer.from("x"),
      salt: Buffer.from("s"),
      rounds: 200_000,
    };
    const first = expect(own.run(job)).rejects.toThrow(/exited/);
    const queued = expect(own.run(job)).rejects.toThrow(/closed/);
    await own.close();
    await first;
    await queued;
    await expect(own.run({ ...job, rounds: 1000 })).resolves.toMatch(/^[./0-9A-Za-z]{86}$/);
    await own.close();
  });
});
