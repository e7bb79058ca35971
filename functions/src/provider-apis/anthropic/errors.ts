import type { UpstreamFailure } from "../upstream-failure";

/**
 * Reads Anthropic's error answers — `{"type":"error","error":{"type","message"[,"details"]},"request_id"}`
 * — from their structured fields: the HTTP status, `error.type`, `error.details.error_code`, and the
 * `retry-after` / `x-should-retry` headers. Never the message text. The bodies, and what each becomes,
 * are in docs/openai-anthropic-api.md (Anthropic).
 *
 * One exception to "structured fields decide" is forced on us: a credit balance too low, and an
 * organization's own spend limit, come back as a plain 400 `invalid_request_error` with no code, the same
 * as a malformed request; only the message tells them apart. The app builds every request itself (and the
 * adapter's tests hold the stand-in, which refuses what Anthropic refuses, to it), so a 400
 * `invalid_request_error` without a code is read as "Anthropic refused this key's request: check credit
 * and limits" — `quota` — as the reference advises, rather than by matching the message.
 */

/** Codes of a 429 that mean spend, not speed: no `retry-after`, nothing to wait for within minutes. */
const spendLimitCodes = new Set(["enforced_spend_limit_reached", "contract_spend_limit_reached"]);

/** Codes of a 400 that mean the organization itself is shut off (trust and safety): the key cannot work. */
const organizationDisabledCodes = new Set(["organization_on_hold"]);

/** The status each error type comes with, for a body read without its HTTP status. */
const statusOfErrorType: Partial<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

interface AnthropicErrorBody {
  type?: unknown;
  error?: { type?: unknown; details?: { error_code?: unknown } | null } | null;
}

/** Response headers as `fetch` (a `Headers`) or a plain record gives them. */
export type ResponseHeaders = Headers | Readonly<Record<string, string | undefined>>;

function header(headers: ResponseHeaders | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | undefined>>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : record[key];
}

/** `retry-after` in seconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterSeconds(headers: ResponseHeaders | undefined, now = Date.now()): number | undefined {
  const value = header(headers, "retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value));
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Classifies an HTTP status plus (possibly absent or non-JSON) body and headers from Anthropic's API. */
export function classifyAnthropicFailure(httpStatus: number | undefined, body: unknown, headers?: ResponseHeaders): UpstreamFailure {
  const error = body && typeof body === "object" ? (body as AnthropicErrorBody).error : undefined;
  const type = typeof error?.type === "string" ? error.type : undefined;
  const rawCode = error?.details && typeof error.details === "object" ? error.details.error_code : undefined;
  const code = typeof rawCode === "string" ? rawCode : undefined;
  const status = httpStatus ?? (type ? statusOfErrorType[type] : undefined);

  if (status === 401 || type === "authentication_error") return { kind: "key_invalid" };
  if (status === 403 || type === "permission_error") return { kind: "key_not_permitted" };
  if (status === 402 || type === "billing_error") return { kind: "quota" };
  if (status === 429 || type === "rate_limit_error") {
    // A tier's monthly cap or a contract's limit: genuine key, spent until the month (or contract) turns.
    if (code && spendLimitCodes.has(code)) return { kind: "quota" };
    // Requests, tokens or ramp-up per minute; an unknown code counts as its bare type, as the SDK says.
    return { kind: "rate_limited", retryAfterSeconds: retryAfterSeconds(headers) };
  }
  // Anthropic authenticates the key before it looks up the model, so a 404 here is about the model.
  if (status === 404 || type === "not_found_error") return { kind: "model_unavailable" };
  if (status === 400 || type === "invalid_request_error") {
    if (code && organizationDisabledCodes.has(code)) return { kind: "key_invalid" };
    // The documented exception above: no code is credit too low or a spend limit, on a request we know is well-formed.
    if (!code && type === "invalid_request_error") return { kind: "quota" };
    return { kind: "unexpected" };
  }
  // 529 `overloaded_error`: Anthropic's capacity, the model is busy.
  if (status === 529 || type === "overloaded_error") return { kind: "model_busy" };
  if (status === undefined || status >= 500 || status === 408) {
    // Anthropic says when a retry cannot help (the SDK obeys the same header).
    return header(headers, "x-should-retry") === "false" ? { kind: "unexpected" } : { kind: "transient" };
  }
  return { kind: "unexpected" };
}
