import type { GenerateRequest, GenerateResponseData } from "genkit/model";

/**
 * What the app needs of a provider's API, implemented once per provider in provider-apis/<provider>/.
 * Types only here: the key check must load without Genkit or any provider SDK (key management never
 * loads them), so each half is its own module.
 */

/** Where and how long: the provider's endpoint (GEMINI_API_BASE_URL and the like), the configured model. */
export interface KeyCheckOptions {
  /** Origin of the provider's API, without a path or trailing slash, e.g. "https://api.openai.com". */
  baseUrl: string;
  /** The model the app runs on for this provider: the check confirms the key can use it. */
  model: string;
  timeoutMs: number;
  /**
   * Told the key's credit when the provider reports it with its answer about the key (OpenRouter's
   * `GET /api/v1/key`); the other providers never call it.
   */
  onCredit?: (credit: KeyCredit) => void;
}

/**
 * A key's own credit as its provider reports it, in the provider's credits (US dollars for OpenRouter):
 * what is left of the key's limit, and the limit. Null: the key has no limit.
 */
export interface KeyCredit {
  remaining: number | null;
  limit: number | null;
}

/**
 * The provider's answer about a key, asked without spending tokens: usable; genuine but out of quota or
 * credit; refused; genuine but lacking a permission the app needs; the model not served to it; an error
 * of the provider's own (`unreachable`); or no answer at all (`no_answer`: not reached, timed out, redirected).
 */
export type KeyCheck = "valid" | "quota_exhausted" | "rejected_by_provider" | "not_permitted" | "model_unavailable" | "unreachable" | "no_answer";

/**
 * Asks the provider about a key. Never follows a redirect (it would carry the key's header elsewhere),
 * never reads or passes on message text.
 */
export type CheckKey = (apiKey: string, options: KeyCheckOptions) => Promise<KeyCheck>;

/** One upstream request of a generation, with the caller's key. */
export interface ProviderCall {
  apiKey: string;
  baseUrl: string;
  model: string;
  /** The cap on output (thinking included where the provider bills it as output). */
  maxOutputTokens: number;
  /** Cut when the attempt's deadline passes or the caller goes away: the request in flight must stop. */
  abortSignal: AbortSignal;
  /** The app's public URL and name, for providers that credit the app sending a request (OpenRouter). */
  attribution?: AppAttribution;
}

/** OPENROUTER_APP_URL and OPENROUTER_APP_NAME: empty values are not sent. */
export interface AppAttribution {
  url: string;
  title: string;
}

/**
 * Sends one request (no retries of its own: SDK retries are off, the caller's budget decides) and
 * returns the model's answer as Genkit's model data, or throws an UpstreamCallError with the
 * classification of what the provider answered. A request that got no answer (network error, abort) may
 * throw anything else: the caller tells a cancellation from a timeout itself.
 *
 * Structured output: when `request.output?.schema` is set, the provider is asked for JSON of that schema
 * with its native structured output where the model has it; the answer is returned as text for Genkit to
 * parse and validate. A refusal or safety stop is `blocked`.
 */
export type GenerateOnce = (request: GenerateRequest, call: ProviderCall) => Promise<GenerateResponseData>;

/** One model of a provider's live list that can give the app's structured answers: its id and display name. */
export interface ListedModel {
  id: string;
  /** The provider's display name where it gives one, else the id. */
  label: string;
}

/**
 * The provider's answer to a model listing: the models the key can use for this app (the provider's
 * order), or why there is no list — the same verdicts as a key check (`valid` never appears here).
 */
export type ModelListing = { models: ListedModel[] } | { failure: Exclude<KeyCheck, "valid"> };

/**
 * Reads the provider's live model list with the key (plain fetch, redirects refused, bounded by
 * `timeoutMs`; no tokens spent) and keeps only the models that can answer with the JSON schema the
 * flows send. Never reads or passes on message text.
 */
export type ListModels = (apiKey: string, options: Omit<KeyCheckOptions, "model" | "onCredit">) => Promise<ModelListing>;
