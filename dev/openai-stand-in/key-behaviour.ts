import { anywhereInKey, behaviourFromMarkers, type KeyBehaviourOf } from "../stand-in-http/key-behaviour";

/**
 * What the OpenAI stand-in does with a request, decided by the API key it carries. Markers in the key let
 * a test, or a person typing a key into the app, pick a case without any setup.
 */

/** How the stand-in answers a request carrying a given key. */
export type Outcome =
  /** Normal answers. */
  | "ok"
  /** 401 `invalid_api_key`, the message quoting the masked key; also every admin key (`sk-admin-`). */
  | "invalid-key"
  /** 401 `account_deactivated`. */
  | "deactivated"
  /** A restricted key without scopes: 403 `code: null` (api.model.read) on the models endpoints, 401 `code: null` (model.request) on generation. */
  | "no-scope"
  /** A restricted key that may generate but not read models: 403 `code: null` on the models endpoints only. */
  | "no-model-read"
  /** 404 `model_not_found` for every model, on retrieve and generation; the models list still answers. */
  | "model-denied"
  /** Generation answers 429 `insufficient_quota` / `credit_balance_exhausted`; the models endpoints answer. */
  | "credit-exhausted"
  /** 429 `insufficient_quota` / `insufficient_quota` on every endpoint. */
  | "quota"
  /** 429 `rate_limit_exceeded` (type `requests` on the models endpoints, `tokens` on generation), with retry-after. */
  | "rate-limited"
  /** 500 `server_error`. */
  | "internal"
  /** 503 `server_is_overloaded`. */
  | "overloaded"
  /** Generation answers 200 with `message.refusal` set and no content. */
  | "refusal"
  /** Generation answers 200 with `finish_reason: "content_filter"` and no content. */
  | "content-filter";

/** What `setBehaviour` installs for a key, overriding its markers (dev/stand-in-http/key-behaviour.ts). */
export type KeyBehaviour = KeyBehaviourOf<Outcome>;

/**
 * Case-sensitive substrings of a key and the outcome each selects; the first listed marker the key
 * contains wins. Lowercase letters only, so a marker fits inside a well-formed key's random part.
 */
export const outcomeMarkers: ReadonlyArray<readonly [marker: string, outcome: Outcome]> = [
  ["invalidkey", "invalid-key"],
  ["deactivated", "deactivated"],
  ["noscope", "no-scope"],
  ["noread", "no-model-read"],
  ["nomodel", "model-denied"],
  ["nocredit", "credit-exhausted"],
  ["quota", "quota"],
  ["ratelimit", "rate-limited"],
  ["servererror", "internal"],
  ["overloaded", "overloaded"],
  ["refusal", "refusal"],
  ["contentfilter", "content-filter"],
];

/** Combines with any outcome marker: `slow` alone is a delayed normal answer, `slowquota` a delayed 429. */
export const slowMarker = "slow";

/** Admin keys manage an organization and cannot call models. */
const adminKeyPrefix = "sk-admin-";

/** The behaviour a key selects: an admin key is refused; otherwise its markers pick a case; no marker answers normally. */
export function behaviourFromKey(apiKey: string, slowDelayMs: number): KeyBehaviour {
  return behaviourFromMarkers({ outcomeMarkers, slowMarker, carries: anywhereInKey, outcomeOfForm: (key) => (key.startsWith(adminKeyPrefix) ? "invalid-key" : undefined) }, apiKey, slowDelayMs);
}

/** Which endpoint a request is for: the models list, one model's retrieve, or a chat completion. */
export type Endpoint = "list-models" | "get-model" | "chat";

const generationOnly: ReadonlySet<Outcome> = new Set(["credit-exhausted", "refusal", "content-filter"]);

/** Whether `outcome` changes the answer of `endpoint` (else it answers normally). */
export function outcomeApplies(outcome: Outcome, endpoint: Endpoint): boolean {
  if (outcome === "ok") return false;
  if (generationOnly.has(outcome)) return endpoint === "chat";
  if (outcome === "no-model-read") return endpoint !== "chat";
  if (outcome === "model-denied") return endpoint !== "list-models";
  return true;
}
