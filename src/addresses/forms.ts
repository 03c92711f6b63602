/**
 * The normalisations of one string, each computed at most once: what `extractFromHits` needs when the same trait
 * value is an identifier, a code address, a verifiable and a recovery address. The steps are normalize.ts's own,
 * so every form equals the function it stands for.
 *
 * @module
 */
import {
  canonicalFromProfile,
  emailFromProfile,
  gracefulFromCanonical,
  normalizePhoneStrict,
} from "./normalize.js";
import { enforceEmailProfile, type PrecisFailure, trimSpace } from "./precis.js";

/** A strict normalisation's outcome: the value, or what it threw (thrown again on every later use). */
type Outcome = { readonly value: string } | { readonly error: unknown };

function outcomeOf<T>(step: (input: T) => string, input: T): Outcome {
  try {
    return { value: step(input) };
  } catch (error) {
    return { error };
  }
}

function unwrap(outcome: Outcome): string {
  if ("error" in outcome) throw outcome.error;
  return outcome.value;
}

/** The forms of one string; see the module comment. Every method is a memoised pure function of the string. */
export class NormalizedForms {
  readonly #raw: string;
  #trimmed: string | undefined;
  #profiled: string | PrecisFailure | undefined;
  #canonical: string | undefined;
  #graceful: string | undefined;
  #email: Outcome | undefined;
  #phone: Outcome | undefined;

  constructor(raw: string) {
    this.#raw = raw;
  }

  /** `enforceEmailProfile(trimSpace(raw))`. */
  #profile(): string | PrecisFailure {
    if (this.#profiled === undefined) {
      this.#trimmed = trimSpace(this.#raw);
      this.#profiled = enforceEmailProfile(this.#trimmed);
    }
    return this.#profiled;
  }

  /** `canonicalize(raw)`, which is also `normalizeEmailIdentifier(raw)`. */
  canonical(): string {
    if (this.#canonical === undefined) {
      const profiled = this.#profile();
      this.#canonical = canonicalFromProfile(this.#trimmed as string, profiled);
    }
    return this.#canonical;
  }

  /** `gracefulNormalization(raw)`. */
  graceful(): string {
    this.#graceful ??= gracefulFromCanonical(this.canonical(), typeof this.#profiled === "string");
    return this.#graceful;
  }

  /** `normalizeEmailStrict(raw)`; throws what it throws, the same error object on every call. */
  strictEmail(): string {
    this.#email ??= outcomeOf(emailFromProfile, this.#profile());
    return unwrap(this.#email);
  }

  /** `normalizePhoneStrict(raw)`; throws what it throws, the same error object on every call. */
  strictPhone(): string {
    this.#phone ??= outcomeOf(normalizePhoneStrict, this.#raw);
    return unwrap(this.#phone);
  }
}

/** {@link NormalizedForms} per distinct string, for one call (the map is made when a second string is met). */
export class FormsCache {
  #firstValue: string | undefined;
  #first: NormalizedForms | undefined;
  #byValue: Map<string, NormalizedForms> | undefined;

  of(value: string): NormalizedForms {
    if (this.#first === undefined) {
      this.#firstValue = value;
      this.#first = new NormalizedForms(value);
      return this.#first;
    }
    if (value === this.#firstValue) return this.#first;
    this.#byValue ??= new Map();
    let forms = this.#byValue.get(value);
    if (forms === undefined) {
      forms = new NormalizedForms(value);
      this.#byValue.set(value, forms);
    }
    return forms;
  }
}
