/**
 * What the OpenRouter stand-in does with a request, decided by the API key it carries. OpenRouter keys
 * are "sk-or-v1-" and 64 lowercase hex characters, so a marker is a few hex characters — mostly the
 * HTTP status it stands for — at the very start of those 64 (anchored, so a random key never selects one
 * by chance). A person typing a key into the app at `npm start` picks a case the same way:
 * "sk-or-v1-402" followed by 61 hex characters is a key out of credit.
 */

import { behaviourFromMarkers, type KeyBehaviourOf } from "../stand-in-http/key-behaviour";

/** How the stand-in answers a request carrying a given key. */
export type Outcome =
  /** Normal answers; the key has a limit of 10 credits, 2.5 used. */
  | "ok"
  /** 401 on every endpoint (an invalid or disabled key). */
  | "invalid-key"
  /** The key endpoint reports `expires_at` in the past; generation answers 401. */
  | "expired"
  /** A management (provisioning) key: the key endpoint says `is_management_key: true`; generation answers 401. */
  | "management-key"
  /** 500 on every endpoint but the models list (OpenRouter's own failure). */
  | "internal"
  /** The key endpoint reports `limit_remaining: 0`; generation answers 402. */
  | "no-credit"
  /** A free-tier key with no limit: `limit` and `limit_remaining` null. */
  | "no-limit"
  /** Generation answers 403: the model's moderation flagged the input (`metadata.reasons`). */
  | "moderation"
  /** Generation answers 408. */
  | "timeout"
  /** 429 on every endpoint, with `retry-after: 2`. */
  | "rate-limited"
  /** Generation answers 502: the model's provider failed. */
  | "provider-down"
  /** Generation answers 503: no provider meets the routing requirements. */
  | "no-provider"
  /** Generation sends the status line, headers and half of a 200 answer, then drops the connection. */
  | "drop-mid-response"
  /** Every endpoint answers 307 to the stand-in's redirect target (the server's `redirectTo`), the path kept. */
  | "redirect";

/**
 * What `setBehaviour` installs for a key, overriding its marker (dev/stand-in-http/key-behaviour.ts). No
 * `fault`: OpenRouter's faults are outcomes of their own ("drop-mid-response", "redirect").
 */
export type KeyBehaviour = Omit<KeyBehaviourOf<Outcome>, "fault">;

/** The markers, as the first hex characters after "sk-or-v1-"; the first that matches wins. */
export const outcomeMarkers: ReadonlyArray<readonly [marker: string, outcome: Outcome]> = [
  ["401", "invalid-key"],
  ["e0e0", "expired"],
  ["aaaa", "management-key"],
  ["500", "internal"],
  ["402", "no-credit"],
  ["f2ee", "no-limit"],
  ["403", "moderation"],
  ["408", "timeout"],
  ["429", "rate-limited"],
  ["502", "provider-down"],
  ["503", "no-provider"],
  ["dc0", "drop-mid-response"],
  ["307", "redirect"],
];

/** Alone at the start of the hex part: a normal answer after the stand-in's slow delay. */
export const slowMarker = "de1a";

const keyPrefix = "sk-or-v1-";

/** The behaviour a key selects; a key without a marker answers normally. */
export function behaviourFromKey(apiKey: string, slowDelayMs: number): KeyBehaviour {
  // Markers are prefixes of the hex part, so the slow marker (which starts like no outcome marker) stands alone.
  const carries = (key: string, marker: string) => key.startsWith(keyPrefix) && key.slice(keyPrefix.length).startsWith(marker);
  return behaviourFromMarkers({ outcomeMarkers, slowMarker, carries }, apiKey, slowDelayMs);
}

/** Which endpoint a request is for. */
export type Endpoint = "key" | "models" | "chat";

const everywhere: ReadonlySet<Outcome> = new Set(["invalid-key", "rate-limited", "internal", "redirect"]);

/** Whether `outcome` changes the answer of `endpoint` (else it answers normally; the key endpoint reads the outcome itself). */
export function outcomeApplies(outcome: Outcome, endpoint: Endpoint): boolean {
  if (outcome === "ok" || outcome === "no-limit") return false;
  if (everywhere.has(outcome)) return endpoint !== "models" || outcome === "redirect";
  return endpoint === "chat";
}
