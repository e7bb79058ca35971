/**
 * The backoff between upstream attempts of one AI call (the model chain, model-chain.ts, decides whether
 * there is a next attempt): exponential, with jitter.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Delay before the second attempt; doubles each time, plus up to 50% jitter. */
  baseDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 3, baseDelayMs: 300 };

/** Delay after the `failedAttempt`-th failure: base × 2^(n-1), plus up to half of that again at random. */
export function backoffDelayMs(policy: RetryPolicy, failedAttempt: number, randomFraction: number): number {
  const exponential = policy.baseDelayMs * 2 ** (failedAttempt - 1);
  return Math.round(exponential * (1 + 0.5 * randomFraction));
}
