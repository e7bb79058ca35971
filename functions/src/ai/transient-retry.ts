/**
 * Bounded retry with exponential backoff, for failures that a second try can fix (timeouts, 5xx,
 * network). Anything else — a rejected key, exhausted quota, a bad request — is thrown at once:
 * retrying it would only spend the user's quota or hide the real reason.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Delay before the second attempt; doubles each time, plus up to 50% jitter. */
  baseDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 3, baseDelayMs: 300 };

export async function withTransientRetry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  isTransient: (error: unknown) => boolean,
  policy: RetryPolicy = defaultRetryPolicy,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => number = Math.random,
): Promise<T> {
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (attemptNumber >= policy.maxAttempts || !isTransient(error)) throw error;
      await sleep(backoffDelayMs(policy, attemptNumber, random()));
    }
  }
}

/** Delay after the `failedAttempt`-th failure: base × 2^(n-1), plus up to half of that again at random. */
export function backoffDelayMs(policy: RetryPolicy, failedAttempt: number, randomFraction: number): number {
  const exponential = policy.baseDelayMs * 2 ** (failedAttempt - 1);
  return Math.round(exponential * (1 + 0.5 * randomFraction));
}
