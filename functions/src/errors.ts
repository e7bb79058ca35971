import { HttpsError, type FunctionsErrorCode } from "firebase-functions/v2/https";
import type { ErrorAction, ErrorDetails, Reason } from "./contract";
import { unexpectedError } from "./logs";
import { providerInfo, type Provider } from "./providers";

export type { Reason } from "./contract";

/** The one Reason -> HttpsError code table (documented in docs/callables.md). */
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
  // The ID token was valid, but its account is gone, disabled or signed out everywhere.
  SESSION_ENDED: "unauthenticated",
  PRACTICE_NOT_FOUND: "not-found",
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
    readonly extra: { retryAfterSeconds?: number; action?: ErrorAction; provider?: Provider } = {},
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

/**
 * The provider declined the content: its safety settings, or (OpenRouter's 403) the moderation a model
 * requires flagged the input. About what was asked, never the key, whose state stays as it is.
 */
export function blockedContent(provider: Provider): AppError {
  const { label } = providerInfo[provider];
  return invalidInput(
    provider === "openrouter"
      ? "OpenRouter declined this request: the moderation the model requires flagged the input. Your key is fine; rephrase your input and try again."
      : `${label} declined to answer because of its safety settings. Rephrase your input and try again.`,
  );
}
/** generateFeedback named a practice the caller does not have (deleted, expired, or another user's). */
export const practiceNotFound = () =>
  new AppError("PRACTICE_NOT_FOUND", "This practice is no longer in your history (it was deleted or has expired). Start a new practice.");

/** The key is not one `provider` can run on; `problem` says what was pasted instead (providers.ts, checkKeyFormat). */
export const keyFormat = (problem: string) => new AppError("KEY_FORMAT", problem);

/**
 * The provider refused the key, at save time or when it was used. A key of a retired shape (Google's
 * "AIza") needs to hear that Google retired such keys, not "check your key": no check will make it work again.
 */
export function keyInvalid(provider: Provider, when: "saving" | "using", retiredShape = false): AppError {
  const { company, label, console } = providerInfo[provider];
  const extra = { action: when === "saving" ? ("provider_keys" as const) : ("settings" as const), provider };
  if (retiredShape) {
    return new AppError(
      "KEY_INVALID",
      when === "saving"
        ? "Google no longer accepts keys that start with “AIza” (it retired them in 2026), so this key was not saved. Create a new key in Google AI Studio (it starts with “AQ.”) and paste that one."
        : "Your saved key starts with “AIza”, a kind of key Google retired in 2026. Create a new key in Google AI Studio (it starts with “AQ.”) and replace the saved one in Settings.",
      extra,
    );
  }
  return new AppError(
    "KEY_INVALID",
    when === "saving"
      ? `${company} rejected this key, so it was not saved. Check it in ${console}, or create a new one there.`
      : `${company} rejected your saved ${label} key. It may have been deleted, restricted or suspended: replace it in Settings.`,
    extra,
  );
}

/**
 * The provider took the key, but it lacks a permission the app needs (an OpenAI restricted key without
 * access to models, an Anthropic key its workspace does not allow the model). Not a bad key: a wider one.
 */
export function keyNotPermitted(provider: Provider, when: "saving" | "using" | "checking"): AppError {
  const { company, label, console } = providerInfo[provider];
  const fix = `Give the key access to models in ${console} (or create a key with full access)`;
  const messages = {
    saving: `${company} accepted this key, but it lacks a permission Interview AI needs to use ${label} models, so it was not saved. ${fix}, then paste it again.`,
    using: `${company} accepted your saved ${label} key, but it lacks a permission Interview AI needs to use ${label} models. ${fix}, then try again.`,
    checking: `${company} accepted your saved ${label} key, but it lacks a permission Interview AI needs to use ${label} models. ${fix}, then check again.`,
  };
  return new AppError("KEY_NOT_PERMITTED", messages[when], { action: "provider_keys", provider });
}

/** No key to run on: for one provider the caller named, or (none named) for any provider. */
export const keyMissing = (provider?: Provider) =>
  new AppError(
    "KEY_MISSING",
    provider
      ? `You haven't added ${articleFor(providerInfo[provider].label)} ${providerInfo[provider].label} API key yet. Interview AI runs on your own key: add it in Settings.`
      : "You haven't added an API key yet. Interview AI runs on your own key (Gemini, OpenAI, Anthropic or OpenRouter): add one in Settings.",
    { action: "settings", ...(provider ? { provider } : {}) },
  );

const articleFor = (word: string) => (/^[AEIOU]/.test(word) ? "an" : "a");

/** The key's quota, credit or spend limit is used up: the provider's account, not Interview AI. */
export function quotaExceeded(provider: Provider, retryAfterSeconds?: number): AppError {
  const { company, label } = providerInfo[provider];
  const message =
    provider === "googleai"
      ? "Your Gemini key has run out of quota. The quota belongs to your key's Google project, not to Interview AI: " +
        `check that project's plan and billing, or try again ${inTime(retryAfterSeconds)} if it is a per-minute limit.`
      : provider === "openrouter"
        ? // OpenRouter's 402: the key's own credit limit, or the account's balance, cannot cover the request.
          "Your OpenRouter credit has run out: the key's credit limit or your OpenRouter balance cannot cover this request. " +
          "Add credits (or raise the key's limit) on OpenRouter's credits page, then try again. Nothing was charged for this request."
        : `Your ${label} key has run out of credit or reached its spend limit. That belongs to your ${company} account, not to Interview AI: check its billing and limits.`;
  return new AppError("QUOTA_EXCEEDED", message, { action: "provider_quota", provider, ...retryAfter(retryAfterSeconds) });
}

/** The key's account hit the provider's per-minute rate limit: the key is fine, a moment's wait is the fix. */
export const providerRateLimited = (provider: Provider, retryAfterSeconds?: number) =>
  new AppError(
    "QUOTA_EXCEEDED",
    `Your ${providerInfo[provider].label} key has reached its rate limit at ${providerInfo[provider].company} for the moment. Try again ${inTime(retryAfterSeconds)}.`,
    { action: "provider_quota", provider, ...retryAfter(retryAfterSeconds) },
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
 * The configured model is not served (retired, renamed, or not open to this key). That is the operator's
 * or the provider's to fix, not the user's key, which stays as it was.
 */
export function modelUnavailable(provider: Provider, model: string, when: "saving" | "using" | "checking" | "choosing"): AppError {
  const { company, console } = providerInfo[provider];
  const messages = {
    saving:
      provider === "googleai"
        ? `Google says this key cannot use the model Interview AI runs on (${model}), so it was not saved. If the key's Google project is restricted, create a key in AI Studio in a project with Gemini API access; otherwise we have been alerted and are on it.`
        : `${company} says this key cannot use the model Interview AI runs on (${model}), so it was not saved. If the key is limited to certain models, allow this one in ${console}; otherwise we have been alerted and are on it.`,
    using: `The AI model Interview AI runs on (${model}) is not available right now. Your key is fine and nothing was spent; we have been alerted — try again later.`,
    checking: `${company} says your key cannot use the model Interview AI runs on (${model}) right now, so it could not be confirmed. Its status was left as it was; we have been alerted — try again later.`,
    choosing: `Your ${company} key cannot use ${model} for Interview AI, so it was not chosen. Pick another model from the list, or keep Automatic.`,
  };
  return new AppError("MODEL_UNAVAILABLE", messages[when], { ...(when === "saving" ? { action: "provider_keys" as const } : {}), provider });
}

export const keyStoreUnavailable = () =>
  new AppError("KEY_STORE_UNAVAILABLE", "The secure key store is unavailable just now. Nothing was changed or lost; try again in a moment.");

/**
 * A stored record that will never decrypt again: the KMS key version that wrapped it is disabled or
 * destroyed, or it does not authenticate (tampered or moved). Not an outage, so not "try again".
 */
export const keyUnreadable = (provider: Provider) =>
  new AppError(
    "KEY_UNREADABLE",
    `Your saved ${providerInfo[provider].label} key can no longer be read, so it can't be used, and trying again won't change that. Enter your key again in Settings.`,
    { action: "settings", provider },
  );

export const aiUnavailable = (message = "The AI provider is temporarily unavailable. Nothing is lost; try again in a moment.") =>
  new AppError("AI_UNAVAILABLE", message);

/**
 * The call's App Check token was used before. The web app asks for a fresh one for every such call, so
 * a replay means a captured request sent again (or, rarely, a request the browser retried itself).
 */
export const appCheckReplayed = () =>
  new AppError("APP_CHECK_REPLAYED", "This request was already used once, so it was refused. Reload the page and try again.");

/** Why a verified ID token no longer lets its account act (platform/account-status.ts). */
export type SessionEndCause = "deleted" | "disabled" | "revoked";

/** The account behind a still-valid ID token was deleted, disabled or had its sessions revoked: sign in again. */
export function sessionEnded(cause: SessionEndCause): AppError {
  const messages: Record<SessionEndCause, string> = {
    deleted: "This account no longer exists, so nothing was done. Sign in again to continue.",
    disabled: "This account has been disabled, so nothing was done. Sign in again, or contact us if you think this is a mistake.",
    revoked: "Your session has ended, so nothing was done. Sign in again to continue.",
  };
  return new AppError("SESSION_ENDED", messages[cause], { action: "sign_in" });
}

/** Firebase Auth could not be asked whether the account may act: nothing was done (the check fails closed). */
export const accountCheckUnavailable = () =>
  new AppError("KEY_STORE_UNAVAILABLE", "Your account could not be checked just now. Nothing was changed or spent; try again in a moment.");

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
