/**
 * Error answers shaped exactly like the Generative Language API's (see docs/gemini-api.md). Clients
 * must classify by `error.status` and
 * `error.details[].reason`; the messages are Google's own wording so that code which wrongly
 * forwards them is caught by tests.
 */

import { createHash } from "node:crypto";

/** One `google.rpc.Status` detail, keyed by its `@type`. */
export type ErrorDetail = { "@type": string } & Record<string, unknown>;

/** The JSON body of an error answer. */
export interface GoogleErrorBody {
  error: { code: number; message: string; status: string; details?: ErrorDetail[] };
}

/** An error answer: HTTP status and body. */
export interface GoogleError {
  httpStatus: number;
  body: GoogleErrorBody;
}

const service = "generativelanguage.googleapis.com";

function googleError(code: number, status: string, message: string, details?: ErrorDetail[]): GoogleError {
  return { httpStatus: code, body: { error: { code, message, status, ...(details ? { details } : {}) } } };
}

function localizedMessage(message: string): ErrorDetail {
  return { "@type": "type.googleapis.com/google.rpc.LocalizedMessage", locale: "en-US", message };
}

/** A stable, made-up project number for a key, as Google names the key's project in `consumer`. */
function consumerProject(apiKey: string): string {
  const digits = BigInt(`0x${createHash("sha256").update(apiKey).digest("hex").slice(0, 12)}`) % 10n ** 12n;
  return `projects/${digits.toString().padStart(12, "1")}`;
}

function apiKeyInvalid(message: string): GoogleError {
  return googleError(400, "INVALID_ARGUMENT", message, [
    {
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: "API_KEY_INVALID",
      domain: "googleapis.com",
      metadata: { service },
    },
    localizedMessage(message),
  ]);
}

/** 400 for a key Google does not know (also what a mistyped key gets). */
export const invalidKeyError = (): GoogleError => apiKeyInvalid("API key not valid. Please pass a valid API key.");

/** 400 for an expired key: same shape as an invalid one, other message. */
export const expiredKeyError = (): GoogleError => apiKeyInvalid("API key expired. Please renew the API key.");

/**
 * 401 for a key of a type the API does not take (standard keys around the 2026 cut-off, auth keys of
 * projects not yet enabled for them). The message talks about OAuth, which is not the fix: a new key is.
 */
export function accessTokenTypeUnsupportedError(methodName: string): GoogleError {
  return googleError(
    401,
    "UNAUTHENTICATED",
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
    [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: "ACCESS_TOKEN_TYPE_UNSUPPORTED",
        metadata: { method: methodName, service },
      },
    ],
  );
}

/** 403 for a key whose API restrictions exclude this API; `methodName` is the gRPC method called. */
export function serviceBlockedError(apiKey: string, methodName: string): GoogleError {
  const message = `Requests to this API ${service} method ${methodName} are blocked.`;
  return googleError(403, "PERMISSION_DENIED", message, [
    {
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: "API_KEY_SERVICE_BLOCKED",
      domain: "googleapis.com",
      metadata: { consumer: consumerProject(apiKey), service, apiName: service, methodName },
    },
    localizedMessage(message),
  ]);
}

/**
 * 403 for a suspended key. Google's message names the key itself and a DebugInfo repeats it, which
 * is why nothing upstream may ever be shown to a user or written to a log verbatim.
 */
export function consumerSuspendedError(apiKey: string): GoogleError {
  const message = `Permission denied: Consumer 'api_key:${apiKey}' has been suspended.`;
  return googleError(403, "PERMISSION_DENIED", message, [
    {
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: "CONSUMER_SUSPENDED",
      domain: "googleapis.com",
      metadata: { consumer: consumerProject(apiKey), service },
    },
    localizedMessage(message),
    {
      "@type": "type.googleapis.com/google.rpc.DebugInfo",
      detail: `[ORIGINAL ERROR] generic::permission_denied: ${message} [google.rpc.error_details_ext] { message: "${message}" }`,
    },
  ]);
}

/** 429 for an exhausted per-minute free-tier quota; `RetryInfo.retryDelay` is "59s" as in Google's answers. */
export function quotaExceededError(model: string): GoogleError {
  return googleError(
    429,
    "RESOURCE_EXHAUSTED",
    "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
    [
      {
        "@type": "type.googleapis.com/google.rpc.QuotaFailure",
        violations: [
          {
            quotaMetric: `${service}/generate_content_free_tier_requests`,
            quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
            quotaDimensions: { location: "global", model },
            quotaValue: "10",
          },
        ],
      },
      {
        "@type": "type.googleapis.com/google.rpc.Help",
        links: [{ description: "Learn more about Gemini API quotas", url: "https://ai.google.dev/gemini-api/docs/rate-limits" }],
      },
      { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "59s" },
    ],
  );
}

/** 500, no details. */
export const internalError = (): GoogleError =>
  googleError(
    500,
    "INTERNAL",
    "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
  );

/**
 * 503 UNAVAILABLE for a model in high demand (the answer `gemini-flash-latest` was reported giving at peak,
 * docs/gemini-api.md): a busy model, no details.
 */
export const highDemandError = (): GoogleError =>
  googleError(503, "UNAVAILABLE", "This model is currently experiencing high demand. Spikes in demand are usually temporary. Please try again later.");

/** 503, no details. */
export const overloadedError = (): GoogleError =>
  googleError(503, "UNAVAILABLE", "The model is overloaded. Please try again later.");

/** 403 for a request without any key, no details. */
export const missingKeyError = (): GoogleError =>
  googleError(
    403,
    "PERMISSION_DENIED",
    "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
  );

/** 404 for a model this API does not serve. */
export const modelNotFoundError = (model: string, apiVersion: string, method: string): GoogleError =>
  googleError(
    404,
    "NOT_FOUND",
    `models/${model} is not found for API version ${apiVersion}, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`,
  );

/** 400 for a generation config Google refuses: both a thinking level and a thinking budget, or a level for a 2.5 model. */
export const invalidThinkingConfigError = (message: string): GoogleError => googleError(400, "INVALID_ARGUMENT", message);

/** 404 for a path this API does not have. */
export const pathNotFoundError = (path: string): GoogleError =>
  googleError(404, "NOT_FOUND", `The requested URL ${path} was not found on this server.`);

/** 400 for a request body that is not JSON. */
export const invalidJsonPayloadError = (): GoogleError =>
  googleError(400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unexpected token.");

/** 400 for a `pageToken` this server did not hand out. */
export const invalidPageTokenError = (): GoogleError =>
  googleError(400, "INVALID_ARGUMENT", "Invalid page token.");
