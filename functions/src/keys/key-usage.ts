import { FieldValue, type DocumentData } from "firebase-admin/firestore";
import type { ApiKeyStatus, CallCost, TokenUsage } from "../contract";
import { AppError, ownKeyDailyLimitReached } from "../errors";
import type { Provider } from "../providers";
import { addToWindow, consumeRateLimit, readWindow, type CountedWindow } from "../limits/rate-limit";
import { roundUsd } from "../ai/price-table";

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
 * The tokens (and cost) of a day's calls are kept in the same document as the day's count, in a map keyed
 * by the day's window start (`tokens.d<ms>`): incremented without reading it, and a new day starts from
 * nothing without a reset. Each write also drops the entries of the week before, so the map stays small.
 */
const tokensField = (windowStart: number) => `tokens.d${windowStart}`;
const keptDays = 7;

/**
 * Adds one call's tokens, and its cost when known, to today's figures of the user's key for `provider`:
 * one write beside the call's other bookkeeping (the caller runs it in parallel with it), no read.
 */
export async function recordOwnKeyTokens(uid: string, provider: Provider, usage: TokenUsage, cost: CallCost | undefined, now: () => number = Date.now): Promise<void> {
  const window = ownKeyDailyWindow(uid, provider);
  const dayMs = dailyWindowSeconds * 1000;
  const windowStart = Math.floor(now() / dayMs) * dayMs;
  const field = tokensField(windowStart);
  const fields: Record<string, unknown> = {
    [`${field}.inputTokens`]: FieldValue.increment(usage.inputTokens),
    [`${field}.outputTokens`]: FieldValue.increment(usage.outputTokens),
    [`${field}.thinkingTokens`]: FieldValue.increment(usage.thinkingTokens),
    ...(cost
      ? {
          [`${field}.costUsd`]: FieldValue.increment(cost.usd),
          [`${field}.costKind`]: cost.kind,
          ...(cost.priceDate ? { [`${field}.priceDate`]: cost.priceDate } : {}),
        }
      : {}),
  };
  for (let day = 1; day <= keptDays; day++) fields[tokensField(windowStart - day * dayMs)] = FieldValue.delete();
  await addToWindow(window, fields);
}

/** Today's tokens and cost as kept by recordOwnKeyTokens, from the day's document. */
export function todaysTokensOf(data: DocumentData | undefined, windowStart: number): Pick<ApiKeyStatus, "tokensToday" | "costToday"> {
  const day = (data?.tokens as Record<string, Record<string, unknown>> | undefined)?.[`d${windowStart}`];
  if (!day) return {};
  const count = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : 0);
  const tokensToday: TokenUsage = { inputTokens: count(day.inputTokens), outputTokens: count(day.outputTokens), thinkingTokens: count(day.thinkingTokens) };
  const kind = day.costKind === "reported" || day.costKind === "estimate" ? day.costKind : undefined;
  const costToday: CallCost | undefined =
    kind && typeof day.costUsd === "number"
      ? { usd: roundUsd(day.costUsd), kind, ...(typeof day.priceDate === "string" ? { priceDate: day.priceDate } : {}) }
      : undefined;
  return { tokensToday, ...(costToday ? { costToday } : {}) };
}

/**
 * The key's status with today's count of calls made with it (`callsToday`) and their tokens and cost
 * (`tokensToday`, `costToday`), when there is a key: one read. The figures are for showing: if they cannot
 * be read (logged), the status goes without them rather than turning a key that was just saved into a failure.
 */
export async function withTodaysUsage(uid: string, status: ApiKeyStatus): Promise<ApiKeyStatus> {
  if (!status.hasKey) return status;
  const today = await readWindow({ uid, ...ownKeyDaily(status.provider) }).catch(() => undefined);
  return today === undefined ? status : { ...status, callsToday: today.count, ...todaysTokensOf(today.data, today.windowStart) };
}
