import type { UpstreamFailure } from "../upstream-failure";
import { isRecord } from "../json-values";

/**
 * Reads OpenRouter's error envelope `{"error":{"code","message","metadata"?}}` by its structured fields
 * only: `error.code` (OpenRouter's number, the HTTP status of a request error), the HTTP status when the
 * body has none, `metadata.reasons` of a moderation refusal and the `retry-after` header. Never
 * `error.message`, nor `metadata.raw` / `metadata.flagged_input`: they can quote the request, and
 * messages change. The table this implements and its sources are in docs/openrouter-api.md §4.
 */

/** What the classifier reads of a response's headers: a fetch `Headers` or anything with its `get`. */
export type HeaderReader = Pick<Headers, "get">;

/**
 * Classifies an HTTP status plus (possibly absent or non-JSON) body and headers from the OpenRouter API,
 * or an `error` object found inside a 200 answer (an error met while the model was answering).
 * `httpStatus` undefined means no status was read (treated like a server error).
 */
export function classifyOpenRouterFailure(httpStatus: number | undefined, body: unknown, headers?: HeaderReader): UpstreamFailure {
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  const code = typeof error?.code === "number" && Number.isInteger(error.code) ? error.code : httpStatus;
  switch (code) {
    case 401:
      // An invalid, disabled or expired key (or an expired OAuth session).
      return { kind: "key_invalid" };
    case 402:
      // The key's own limit, or the account's balance, cannot cover the request.
      return { kind: "quota" };
    case 403:
      // The model requires moderation and the input was flagged (`metadata.reasons`): the content is
      // declined, the key is fine. OpenRouter documents no other 403.
      return { kind: "blocked" };
    case 404:
      // The model is not routed (removed), or no endpoint serves it with every parameter asked for
      // (`require_parameters`, the schema included): the model's choice, not the key.
      return { kind: "model_unavailable" };
    case 502:
    case 503:
      // The model's provider is down or overloaded, or no provider is available for it now: the model is busy.
      return { kind: "model_busy" };
    case 408:
      // A timeout: worth one more attempt.
      return { kind: "transient" };
    case 429:
      return { kind: "rate_limited", retryAfterSeconds: retryAfterSeconds(headers) };
  }
  if (code === undefined || code >= 500) return { kind: "transient" };
  return { kind: "unexpected" };
}

/** Whether a 403's metadata names moderation reasons (for the stand-in's tests and the docs' table). */
export function moderationReasonsOf(body: unknown): string[] {
  const error = isRecord(body) && isRecord(body.error) ? body.error : undefined;
  const reasons = isRecord(error?.metadata) ? error.metadata.reasons : undefined;
  return Array.isArray(reasons) ? reasons.filter((reason): reason is string => typeof reason === "string") : [];
}

/** `retry-after` in whole seconds: a number of seconds or an HTTP date. */
function retryAfterSeconds(headers: HeaderReader | undefined): number | undefined {
  const value = headers?.get("retry-after")?.trim();
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - Date.now()) / 1000)) : undefined;
}
