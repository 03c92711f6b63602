import { ValidationError, type ValidationIssue } from "../../errors/index.js";

/** The JSON Pointer every password-policy issue is reported at. */
export const PASSWORD_POINTER = "/password";

/**
 * Issue codes a {@link PasswordPolicy} reports (the `code` of the single issue in the `validation_failed` error).
 *
 * - `too_short` / `too_long`: the UTF-8 byte length is outside the allowed range.
 * - `too_similar`: the password is too close to one of the identity's identifiers.
 * - `breached`: the password is on the offline common-password list, or the breach checker counted it too often.
 * - `breach_check_failed`: the breach checker failed and `ignoreCheckerErrors` is `false`.
 * - `invalid_type`: the password is not a string.
 */
export type PasswordPolicyIssueCode =
  | "too_short"
  | "too_long"
  | "too_similar"
  | "breached"
  | "breach_check_failed"
  | "invalid_type";

function issue(
  code: PasswordPolicyIssueCode,
  message: string,
  context?: Record<string, unknown>,
): ValidationIssue {
  return context === undefined
    ? { pointer: PASSWORD_POINTER, code, message }
    : { pointer: PASSWORD_POINTER, code, message, context };
}

/** Kratos's `ErrorValidationPasswordMinLength` (4000032). */
export function tooShort(minLength: number, actualLength: number): ValidationError {
  return new ValidationError([
    issue(
      "too_short",
      `The password must be at least ${minLength} characters long, but got ${actualLength}.`,
      { min_length: minLength, actual_length: actualLength },
    ),
  ]);
}

/** Kratos's `ErrorValidationPasswordMaxLength` (4000033). */
export function tooLong(maxLength: number, actualLength: number): ValidationError {
  return new ValidationError([
    issue("too_long", `The password must be at most ${maxLength} characters long, but got ${actualLength}.`, {
      max_length: maxLength,
      actual_length: actualLength,
    }),
  ]);
}

/** Kratos's `ErrorValidationPasswordIdentifierTooSimilar` (4000031). */
export function tooSimilar(): ValidationError {
  return new ValidationError([
    issue("too_similar", "The password can not be used because it is too similar to the identifier."),
  ]);
}

/** Kratos's `ErrorValidationPasswordTooManyBreaches` (4000034); `context` says which check found it. */
export function breached(context: Record<string, unknown>): ValidationError {
  return new ValidationError([
    issue("breached", "The password has been found in data breaches and must no longer be used.", context),
  ]);
}

/**
 * The breach checker failed and the policy is told not to ignore that. Kratos answers with an upstream error here;
 * we keep the policy's one error shape and use Kratos's generic policy-violation wording.
 */
export function breachCheckFailed(cause: unknown): ValidationError {
  return new ValidationError(
    [
      issue(
        "breach_check_failed",
        "The password can not be used because it could not be checked against known data breaches.",
      ),
    ],
    { cause },
  );
}

/** The password is not a string (only reachable from untyped callers). */
export function invalidType(): ValidationError {
  return new ValidationError([issue("invalid_type", "The password must be a string.")]);
}
