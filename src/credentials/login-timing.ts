import { estimateVerifyCost } from "./hash-cost.js";
import type { PasswordHasher } from "./password/password-hasher.js";

/** Below this share of a configured verification, padding is skipped; above 1 − this, the whole dummy is used. */
const PAD_STEP = 1 / 16;
/** bcrypt's lowest cost: padding cannot be made of smaller bcrypt verifications. */
const BCRYPT_MIN_COST = 4;

/**
 * The hashes to verify (and ignore the answer of) after a failed verification against `stored`, so that the
 * failure costs about one verification of `dummy`, a hash of the configured kind (the one an unknown identifier
 * is verified against). With c = estimated cost of `stored` ÷ estimated cost of `dummy` (`estimateVerifyCost`):
 *
 * - c ≥ 15/16 (as strong as configured, or stronger): `[]`, nothing to add. A stronger hash cannot be evened out
 *   without making every unknown identifier cost as much.
 * - c ≤ 1/16 (digests, md5-crypt, unparseable hashes, much weaker parameters): `[dummy]`, exactly the unknown
 *   identifier's work.
 * - otherwise, verifications of the configured kind that add up to about (1 − c) of `dummy`: one argon2id hash
 *   with `dummy`'s salt, tag, t and p and m scaled by (1 − c) (at least 8p KiB); or bcrypt hashes with `dummy`'s
 *   salt and hash at cost k−1, k−2, k−3, k−4 for the binary digits of (1 − c) in sixteenths (none under cost 4).
 *
 * `password` (the one that failed) sizes a templated digest's or HMAC's work (`estimateVerifyCost`).
 *
 * Never throws; `[dummy]` when `dummy`'s cost cannot be estimated.
 */
export function paddingHashes(stored: unknown, dummy: string, password?: string): string[] {
  const configured = estimateVerifyCost(dummy);
  if (!(configured > 0)) return [dummy];
  const share = 1 - estimateVerifyCost(stored, password) / configured;
  if (share < PAD_STEP) return [];
  if (share > 1 - PAD_STEP) return [dummy];
  return dummy.startsWith("$argon2") ? scaledArgon2(dummy, share) : scaledBcrypt(dummy, share);
}

/** `dummy` (`$argon2id$v=19$m=M,t=T,p=P$salt$tag`) with m = round(M × share), at least 8P. */
function scaledArgon2(dummy: string, share: number): string[] {
  const parts = dummy.split("$");
  const params = /^m=(\d+),t=(\d+),p=(\d+)$/.exec(parts[3] ?? "");
  if (parts.length !== 6 || params === null) return [dummy];
  const [, m, t, p] = params.map(Number) as [number, number, number, number];
  const memory = Math.max(8 * p, Math.round(m * share));
  parts[3] = `m=${memory},t=${t},p=${p}`;
  return [parts.join("$")];
}

/** `dummy` (`$2a$KK$body`) at lower costs whose 2^cost sum to about share × 2^K. */
function scaledBcrypt(dummy: string, share: number): string[] {
  const head = /^\$(2[abxy]?)\$(\d\d)\$/.exec(dummy);
  if (head === null) return [dummy];
  const cost = Number(head[2]);
  const body = dummy.slice(head[0].length);
  const sixteenths = Math.round(share * 16);
  const out: string[] = [];
  for (let bit = 1; bit <= 4; bit++) {
    if ((sixteenths >> (4 - bit)) & 1 && cost - bit >= BCRYPT_MIN_COST) {
      out.push(`$${head[1]}$${String(cost - bit).padStart(2, "0")}$${body}`);
    }
  }
  return out;
}

/**
 * Verifies `password` against each of `hashes` in turn through `hasher.verify` (so inside the hasher's concurrency
 * limit, like any verification) and ignores the answers. `hashes` is called first (it may await the manager's
 * lazily made dummy hash); if it throws or rejects, or a verification does, the rest is skipped and nothing is
 * thrown: padding must never turn a failed login into another error, which would itself tell unknown and known
 * identifiers apart.
 */
export async function burnVerifications(
  hasher: PasswordHasher,
  password: string,
  hashes: () => Promise<readonly string[]>,
): Promise<void> {
  try {
    for (const hash of await hashes()) await hasher.verify(password, hash);
  } catch {
    // See above: a failed login stays a failed login.
  }
}
