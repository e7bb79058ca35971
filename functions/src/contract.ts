import type { z } from "zod";
import type {
  GenerateFeedbackInputSchema,
  GenerateFeedbackResult as FeedbackAnswer,
  GenerateQuestionsInputSchema,
  GenerateQuestionsResult as QuestionsAnswer,
} from "./ai/schemas";
import type { Provider } from "./providers";

/**
 * The callables' wire contract, as types only. The web app imports this file with `import type`, so
 * nothing of the backend reaches its bundle, yet client and server cannot drift apart unnoticed.
 * Keep it free of Node and Firebase imports: the browser's type-check reads it too.
 */

export type { Provider } from "./providers";
export type { AnswerFeedback, KeySource, Progress, Question } from "./ai/schemas";
/** An AI call's result: the flow's answer, who paid, which model answered (and why, if a fallback) and what it used. */
export type GenerateQuestionsResult = QuestionsAnswer & AnsweredBy;
export type GenerateFeedbackResult = FeedbackAnswer & AnsweredBy;
export type { HistoryRetention, HistoryRetentionDays, PracticeAttempt, PracticeDocument, PracticeQuestion } from "./practices/schemas";

/** Why a call failed, as the client sees it in `details.reason`. */
export type Reason =
  | "INVALID_INPUT"
  | "KEY_FORMAT"
  | "KEY_INVALID"
  | "KEY_NOT_PERMITTED"
  | "KEY_MISSING"
  | "QUOTA_EXCEEDED"
  | "RATE_LIMITED"
  | "MODEL_UNAVAILABLE"
  | "KEY_STORE_UNAVAILABLE"
  | "AI_UNAVAILABLE"
  | "KEY_UNREADABLE"
  | "APP_CHECK_REPLAYED"
  | "SESSION_ENDED"
  | "PRACTICE_NOT_FOUND";


/**
 * The next step a failure suggests, in `details.action`; the message itself is the server's, written
 * for the user's situation. `settings`: add, fix or replace the key in Settings; `provider_keys`: the
 * provider's page where keys are created; `provider_quota`: the provider's page about quotas; `sign_in`:
 * sign in again (the session ended: the account was deleted or disabled, or its sessions revoked).
 */
export type ErrorAction = "settings" | "provider_keys" | "provider_quota" | "sign_in";

/** What `HttpsError.details` holds for every failure the functions expect. */
export interface ErrorDetails {
  reason: Reason;
  action?: ErrorAction;
  /** Whose key or API the failure is about: `provider_keys` and `provider_quota` lead to that provider's pages. */
  provider?: Provider;
  retryAfterSeconds?: number;
}

/**
 * `unreadable`: the stored record can never be decrypted again (the KMS key version that wrapped it is
 * disabled or destroyed, or the record fails its integrity check); only entering the key again helps.
 */
export type KeyState = "active" | "unverified" | "invalid" | "quota_exhausted" | "unreadable";

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
  /** When the key stops being usable, as its owner chose at save time (absent: never). */
  expiresAt?: string;
  /** The key is older than KEY_ROTATION_REMINDER_DAYS: time to replace it with a fresh one. */
  rotationDue?: boolean;
  /** The user's own limit on AI calls a UTC day with this key; absent when there is none. */
  dailyLimit?: number;
  /** AI calls made with the key today (UTC), counted against `dailyLimit`: "12 of 30 today". */
  callsToday?: number;
  /**
   * The key's own credit as its provider last reported it (OpenRouter: US dollars): what is left of its
   * limit and the limit (null: the key has no limit), and when that was read (at save, "Check again",
   * or after a call). Absent for providers that do not report it.
   */
  credit?: { remaining: number | null; limit: number | null; checkedAt: string };
  /** The model the owner chose for this key (`setModel`); null: the operator's default. Present when there is a key. */
  model?: string | null;
  /**
   * The operator's model for this provider (GEMINI_MODEL and the like): what a key without a choice runs on,
   * "Automatic (default: …)" in Settings and the model Practice names. Present when there is a key.
   */
  defaultModel?: string;
  /** Tokens the provider reported for today's calls (UTC) with this key, beside `callsToday`. */
  tokensToday?: TokenUsage;
  /** What today's calls cost, where it is known (see `CallCost`); absent when no call's cost is known. */
  costToday?: CallCost;
}

/** Tokens of one call, or summed over a day, as the provider's own usage fields report them. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** Thinking (reasoning) tokens, billed as output by every provider we serve; 0 where none were reported. */
  thinkingTokens: number;
}

/**
 * What a call (or a day's calls) cost in US dollars. `estimate`: from the app's price table, as of
 * `priceDate` (the table row's date), shown only for models the table knows; `reported`: the provider
 * said so itself (OpenRouter).
 */
export interface CallCost {
  usd: number;
  kind: "estimate" | "reported";
  /** For estimates: the date of the price table row the figure comes from (YYYY-MM-DD). */
  priceDate?: string;
}

/** One model a key can use for this app, as `apiKeyModels` lists it: recommended ones first. */
export interface ModelOption {
  id: string;
  label: string;
  /** E.g. "recommended", or what it costs where the price table knows ("$0.10 / $0.50 per M tokens"). */
  note?: string;
}

/** `apiKeyModels({ provider })`: the caller's key's models, their choice (null: none) and the operator's default. */
export interface ApiKeyModels {
  models: ModelOption[];
  selected: string | null;
  default: string;
}

/** `setModel({ provider, model })`'s result: the key's status, `model` set to the choice. */
export interface SetModelResult {
  status: ApiKeyStatus;
}

/**
 * Which model answered an AI call, and why it was not the first choice when it was not: the first choice was
 * `busy` (the provider's overloaded answers) or `retired` (gone: 404). A retired model the user had chosen
 * is cleared from their key's settings (`choiceCleared`), so the app explains it once.
 */
export interface AnsweredBy {
  model: string;
  fallback?: true;
  fallbackFrom?: { model: string; why: "busy" | "retired"; choiceCleared?: true };
  usage?: TokenUsage & { cost?: CallCost };
}

/**
 * One event in a key's life, as the audit trail stores it (with uid, provider and time) and as the owner
 * sees it in `apiKeyActivity`. Outcomes and states only: never key material, never upstream text.
 * - `set`: an attempt to save a key; `stored` or `replaced` when it was saved, otherwise why not.
 * - `verify`: `verifyApiKey` asked Google about the stored key; `state` is what it became.
 * - `use`: an AI call failed because of the key (Google rejected it, or its quota ran out).
 * - `state_change`: the key's state changed otherwise (e.g. back to `active` after a successful use, or
 *   `unreadable` when its record could not be decrypted).
 * - `rewrap`: the re-wrap job moved the key's data key to the current KMS key version (or found it unreadable,
 *   or, `recovered`, found an unreadable key readable again because its KMS key version was enabled again).
 * - `expire`: the key reached the expiry its owner chose and was deleted.
 * - `remove`: the owner removed the key (`absent`: there was none), or their account was deleted.
 * - `model`: the owner chose a model for the key (`chosen`), went back to the operator's default (`reset`),
 *   or the model they chose was retired by the provider and their choice was cleared (`retired`).
 * `not_permitted`: the provider took the key but it lacks a permission the app needs (a restricted key).
 */
export type KeyEvent =
  | {
      event: "set";
      outcome:
        | "stored"
        | "replaced"
        | "rejected_format"
        | "rejected_by_provider"
        | "not_permitted"
        | "model_unavailable"
        | "provider_unreachable"
        | "store_failed";
      state?: KeyState;
    }
  | { event: "verify"; outcome: "valid" | "rejected_by_provider" | "quota_exhausted" | "not_permitted" | "model_unavailable" | "provider_unreachable"; state?: KeyState }
  | { event: "use"; outcome: "rejected_by_provider" | "quota_exhausted"; state?: KeyState }
  | { event: "state_change"; outcome: KeyState }
  | { event: "rewrap"; outcome: "rewrapped" | "unreadable" | "recovered" }
  | { event: "expire"; outcome: "deleted" }
  | { event: "remove"; outcome: "removed" | "absent" | "account_deleted" }
  | { event: "model"; outcome: "chosen" | "reset" | "retired"; model?: string };

/** A key event as `apiKeyActivity` returns it; `at` is an ISO time. */
export type KeyActivityEvent = KeyEvent & { at: string };

/**
 * `apiKeyStatus({})`, without a provider: every provider's status in the registry's order, and the
 * provider the user prefers for AI calls (null: none chosen, the first with a usable key pays).
 */
export interface ApiKeyStatuses {
  statuses: ApiKeyStatus[];
  preferredProvider: Provider | null;
  /**
   * The app's shared key, when this caller may run on it (ALLOW_DEFAULT_KEY is on and their account is
   * verified and not anonymous): which provider it is and the calls a day it allows them. An AI call runs
   * on it only when the user has no key of their own. Null: no shared key for this caller.
   */
  sharedKey: { provider: "googleai"; dailyCap: number } | null;
}

/** `removeApiKey`'s result. With `provider: "all"`, `removedProviders` names the keys that were removed. */
export interface RemoveApiKeyResult {
  removed: boolean;
  removedProviders?: Provider[];
}

/** What a client sends (defaults not yet applied, so optional fields stay optional). */
export type GenerateQuestionsRequest = z.input<typeof GenerateQuestionsInputSchema>;
export type GenerateFeedbackRequest = z.input<typeof GenerateFeedbackInputSchema>;
export type InterviewType = GenerateQuestionsRequest["interviewType"];
export type Seniority = NonNullable<GenerateQuestionsRequest["seniority"]>;
