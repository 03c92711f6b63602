/**
 * Login cost: `IdentityManager.authenticatePassword` on an identity whose stored hash uses the configured
 * parameters, against the raw native primitive verifying the same hash and password, in the same run.
 *
 * - argon2id (default OWASP parameters m=47104 KiB, t=1, p=1): raw = `@node-rs/argon2` `hashRaw` with the stored
 *   salt and parameters + `timingSafeEqual` (what the verifier does); also `@node-rs/argon2` `verify` for reference.
 * - bcrypt, configured with cost 10 instead of the default 12 to keep the run short (cost 12 is 4× slower, the
 *   fixed overhead would only weigh less): raw = `@node-rs/bcrypt` `hash` with the stored salt and cost + compare of
 *   the 31 hash characters (what the verifier does); also `@node-rs/bcrypt` `verify` for reference.
 *
 * Ratio = idkit ÷ raw per-call time (median of interleaved rounds). Goal: ≤ 1.05. `noise_aa_argon2id_ratio` is the
 * raw primitive against itself (A/A control): how far from 1 noise alone moves a ratio in this run.
 */
import { timingSafeEqual } from "node:crypto";
import { type Algorithm, verify as argon2Verify, hashRaw } from "@node-rs/argon2";
import { hash as bcryptHash, verify as bcryptVerify } from "@node-rs/bcrypt";
import { type HashingOptions, IdentityManager } from "idkit";
import { check, compare, round } from "./util.js";

const PASSWORD = "correct horse battery staple";
const ARGON2ID = 2 as Algorithm; // ambient const enum: isolatedModules forbids `Algorithm.Argon2id`
const BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const STD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** An IdentityManager holding one identity whose password hash was made by the configured hasher. */
async function setUp(
  hashing: HashingOptions,
): Promise<{ idm: IdentityManager; identifier: string; hash: string }> {
  const idm = new IdentityManager({ hashing });
  const hash = await idm.passwordHasher.hash(PASSWORD);
  const identifier = "login.bench@example.org";
  await idm.createIdentity({
    schema_id: "preset://email",
    traits: { email: identifier },
    credentials: { password: { config: { hashed_password: hash } } },
  });
  check(!idm.passwordHasher.needsRehash(hash), "the stored hash must not trigger a rehash");
  const who = await idm.authenticatePassword({ identifier, password: PASSWORD });
  check(who.traits !== null, "login must succeed");
  return { idm, identifier, hash };
}

async function argon2(): Promise<Record<string, number>> {
  const { idm, identifier, hash } = await setUp({ algorithm: "argon2id" });
  // Parsed here, independently of idkit: $argon2id$v=19$m=…,t=…,p=…$<salt>$<tag> (unpadded base64).
  const [, , , params, salt64, tag64] = hash.split("$") as string[];
  const p = Object.fromEntries((params as string).split(",").map((kv) => kv.split("="))) as Record<
    string,
    string
  >;
  const salt = Buffer.from(salt64 as string, "base64");
  const tag = Buffer.from(tag64 as string, "base64");
  const options = {
    algorithm: ARGON2ID,
    memoryCost: Number(p.m),
    timeCost: Number(p.t),
    parallelism: Number(p.p),
    salt,
    outputLen: tag.length,
  };
  const rawVerify = async () => timingSafeEqual(await hashRaw(PASSWORD, options), tag);
  check(await rawVerify(), "raw argon2 hashRaw must match");
  check(await argon2Verify(hash, PASSWORD), "raw argon2 verify must match");
  const login = () => idm.authenticatePassword({ identifier, password: PASSWORD });

  const vsHashRaw = await compare({ run: login }, { run: rawVerify }, { rounds: 25, calls: 2, warmup: 4 });
  const vsVerify = await compare(
    { run: login },
    { run: () => argon2Verify(hash, PASSWORD) },
    { rounds: 11, calls: 2, warmup: 2 },
  );
  // Control: the raw primitive against itself (A/A); its distance from 1 is this run's measurement noise.
  const aa = await compare({ run: rawVerify }, { run: rawVerify }, { rounds: 15, calls: 2, warmup: 1 });
  return {
    argon2id_m_kib: Number(p.m),
    noise_aa_argon2id_ratio: round(aa.ratio),
    argon2id_login_ms: round(vsHashRaw.aMs, 2),
    argon2id_raw_hashraw_ms: round(vsHashRaw.bMs, 2),
    argon2id_ratio: round(vsHashRaw.ratio),
    argon2id_cpu_ratio: round(vsHashRaw.cpuRatio),
    argon2id_raw_verify_ms: round(vsVerify.bMs, 2),
    argon2id_ratio_vs_node_rs_verify: round(vsVerify.ratio),
  };
}

async function bcrypt(): Promise<Record<string, number>> {
  const cost = 10;
  const { idm, identifier, hash } = await setUp({ algorithm: "bcrypt", bcrypt: { cost } });
  // Parsed here, independently of idkit: $2a$NN$<22 salt chars><31 hash chars>.
  const body = hash.slice(7);
  const std = [...body.slice(0, 22)].map((c) => STD_ALPHABET[BCRYPT_ALPHABET.indexOf(c)]).join("");
  const salt = Buffer.from(std, "base64").subarray(0, 16);
  const expected = Buffer.from(body.slice(22));
  const rawVerify = async () =>
    timingSafeEqual(
      Buffer.from((await bcryptHash(PASSWORD, { salt, cost, version: "2b" })).slice(-31)),
      expected,
    );
  check(await rawVerify(), "raw bcrypt hash must match");
  check(await bcryptVerify(PASSWORD, hash), "raw bcrypt verify must match");
  const login = () => idm.authenticatePassword({ identifier, password: PASSWORD });

  const vsHash = await compare({ run: login }, { run: rawVerify }, { rounds: 15, calls: 2, warmup: 2 });
  const vsVerify = await compare(
    { run: login },
    { run: () => bcryptVerify(PASSWORD, hash) },
    { rounds: 9, calls: 2, warmup: 1 },
  );
  return {
    bcrypt_cost: cost,
    bcrypt_login_ms: round(vsHash.aMs, 2),
    bcrypt_raw_hash_ms: round(vsHash.bMs, 2),
    bcrypt_ratio: round(vsHash.ratio),
    bcrypt_cpu_ratio: round(vsHash.cpuRatio),
    bcrypt_raw_verify_ms: round(vsVerify.bMs, 2),
    bcrypt_ratio_vs_node_rs_verify: round(vsVerify.ratio),
  };
}

/**
 * Diagnostic: the fixed cost of a login beyond the hash itself, measured with a minimal argon2id configuration
 * (m=8 KiB, t=1: a ~0.1 ms hash) so that it is not drowned in the hash's noise: login − raw `hashRaw`, in µs.
 */
async function fixedOverhead(): Promise<Record<string, number>> {
  const tiny = { memoryCost: 8, timeCost: 1, parallelism: 1 };
  const { idm, identifier, hash } = await setUp({ algorithm: "argon2id", argon2: tiny });
  const [, , , , salt64, tag64] = hash.split("$") as string[];
  const salt = Buffer.from(salt64 as string, "base64");
  const tag = Buffer.from(tag64 as string, "base64");
  const options = { algorithm: ARGON2ID, ...tiny, salt, outputLen: tag.length };
  const rawVerify = async () => timingSafeEqual(await hashRaw(PASSWORD, options), tag);
  check(await rawVerify(), "raw tiny argon2 must match");
  const login = () => idm.authenticatePassword({ identifier, password: PASSWORD });
  const c = await compare({ run: login }, { run: rawVerify }, { rounds: 9, calls: 300 });
  return { login_fixed_overhead_us: round((c.aMs - c.bMs) * 1000, 1) };
}

export async function authBenchmark(): Promise<Record<string, number>> {
  return { ...(await argon2()), ...(await bcrypt()), ...(await fixedOverhead()) };
}
