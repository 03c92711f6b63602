import type { HashingAlgorithm } from "../password-hasher-config.js";

/** One configured algorithm for new hashes (argon2id or bcrypt). */
export interface ConfiguredHasher {
  readonly algorithm: HashingAlgorithm;
  /** Hashes a new password with the configured parameters and a fresh random salt. */
  hash(password: string): Promise<string>;
  /** True when `hash` is another algorithm, unparseable, or weaker than the configured parameters. */
  needsRehash(hash: string): boolean;
}
