import type { ApiKeyStatus } from "../contract";
import { AppError, ownKeyDailyLimitReached } from "../errors";
import type { Provider } from "../providers";
import { consumeRateLimit, readWindowCount, type CountedWindow } from "../limits/rate-limit";

/**
 * AI calls made with a user's own key, counted per UTC day (in the rate limiter's store), against the
 * optional daily limit the user sets in Settings. Counted whether or not a limit is set, so that a limit
 * set at noon already knows the morning's calls, and Settings can show "12 of 30 today".
 */
const dailyWindowSeconds = 86_400;

/** Each provider's key has its own count (Gemini's keeps the bucket it had before there were others). */
const ownKeyDaily = (provider: Provider) => ({
  bucket: provider === "googleai" ? "own-key-daily" : `own-key-daily-${provider}`,
  windowSeconds: dailyWindowSeconds,
});

/** The window an AI call on the user's own key for `provider` is counted in (an AI call counts it ahead, see ai-callable.ts). */
export const ownKeyDailyWindow = (uid: string, provider: Provider): CountedWindow => ({ uid, ...ownKeyDaily(provider) });

/** Counts one AI call on the user's own key; with a limit, the call over it is QUOTA_EXCEEDED until midnight UTC. */
export async function countOwnKeyCall(uid: string, provider: Provider, dailyLimit: number | undefined): Promise<void> {
  try {
    await consumeRateLimit({ uid, ...ownKeyDaily(provider), limit: dailyLimit ?? Number.POSITIVE_INFINITY });
  } catch (error) {
    if (error instanceof AppError && error.reason === "RATE_LIMITED" && dailyLimit !== undefined) {
      throw ownKeyDailyLimitReached(dailyLimit, error.extra.retryAfterSeconds ?? 3600);
    }
    throw error;
  }
}

/**
 * The key's status with today's count of calls made with it (`callsToday`), when there is a key. The
 * count is a figure to show: if it cannot be read (logged), the status goes without it rather than
 * turning a key that was just saved into a failure.
 */
export async function withTodaysUsage(uid: string, status: ApiKeyStatus): Promise<ApiKeyStatus> {
  if (!status.hasKey) return status;
  const callsToday = await readWindowCount({ uid, ...ownKeyDaily(status.provider) }).catch(() => undefined);
  return callsToday === undefined ? status : { ...status, callsToday };
}
