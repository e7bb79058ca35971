import type { z } from "zod";
import type { GenerateFeedbackInputSchema, GenerateQuestionsInputSchema } from "./ai/schemas";
import type { Provider } from "./providers";

/**
 * The callables' wire contract, as types only. The web app imports this file with `import type`, so
 * nothing of the backend reaches its bundle, yet client and server cannot drift apart unnoticed.
 * Keep it free of Node and Firebase imports: the browser's type-check reads it too.
 */

export type { Provider } from "./providers";
export type { GenerateFeedbackResult, GenerateQuestionsResult, KeySource, Progress, Question } from "./ai/schemas";

/** Why a call failed, as the client sees it in `details.reason`. */
export type Reason =
  | "INVALID_INPUT"
  | "KEY_FORMAT"
  | "KEY_INVALID"
  | "KEY_MISSING"
  | "QUOTA_EXCEEDED"
  | "RATE_LIMITED"
  | "MODEL_UNAVAILABLE"
  | "KEY_STORE_UNAVAILABLE"
  | "AI_UNAVAILABLE"
  | "APP_CHECK_REPLAYED";

/**
 * The next step a failure suggests, in `details.action`; the message itself is the server's, written
 * for the user's situation. `settings`: add, fix or replace the key in Settings; `provider_keys`: the
 * provider's page where keys are created; `provider_quota`: the provider's page about quotas.
 */
export type ErrorAction = "settings" | "provider_keys" | "provider_quota";

/** What `HttpsError.details` holds for every failure the functions expect. */
export interface ErrorDetails {
  reason: Reason;
  action?: ErrorAction;
  retryAfterSeconds?: number;
}

export type KeyState = "active" | "unverified" | "invalid" | "quota_exhausted";

/** What a client may learn about a stored key. Never the key, never ciphertext. Times are ISO strings. */
export interface ApiKeyStatus {
  provider: Provider;
  hasKey: boolean;
  /** The key's prefix and last four characters, e.g. "AQ.…wxyz". */
  hint?: string;
  state?: KeyState;
  createdAt?: string;
  updatedAt?: string;
  verifiedAt?: string;
  lastUsedAt?: string;
  usageCount?: number;
  /** The user's own limit on AI calls a UTC day with this key; absent when there is none. */
  dailyLimit?: number;
  /** AI calls made with the key today (UTC), counted against `dailyLimit`: "12 of 30 today". */
  callsToday?: number;
}

/** What a client sends (defaults not yet applied, so optional fields stay optional). */
export type GenerateQuestionsRequest = z.input<typeof GenerateQuestionsInputSchema>;
export type GenerateFeedbackRequest = z.input<typeof GenerateFeedbackInputSchema>;
export type InterviewType = GenerateQuestionsRequest["interviewType"];
export type Seniority = NonNullable<GenerateQuestionsRequest["seniority"]>;
