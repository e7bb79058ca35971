import type { KeyCheck } from "./provider-api";

/**
 * What a provider's failure means for the user, whichever provider answered. Each provider's adapter
 * (provider-apis/<provider>/errors.ts) reads its API's structured error fields — never message text,
 * which can quote the key — into one of these.
 */
export type UpstreamFailure =
  /** The key is wrong, revoked, expired or its account disabled: the stored key is marked `invalid`. */
  | { kind: "key_invalid" }
  /** The provider took the key, but it lacks a permission the app needs (a restricted key): the key stays as it is. */
  | { kind: "key_not_permitted" }
  /** Out of quota, credit or spend limit: the key is genuine; it is marked `quota_exhausted`. */
  | { kind: "quota"; retryAfterSeconds?: number }
  /** A per-minute rate limit of the key's account: try again shortly; the key's state stays. */
  | { kind: "rate_limited"; retryAfterSeconds?: number }
  /** The model is not served, or not to this key. Never the key's fault: the operator's configuration. */
  | { kind: "model_unavailable" }
  /** The provider declined the content (safety filters, a refusal). */
  | { kind: "blocked" }
  /**
   * The model is busy: the provider's overloaded answer (Gemini 503 UNAVAILABLE, OpenAI 503
   * `server_is_overloaded`, Anthropic 529 `overloaded_error`, OpenRouter 502/503). Nothing was generated, so
   * nothing was billed: the call moves on to the next model of its chain (ai/model-chain.ts), within its budget.
   */
  | { kind: "model_busy" }
  /** An error of the provider's own (5xx): worth one more attempt within the call's budget. */
  | { kind: "transient" }
  | { kind: "unexpected" };

/**
 * What a failure answered to a key check (a models-API request, which runs no model) says of the key:
 * a rate limit counts only authenticated keys, so the key is genuine; an error of the provider's own, or
 * anything unexpected, leaves the question open.
 */
export function keyCheckOf(failure: UpstreamFailure): KeyCheck {
  switch (failure.kind) {
    case "key_invalid":
      return "rejected_by_provider";
    case "key_not_permitted":
      return "not_permitted";
    case "quota":
      return "quota_exhausted";
    case "rate_limited":
      return "valid";
    case "model_unavailable":
      return "model_unavailable";
    case "blocked":
    case "model_busy":
    case "transient":
    case "unexpected":
      return "unreachable";
  }
}

/** A model call's failure: what the provider answered, or no answer at all, or the caller gone. */
export type UpstreamCallFailure =
  | UpstreamFailure
  /**
   * No answer came: the per-attempt deadline passed, or the connection failed. The request may have
   * reached the provider and be generating — and billed — so it is never retried.
   */
  | { kind: "no_answer" }
  /** The caller went away (the client disconnected); nothing more is asked of the provider. */
  | { kind: "cancelled" };

/**
 * The only error a provider adapter lets out of a call. It carries the classification and nothing else:
 * not the provider's body, not an SDK's message (OpenAI's quotes part of the key), so whatever records
 * it — a span, a log line, the callable's error mapping — cannot record a key.
 */
export class UpstreamCallError extends Error {
  constructor(readonly failure: UpstreamCallFailure) {
    super(`Provider call failed: ${failure.kind}`);
    this.name = "UpstreamCallError";
  }
}
