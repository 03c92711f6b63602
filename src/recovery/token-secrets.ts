import { createHmac, hash, randomBytes, randomInt } from "node:crypto";
import { IdentityError } from "../errors/index.js";

const ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** A 32-character `[a-zA-Z0-9]` token from the CSPRNG (uniform: `randomInt` rejects biased draws). */
export function randomToken(length = 32): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

/** A 6-digit decimal code from the CSPRNG, uniform over 000000–999999. */
export function randomCode(): string {
  return String(randomInt(1_000_000)).padStart(6, "0");
}

/** Keyed digests of tokens: what is stored instead of the token itself. */
export interface TokenDigester {
  /** The digest to store: HMAC-SHA512/256 under the first (signing) secret, hex. */
  sign(token: string): string;
  /** The digests under every secret, signing one first, to look a presented token up while keys rotate. */
  candidates(token: string): string[];
  /** True without `secrets`: the key is random per instance, so what it signs dies with the process. */
  readonly ephemeral: boolean;
}

/** The code of the warning {@link createTokenDigester} emits once per process when tokens use a random key. */
export const NO_SECRETS_WARNING = "IDKIT_NO_SECRETS";
let warnedNoSecrets = false;

/**
 * Warns once per process (`process.emitWarning`, code `IDKIT_NO_SECRETS`, silenced by `--no-warnings`) that a
 * token was signed with a random per-instance key: such tokens stop working when the process restarts and are not
 * accepted by the other processes of the app.
 */
function warnNoSecrets(): void {
  if (warnedNoSecrets) return;
  warnedNoSecrets = true;
  if (typeof process === "undefined" || typeof process.emitWarning !== "function") return;
  process.emitWarning(
    "idkit: a recovery or verification token or an API key was signed with a random per-process key because the " +
      "IdentityManager has no `secrets`; its links and codes stop working when the process restarts and other " +
      "processes reject them. Pass `secrets: [<at least 16 random characters>]`.",
    { code: NO_SECRETS_WARNING },
  );
}

/**
 * Without `secrets`, a store shared by several processes (`supportsMultipleProcesses`, e.g. PostgreSQL) would keep
 * tokens and API keys that no other process, and no restart, can verify: signing one is refused instead.
 */
function noSecretsForSharedStore(): IdentityError {
  return new IdentityError("invalid_configuration", {
    reason:
      "The storage is shared by several processes (supportsMultipleProcesses), so recovery and verification " +
      "tokens and API keys must be signed with a key every process has: pass `secrets: [<at least 16 random " +
      "characters>]`, the same in every process.",
  });
}

/**
 * Kratos's token-at-rest scheme (`persistence/sql/persister_hmac.go`): `hex(HMAC-SHA512/256(secret, token))`.
 * The first secret signs, every secret verifies, so secrets rotate by prepending a new one. Without secrets a
 * random one is made per instance (tokens then die with the process), and the first token it signs emits the
 * once-per-process warning `IDKIT_NO_SECRETS` — or, with `sharedStore` (a store several processes share), signing
 * is refused with `invalid_configuration`.
 * @throws IdentityError `invalid_configuration` for an empty secret or one shorter than 16 characters.
 */
export function createTokenDigester(
  secrets: readonly string[] | undefined,
  options: { sharedStore?: boolean } = {},
): TokenDigester {
  const ephemeral = !(secrets && secrets.length > 0);
  const keys = ephemeral ? [randomBytes(32).toString("base64url")] : [...secrets];
  for (const key of keys) {
    if (typeof key !== "string" || key.length < 16) {
      throw new IdentityError("invalid_configuration", {
        reason: "Each entry of `secrets` must be a string of at least 16 characters.",
      });
    }
  }
  const digests = keys.map(keyedDigest);
  const signing = digests[0] as (token: string) => string;
  return Object.freeze({
    sign: (token: string) => {
      if (ephemeral && options.sharedStore) throw noSecretsForSharedStore();
      if (ephemeral) warnNoSecrets();
      return signing(token);
    },
    candidates: (token: string) => digests.map((digest) => digest(token)),
    ephemeral,
  });
}

/** SHA-512/256's block size in bytes (HMAC pads its key to it). */
const BLOCK = 128;

/**
 * `token => hex(HMAC-SHA512/256(key, utf8(token)))`, byte for byte what `createHmac("sha512-256", key)` computes
 * (RFC 2104: `H((K ^ opad) || H((K ^ ipad) || m))`, K zero-padded to the block), but with the padded keys made
 * once: two one-shot `crypto.hash` calls per token instead of an Hmac object (about half the time). A key that is
 * not ASCII, or longer than a block (HMAC hashes those first), keeps `createHmac`.
 */
function keyedDigest(key: string): (token: string) => string {
  const hmac = (token: string) => createHmac("sha512-256", key).update(token, "utf8").digest("hex");
  if (key.length > BLOCK) return hmac;
  const inner = Buffer.alloc(BLOCK);
  const outer = Buffer.alloc(BLOCK + 32);
  for (let i = 0; i < BLOCK; i++) {
    const k = i < key.length ? key.charCodeAt(i) : 0;
    if (k > 0x7f) return hmac;
    inner[i] = k ^ 0x36;
    outer[i] = k ^ 0x5c;
  }
  // One flat string (a string grown by `+=` would stay a rope, copied piece by piece on every use).
  const innerPad = inner.toString("latin1");
  return (token) => {
    // ASCII pad + token: its UTF-8 is the pad's bytes then the token's UTF-8, as createHmac's update reads it.
    // The inner digest travels as "binary" (latin1: one character per byte) into the outer block.
    outer.write(hash("sha512-256", innerPad + token, "binary"), BLOCK, "binary");
    return hash("sha512-256", outer, "hex");
  };
}
