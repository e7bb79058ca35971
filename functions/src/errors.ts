import { HttpsError, type FunctionsErrorCode } from "firebase-functions/v2/https";
import type { ErrorAction, ErrorDetails, Reason } from "./contract";
import { unexpectedError } from "./logs";

export type { Reason } from "./contract";

/** The one Reason -> HttpsError code table (documented in README.md). */
export const codeForReason: Record<Reason, FunctionsErrorCode> = {
  INVALID_INPUT: "invalid-argument",
  KEY_FORMAT: "invalid-argument",
  KEY_INVALID: "failed-precondition",
  KEY_NOT_PERMITTED: "failed-precondition",
  KEY_MISSING: "failed-precondition",
  QUOTA_EXCEEDED: "resource-exhausted",
  RATE_LIMITED: "resource-exhausted",
  MODEL_UNAVAILABLE: "failed-precondition",
  KEY_STORE_UNAVAILABLE: "unavailable",
  AI_UNAVAILABLE: "unavailable",
  KEY_UNREADABLE: "failed-precondition",
  // firebase-functions refuses a call without a valid App Check token as `unauthenticated`; a replayed one alike.
  APP_CHECK_REPLAYED: "unauthenticated",
};

/**
 * An expected failure. `message` is what the user reads, written here for their actual situation (the
 * web app shows it as is), so it must never carry a key, an upstream response body or anything else the
 * caller did not already know.
 */
export class AppError extends Error {
  constructor(
    readonly reason: Reason,
    message: string,
    readonly extra: { retryAfterSeconds?: number; action?: ErrorAction } = {},
  ) {
    super(message);
    this.name = "AppError";
  }
}

/** "in 59 seconds", "in about 5 minutes": when a limit lifts. */
function inTime(seconds: number | undefined): string {
  if (seconds === undefined || seconds <= 0) return "in a minute";
  if (seconds < 90) return `in ${Math.ceil(seconds)} second${seconds > 1 ? "s" : ""}`;
  if (seconds < 90 * 60) return `in about ${Math.round(seconds / 60)} minutes`;
  return `in about ${Math.round(seconds / 3600)} hours`;
}

const retryAfter = (seconds: number | undefined) => (seconds === undefined ? {} : { retryAfterSeconds: seconds });

export const invalidInput = (message: string) => new AppError("INVALID_INPUT", message);

/** The key is not one `provider` can run on; `problem` says what was pasted instead (providers.ts, checkKeyFormat). */
export const keyFormat = (problem: string) => new AppError("KEY_FORMAT", problem);

/**
 * Google refused the key, at save time or when it was used. A key of a retired shape ("AIza") needs to
 * hear that Google retired such keys, not "check your key": no check will make it work again.
 */
export function keyInvalid(when: "saving" | "using", retiredShape: boolean): AppError {
  if (retiredShape) {
    return new AppError(
      "KEY_INVALID",
      when === "saving"
        ? "Google no longer accepts keys that start with “AIza” (it retired them in 2026), so this key was not saved. Create a new key in Google AI Studio (it starts with “AQ.”) and paste that one."
        : "Your saved key starts with “AIza”, a kind of key Google retired in 2026. Create a new key in Google AI Studio (it starts with “AQ.”) and replace the saved one in Settings.",
      { action: when === "saving" ? "provider_keys" : "settings" },
    );
  }
  return new AppError(
    "KEY_INVALID",
    when === "saving"
      ? "Google rejected this key, so it was not saved. Check it in Google AI Studio, or create a new one there."
      : "Google rejected your saved Gemini key. It may have been deleted, restricted or suspended: replace it in Settings.",
    { action: when === "saving" ? "provider_keys" : "settings" },
  );
}

export const keyMissing = () =>
  new AppError("KEY_MISSING", "You haven't added a Gemini API key yet. Interview AI runs on your own key: add it in Settings.", {
    action: "settings",
  });

export const quotaExceeded = (retryAfterSeconds?: number) =>
  new AppError(
    "QUOTA_EXCEEDED",
    "Your Gemini key has run out of quota. The quota belongs to your key's Google project, not to Interview AI: " +
      `check that project's plan and billing, or try again ${inTime(retryAfterSeconds)} if it is a per-minute limit.`,
    { action: "provider_quota", ...retryAfter(retryAfterSeconds) },
  );

/** The daily allowance on the project's key is used up: the user's own key is the way on. */
export const defaultKeyCapReached = (dailyCap: number, retryAfterSeconds: number) =>
  new AppError(
    "QUOTA_EXCEEDED",
    `You have used today's ${dailyCap} AI requests on the app's shared key. Add your own Gemini API key in Settings, or try again ${inTime(retryAfterSeconds)}.`,
    { action: "settings", retryAfterSeconds },
  );

/** The user's own daily limit on calls with their key (set in Settings) is reached. */
export const ownKeyDailyLimitReached = (dailyLimit: number, retryAfterSeconds: number) =>
  new AppError(
    "QUOTA_EXCEEDED",
    `You have made today's ${dailyLimit} AI request${dailyLimit === 1 ? "" : "s"} your daily limit allows on your key. Raise or remove the limit in Settings, or try again ${inTime(retryAfterSeconds)}.`,
    { action: "settings", retryAfterSeconds },
  );

/** The shared key's project-wide budget for the day is spent: for everyone, so a key of one's own is the way on. */
export const sharedKeyBudgetSpent = (retryAfterSeconds: number) =>
  new AppError(
    "QUOTA_EXCEEDED",
    `The app's shared Gemini key has reached today's limit for all users. Add your own Gemini API key in Settings, or try again ${inTime(retryAfterSeconds)}.`,
    { action: "settings", retryAfterSeconds },
  );

/** Only verified, non-anonymous accounts may run on the shared key: others need a key of their own. */
export const sharedKeyNeedsVerifiedAccount = () =>
  new AppError(
    "KEY_MISSING",
    "You haven't added a Gemini API key yet. The app's shared key is only for accounts with a verified email address: verify yours, or add your own key in Settings.",
    { action: "settings" },
  );

/** Google's quota for the project's own key ran out: not the user's doing, and their own key avoids it. */
export const defaultKeyOutOfQuota = (retryAfterSeconds?: number) =>
  new AppError(
    "QUOTA_EXCEEDED",
    "The app's shared Gemini key is out of quota for now. Add your own Gemini API key in Settings, or try again later.",
    { action: "settings", ...retryAfter(retryAfterSeconds) },
  );

export const rateLimited = (retryAfterSeconds: number) =>
  new AppError("RATE_LIMITED", `That's a lot of requests in a short time. Try again ${inTime(retryAfterSeconds)}.`, { retryAfterSeconds });

/**
 * The configured model is not served (retired, renamed, or not open to this key's project). That is the
 * operator's or Google's to fix, not the user's key, which stays as it was.
 */
export function modelUnavailable(model: string, when: "saving" | "using" | "checking"): AppError {
  const messages = {
    saving: `Google says this key cannot use the model Interview AI runs on (${model}), so it was not saved. If the key's Google project is restricted, create a key in AI Studio in a project with Gemini API access; otherwise we have been alerted and are on it.`,
    using: `The AI model Interview AI runs on (${model}) is not available right now. Your key is fine and nothing was spent; we have been alerted — try again later.`,
    checking: `Google says your key cannot use the model Interview AI runs on (${model}) right now, so it could not be confirmed. Its status was left as it was; we have been alerted — try again later.`,
  };
  return new AppError("MODEL_UNAVAILABLE", messages[when], when === "saving" ? { action: "provider_keys" } : {});
}

export const keyStoreUnavailable = () =>
  new AppError("KEY_STORE_UNAVAILABLE", "The secure key store is unavailable just now. Nothing was changed or lost; try again in a moment.");

/**
 * A stored record that will never decrypt again: the KMS key version that wrapped it is disabled or
 * destroyed, or it does not authenticate (tampered or moved). Not an outage, so not "try again".
 */
export const keyUnreadable = () =>
  new AppError(
    "KEY_UNREADABLE",
    "Your saved Gemini key can no longer be read, so it can't be used, and trying again won't change that. Enter your key again in Settings.",
    { action: "settings" },
  );

export const aiUnavailable = (message = "Gemini is temporarily unavailable. Nothing is lost; try again in a moment.") =>
  new AppError("AI_UNAVAILABLE", message);

/**
 * The call's App Check token was used before. The web app asks for a fresh one for every such call, so
 * a replay means a captured request sent again (or, rarely, a request the browser retried itself).
 */
export const appCheckReplayed = () =>
  new AppError("APP_CHECK_REPLAYED", "This request was already used once, so it was refused. Reload the page and try again.");

/** Turns an AppError into the HttpsError the client receives; anything else becomes a bare `internal`. */
export function toHttpsError(error: unknown): HttpsError {
  if (error instanceof HttpsError) return error;
  if (error instanceof AppError) {
    const details: ErrorDetails = { reason: error.reason, ...error.extra };
    return new HttpsError(codeForReason[error.reason], error.message, details);
  }
  return new HttpsError("internal", "Something went wrong on our side. Try again later.");
}

/**
 * The one place an onCall handler's failures are translated: AppErrors keep their reason, HttpsErrors
 * pass through, and anything else is logged by type (not message) and reported as `internal`.
 */
export function withErrorMapping<Args extends unknown[], Result>(
  handler: (...args: Args) => Promise<Result>,
): (...args: Args) => Promise<Result> {
  return async (...args) => {
    try {
      return await handler(...args);
    } catch (error) {
      if (!(error instanceof AppError) && !(error instanceof HttpsError)) unexpectedError(error);
      throw toHttpsError(error);
    }
  };
}
