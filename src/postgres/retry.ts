/** SQLSTATEs after which the whole transaction may simply be run again. */
const RETRYABLE = new Set([
  "40001", // serialization_failure (SERIALIZABLE; CockroachDB's "restart transaction")
  "40P01", // deadlock_detected
]);

/** True when `error` carries a SQLSTATE that asks for the transaction to be retried. */
export function isRetryable(error: unknown): boolean {
  try {
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === "string" && RETRYABLE.has(code);
  } catch {
    return false;
  }
}

/** Retry policy for serialization failures. */
export interface RetryOptions {
  /** Attempts in total, including the first. Default 10. */
  maxAttempts?: number;
  /** First backoff in milliseconds; doubles per attempt, with full jitter, capped at `maxDelayMs`. Default 5. */
  baseDelayMs?: number;
  /** Largest backoff in milliseconds. Default 250. */
  maxDelayMs?: number;
}

/**
 * Runs `fn` (one whole transaction) and runs it again when it fails with a serialization failure or a deadlock,
 * with bounded exponential backoff and full jitter; any other failure, or the last attempt's, is re-thrown.
 */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 10;
  const base = options.baseDelayMs ?? 5;
  const cap = options.maxDelayMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= maxAttempts || !isRetryable(error)) throw error;
      const delay = Math.random() * Math.min(cap, base * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
