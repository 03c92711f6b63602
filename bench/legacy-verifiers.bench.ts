/**
 * Legacy and non-default hash formats: `verifyPassword(password, hash)` against the raw primitive doing the same
 * digest work with parameters parsed beforehand (here, independently of idkit), in the same run. Positive vectors
 * come from Kratos's tests (test/fixtures/…); `{SHA}` is passlib's `ldap_sha1` vector; SHA-512-crypt with the
 * default 5000 rounds is made at start by `openssl passwd -6` (skipped, with a note, without openssl).
 *
 * Raw primitive per format:
 * - md5, md5 pf, sha1/sha256/sha512 pf, ssha*, {SHA}: `createHash(alg).update(<the same input bytes>).digest()` +
 *   `timingSafeEqual` (synchronous, in a plain loop); hmac-sha256: `createHmac` likewise.
 * - pbkdf2-sha256 (i=100000): async `crypto.pbkdf2`; scrypt (N=16384): async `crypto.scrypt`; firescrypt: async
 *   `crypto.scrypt` + AES-256-CTR — same parameters, same compare.
 * - md5-crypt, sha512-crypt: idkit's own checksum function (`md5-crypt.ts`, `sha-crypt.ts`) run on the main thread,
 *   so the ratio is the cost of the crypt worker pool (message round trip, copy) on top of the same code.
 *
 * Microsecond formats run in batches of 10,000 calls per round. `<format>_ratio` = idkit ÷ raw per-call time
 * (median of interleaved rounds); `<format>_us` / `<format>_raw_us` are the per-call medians. Goal: ≤ 1.10 each.
 * Diagnostics: `async_floor_ratio` (the md5 raw digest merely wrapped in an awaited async function ÷ the raw digest:
 * the floor of any promise-returning API), `dispatch_*_us` (time `findVerifier` takes to pick the verifier) and
 * `noise_aa_pbkdf2_ratio` (the raw pbkdf2 against itself: how far from 1 noise alone moves a ratio in this run).
 */
import { execFileSync } from "node:child_process";
import {
  createCipheriv,
  createHash,
  createHmac,
  pbkdf2,
  type ScryptOptions,
  scrypt,
  timingSafeEqual,
} from "node:crypto";
import { promisify } from "node:util";
import { verifyPassword } from "idkit";
import { crypt64Encode } from "../src/credentials/password/verifiers/legacy/crypt64.js";
import { md5CryptChecksum } from "../src/credentials/password/verifiers/legacy/md5-crypt.js";
import { shaCryptChecksum } from "../src/credentials/password/verifiers/legacy/sha-crypt.js";
import { findVerifier } from "../src/credentials/password/verify-password.js";
import { check, compare, hashVector, round, type Side, timeSyncCalls } from "./util.js";

const vector = hashVector;

const b64 = (s: string) => Buffer.from(s, "base64");
const pbkdf2Async = promisify(pbkdf2);
const scryptAsync = (pw: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(pw, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
const cryptDeps = { createHash, crypt64Encode };

/** `{SALT}` / `{PASSWORD}` substitution of a Kratos `pf=` template (the test templates hold no tricky bytes). */
const fillTemplate = (template: Buffer, salt: Buffer, password: string): Buffer =>
  Buffer.from(
    template
      .toString("latin1")
      .replaceAll("{SALT}", salt.toString("latin1"))
      .replaceAll("{PASSWORD}", Buffer.from(password).toString("latin1")),
    "latin1",
  );

interface Case {
  key: string;
  password: string;
  hash: string;
  raw: Side;
  /** Calls per round for each side. */
  calls: number;
  rounds: number;
}

const MICRO = { calls: 10_000, rounds: 7 };

/** md5 / sha pf: `$<alg>$pf=<template>$<salt>$<digest>`, or plain `$md5$<digest>`. */
function templated(key: string, alg: string, prefix: string): Case {
  const { password, hash } = vector(prefix);
  const parts = hash.split("$");
  let input: Buffer;
  let digest: Buffer;
  if (parts.length === 3) {
    input = Buffer.from(password);
    digest = b64(parts[2] as string);
  } else {
    input = fillTemplate(b64((parts[2] as string).slice(3)), b64(parts[3] as string), password);
    digest = b64(parts[4] as string);
  }
  const raw = () => timingSafeEqual(createHash(alg).update(input).digest(), digest);
  return { key, password, hash, raw: { run: raw, sync: true }, ...MICRO };
}

/** `{SSHA…}B64(digest ‖ salt)`. */
function salted(key: string, alg: string, length: number, prefix: string): Case {
  const { password, hash } = vector(prefix);
  const decoded = b64(hash.slice(hash.indexOf("}") + 1));
  const digest = decoded.subarray(0, length);
  const salt = decoded.subarray(length);
  const raw = () => timingSafeEqual(createHash(alg).update(password).update(salt).digest(), digest);
  return { key, password, hash, raw: { run: raw, sync: true }, ...MICRO };
}

function hmacSha256(): Case {
  const { password, hash } = vector("$hmac-sha256$");
  const [, , hex64, key64] = hash.split("$") as string[];
  const expected = Buffer.from(b64(hex64 as string).toString("latin1"), "hex");
  const key = b64(key64 as string);
  const raw = () => timingSafeEqual(createHmac("sha256", key).update(password).digest(), expected);
  return { key: "hmac_sha256", password, hash, raw: { run: raw, sync: true }, ...MICRO };
}

function ldapSha(): Case {
  const password = "helloworld";
  const hash = "{SHA}at+xg6SiyUovktq1redipHiJpaE="; // passlib ldap_sha1 vector
  const digest = b64(hash.slice(5));
  check(createHash("sha1").update(password).digest().equals(digest), "{SHA} vector");
  const raw = () => timingSafeEqual(createHash("sha1").update(password).digest(), digest);
  return { key: "ldap_sha", password, hash, raw: { run: raw, sync: true }, ...MICRO };
}

function pbkdf2Sha256(): Case {
  const { password, hash } = vector("$pbkdf2-sha256$i=100000,");
  const [, , params, salt64, hash64] = hash.split("$") as string[];
  const iterations = Number(/i=(\d+)/.exec(params as string)?.[1]);
  const salt = b64(salt64 as string);
  const expected = b64(hash64 as string);
  const raw = async () =>
    timingSafeEqual(await pbkdf2Async(password, salt, iterations, expected.length, "sha256"), expected);
  return { key: "pbkdf2_sha256", password, hash, raw: { run: raw }, calls: 2, rounds: 15 };
}

function scryptCase(): Case {
  const { password, hash } = vector("$scrypt$ln=16384,");
  const [, , params, salt64, hash64] = hash.split("$") as string[];
  const [N, r, p] = (/ln=(\d+),r=(\d+),p=(\d+)/.exec(params as string) ?? [])
    .slice(1)
    .map(Number) as number[];
  const salt = b64(salt64 as string);
  const expected = b64(hash64 as string);
  const options = { N, r, p, maxmem: 128 * r! * (N! + p! + 2) + (1 << 20) } as ScryptOptions;
  const raw = async () =>
    timingSafeEqual(await scryptAsync(password, salt, expected.length, options), expected);
  return { key: "scrypt", password, hash, raw: { run: raw }, calls: 2, rounds: 15 };
}

function firescrypt(): Case {
  const { password, hash } = vector("$firescrypt$");
  const [, , params, salt64, hash64, sep64, signer64] = hash.split("$") as string[];
  const [ln, r, p] = (/ln=(\d+),r=(\d+),p=(\d+)/.exec(params as string) ?? [])
    .slice(1)
    .map(Number) as number[];
  const N = 2 ** ln!;
  const salt = Buffer.concat([b64(salt64 as string), b64(sep64 as string)]);
  const expected = b64(hash64 as string);
  const signer = b64(signer64 as string);
  const options = { N, r, p, maxmem: 128 * r! * (N + p! + 2) + (1 << 20) } as ScryptOptions;
  const raw = async () => {
    const key = await scryptAsync(password, salt, 32, options);
    const cipher = createCipheriv("aes-256-ctr", key, Buffer.alloc(16));
    return timingSafeEqual(Buffer.concat([cipher.update(signer), cipher.final()]), expected);
  };
  return { key: "firescrypt", password, hash, raw: { run: raw }, calls: 2, rounds: 15 };
}

function md5crypt(): Case {
  const { password, hash } = vector("$md5-crypt$TVEiiKNb$");
  const [, , salt, checksum] = hash.split("$") as string[];
  const pw = Buffer.from(password);
  const saltBytes = Buffer.from(salt as string, "latin1");
  const raw = () => md5CryptChecksum(cryptDeps, pw, saltBytes) === checksum;
  return { key: "md5crypt", password, hash, raw: { run: raw, sync: true }, calls: 10, rounds: 11 };
}

/** `$sha512-crypt$<salt>$<checksum>` (5000 rounds, the default), made by openssl; undefined without openssl. */
function sha512crypt(): Case | undefined {
  const password = "test";
  const salt = "saltsaltsaltsalt";
  let out: string;
  try {
    out = execFileSync("openssl", ["passwd", "-6", "-salt", salt, password], {
      encoding: "utf8",
      timeout: 10_000,
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    check(out.startsWith(`$6$${salt}$`), `unexpected openssl output ${out}`);
  } catch (error) {
    console.error(`legacy: skipping sha512crypt (openssl passwd unavailable: ${(error as Error).message})`);
    return undefined;
  }
  const hash = `$sha512-crypt$${out.slice(3)}`;
  const checksum = out.slice(`$6$${salt}$`.length);
  const pw = Buffer.from(password);
  const saltBytes = Buffer.from(salt, "latin1");
  const raw = () => shaCryptChecksum(cryptDeps, "sha512", pw, saltBytes, 5000) === checksum;
  return { key: "sha512crypt", password, hash, raw: { run: raw, sync: true }, calls: 4, rounds: 11 };
}

export async function legacyBenchmark(): Promise<Record<string, number>> {
  const cases: Case[] = [
    templated("md5", "md5", "$md5$CY9r"),
    templated("md5_pf", "md5", "$md5$pf=e1NBTFR9e1BBU1NXT1JEfQ==$"),
    templated("sha1_pf", "sha1", "$sha1$pf=e1NBTFR9e1BBU1NXT1JEfQ==$"),
    templated("sha256_pf", "sha256", "$sha256$pf=e1NBTFR9e1BBU1NXT1JEfQ==$"),
    templated("sha512_pf", "sha512", "$sha512$pf=e1NBTFR9e1BBU1NXT1JEfQ==$"),
    salted("ssha", "sha1", 20, "{SSHA}"),
    salted("ssha256", "sha256", 32, "{SSHA256}"),
    salted("ssha512", "sha512", 64, "{SSHA512}"),
    hmacSha256(),
    ldapSha(),
    pbkdf2Sha256(),
    scryptCase(),
    firescrypt(),
    md5crypt(),
  ];
  const sha = sha512crypt();
  if (sha) cases.push(sha);

  const out: Record<string, number> = {};
  for (const c of cases) {
    check(await verifyPassword(c.password, c.hash), `verifyPassword must accept the ${c.key} vector`);
    check(await c.raw.run(), `the raw ${c.key} primitive must match`);
    const r = await compare({ run: () => verifyPassword(c.password, c.hash) }, c.raw, {
      rounds: c.rounds,
      calls: c.calls,
      warmup: Math.min(c.calls, 2000),
    });
    const us = (ms: number) => round(ms * 1000, ms < 0.1 ? 3 : 1);
    out[`${c.key}_us`] = us(r.aMs);
    out[`${c.key}_raw_us`] = us(r.bMs);
    out[`${c.key}_ratio`] = round(r.ratio);
    out[`${c.key}_cpu_ratio`] = round(r.cpuRatio);
  }

  // Control: the pbkdf2 raw primitive against itself (A/A). Its distance from 1 is this run's measurement noise.
  const pbkdf2Case = cases.find((c) => c.key === "pbkdf2_sha256") as Case;
  const aa = await compare(pbkdf2Case.raw, pbkdf2Case.raw, { rounds: 15, calls: 2, warmup: 1 });
  out.noise_aa_pbkdf2_ratio = round(aa.ratio);

  // Diagnostics for the microsecond formats.
  const md5 = cases[0] as Case;
  const floor = await compare({ run: async () => md5.raw.run() }, md5.raw, {
    rounds: MICRO.rounds,
    calls: MICRO.calls,
  });
  out.async_floor_ratio = round(floor.ratio);
  for (const [key, hash] of [
    ["md5", md5.hash],
    ["ldap_sha", "{SHA}at+xg6SiyUovktq1redipHiJpaE="],
  ] as const) {
    timeSyncCalls(() => findVerifier(hash), MICRO.calls);
    out[`dispatch_${key}_us`] = round(
      (timeSyncCalls(() => findVerifier(hash), MICRO.calls) / MICRO.calls) * 1000,
    );
  }
  return out;
}
