import { HttpsError, type FunctionsErrorCode } from "firebase-functions/v2/https";
import type { Reason } from "./contract";
import { unexpectedError } from "./logs";

export type { Reason } from "./contract";

/** The one Reason -> HttpsError code table (documented in README.md). */
export const codeForReason: Record<Reason, FunctionsErrorCode> = {
  INVALID_INPUT: "invalid-argument",
  KEY_FORMAT: "invalid-argument",
  KEY_INVALID: "failed-precondition",
  KEY_MISSING: "failed-precondition",
  QUOTA_EXCEEDED: "resource-exhausted",
  RATE_LIMITED: "resource-exhausted",
  KEY_STORE_UNAVAILABLE: "unavailable",
  AI_UNAVAILABLE: "unavailable",
};

/**
 * An expected failure. `message` is shown to the user as is, so it must never carry a key,
 * an upstream response body or anything else the caller did not already know.
 */
export class AppError extends Error {
  constructor(
    readonly reason: Reason,
    message: string,
    readonly extra: { retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const invalidInput = (message: string) => new AppError("INVALID_INPUT", message);
export const keyFormat = () =>
  new AppError("KEY_FORMAT", "That does not look like a Gemini API key. Keys start with \"AIza\" and are 39 characters long.");
export const keyInvalid = () =>
  new AppError("KEY_INVALID", "Google rejected this API key. Check it in Google AI Studio, or create a new one.");
export const keyMissing = () =>
  new AppError("KEY_MISSING", "Add your Gemini API key in Settings to use the AI features.");
export const quotaExceeded = (retryAfterSeconds?: number) =>
  new AppError(
    "QUOTA_EXCEEDED",
    "Your Gemini API key has run out of quota. Check the quota and billing of its Google project, or wait and try again.",
    retryAfterSeconds === undefined ? {} : { retryAfterSeconds },
  );
export const rateLimited = (retryAfterSeconds: number) =>
  new AppError("RATE_LIMITED", `Too many requests. Try again in ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
export const keyStoreUnavailable = () =>
  new AppError("KEY_STORE_UNAVAILABLE", "Your key store is temporarily unavailable. Nothing was changed; try again in a moment.");
export const aiUnavailable = (message = "Gemini is temporarily unavailable. Try again in a moment.") =>
  new AppError("AI_UNAVAILABLE", message);

/** Turns an AppError into the HttpsError the client receives; anything else becomes a bare `internal`. */
export function toHttpsError(error: unknown): HttpsError {
  if (error instanceof HttpsError) return error;
  if (error instanceof AppError) {
    return new HttpsError(codeForReason[error.reason], error.message, { reason: error.reason, ...error.extra });
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
