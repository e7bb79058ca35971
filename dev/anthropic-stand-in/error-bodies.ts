/**
 * Error answers shaped exactly like Anthropic's (docs/openai-anthropic-api.md, Anthropic): the envelope
 * `{"type":"error","error":{"type","message"[,"details"]},"request_id"}` with the `request-id` header, and
 * `retry-after` / `x-should-retry` where Anthropic sends them. Clients must classify by status,
 * `error.type` and `error.details.error_code`; the messages are Anthropic's own wording where it is known
 * (others are marked), so code that wrongly forwards or matches them is caught by tests.
 */

import { randomBytes } from "node:crypto";

/** The JSON body of an error answer. */
export interface AnthropicErrorBody {
  type: "error";
  error: { type: string; message: string; details?: Record<string, unknown> };
  request_id: string;
}

/** An error answer: HTTP status, body and the headers that come with it (besides `request-id`). */
export interface AnthropicError {
  httpStatus: number;
  body: AnthropicErrorBody;
  headers: Record<string, string>;
}

const base58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** An id as Anthropic writes them: a prefix, "01", and base58 characters, e.g. "req_011CaJCR7Pm2Jh2LbWpBH5Y6". */
export function anthropicId(prefix: "req" | "msg"): string {
  const characters = Array.from(randomBytes(22), (byte) => base58[byte % base58.length]).join("");
  return `${prefix}_01${characters}`;
}

function anthropicError(
  httpStatus: number,
  type: string,
  message: string,
  { details, headers = {} }: { details?: Record<string, unknown>; headers?: Record<string, string> } = {},
): AnthropicError {
  return {
    httpStatus,
    body: { type: "error", error: { type, message, ...(details ? { details } : {}) }, request_id: anthropicId("req") },
    headers,
  };
}

/** Anthropic's errors say whether a retry can help; the SDK obeys it. */
const doNotRetry = { "x-should-retry": "false" };
const mayRetry = { "x-should-retry": "true" };

/** 401 for an unknown, revoked, expired or disabled key, and for every key that is not an API key. */
export const invalidKeyError = (): AnthropicError => anthropicError(401, "authentication_error", "invalid x-api-key", { headers: doNotRetry });

/** 401 for a request with no key at all. */
export const missingKeyError = (): AnthropicError =>
  anthropicError(401, "authentication_error", "x-api-key header is required", { headers: doNotRetry });

/** 401 for a Claude subscription OAuth token sent as an API key. */
export const oauthNotSupportedError = (): AnthropicError =>
  anthropicError(401, "authentication_error", "OAuth authentication is currently not supported.", { headers: doNotRetry });

/** 400 for an organization Anthropic has put on hold (trust and safety). The message text is made up: unconfirmed. */
export const organizationOnHoldError = (): AnthropicError =>
  anthropicError(400, "invalid_request_error", "This organization has been disabled.", {
    details: { error_code: "organization_on_hold" },
    headers: doNotRetry,
  });

/** 403: the key may not use the resource (a workspace restriction). Message as Anthropic's errors page describes it. */
export const permissionError = (): AnthropicError =>
  anthropicError(403, "permission_error", "Your API key does not have permission to use the specified resource.", { headers: doNotRetry });

/** 404 for a model Anthropic does not serve, or not to this key. */
export const modelNotFoundError = (model: string): AnthropicError =>
  anthropicError(404, "not_found_error", `model: ${model}`, { headers: doNotRetry });

/** 404 for a path the API does not have. */
export const pathNotFoundError = (): AnthropicError => anthropicError(404, "not_found_error", "Not Found", { headers: doNotRetry });

/** 400 for a credit balance too low: no code, same type as a malformed request. */
export const creditTooLowError = (): AnthropicError =>
  anthropicError(
    400,
    "invalid_request_error",
    "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.",
    { headers: doNotRetry },
  );

/** 400 for the organization's (or workspace's) own spend limit: no code either. */
export function usageLimitError(now = new Date()): AnthropicError {
  return anthropicError(
    400,
    "invalid_request_error",
    `You have reached your specified API usage limits. You will regain access on ${firstOfNextMonth(now)} at 00:00 UTC.`,
    { headers: doNotRetry },
  );
}

/** 402 for a billing problem. The message text is made up: unconfirmed. */
export const billingError = (): AnthropicError =>
  anthropicError(402, "billing_error", "There is an issue with your account's billing. Please check your payment details in the Console.", {
    headers: doNotRetry,
  });

/** 429 for a usage tier's monthly spend cap: a code, and no `retry-after` (nothing to wait for within minutes). */
export function spendLimitError(now = new Date()): AnthropicError {
  return anthropicError(
    429,
    "rate_limit_error",
    `You have reached your API usage limits: your organization has crossed its monthly API usage threshold, set based on your organization's API tier. You will regain access on ${firstOfNextMonth(now)} at 00:00 UTC.`,
    { details: { error_code: "enforced_spend_limit_reached" }, headers: doNotRetry },
  );
}

/** Seconds a rate-limited key is told to wait. */
export const rateLimitRetryAfterSeconds = 7;

/** 429 for a per-minute rate limit, with `retry-after` and the rate-limit headers. */
export function rateLimitError(now = new Date()): AnthropicError {
  const reset = new Date(now.getTime() + rateLimitRetryAfterSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  return anthropicError(
    429,
    "rate_limit_error",
    "This request would exceed the rate limit for your organization of 50 requests per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits. You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.",
    {
      headers: {
        ...mayRetry,
        "retry-after": String(rateLimitRetryAfterSeconds),
        "anthropic-ratelimit-requests-limit": "50",
        "anthropic-ratelimit-requests-remaining": "0",
        "anthropic-ratelimit-requests-reset": reset,
      },
    },
  );
}

/** 500 for an error of Anthropic's own. */
export const apiError = (): AnthropicError => anthropicError(500, "api_error", "Internal server error", { headers: mayRetry });

/** 529 when Anthropic's API is overloaded for everyone. */
export const overloadedError = (): AnthropicError => anthropicError(529, "overloaded_error", "Overloaded", { headers: mayRetry });

/** 504 when processing timed out. The message text is made up: unconfirmed. */
export const timeoutError = (): AnthropicError => anthropicError(504, "timeout_error", "Request timed out", { headers: mayRetry });

/** 400 for a request Anthropic refuses as malformed: `message` is what Anthropic says of it. */
export const invalidRequestError = (message: string): AnthropicError => anthropicError(400, "invalid_request_error", message, { headers: doNotRetry });

function firstOfNextMonth(now: Date): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
}
