/**
 * The worst case one verification of each accepted hash format may cost: `verifyPassword` on a hash at every bound
 * of its format at once (cost parameters, salt and key lengths) with the longest password that still gets hashed,
 * timed once each, one after the other (wall time, and the process's CPU time, which other load stretches less). The figures go in docs/passwords.md ("Worst-case verification cost per
 * format"). Not part of `bench/index.ts` (about a minute, and a 1 GiB argon2 allocation):
 *
 *   npx tsx bench/worst-case-verification.ts            # every format
 *   ONLY=pbkdf2,scrypt npx tsx bench/worst-case-verification.ts
 */
import { validateImportedHash, verifyPassword } from "../src/credentials/password/verify-password.js";
import { round } from "./util.js";

const b64 = (n: number, fill = 5) => Buffer.alloc(n, fill).toString("base64");
const raw = (n: number, fill = 5) => b64(n, fill).replace(/=+$/, "");
const crypt64 = (n: number) => "a".repeat(n);
const pw = (bytes: number) => "p".repeat(bytes);
const BCRYPT_BODY = "ZsCsoVQ3xfBG/K2z2XpBf.tm90GZmtOqtqWcB5.pYd5Eq8y7RlDyq";

/** [name, password, hash]: each at the worst the bounds allow. */
const CASES: Array<[string, string, string]> = [
  ["bcrypt cost=15", pw(72), `$2a$15$${BCRYPT_BODY}`],
  [
    "argon2id m=1048576,t=4,p=1 (1 KiB salt and tag)",
    pw(4096),
    `$argon2id$v=19$m=1048576,t=4,p=1$${raw(1024)}$${raw(1024)}`,
  ],
  ["argon2id m=1048576,t=4,p=16", pw(4096), `$argon2id$v=19$m=1048576,t=4,p=16$${raw(16)}$${raw(32)}`],
  ["pbkdf2-sha1 i=8000000 (1 block)", pw(4096), `$pbkdf2-sha1$i=8000000,l=20$${raw(1024)}$${raw(20)}`],
  [
    "pbkdf2-sha1 i=153846 (1024-byte key: 52 blocks)",
    pw(4096),
    `$pbkdf2-sha1$i=153846,l=1024$${raw(1024)}$${raw(1024)}`,
  ],
  ["pbkdf2-sha256 i=8000000", pw(4096), `$pbkdf2-sha256$i=8000000,l=32$${raw(1024)}$${raw(32)}`],
  ["pbkdf2-sha512 i=4000000", pw(4096), `$pbkdf2-sha512$i=4000000,l=64$${raw(1024)}$${raw(64)}`],
  ["pbkdf2-sha224 (SHA3-224) i=2000000", pw(4096), `$pbkdf2-sha224$i=2000000,l=28$${raw(1024)}$${raw(28)}`],
  ["pbkdf2-sha384 (SHA3-384) i=2000000", pw(4096), `$pbkdf2-sha384$i=2000000,l=48$${raw(1024)}$${raw(48)}`],
  [
    "scrypt N=131072,r=8,p=2 (1 KiB salt and key)",
    pw(4096),
    `$scrypt$ln=131072,r=8,p=2$${b64(1024)}$${b64(1024)}`,
  ],
  [
    "firescrypt ln=17,r=8,p=2 (1 KiB signer key)",
    pw(4096),
    `$firescrypt$ln=17,r=8,p=2$${b64(1024)}$${b64(1024)}$${b64(1024)}$${b64(1024)}`,
  ],
  [
    "sha512-crypt rounds=1000000, 256-byte password",
    pw(256),
    `$6$rounds=1000000$saltsaltsaltsalt$${crypt64(86)}`,
  ],
  [
    "sha512-crypt rounds=62500, 4096-byte password",
    pw(4096),
    `$6$rounds=62500$saltsaltsaltsalt$${crypt64(86)}`,
  ],
  [
    "sha256-crypt rounds=1000000, 256-byte password",
    pw(256),
    `$5$rounds=1000000$saltsaltsaltsalt$${crypt64(43)}`,
  ],
  ["md5-crypt, 4096-byte password", pw(4096), `$1$saltsalt$${crypt64(22)}`],
  [
    "md5 pf= 1 KiB of {PASSWORD}, 4096-byte password",
    pw(4096),
    `$md5$pf=${Buffer.from("{PASSWORD}".repeat(102)).toString("base64")}$${b64(1024)}$${b64(16)}`,
  ],
  [
    "sha512 pf= 1 KiB of {SALT}, 1 KiB salt",
    pw(4096),
    `$sha512$pf=${Buffer.from("{SALT}".repeat(170)).toString("base64")}$${b64(1024)}$${b64(64)}`,
  ],
  ["{SSHA512} 1 KiB salt", pw(4096), `{SSHA512}${b64(64 + 1024)}`],
  [
    "hmac-md4 (pure JS) 1 KiB key",
    pw(4096),
    `$hmac-md4$${Buffer.from("a".repeat(32)).toString("base64")}$${b64(1024)}`,
  ],
  [
    "hmac-sha512 1 KiB key",
    pw(4096),
    `$hmac-sha512$${Buffer.from("a".repeat(128)).toString("base64")}$${b64(1024)}`,
  ],
  // idkit's vendor formats (idkit/migrate)
  ["pbkdf2-sha2-224 i=5000000", pw(4096), `$pbkdf2-sha2-224$i=5000000,l=28$${raw(1024)}$${raw(28)}`],
  ["pbkdf2-sha2-384 i=2500000", pw(4096), `$pbkdf2-sha2-384$i=2500000,l=48$${raw(1024)}$${raw(48)}`],
  ["pbkdf2-md5 i=5000000", pw(4096), `$pbkdf2-md5$i=5000000,l=16$${raw(1024)}$${raw(16)}`],
  ["pbkdf2-ripemd160 i=3000000", pw(4096), `$pbkdf2-ripemd160$i=3000000,l=20$${raw(1024)}$${raw(20)}`],
  ["pbkdf2-sha512-256 i=2500000", pw(4096), `$pbkdf2-sha512-256$i=2500000,l=32$${raw(1024)}$${raw(32)}`],
  ["pbkdf2-md4 i=1000000 (plain TypeScript)", pw(4096), `$pbkdf2-md4$i=1000000,l=16$${raw(1024)}$${raw(16)}`],
  ["pbkdf2-sha3-512 i=1600000", pw(4096), `$pbkdf2-sha3-512$i=1600000,l=64$${raw(1024)}$${raw(64)}`],
  ["bcrypt_sha256 cost=15", pw(4096), `bcrypt_sha256$$2b$15$${BCRYPT_BODY}`],
  ["bcrypt-peppered cost=15, 1 KiB pepper", pw(72), `$bcrypt-peppered$${b64(1024)}$2b$15$${BCRYPT_BODY}`],
  [
    "md4-utf16le pf= 1 KiB of {PASSWORD}, 4096-byte password",
    pw(4096),
    `$md4-utf16le$pf=${Buffer.from("{PASSWORD}".repeat(102)).toString("base64")}$${b64(1024)}$${b64(16)}`,
  ],
  [
    "hmac-ripemd160-utf16le 1 KiB key",
    pw(4096),
    `$hmac-ripemd160-utf16le$${Buffer.from("a".repeat(40)).toString("base64")}$${b64(1024)}`,
  ],
  ["phpass 2^19, 256-byte password", pw(256), `$P$H${crypt64(30)}`],
  ["phpass 2^13, 4096-byte password", pw(4096), `$P$B${crypt64(30)}`],
  [
    "sha512-symfony i=100000, 1 KiB salt",
    pw(4096 - 1026),
    `$sha512-symfony$i=${(100_000 * 256) / 4096}$${b64(1024)}$${b64(64)}`,
  ],
  ["sha512-symfony i=100000, short password", pw(100), `$sha512-symfony$i=100000$${b64(16)}$${b64(64)}`],
];

const only = process.env.ONLY?.split(",");
const figures: Record<string, { wall_ms: number; cpu_ms: number }> = {};
for (const [name, password, hash] of CASES) {
  if (only && !only.some((o) => name.startsWith(o))) continue;
  validateImportedHash(hash); // throws if the case is not an accepted hash: it would measure nothing
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await verifyPassword(password, hash);
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  // CPU time of the whole process (main thread, libuv pool, crypt workers): what other load does not stretch.
  figures[name] = { wall_ms: round(wall, 1), cpu_ms: round((used.user + used.system) / 1000, 1) };
  console.error(
    `${name}: wall ${round(wall, 1)} ms, cpu ${figures[name].cpu_ms} ms (${result ? "match" : "no match"})`,
  );
}
console.log(JSON.stringify({ bench: "worst_case_verification", node: process.version, figures }));
