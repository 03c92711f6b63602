import { expect } from "vitest";
import { isIdentityError, type ValidationIssue } from "../../errors/index.js";

/** Awaits `promise`, asserts it rejects with a one-issue `validation_failed` error at `/password`, returns the issue. */
export async function expectPolicyIssue(
  promise: Promise<unknown>,
  code: string,
  message: string,
): Promise<ValidationIssue & { cause?: unknown }> {
  let error: unknown;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  expect(error, "expected the check to reject").toBeDefined();
  expect(isIdentityError(error, "validation_failed")).toBe(true);
  if (!isIdentityError(error)) throw new Error("unreachable");
  expect(error.name).toBe("ValidationError");
  expect(error.status).toBe(400);
  expect(error.issues).toHaveLength(1);
  const issue = error.issues[0]!;
  expect(issue.pointer).toBe("/password");
  expect(issue.code).toBe(code);
  expect(issue.message).toBe(message);
  expect(error.reason).toBe(`/password: ${message}`);
  return { ...issue, cause: error.cause };
}

/** Asserts `fn` throws `invalid_configuration` whose reason matches `reason`. */
export function expectInvalidConfiguration(fn: () => unknown, reason: RegExp): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(isIdentityError(error, "invalid_configuration"), String(error)).toBe(true);
  expect((error as { reason?: string }).reason).toMatch(reason);
}
