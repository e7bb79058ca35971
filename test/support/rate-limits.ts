import assert from "node:assert/strict";
import type { WindowState } from "../../functions/src/limits/rate-limit";
import { adminDb } from "./admin";

export interface RateLimitedBucket {
  uid: string;
  /** The limiter's bucket, e.g. "ai" (functions/src/limits/rate-limit.ts keeps it at rateLimits/{uid}/buckets/{bucket}). */
  bucket: string;
  /** Calls allowed per window. */
  limit: number;
  /** Where the counter lives (rate-limit.ts): `rateLimits` unless said. */
  collection?: "rateLimits" | "sharedKeyAllowance";
}

/**
 * Makes calls until the per-user limiter refuses one, and checks that the refusal came exactly when
 * the window was full: the bucket then holds `limit` calls of the window the refusal fell in. `attempt`
 * makes one call and resolves to the refusal, or to undefined when the call was let through (it asserts
 * what a let-through call answered; anything it throws fails the test). Returns the refusal and how
 * many calls were let through before it.
 *
 * A fixed window starts again at a wall-clock boundary, and on a busy machine the calls may cross one,
 * which restarts the count. So the test neither waits for a fresh window nor assumes the calls are
 * fast: whichever window the refusal falls in must have been full. Up to 3 × limit + 1 calls are made:
 * unless they take longer than two windows, some window receives limit + 1 of them.
 */
export async function callUntilRefused(bucket: RateLimitedBucket, attempt: () => Promise<unknown>): Promise<{ refusal: unknown; letThrough: number }> {
  const maxCalls = 3 * bucket.limit + 1;
  for (let letThrough = 0; letThrough < maxCalls; letThrough++) {
    const refusal = await attempt();
    if (refusal === undefined) continue;
    const stored = (await adminDb().doc(`${bucket.collection ?? "rateLimits"}/${bucket.uid}/buckets/${bucket.bucket}`).get()).data() as WindowState | undefined;
    assert.equal(stored?.count, bucket.limit, "the window that refused holds exactly `limit` calls");
    assert.ok(letThrough >= bucket.limit, "refused before `limit` calls were made");
    return { refusal, letThrough };
  }
  assert.fail(`no refusal after ${maxCalls} calls with a limit of ${bucket.limit}`);
}

/** `details.reason` of a failed call (a FunctionsError or an in-process HttpsError), if it has one. */
export function reasonOf(error: unknown): string | undefined {
  return (error as { details?: { reason?: unknown } } | undefined)?.details?.reason as string | undefined;
}
