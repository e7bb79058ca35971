import type { AnswerFault } from "./answer-faults";

/**
 * What a provider stand-in does with a request, decided by the API key it carries, in the shape every
 * stand-in shares; each stand-in names its own outcomes and markers (its key-behaviour.ts). Markers in
 * the key let a test, or a person typing a key into the app, pick a case without any setup.
 */

/** What `setBehaviour` installs for a key, overriding its markers. */
export interface KeyBehaviourOf<Outcome extends string> {
  outcome: Outcome;
  /** A fault in the answer to a generation request (dev/stand-in-http/answer-faults.ts); else the key's `dropanswer` marker decides. */
  fault?: AnswerFault;
  /** Wait this long before answering (the outcome still applies afterwards). */
  delayMs?: number;
  /**
   * Answer only once this settles (after `delayMs`, if both are given): lets a test hold requests in
   * flight until a condition holds, e.g. until a number of them have arrived, then release them together.
   */
  heldUntil?: Promise<unknown>;
}

/** How a provider's keys carry markers. */
export interface KeyMarkers<Outcome extends string> {
  /** Markers and the outcome each selects; the first listed marker the key carries wins. */
  outcomeMarkers: ReadonlyArray<readonly [marker: string, outcome: Outcome]>;
  /** Makes the answer wait the stand-in's slow delay. */
  slowMarker: string;
  /** Whether `apiKey` carries `marker` (anywhere in it, or at a fixed place for hex keys). */
  carries(apiKey: string, marker: string): boolean;
  /** An outcome the key's form decides whatever its markers (e.g. a retired key format), if any. */
  outcomeOfForm?(apiKey: string): Outcome | undefined;
}

/** The behaviour a key selects: its form, else its first marker, else "ok"; the slow marker adds a delay. */
export function behaviourFromMarkers<Outcome extends string>(markers: KeyMarkers<Outcome>, apiKey: string, slowDelayMs: number): KeyBehaviourOf<Outcome | "ok"> {
  const outcome = markers.outcomeOfForm?.(apiKey) ?? markers.outcomeMarkers.find(([marker]) => markers.carries(apiKey, marker))?.[1] ?? "ok";
  return markers.carries(apiKey, markers.slowMarker) ? { outcome, delayMs: slowDelayMs } : { outcome };
}

/** Lowercase letter markers anywhere in the key (Gemini, OpenAI and Anthropic keys). */
export const anywhereInKey = (apiKey: string, marker: string): boolean => apiKey.includes(marker);
