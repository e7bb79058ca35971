import { anywhereInKey, behaviourFromMarkers, type KeyBehaviourOf } from "../stand-in-http/key-behaviour";

/**
 * What the stand-in does with a request, decided by the key it carries. Markers in the key let a test,
 * or a person typing a key into the app, pick a case without any setup.
 */

/** How the stand-in answers a request carrying a given key. */
export type Outcome =
  /** Normal answers. */
  | "ok"
  /** 401 `authentication_error` "invalid x-api-key": unknown, revoked, expired or disabled key (one answer for all). */
  | "invalid-key"
  /** 401 `authentication_error` "OAuth authentication is currently not supported.": a Claude sign-in token. */
  | "oauth-token"
  /** 400 `invalid_request_error` with `details.error_code: "organization_on_hold"` (disabled for trust and safety). */
  | "organization-on-hold"
  /** 403 `permission_error`: the key may not use this resource. */
  | "permission-denied"
  /** 404 `not_found_error` "model: <id>" for every model (models.get and messages); the models list still answers. */
  | "model-denied"
  /** Messages answer 400 `invalid_request_error` "Your credit balance is too low…" (no code); the Models API answers. */
  | "credit-too-low"
  /** Messages answer 400 `invalid_request_error` "You have reached your specified API usage limits…" (no code). */
  | "usage-limit"
  /** 402 `billing_error`. */
  | "billing"
  /** Messages answer 429 `rate_limit_error` with `details.error_code: "enforced_spend_limit_reached"`, no `retry-after`. */
  | "spend-limit"
  /** 429 `rate_limit_error` with `retry-after`. */
  | "rate-limited"
  /** 500 `api_error`. */
  | "server-error"
  /** 529 `overloaded_error`, `x-should-retry: true`. */
  | "overloaded"
  /** Messages answer 504 `timeout_error`. */
  | "timeout-error"
  /** Messages answer 200 with `stop_reason: "refusal"` and `stop_details` (safety classifiers declined). */
  | "refusal"
  /** Messages answer 200 with `stop_reason: "max_tokens"` and the answer cut in half. */
  | "truncated";

/** What `setBehaviour` installs for a key, overriding its markers (dev/stand-in-http/key-behaviour.ts). */
export interface KeyBehaviour extends KeyBehaviourOf<Outcome> {
  /**
   * Make an outcome that Anthropic gives only on generation answer on the Models API too (a spend-limit
   * 429 to a key check, say), for cases no marker produces.
   */
  everywhere?: boolean;
}

/**
 * Case-sensitive substrings of a key and the outcome each selects; the first listed marker that the key
 * contains wins. All are lowercase letters only, so a marker fits inside an API key's random part
 * ("sk-ant-api03-" + 93 of [0-9A-Za-z_-] + "AA").
 */
export const outcomeMarkers: ReadonlyArray<readonly [marker: string, outcome: Outcome]> = [
  ["invalidkey", "invalid-key"],
  ["revokedkey", "invalid-key"],
  ["expiredkey", "invalid-key"],
  ["onhold", "organization-on-hold"],
  ["denied", "permission-denied"],
  ["nomodel", "model-denied"],
  ["nocredit", "credit-too-low"],
  ["usagelimit", "usage-limit"],
  ["billing", "billing"],
  ["spendlimit", "spend-limit"],
  ["ratelimit", "rate-limited"],
  ["servererror", "server-error"],
  ["overloaded", "overloaded"],
  ["gatewaytimeout", "timeout-error"],
  ["refusal", "refusal"],
  ["truncated", "truncated"],
];

/** Combines with any outcome marker: `slow` alone is a delayed normal answer, `slowratelimit` a delayed 429. */
export const slowMarker = "slow";

/** The one kind of key that may call models; everything else Anthropic answers with a 401. */
const apiKeyPrefix = /^sk-ant-api\d{2}-/;
/** Claude subscription OAuth tokens (access and refresh), which Anthropic names in its 401. */
const oauthTokenPrefix = /^sk-ant-o[ar]t\d{2}-/;

/**
 * The behaviour a key selects: an OAuth token gets Anthropic's OAuth 401, anything that is not an API key
 * (an Admin API key among them) the plain 401; an API key's markers pick a case, and without markers it
 * is valid and answers at once.
 */
export function behaviourFromKey(apiKey: string, slowDelayMs: number): KeyBehaviour {
  const outcomeOfForm = (key: string): Outcome | undefined => (oauthTokenPrefix.test(key) ? "oauth-token" : !apiKeyPrefix.test(key) ? "invalid-key" : undefined);
  return behaviourFromMarkers({ outcomeMarkers, slowMarker, carries: anywhereInKey, outcomeOfForm }, apiKey, slowDelayMs);
}

/**
 * Outcomes that concern only the Messages API. The Models API, which is what a cheap key check calls,
 * answers normally for them: listing or describing models spends no credit and runs no model (a denied
 * model is refused by models.get of that model, not by the list).
 */
const generationOnlyOutcomes: ReadonlySet<Outcome> = new Set([
  "credit-too-low",
  "usage-limit",
  "spend-limit",
  "timeout-error",
  "refusal",
  "truncated",
  "model-denied",
]);

/** Whether `behaviour` changes what the models list answers. */
export function affectsModelsList(behaviour: KeyBehaviour): boolean {
  return behaviour.outcome !== "ok" && (behaviour.everywhere === true || !generationOnlyOutcomes.has(behaviour.outcome));
}
