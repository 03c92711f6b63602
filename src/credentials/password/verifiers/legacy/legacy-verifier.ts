import { IdentityError } from "../../../../errors/index.js";
import type { HashVerifier } from "../../hash-verifier.js";

/** The `unsupported_hash` error for a hash that does not parse; `reason` says which part is wrong. */
export function malformed(reason: string): IdentityError {
  return new IdentityError("unsupported_hash", { reason });
}

/** The `hash_parameters_out_of_bounds` error for a hash whose cost exceeds idkit's bounds. */
export function outOfBounds(reason: string): IdentityError {
  return new IdentityError("hash_parameters_out_of_bounds", { reason });
}

/** How to build a legacy verifier: a prefix, a strict parser and the (cheap or off-thread) check. */
export interface LegacyVerifierSpec<P> {
  /** Stable id (Kratos's comparator name where Kratos has the format). */
  id: string;
  /** Prefix test used for dispatch; MUST be anchored at the start. */
  pattern: RegExp;
  /** Parses strictly and checks bounds; MUST throw {@link malformed} / {@link outOfBounds}, MUST NOT hash. */
  parse(hash: string): P;
  /**
   * Optional fast path of `validate`, for bulk imports: true only for a string that `pattern` matches and `parse`
   * accepts, found without decoding or allocating; false for anything else, which `validate` then hands to
   * `pattern` and `parse` (so errors are always theirs). MUST be false for a non-string.
   */
  isValid?(hash: string): boolean;
  /** Compares the UTF-8 password with the parsed hash; MUST compare secrets in constant time. */
  check(password: Buffer, parsed: P): boolean | Promise<boolean>;
}

/**
 * Builds a {@link HashVerifier} from a {@link LegacyVerifierSpec}: `validate` is the parser, `verify` parses then
 * checks and turns every failure (no match, malformed, out of bounds, worker failure) into `false`.
 */
export function defineLegacyVerifier<P>(spec: LegacyVerifierSpec<P>): HashVerifier {
  const { id, pattern, parse, check, isValid } = spec;
  return Object.freeze({
    id,
    matches: (hash: string) => pattern.test(hash),
    validate(hash: string): void {
      if (isValid?.(hash)) return;
      if (!pattern.test(hash)) throw malformed(`not a ${id} hash`);
      parse(hash);
    },
    async verify(password: string, hash: string): Promise<boolean> {
      try {
        if (!pattern.test(hash)) return false;
        const parsed = parse(hash);
        return (await check(Buffer.from(password, "utf8"), parsed)) === true;
      } catch {
        return false;
      }
    },
  });
}
