import { anywhereInKey, behaviourFromMarkers, type KeyBehaviourOf } from "../stand-in-http/key-behaviour";

/**
 * What the stand-in does with a request, decided by the API key the request carries. Markers in
 * the key let a test, or a person typing a key into the app, pick a case without any setup.
 */

/** How the stand-in answers a request carrying a given key. */
export type Outcome =
  /** Normal answers. */
  | "ok"
  /** A standard "AIza" key, which Google refuses since the 2026 cut-off: the same 400 as an invalid key. */
  | "retired-key"
  /** 401 UNAUTHENTICATED, ErrorInfo ACCESS_TOKEN_TYPE_UNSUPPORTED (a message that wrongly talks about OAuth). */
  | "unsupported-key-type"
  /** 404 NOT_FOUND for every model: the key's project cannot use them (the models list still answers). */
  | "model-denied"
  /** 400 INVALID_ARGUMENT, ErrorInfo API_KEY_INVALID, "API key not valid…". */
  | "invalid-key"
  /** 400 INVALID_ARGUMENT, ErrorInfo API_KEY_INVALID, "API key expired…". */
  | "expired-key"
  /** 403 PERMISSION_DENIED, ErrorInfo API_KEY_SERVICE_BLOCKED (key restricted to other APIs). */
  | "service-blocked"
  /** 403 PERMISSION_DENIED, ErrorInfo CONSUMER_SUSPENDED; the message and a DebugInfo name the key. */
  | "suspended"
  /** 429 RESOURCE_EXHAUSTED on every endpoint, the models list included. */
  | "quota"
  /** The models list answers normally; generation answers 429 RESOURCE_EXHAUSTED. */
  | "generation-quota"
  /** 500 INTERNAL. */
  | "internal"
  /** 503 UNAVAILABLE, "The model is overloaded…". */
  | "overloaded"
  /** Generation answers 200 with `promptFeedback.blockReason: "SAFETY"` and no candidates. */
  | "prompt-blocked"
  /** Generation answers 200 with one candidate that has `finishReason: "SAFETY"` and no content. */
  | "answer-blocked";

/** What `setBehaviour` installs for a key, overriding its markers (dev/stand-in-http/key-behaviour.ts). */
export type KeyBehaviour = KeyBehaviourOf<Outcome>;

/**
 * Case-sensitive substrings of a key and the outcome each selects. The first listed marker that the
 * key contains wins, which is why `genquota` precedes `quota`. All are lowercase letters only, so a
 * marker fits inside a well-formed key ("AQ." + 50 of [0-9A-Za-z_-]).
 */
export const outcomeMarkers: ReadonlyArray<readonly [marker: string, outcome: Outcome]> = [
  ["tokentype", "unsupported-key-type"],
  ["nomodel", "model-denied"],
  ["expiredkey", "expired-key"],
  ["invalidkey", "invalid-key"],
  ["denied", "service-blocked"],
  ["suspended", "suspended"],
  ["genquota", "generation-quota"],
  ["quota", "quota"],
  ["servererror", "internal"],
  ["overloaded", "overloaded"],
  ["unsafeanswer", "answer-blocked"],
  ["blocked", "prompt-blocked"],
];

/** Combines with any outcome marker: `slow` alone is a delayed normal answer, `slowquota` a delayed 429. */
export const slowMarker = "slow";

/** Standard keys, all refused since Google's September 2026 cut-off whatever they contain. */
const retiredKeyPrefix = "AIza";

/**
 * The behaviour a key selects: a standard key is refused; an auth key's markers pick a case; an auth
 * key without markers is valid and answers at once.
 */
export function behaviourFromKey(apiKey: string, slowDelayMs: number): KeyBehaviour {
  return behaviourFromMarkers({ outcomeMarkers, slowMarker, carries: anywhereInKey, outcomeOfForm: (key) => (key.startsWith(retiredKeyPrefix) ? "retired-key" : undefined) }, apiKey, slowDelayMs);
}

/**
 * Outcomes that concern only generation. The models list, which is what a cheap key check calls,
 * answers normally for them, as Google's does: listing models spends no generation quota and runs
 * no safety filter.
 */
const generationOnlyOutcomes: ReadonlySet<Outcome> = new Set(["generation-quota", "prompt-blocked", "answer-blocked", "model-denied"]);

/** Whether `outcome` changes the answer of the models list (`models.get` of one model is refused by "model-denied" too). */
export function affectsModelsList(outcome: Outcome): boolean {
  return outcome !== "ok" && !generationOnlyOutcomes.has(outcome);
}
