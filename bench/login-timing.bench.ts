/**
 * Login timing equalisation (idkit issue 7, item 4): for each stored-hash family, the median time of
 * `authenticatePassword` with an **unknown identifier** ÷ the median with a **known identifier and a wrong
 * password**, measured in the same run (interleaved rounds, `compare`). Goal: 0.9–1.1 for every hash at most as
 * expensive as the configured one. A stored hash stronger than configured is not padded (that would make every
 * unknown identifier as slow), so its ratio is < 1 by design; those rows are marked `stronger`.
 *
 * Configuration: the default argon2id hasher (m=47104 KiB, t=1, p=1, OWASP), ≈ 15–20 ms a verification here, so
 * not a cheaper stand-in: what families count as cheaper depends on it. Hashes: Kratos's test vectors
 * (test/fixtures) at their own parameters, and the same vectors with their cost parameter lowered (bcrypt 6,
 * PBKDF2 20,000 iterations, scrypt N=4096, Firebase scrypt ln=12), argon2id at OWASP's other settings
 * (m=19456 t=2, m=12288 t=3), and 5000-round SHA-crypt with a made-up checksum; for a wrong password only the
 * format and the parameters matter. The control row `argon2id_configured` holds a hash made by the hasher itself.
 *
 * Keys: `<family>_ratio` (wall), `<family>_cpu_ratio`, `<family>_known_ms`, `<family>_est_share` (the cost model's
 * estimate of the stored hash ÷ the configured one, `src/credentials/hash-cost.ts`); `unknown_ms`;
 * `noise_aa_ratio` (unknown ÷ unknown, the run's noise floor). A table goes to stderr.
 * `LOGIN_TIMING_ROUNDS` (default 8) sets the rounds per family.
 */
import { IdentityManager } from "idkit";
import { estimateVerifyCost } from "../src/credentials/hash-cost.js";
import { check, compare, hashVector, round } from "./util.js";

const vector = (prefix: string): string => hashVector(prefix).hash;

const BCRYPT_10 = "$2a$10$ZsCsoVQ3xfBG/K2z2XpBf.tm90GZmtOqtqWcB5.pYd5Eq8y7RlDyq";
const PBKDF2 = vector("$pbkdf2-sha256$i=100000");
const SCRYPT = vector("$scrypt$ln=16384");
const FIRESCRYPT = vector("$firescrypt$ln=14");
const ARGON_SALT = "cm94YnRVOW5jZzFzcVE4bQ";
const ARGON_TAG = "MNzk5BtR2vUhrp6qQEjRNwMNzk5BtR2vUhrp6qQEjRM";

/** Stored hash per family; `configured` is made by the manager's hasher at start. */
const FAMILIES: Record<string, string> = {
  argon2id_configured: "configured",
  argon2id_m19456_t2: `$argon2id$v=19$m=19456,t=2,p=1$${ARGON_SALT}$${ARGON_TAG}`,
  argon2id_m12288_t3: `$argon2id$v=19$m=12288,t=3,p=1$${ARGON_SALT}$${ARGON_TAG}`,
  argon2id_m4096: `$argon2id$v=19$m=4096,t=1,p=1$${ARGON_SALT}$${ARGON_TAG}`,
  bcrypt_6: BCRYPT_10.replace("$10$", "$06$"),
  pbkdf2_sha256_i20000: PBKDF2.replace("i=100000", "i=20000"),
  scrypt_n4096: SCRYPT.replace("ln=16384", "ln=4096"),
  firescrypt_ln12: FIRESCRYPT.replace("ln=14", "ln=12"),
  sha512crypt_5000: `$sha512-crypt$saltsalt$${"a".repeat(86)}`,
  sha256crypt_5000: `$sha256-crypt$saltsalt$${"a".repeat(43)}`,
  md5crypt: vector("$md5-crypt$"),
  md5: vector("$md5$CY9"),
  md5_salted: vector("$md5$pf="),
  sha1: vector("$sha1$"),
  sha256: vector("$sha256$"),
  sha512: vector("$sha512$"),
  ssha: vector("{SSHA}"),
  ssha256: vector("{SSHA256}"),
  ssha512: vector("{SSHA512}"),
  hmac_sha256: vector("$hmac-sha256$"),
  ldap_sha: "{SHA}at+xg6SiyUovktq1redipHiJpaE=", // passlib ldap_sha1 known_correct_hashes
  // Kratos vectors at their own parameters: stronger than the default argon2id here, so never padded.
  bcrypt_10: BCRYPT_10,
  pbkdf2_sha256_i100000: PBKDF2,
  scrypt_n16384: SCRYPT,
  firescrypt_ln14: FIRESCRYPT,
};

export async function loginTimingBenchmark(): Promise<Record<string, number>> {
  const rounds = Number(process.env.LOGIN_TIMING_ROUNDS ?? 8);
  const idm = new IdentityManager({ hashing: { algorithm: "argon2id" } });
  const configured = await idm.passwordHasher.hash("the configured one");
  const configuredCost = estimateVerifyCost(configured);
  const unknown = () =>
    idm.authenticatePassword({ identifier: "nobody@example.org", password: "wrong password" }).then(
      () => check(false, "an unknown identifier must not log in"),
      () => undefined,
    );
  const out: Record<string, number> = {};
  const rows: string[] = [];
  const aa = await compare({ run: unknown }, { run: unknown }, { rounds, calls: 2, warmup: 2 });
  out.noise_aa_ratio = round(aa.ratio);
  out.unknown_ms = round(aa.aMs, 2);

  for (const [family, stored] of Object.entries(FAMILIES)) {
    const hash = stored === "configured" ? configured : stored;
    const identifier = `${family.replaceAll("_", "-")}@example.org`;
    await idm.createIdentity({
      schema_id: "preset://email",
      traits: { email: identifier },
      credentials: { password: { config: { hashed_password: hash } } },
    });
    const known = () =>
      idm.authenticatePassword({ identifier, password: "wrong password" }).then(
        () => check(false, `${family}: a wrong password must not log in`),
        (e: { code?: string }) => check(e.code === "invalid_credentials", `${family}: ${e.code}`),
      );
    const r = await compare({ run: unknown }, { run: known }, { rounds, calls: 2, warmup: 1 });
    const share = estimateVerifyCost(hash) / configuredCost;
    const stronger = share >= 15 / 16 && family !== "argon2id_configured";
    Object.assign(out, {
      [`${family}_ratio`]: round(r.ratio),
      [`${family}_cpu_ratio`]: round(r.cpuRatio),
      [`${family}_known_ms`]: round(r.bMs, 2),
      [`${family}_est_share`]: round(share, 2),
    });
    const verdict = stronger ? "stronger (not padded)" : r.ratio >= 0.9 && r.ratio <= 1.1 ? "ok" : "MISSED";
    rows.push(
      `${family.padEnd(24)} ${r.ratio.toFixed(3).padStart(6)} ${r.cpuRatio.toFixed(3).padStart(6)} ` +
        `${r.aMs.toFixed(2).padStart(8)} ${r.bMs.toFixed(2).padStart(8)} ${share.toFixed(2).padStart(6)}  ${verdict}`,
    );
  }
  console.error(
    [
      `login_timing: unknown ÷ known-wrong, goal 0.9–1.1 (argon2id m=47104 t=1 p=1; A/A noise ${aa.ratio.toFixed(3)})`,
      `${"family".padEnd(24)}  ratio    cpu  unknown    known  share  verdict`,
      ...rows,
    ].join("\n"),
  );
  return out;
}
