import { randomBytes } from "node:crypto";
import type { Limiter } from "../limiter.js";
import type { Argon2Options } from "../password-hasher-config.js";
import { computeArgon2, parseArgon2Hash } from "../verifiers/argon2.js";
import { tryParse } from "../verifiers/hash-params.js";
import type { ConfiguredHasher } from "./configured-hasher.js";

const b64 = (bytes: Buffer): string => bytes.toString("base64").replace(/=+$/, "");

/**
 * Creates the argon2id hasher. Output: `$argon2id$v=19$m=<KiB>,t=<n>,p=<n>$<salt>$<tag>` with unpadded standard
 * base64, Kratos's format (`hash/hasher_argon2.go`). Hashing runs natively off the event loop, inside `limiter`.
 */
export function createArgon2idHasher(
  params: Readonly<Required<Argon2Options>>,
  limiter: Limiter,
): ConfiguredHasher {
  const { memoryCost, timeCost, parallelism, saltLength, hashLength } = params;
  return Object.freeze({
    algorithm: "argon2id" as const,
    async hash(password: string): Promise<string> {
      const salt = randomBytes(saltLength);
      const tag = await limiter.run(() =>
        computeArgon2(password, { variant: "argon2id", memoryCost, timeCost, parallelism, salt }, hashLength),
      );
      return `$argon2id$v=19$m=${memoryCost},t=${timeCost},p=${parallelism}$${b64(salt)}$${b64(tag)}`;
    },
    needsRehash(hash: string): boolean {
      const parsed = tryParse(parseArgon2Hash, hash);
      if (parsed === undefined || parsed.variant !== "argon2id") return true;
      return (
        parsed.memoryCost < memoryCost ||
        parsed.timeCost < timeCost ||
        parsed.parallelism < parallelism ||
        parsed.hash.length < hashLength ||
        parsed.salt.length < saltLength
      );
    },
  });
}
