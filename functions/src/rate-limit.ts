import { Timestamp, type Firestore } from "firebase-admin/firestore";
import { firestore } from "./admin";
import { AppError, keyStoreUnavailable, rateLimited } from "./errors";
import * as logs from "./logs";

/**
 * A per-user fixed-window limiter kept in Firestore, so it holds across function instances: each
 * (uid, bucket) has one document counting calls in the current window, updated in a transaction.
 * Windows are aligned to multiples of their length since the epoch, so a 86,400-second window is a
 * UTC day. Documents carry `expiresAt` for a Firestore TTL policy to clean up.
 */

export interface RateLimitRequest {
  uid: string;
  /** Which limit this is, e.g. "ai"; one document per user and bucket. Letters, digits, "-" and "_". */
  bucket: string;
  /** Calls allowed per window; 0 allows none. */
  limit: number;
  windowSeconds: number;
}

/** What a bucket document holds. */
export interface WindowState {
  windowStart: number;
  count: number;
}

export type WindowDecision =
  | { allowed: true; next: WindowState; remaining: number }
  | { allowed: false; retryAfterSeconds: number };

/** Pure: whether one more call fits in the window containing `nowMs`, given the stored state. */
export function decideFixedWindow(previous: WindowState | undefined, nowMs: number, limit: number, windowSeconds: number): WindowDecision {
  const windowMs = windowSeconds * 1000;
  const windowStart = Math.floor(nowMs / windowMs) * windowMs;
  const used = previous?.windowStart === windowStart ? previous.count : 0;
  if (used >= limit) {
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((windowStart + windowMs - nowMs) / 1000)) };
  }
  return { allowed: true, next: { windowStart, count: used + 1 }, remaining: limit - used - 1 };
}

/** Pure: how many calls the stored state counts in the window containing `nowMs` (0 for an older window). */
export function countInWindow(stored: WindowState | undefined, nowMs: number, windowSeconds: number): number {
  const windowMs = windowSeconds * 1000;
  return stored?.windowStart === Math.floor(nowMs / windowMs) * windowMs ? stored.count : 0;
}

const bucketPattern = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Counts one call against `bucket` for `uid`. Over the limit: AppError RATE_LIMITED with
 * `retryAfterSeconds`. Firestore unreachable: KEY_STORE_UNAVAILABLE (nothing was done).
 */
export async function consumeRateLimit(
  request: RateLimitRequest,
  db: Firestore = firestore(),
  now: () => number = Date.now,
): Promise<{ remaining: number }> {
  const { uid, bucket, limit, windowSeconds } = request;
  if (!bucketPattern.test(bucket) || !(windowSeconds > 0)) throw new Error(`Invalid rate limit bucket or window: ${bucket}`);
  const ref = db.collection("rateLimits").doc(uid).collection("buckets").doc(bucket);
  let decision: WindowDecision;
  try {
    decision = await db.runTransaction(async (transaction) => {
      const snapshot = await transaction.get(ref);
      const stored = snapshot.exists ? (snapshot.data() as WindowState) : undefined;
      const result = decideFixedWindow(stored, now(), limit, windowSeconds);
      if (result.allowed) {
        transaction.set(ref, {
          ...result.next,
          expiresAt: Timestamp.fromMillis(result.next.windowStart + windowSeconds * 1000),
        });
      }
      return result;
    });
  } catch (error) {
    if (error instanceof AppError) throw error;
    logs.rateLimitStoreFailure(uid, bucket, error);
    throw keyStoreUnavailable();
  }
  if (!decision.allowed) {
    logs.rateLimited(uid, bucket, limit, windowSeconds, decision.retryAfterSeconds);
    throw rateLimited(decision.retryAfterSeconds);
  }
  return { remaining: decision.remaining };
}

/**
 * Calls counted for `uid` in `bucket`'s current window, without counting one. Firestore unreachable:
 * KEY_STORE_UNAVAILABLE.
 */
export async function readWindowCount(
  { uid, bucket, windowSeconds }: Omit<RateLimitRequest, "limit">,
  db: Firestore = firestore(),
  now: () => number = Date.now,
): Promise<number> {
  try {
    const snapshot = await db.collection("rateLimits").doc(uid).collection("buckets").doc(bucket).get();
    return countInWindow(snapshot.exists ? (snapshot.data() as WindowState) : undefined, now(), windowSeconds);
  } catch (error) {
    logs.rateLimitStoreFailure(uid, bucket, error);
    throw keyStoreUnavailable();
  }
}
